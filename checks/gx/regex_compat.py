"""Rewrite an RE2 pattern into one that means the same to Python ``re`` and to RE2 inside pyarrow.

Great Expectations on pandas searches with ``Series.str.contains``: pandas sends a pattern to
pyarrow (RE2) when it can and falls back to Python ``re`` otherwise, promising Python semantics
either way. Our verdicts come from RE2 on the original pattern, so the rewrite must mean the same
in all three places. Where the dialects differ we spell the RE2 meaning out:

* ``\\d \\w \\s`` (and negations) are ASCII in RE2, Unicode in Python: written as ASCII classes
  (RE2's ``\\s`` is ``[\\t\\n\\f\\r ]``, without ``\\v``);
* ``\\b`` is ASCII in RE2: written with look-around on ASCII word characters (Python only;
  pandas would route look-around to Python's backtracking ``re``, so such a rewrite is never
  given to GX: ``Builder.re2_decides`` has RE2 search the original into a prepared column);
* ``$`` without ``(?m)`` is the end of text in RE2 but also matches before a final newline in
  Python: written ``\\Z``; RE2's ``\\z`` is Python's ``\\Z``;
* ``(?i)`` folds ``i``/``I`` with dotless ``ı`` and dotted ``İ`` in Python only: those letters
  and classes are pinned to RE2's folding;
* a flag group ``(?i)`` in mid-pattern (RE2: until the end of the group) becomes scoped
  ``(?i:...)`` groups, closed at every ``|`` and ``)``;
* ``{,n}`` is a literal in RE2 but a repetition in Python: escaped.

Constructs with no faithful spelling are refused with the reason and the offset:
``\\p{..}`` classes, ``\\Q..\\E``, ``\\C``, ``(?U)``, numeric escapes, POSIX ``[[:alpha:]]``,
negated Perl classes inside brackets, and ``\\B`` (RE2 tests it between UTF-8 bytes, so it also
holds inside a multi-byte character such as a no-break space, which no Python spelling can say).
"""

from __future__ import annotations

import importlib
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

from ..regex import PatternError, compile_pattern

