"""Relaxed patterns: a cheap superset of a pattern, for a set that is confirmed by the original.

RE2 unrolls a bounded repetition: ``[^\\n]{0,400}`` becomes 400 copies of a UTF-8 class, and a
few of them in the shipped packs made up most of the cost of compiling a pack's set (about
0.1 s of every process, most of a one-document check). Widening ``{m,n}`` to ``{m,}`` gives a
pattern that matches wherever the original matches (and sometimes where it does not), so a set
of relaxed patterns can tell which patterns *may* hit, and the original, compiled alone on the
first text that needs it, confirms the few that do. The verdicts are the original patterns'.
"""

from __future__ import annotations

# Repetitions whose upper bound is below this stay as they are: unrolling them is cheap, and a
# relaxed pattern would only send more texts to the confirming pattern.
MIN_RELAXED_BOUND = 16


def relaxed(pattern: str) -> str | None:
    """``pattern`` with each large ``{m,n}`` repetition widened to ``{m,}``; None if unchanged.

    A small scanner, not a regex: escapes (``\\{``) and character classes (``[{0,99}]``) are
    skipped, and a pattern that quotes literal text (``\\Q...\\E``) is left alone.
    """
    if "{" not in pattern or "\\Q" in pattern:
        return None
    out: list[str] = []
    changed = False
    i, size = 0, len(pattern)
    in_class = False
    while i < size:
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if pattern.startswith("[:", i):  # a POSIX class such as [:alpha:] inside one
                end = pattern.find(":]", i + 2)
                if end >= 0:
                    out.append(pattern[i : end + 2])
                    i = end + 2
                    continue
            if char == "]":
                in_class = False
            out.append(char)
            i += 1
            continue
        if char == "[":
            in_class = True
            out.append(char)
            i += 1
            # A ']' right after '[' or '[^' is a literal member, not the end of the class.
            if pattern.startswith("^", i):
                out.append("^")
                i += 1
            if pattern.startswith("]", i):
                out.append("]")
                i += 1
            continue
        if char == "{":
            repetition = _bounded_repetition(pattern, i)
            if repetition is not None:
                low, high, end = repetition
                if high >= MIN_RELAXED_BOUND:
                    out.append(f"{{{low},}}")
                    changed = True
                    i = end
                    continue
        out.append(char)
        i += 1
    return "".join(out) if changed else None


def _bounded_repetition(pattern: str, start: int) -> tuple[int, int, int] | None:
    """``(m, n, end)`` when ``pattern[start:end]`` is ``{m,n}`` with digits only, else None."""
    close = pattern.find("}", start)
    if close < 0:
        return None
    low, comma, high = pattern[start + 1 : close].partition(",")
    if not comma or not low.isdigit() or not high.isdigit():
        return None
    if not low.isascii() or not high.isascii():
        return None
    return int(low), int(high), close + 1
