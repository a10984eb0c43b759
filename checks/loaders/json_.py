"""JSON reader: a top-level array of objects (streamed) or one object (one document).

An array is streamed: a small scanner reads the file in 1 MiB chunks and finds where each
top-level element starts and ends (regexes skip strings and plain bytes in C; Python only sees
brackets and top-level commas), then hands each element alone to ``orjson``. Memory holds one
chunk (see ``_window``) plus the current element, so arrays of any length load, and every
element gets the line where it starts (~100 MB/s; JSON Lines is faster for big dumps).
An element orjson rejects is reported at its line and column and the scan goes on; a broken
array structure (no closing ``]``, data after it) ends the file. A single top-level object is
one document and is loaded whole, up to the record size limit (a bigger one is unreadable).
An array element past that limit is unreadable too: once the bytes held for it pass the limit
it is scanned on to its end one chunk at a time (a string in it too) and never held, so memory
stays near the limit plus a chunk whatever the element's size; the record carries its byte
span so that ``clean`` copies it through from the input. Data after the array is never read
into memory either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack

import orjson

from ..documents import Document, Loaded, UnreadableRecord
from ._common import (
    STREAM_ERRORS,
    TOO_DEEP,
    UTF8_BOM,
    UTF16_BOMS,
    UTF16_MESSAGE,
    cannot_read,
    corrupt,
    json_kind,
    max_record_bytes,
    may_be_too_deep,
    nested,
    open_binary,
    record_id,
    shown,
    too_deep,
    too_long,
)
from ._window import SPACE, Window

CHUNK = 1 << 20

# Skip everything up to the next structural byte, whole strings included, in one C call; a
# string that runs past the buffer is left unconsumed (the skip stops at its quote). Inside an
# element only brackets matter; at the array's own level commas end elements too.
_STRING = rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"'
_SKIP_INSIDE = re.compile(rb'[^"\[\]{}]*+(?:' + _STRING + rb'[^"\[\]{}]*+)*+', re.S)
_SKIP_TOP = re.compile(rb'[^"\[\]{},]*+(?:' + _STRING + rb'[^"\[\]{},]*+)*+', re.S)
_OPEN, _CLOSE, _QUOTE, _COMMA = b"[{", b"]}", ord('"'), ord(",")
# The rest of a string whose opening quote was passed: up to its closing quote, or to the end
# of the buffer (stopping before a final backslash, whose escaped byte is in the next chunk).
_STRING_REST = re.compile(rb'[^"\\]*+(?:\\.[^"\\]*+)*+', re.S)


def read(path: str, id_field: str | None = None) -> Iterator[Loaded]:
    """Yield the objects of a JSON file: each element of a top-level array, or the one object."""
    name = shown(path)
    with ExitStack() as stack:
        try:
            stream = open_binary(path, stack)
        except OSError as exc:
            yield cannot_read(name, exc)
            return
        win = Window(stream, CHUNK)
        try:
            yield from _parse(win, name, id_field)
        except STREAM_ERRORS as exc:
            yield corrupt(name, win.line_at(len(win.buf)), exc)


def _parse(win: Window, name: str, id_field: str | None) -> Iterator[Loaded]:
    while len(win.buf) < len(UTF8_BOM) and win.more(0):
        pass  # a short read must not hide a BOM
    if win.buf[:2] in UTF16_BOMS:
        yield UnreadableRecord(name, 0, UTF16_MESSAGE)
        return
    pos = win.skip_space(len(UTF8_BOM) if win.buf.startswith(UTF8_BOM) else 0)
    first = win.buf[pos : pos + 1]
    if first == b"[":
        yield from _array(win, pos + 1, name, id_field)
    elif first == b"{":
        line = win.line_at(pos)
        limit = max_record_bytes()
        data = win.buf[pos:]
        data += win.stream.read(max(0, limit + 1 - len(data)))
        if len(data) > limit:
            yield UnreadableRecord(name, line, too_long("object", limit, "bigger"))
            return
        try:
            obj = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            lines = "after document" in exc.msg
            hint = "; one object per line? name the file .jsonl or use --format jsonl"
            yield _invalid(win, pos, exc, name, hint if lines else "")
            return
        if type(obj) is dict and nested(obj) and too_deep(obj):
            yield UnreadableRecord(name, line, TOO_DEEP)
            return
        source = f"{name}:{line}"
        yield Document(record_id(obj, id_field, source) if id_field else source, name, line, obj)
    elif first:
        yield UnreadableRecord(
            name, win.line_at(pos), "expected a JSON array of objects or one JSON object"
        )


def _array(win: Window, pos: int, name: str, id_field: str | None) -> Iterator[Loaded]:
    start, depth, index, last_line = pos, 1, 0, 0
    buf, skip_inside, skip_top = win.buf, _SKIP_INSIDE.match, _SKIP_TOP.match
    limit = max_record_bytes()
    while True:
        pos = (skip_inside if depth > 1 else skip_top)(buf, pos).end()  # type: ignore[union-attr]
        if pos == len(buf) or buf[pos] == _QUOTE:
            # The next structural byte, or the end of a string, lies beyond the buffer.
            begin = SPACE.match(buf, start).end()  # type: ignore[union-attr]
            if begin == len(buf):
                start = begin  # only spaces so far: nothing to keep
            elif len(buf) - begin > limit and (
                _text_size(buf, begin, len(buf)) > limit or len(buf) - begin > 2 * limit
            ):
                # The element is past the record limit: it is scanned on to its end without
                # being held, and reported (and copied by ``clean``) by its place in the file.
                big = _too_big(win, begin, index, name, limit)
                try:
                    ended = _skip_element(win, pos, depth)
                except STREAM_ERRORS as exc:
                    yield replace_span(big, "tail", None)
                    yield corrupt(name, win.line_at(len(win.buf)), exc)
                    return
                if ended is None:
                    yield replace_span(big, "tail", None)
                    return
                pos, char = ended
                yield replace_span(big, "element", win.base + pos - 1)
                buf, last_line = win.buf, 0
                index, start, depth = index + 1, pos, 0 if char in _CLOSE else 1
                if not depth:
                    yield from _after_array(win, pos, char, name)
                    return
                continue
            try:
                more = win.more(start, limit + 1 - (len(buf) - start))
            except STREAM_ERRORS as exc:
                # A truncated gzip: what was decompressed of the element is kept for ``clean``.
                bad = corrupt(name, win.line_at(len(buf)), exc)
                yield UnreadableRecord(name, bad.line, bad.message, bytes(buf[start:]), "tail")
                return
            if not more:
                line = win.line_at(len(buf))
                tail = bytes(buf[start:])
                yield UnreadableRecord(
                    name, line, "file ends inside the array; truncated?", tail, "tail"
                )
                return
            buf, pos, start = win.buf, pos - start, 0
            continue
        char = buf[pos]
        pos += 1
        if char in _OPEN:
            depth += 1
            continue
        if char in _CLOSE:
            depth -= 1
            if depth:
                continue
        # A comma or the closing bracket at the array's own level ends an element.
        end = pos - 1
        begin = SPACE.match(buf, start, end).end()  # type: ignore[union-attr]
        if end - begin > limit and _text_size(buf, begin, end) > limit:
            big = _too_big(win, begin, index, name, limit)
            yield replace_span(big, "element", win.base + begin + _text_size(buf, begin, end))
            last_line = big.line
        elif begin < end:
            line = win.line_at(begin)
            yield _element(win, begin, end, name, id_field, index, line, line == last_line)
            last_line = line
        elif char == _COMMA or index:
            message = "empty array element (stray comma?)"
            yield UnreadableRecord(name, win.line_at(end), message, b"", "element")
        index, start = index + 1, pos
        if not depth:
            yield from _after_array(win, pos, char, name)
            return


def _text_size(buf: bytes, begin: int, end: int) -> int:
    """The size of ``buf[begin:end]`` without the spaces at its end (before a comma)."""
    while end > begin and buf[end - 1] in b" \t\r\n":
        end -= 1
    return end - begin


def _too_big(win: Window, begin: int, index: int, name: str, limit: int) -> UnreadableRecord:
    """The record for an array element past the record limit, placed at its first byte."""
    line, col = win.line_at(begin), win.col_at(begin)
    what = f"array element {index} (starting at column {col})"
    message = too_long(what, limit, "bigger")
    return UnreadableRecord(name, line, message, None, "element", (win.base + begin, None))


def replace_span(record: UnreadableRecord, kind: str, end: int | None) -> UnreadableRecord:
    """``record`` as a ``kind`` record whose bytes end at stream offset ``end``."""
    assert record.span is not None
    return UnreadableRecord(
        record.path, record.line, record.message, None, kind, (record.span[0], end)
    )


def _skip_element(win: Window, pos: int, depth: int) -> tuple[int, int] | None:
    """Scan on from ``win.buf[pos]`` inside an element at ``depth`` without keeping it.

    Returns the position after the comma or bracket that ends the element and that byte, or
    None when the file ends first. Only the current chunk is held: a string is skipped in
    pieces too (its state is one flag; an escape split across chunks is kept for the next).
    """
    in_string = False
    while True:
        buf = win.buf
        if in_string:
            end = _STRING_REST.match(buf, pos).end()  # type: ignore[union-attr]
            if end < len(buf) and buf[end] == _QUOTE:
                pos, in_string = end + 1, False
                continue
            if not win.more(end, win.chunk):
                return None
            pos = 0
            continue
        skip = _SKIP_INSIDE if depth > 1 else _SKIP_TOP
        pos = skip.match(buf, pos).end()  # type: ignore[union-attr]
        if pos == len(buf):
            if not win.more(pos, win.chunk):
                return None
            pos = 0
            continue
        char = buf[pos]
        pos += 1
        if char == _QUOTE:
            in_string = True
        elif char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
            if not depth:
                return pos, char
        elif depth == 1:  # a comma at the array's own level
            return pos, char


def _element(
    win: Window,
    begin: int,
    end: int,
    name: str,
    id_field: str | None,
    index: int,
    line: int,
    shared: bool,
) -> Loaded:
    try:
        obj = orjson.loads(win.buf[begin:end])
    except orjson.JSONDecodeError as exc:
        bad = _invalid(win, begin, exc, name)
        return UnreadableRecord(bad.path, bad.line, bad.message, win.buf[begin:end], "element")
    if type(obj) is not dict:
        message = f"array element {index} is a JSON {json_kind(obj)}, expected an object"
        return UnreadableRecord(name, line, message, win.buf[begin:end], "element")
    if nested(obj) and may_be_too_deep(win.buf, begin, end) and too_deep(obj):
        return UnreadableRecord(name, line, TOO_DEEP, win.buf[begin:end], "element")
    # Elements sharing a line (minified arrays) would share path:line; the index keeps ids unique.
    source = f"{name}:{line}#{index}" if shared else f"{name}:{line}"
    return Document(record_id(obj, id_field, source) if id_field else source, name, line, obj)


def _after_array(win: Window, pos: int, closer: int, name: str) -> Iterator[Loaded]:
    # What follows the array is never read into memory: ``clean`` copies it through from the
    # input by its offset (the closing bracket included), however much there is.
    closed_at = win.base + pos - 1
    if closer != ord("]"):
        message = "'}' closes the array; expected ']'"
        yield UnreadableRecord(
            name, win.line_at(pos - 1), message, None, "after", (closed_at, None)
        )
        return
    pos = win.skip_space(pos)
    if pos < len(win.buf):
        line, col = win.line_at(pos), win.col_at(pos)
        message = f"unexpected data after the array at column {col}"
        yield UnreadableRecord(name, line, message, None, "after", (closed_at, None))


def _invalid(
    win: Window, begin: int, exc: orjson.JSONDecodeError, name: str, hint: str = ""
) -> UnreadableRecord:
    """Place orjson's error (relative to the parsed slice) in the file."""
    line = win.line_at(begin) + exc.lineno - 1
    if "depth limit" in exc.msg:
        return UnreadableRecord(name, win.line_at(begin), TOO_DEEP)
    col = win.col_at(begin) + exc.colno - 1 if exc.lineno == 1 else exc.colno
    return UnreadableRecord(name, line, f"invalid JSON at column {col}: {exc.msg}{hint}")