# Characters whose case-insensitive matching differs between Python re and RE2 (measured over
# every code point: only the dotted/dotless i family); K and ſ are probed to be sure.
FOLD_PROBE = "iIıİkKKsSſ"
_ASCII_WORD = "0-9A-Za-z_"
_RE2_SPACE = "\\t\\n\\f\\r "
_PERL = {"d": "0-9", "w": _ASCII_WORD, "s": _RE2_SPACE}
_WORD_CLASS = f"[{_ASCII_WORD}]"
_BOUNDARY = f"(?-i:(?:(?<={_WORD_CLASS})(?!{_WORD_CLASS})|(?<!{_WORD_CLASS})(?={_WORD_CLASS})))"
_SPECIAL = frozenset("\\.^$*+?{}[]|()#")
_CLASS_SPECIAL = frozenset("\\]^-[&~|")
_SIMPLE_ESCAPES = {"a": "\a", "f": "\f", "t": "\t", "n": "\n", "r": "\r", "v": "\v"}
_REPEAT = re.compile(r"\{[0-9]+(?:,[0-9]*)?\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_END_ANCHOR = re.compile(r"(?<!\\)((?:\\\\)*)\\Z")


class IncompatiblePattern(ValueError):
    """A pattern Python ``re`` cannot mirror; ``offset`` points at the construct."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass
class _Frame:
    flags: frozenset[str]
    # Scoped flag groups opened by a mid-group '(?i)': closed at '|' and at the group's end.
    wrappers: int = 0


@dataclass
class _Translation:
    pattern: str
    out: list[str] = field(default_factory=list)
    pos: int = 0
    python_only: bool = False


def _flag_spec(flags: frozenset[str]) -> str:
    on = "".join(f for f in "ims" if f in flags)
    off = "".join(f for f in "ims" if f not in flags)
    return on + ("-" + off if off else "")


def _literal(ch: str) -> str:
    if ch in _SPECIAL:
        return "\\" + ch
    if ord(ch) < 0x20 or ch == "\x7f":
        return f"\\x{ord(ch):02x}"
    return ch


def _class_char(ch: str) -> str:
    if ch in _CLASS_SPECIAL:
        return "\\" + ch
    if ord(ch) < 0x20 or ch == "\x7f":
        return f"\\x{ord(ch):02x}"
    return ch


def _fold_literal(ch: str, flags: frozenset[str]) -> str:
    if "i" in flags and ch in "iI":
        return "(?-i:[iI])"
    if "i" in flags and ch in "ıİ":
        return f"(?-i:{ch})"
    return _literal(ch)


class _Translator:
    def __init__(self, pattern: str) -> None:
        self.t = _Translation(pattern)
        self.frames = [_Frame(frozenset())]

    @property
    def flags(self) -> frozenset[str]:
        return self.frames[-1].flags

    def fail(self, message: str, offset: int) -> IncompatiblePattern:
        return IncompatiblePattern(message, offset)

    def run(self) -> str:
        p, t = self.t.pattern, self.t
        while t.pos < len(p):
            ch = p[t.pos]
            if ch == "\\":
                self.escape()
            elif ch == "[":
                self.char_class()
            elif ch == "(":
                self.open_group()
            elif ch == ")":
                self.close_group()
            elif ch == "|":
                self.alternate()
            elif ch == "$":
                t.out.append("$" if "m" in self.flags else "\\Z")
                t.pos += 1
            elif ch in "^.*+?":
                t.out.append(ch)
                t.pos += 1
            elif ch == "{":
                m = _REPEAT.match(p, t.pos)
                t.out.append(m.group(0) if m else "\\{")
                t.pos = m.end() if m else t.pos + 1
            else:
                t.out.append(_fold_literal(ch, self.flags))
                t.pos += 1
        self.close_wrappers(self.frames[-1])
        return "".join(t.out)

    def escape(self) -> None:
        p, t = self.t.pattern, self.t
        start = t.pos
        if start + 1 >= len(p):
            raise self.fail("trailing backslash", start)
        c = p[start + 1]
        t.pos = start + 2
        if c in "dwsDWS":
            negate = "^" if c.isupper() else ""
            t.out.append(self.pin_folding(p[start : t.pos], f"[{negate}{_PERL[c.lower()]}]"))
        elif c == "b":
            t.out.append(_BOUNDARY)
            t.python_only = True
        elif c == "B":
            # RE2 tests \B between UTF-8 bytes: it holds inside any multi-byte character.
            raise self.fail("\\B matches inside multi-byte characters in RE2 only", start)
        elif c == "A":
            t.out.append("\\A")
        elif c == "z":
            t.out.append("\\Z")
        else:
            t.out.append(_fold_literal(self.escaped_char(start, in_class=False), self.flags))

    def escaped_char(self, start: int, *, in_class: bool) -> str:
        """The character an escape at ``start`` denotes; advances past it."""
        p, t = self.t.pattern, self.t
        c = p[start + 1]
        t.pos = start + 2
        if c in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[c]
        if c == "x":
            if p.startswith("{", t.pos):
                close = p.find("}", t.pos)
                digits = p[t.pos + 1 : close] if close > 0 else ""
                t.pos = close + 1
            else:
                digits = p[t.pos : t.pos + 2]
                t.pos += 2
            try:
                return chr(int(digits, 16))
            except ValueError:
                raise self.fail(f"bad hex escape {p[start : t.pos]!r}", start) from None
        if c in "pP":
            raise self.fail(
                f"Unicode class {p[start : start + 3]!r}... is not supported by Python's re; "
                "list the characters in a [...] class",
                start,
            )
        if c == "Q":
            raise self.fail("'\\Q...\\E' quoting is RE2-only; escape each character instead", start)
        if c == "C":
            raise self.fail("'\\C' (any byte) has no Python equivalent", start)
        if c.isdigit():
            raise self.fail(
                f"numeric escape {p[start : start + 2]!r} differs between RE2 and Python "
                "(octal or back-reference); write \\xHH",
                start,
            )
        if c.isascii() and c.isalnum():
            where = " inside [...]" if in_class else ""
            raise self.fail(f"escape {p[start : start + 2]!r}{where} has no common meaning", start)
        return c

    def char_class(self) -> None:
        p, t = self.t.pattern, self.t
        start = t.pos
        t.pos += 1
        negated = p.startswith("^", t.pos)
        t.pos += 1 if negated else 0
        items: list[str] = []
        perl_negated: list[str] = []
        first = True
        while True:
            if t.pos >= len(p):
                raise self.fail("unterminated [...] class", start)
            ch = p[t.pos]
            if ch == "]" and not first:
                t.pos += 1
                break
            first = False
            if p.startswith("[:", t.pos):
                raise self.fail(
                    f"POSIX class {p[t.pos : p.find(']', t.pos) + 1]!r} is RE2-only; "
                    "spell the characters out",
                    t.pos,
                )
            if ch == "\\" and t.pos + 1 < len(p) and p[t.pos + 1] in "dwsDWS":
                c = p[t.pos + 1]
                if c.islower():
                    items.append(_PERL[c])
                else:
                    perl_negated.append(c)
                t.pos += 2
                continue
            low = self.class_char()
            if p.startswith("-", t.pos) and t.pos + 1 < len(p) and p[t.pos + 1] != "]":
                t.pos += 1
                high = self.class_char()
                items.append(f"{_class_char(low)}-{_class_char(high)}")
            else:
                items.append(_class_char(low))
        if perl_negated:
            if items or len(perl_negated) > 1:
                raise self.fail(
                    "a negated Perl class (\\D, \\W, \\S) inside [...] with other members "
                    "has no common spelling; split the class",
                    start,
                )
            body = f"[{'' if negated else '^'}{_PERL[perl_negated[0].lower()]}]"
        else:
            body = f"[{'^' if negated else ''}{''.join(items)}]"
        self.t.out.append(self.pin_folding(p[start : t.pos], body))

    def class_char(self) -> str:
        p, t = self.t.pattern, self.t
        if p[t.pos] == "\\":
            return self.escaped_char(t.pos, in_class=True)
        t.pos += 1
        return p[t.pos - 1]

    def pin_folding(self, original: str, translated: str) -> str:
        """Under (?i), make Python fold the probe letters exactly as RE2 folds them."""
        if "i" not in self.flags:
            return translated
        spec = _flag_spec(self.flags)
        re2_class = compile_pattern(f"(?{spec}:{original})")
        py_class = re.compile(f"(?{spec}:{translated})")
        python_extra = "".join(
            c for c in FOLD_PROBE if py_class.fullmatch(c) and not re2_class.fullmatch(c)
        )
        re2_extra = "".join(
            c for c in FOLD_PROBE if re2_class.fullmatch(c) and not py_class.fullmatch(c)
        )
        if not python_extra and not re2_extra:
            return translated
        out = translated
        if python_extra:
            # The look-ahead's own class must not fold, or it would exclude 'i' as well.
            out = f"(?!(?-i:[{python_extra}])){translated}"
            self.t.python_only = True
        if re2_extra:
            out = f"{out}|(?-i:[{re2_extra}])"
        return f"(?:{out})"

    def open_group(self) -> None:
        p, t = self.t.pattern, self.t
        start = t.pos
        if not p.startswith("(?", start):
            t.out.append("(")
            t.pos += 1
            self.frames.append(_Frame(self.flags))
            return
        if p.startswith("(?P<", start) or p.startswith("(?<", start):
            name_at = start + (4 if p.startswith("(?P<", start) else 3)
            m = _NAME.match(p, name_at)
            if m is None or not p.startswith(">", m.end()):
                raise self.fail("bad group name", start)
            t.out.append(f"(?P<{m.group(0)}>")
            t.pos = m.end() + 1
            self.frames.append(_Frame(self.flags))
            return
        end = start + 2
        while end < len(p) and p[end] not in ":)":
            end += 1
        spec = p[start + 2 : end]
        if end >= len(p) or not re.fullmatch(r"[imsU]*(?:-[imsU]*)?", spec):
            raise self.fail(f"group {p[start : end + 1]!r} has no common meaning", start)
        if "U" in spec:
            raise self.fail("the ungreedy flag (?U) is RE2-only; use lazy quantifiers", start)
        on, _, off = spec.partition("-")
        flags = (self.flags | set(on)) - set(off)
        t.pos = end + 1
        if p[end] == ":":
            t.out.append(f"(?{_flag_spec(flags)}:" if spec else "(?:")
            self.frames.append(_Frame(flags))
            return
        # '(?i)' sets flags until the end of the enclosing group, across '|'.
        frame = self.frames[-1]
        frame.flags = flags
        frame.wrappers += 1
        t.out.append(f"(?{_flag_spec(flags)}:")

    def close_wrappers(self, frame: _Frame) -> None:
        self.t.out.append(")" * frame.wrappers)

    def close_group(self) -> None:
        if len(self.frames) == 1:
            raise self.fail("unbalanced ')'", self.t.pos)
        self.close_wrappers(self.frames.pop())
        self.t.out.append(")")
        self.t.pos += 1

    def alternate(self) -> None:
        frame = self.frames[-1]
        self.close_wrappers(frame)
        self.t.out.append("|")
        self.t.pos += 1
        if frame.wrappers:
            frame.wrappers = 1
            self.t.out.append(f"(?{_flag_spec(frame.flags)}:")


@dataclass(frozen=True)
class Translated:
    """A pattern rewritten for Python ``re``; ``python_only``: pandas must not give it to RE2."""

    source: str
    python: str
    python_only: bool


def translate(pattern: str) -> Translated:
    """Rewrite an RE2 pattern for Python ``re``, or raise :class:`IncompatiblePattern`."""
    try:
        compile_pattern(pattern)
    except PatternError as exc:
        raise IncompatiblePattern(str(exc), 0) from None
    translator = _Translator(pattern)
    python = translator.run()
    with warnings.catch_warnings():
        # A FutureWarning (possible set operation) means Python may change its mind later.
        warnings.simplefilter("error")
        try:
            re.compile(python)
        except (re.error, Warning) as exc:
            raise IncompatiblePattern(
                f"Python's re rejects the rewritten pattern: {exc}", 0
            ) from None
    if not translator.t.python_only:
        try:
            # pandas hands RE2 the pattern with Python's \Z spelled \z.
            compile_pattern(_END_ANCHOR.sub(r"\1\\z", python))
        except PatternError as exc:
            raise IncompatiblePattern(f"RE2 rejects the rewritten pattern: {exc}", 0) from None
    return Translated(pattern, python, translator.t.python_only)


def example_match(python: str) -> str | None:
    """A short string that ``python`` matches (searching), or None if none was found."""
    # Python's own parser gives the tree to walk; a wrong guess is caught by the search below.
    parser: Any = importlib.import_module("re._parser")
    try:
        guess = _example(list(parser.parse(python)))
    except (TypeError, ValueError, re.error):
        guess = None
    compiled = re.compile(python)
    for candidate in (guess, "", "a", "0", " ", "\n"):
        if candidate is not None and compiled.search(candidate):
            return candidate
    return None


_PICKS = "a0 _xA\n-."
_SRE: Any = importlib.import_module("re._constants")


def _example(items: list[Any]) -> str | None:
    c = _SRE
    out: list[str] = []
    for op, av in items:
        piece: str | None
        if op is c.LITERAL:
            piece = chr(av)
        elif op is c.NOT_LITERAL:
            piece = next(ch for ch in _PICKS if ord(ch) != av)
        elif op is c.ANY:
            piece = "a"
        elif op is c.IN:
            piece = _pick_in(av)
        elif op is c.BRANCH:
            branches = (_example(list(b)) for b in av[1])
            piece = next((b for b in branches if b is not None), None)
        elif op is c.SUBPATTERN:
            piece = _example(list(av[-1]))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, _, body = av
            inner = _example(list(body)) if low else ""
            piece = None if inner is None else inner * low
        elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            piece = ""
        else:
            piece = None
        if piece is None:
            return None
        out.append(piece)
    return "".join(out)


def _pick_in(members: list[Any]) -> str | None:
    c = _SRE
    negate = any(op is c.NEGATE for op, _ in members)
    literals = [chr(v) for op, v in members if op is c.LITERAL]
    ranges = [v for op, v in members if op is c.RANGE]
    if not negate:
        return next(iter(literals + [chr(lo) for lo, _ in ranges]), None) or (
            _PICKS[0] if members else None
        )
    for ch in _PICKS + "zZ9!":
        if ch not in literals and not any(lo <= ord(ch) <= hi for lo, hi in ranges):
            return ch
    return None
