"""Decoding YAML and JSON with positions, and spans from the decoded nodes.

Every mapping, list and key comes back marked with start/end marks (0-based lines); YAML strings are marked
too. Numbers and booleans carry none, so a scalar attribute is located by its key, which is what a finding
points at anyway. YAML goes through our loader on PyYAML's parser (yaml_located: what cfn-lint's loader gave,
short-form tags included); JSON through our own decoder below, which gives the marks cfn-lint's JSON decoder
gave, in linear time.

Hostile input is refused with a DecodeError naming the limit before it can cost much: a YAML stream is
refused as its events are read, beyond MAX_NODES nodes once its aliases are expanded ("billion laughs"),
MAX_ALIASES aliases or MAX_DEPTH levels of nesting; JSON beyond MAX_DEPTH levels. No decoding problem
leaves these functions as anything but a DecodeError.
"""

from __future__ import annotations

import json
import re
import sys
from array import array
from bisect import bisect_right
from typing import Any

from ..model import Span

# YAML nodes once aliases are expanded (a template CloudFormation accepts is at most 1 MB, some 100,000 nodes).
MAX_NODES = 250_000
# YAML aliases (CloudFormation refuses them; SAM and `aws cloudformation package` expand them).
MAX_ALIASES = 10_000
# Levels of nesting, YAML or JSON: what the recursive readers can walk (cfn-lint's YAML constructor
# overflowed Python's stack at some 200).
MAX_DEPTH = 150


class DecodeError(Exception):
    def __init__(self, message: str, line: int, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = max(line, 1)
        self.column = max(column, 1)


def span_of(node: Any, file: str) -> Span | None:
    start = getattr(node, "start_mark", None)
    return None if start is None else _between(file, start, getattr(node, "end_mark", None))


def _between(file: str, start: Any, end: Any) -> Span:
    """The span from one 0-based mark to another (an end before the start, or none: the start alone)."""
    if end is None or end.line < start.line:
        return Span(file, start.line + 1, start.column + 1)
    return Span(file, start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def key_of(mapping: Any, name: Any) -> Any:
    """The key object of `name` in a decoded mapping, or None. A YAML key carries its marks; a JSON key
    is a plain string (its mapping knows where it was written: `key_span`).

    A mapping remembers an index of its keys once asked, so that reading many members of a wide mapping
    costs one pass over it, not one per member."""
    if not isinstance(mapping, dict) or name not in mapping:
        return None
    index = getattr(mapping, "_keys", None)
    if index is None or len(index) != len(mapping):
        index = {key: key for key in mapping}  # (a dict keeps the first key object of equal ones)
        try:
            mapping._keys = index  # type: ignore[attr-defined]
        except AttributeError:  # a plain dict: nothing to remember it on
            pass
    return index.get(name)


def key_span(mapping: Any, name: str, file: str, default: Span) -> Span:
    """Where the key `name` of a decoded mapping was written, else `default`."""
    if mapping.__class__ is MarkedDict:
        return mapping.key_span(name, file) or default
    return span_of(key_of(mapping, name), file) or default


# --- YAML -------------------------------------------------------------------------------------------------


def decode_yaml(text: str) -> Any:
    """YAML (CloudFormation short-form tags allowed) with marks, as cfn-lint's loader gave it (see
    yaml_located); DecodeError on a syntax error or beyond a limit."""
    from .yaml_located import YamlDecodeError, load_yaml  # (PyYAML: 30 ms a run without YAML saves)

    try:
        return load_yaml(text, MAX_NODES, MAX_ALIASES, MAX_DEPTH)
    except YamlDecodeError as err:
        raise DecodeError(err.message, err.line, err.column) from None


# --- JSON -------------------------------------------------------------------------------------------------


class Mark:
    """A position in a decoded file: 0-based line; the column as the decoder gives it."""

    __slots__ = ("line", "column")

    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column

    def __repr__(self) -> str:
        return f"Mark({self.line}, {self.column})"


class _Lines:
    """Where a decoded text's newlines are, to turn an offset into a mark when one is asked for (with
    cfn_json's arithmetic, quirks included: its end marks count lines differently)."""

    __slots__ = ("newlines", "offset")

    def __init__(self, text: str) -> None:
        self.newlines = array("q", map(re.Match.start, _NEWLINE.finditer(text)))
        self.offset = 1 if len(self.newlines) > 1 else 0

    def start(self, position: int) -> Mark:
        count = bisect_right(self.newlines, position)
        return Mark(count, position - (self.newlines[count - 1] if count else -1))

    def end(self, position: int) -> Mark:
        count = bisect_right(self.newlines, position)
        line = count - self.offset
        return Mark(line, position - (self.newlines[line - 1] if count else -1))


class MarkedDict(dict):
    """A JSON object; its marks are worked out when asked for. Its keys are plain strings (shared, as the
    standard library's decoder shares them); where each was written is kept beside them, in the order
    they were added (`_key_at`: the offsets of their opening quotes). As with cfn-lint's nodes, `get` with
    a mapping as the default gives that mapping the marks of this one."""

    __slots__ = ("_lines", "_start", "_end", "_key_at", "_keys")
    _lines: _Lines
    _start: int  # where its content starts (past the brace)
    _end: int  # where it ends (past the closing brace)
    _key_at: array  # where each key's opening quote is, in the order of the keys
    _keys: dict[str, int]  # key -> its offset, for a wide mapping once a key is asked for

    @property
    def start_mark(self) -> Mark:
        return self._lines.start(self._start)

    @property
    def end_mark(self) -> Mark:
        return self._lines.end(self._end)

    def get(self, key: Any, default: Any = None) -> Any:
        if key in self:
            return self[key]
        if isinstance(default, dict):
            marked = MarkedDict(default)
            marked._lines, marked._start, marked._end = self._lines, self._start, self._end
            marked._key_at = array("q")
            return marked
        return default

    def key_at(self, name: Any) -> int | None:
        """The offset of the opening quote of the key `name`, or None."""
        if name not in self:
            return None
        offsets = getattr(self, "_key_at", None)
        if offsets is None or len(offsets) != len(self):
            return None  # (a copy, or a mapping changed after decoding)
        if len(self) <= 8:
            for key, at in zip(self, offsets, strict=True):
                if key == name:
                    return at
            return None
        index = getattr(self, "_keys", None)
        if index is None:
            index = self._keys = dict(zip(self, offsets, strict=True))
        return index.get(name)

    def key_span(self, name: Any, file: str) -> Span | None:
        """Where the key `name` was written (as cfn-lint marked a key: from its opening quote to as many
        characters further as the key has once decoded)."""
        at = self.key_at(name)
        if at is None:
            return None
        return _between(file, self._lines.start(at), self._lines.end(at + len(name)))


class MarkedList(list):
    """A JSON array; its marks are worked out when asked for."""

    __slots__ = ("_lines", "_start", "_end")
    _lines: _Lines
    _start: int  # where its content starts (past the bracket)
    _end: int  # where it ends (past the closing bracket)

    @property
    def start_mark(self) -> Mark:
        return self._lines.start(self._start)

    @property
    def end_mark(self) -> Mark:
        return self._lines.end(self._end)


_NEWLINE = re.compile("\n")
_SCAN_SCALAR: Any = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # the C scanner
_SCAN_STRING: Any = json.decoder.scanstring  # type: ignore[attr-defined]
_WS: Any = re.compile(r"[ \t\n\r]*").match  # (json.decoder's WHITESPACE; it always matches)
WHITESPACE_STR = " \t\n\r"
if sys.version_info >= (3, 11):
    _SCALAR = (
        r'(?:"(?:[^"\\\x00-\x1f]++|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*+"'
        r"|-?+(?:0|[1-9][0-9]*+)(?:\.[0-9]++)?+(?:[eE][-+]?+[0-9]++)?+|true|false|null)"
    )
    # The rest of an array that holds only strings, numbers and literals, up to its closing bracket.
    _SCALAR_ARRAY = re.compile(rf"[ \t\n\r]*+{_SCALAR}(?:[ \t\n\r]*+,[ \t\n\r]*+{_SCALAR})*+[ \t\n\r]*+\]")
else:  # Python 3.10 has no possessive quantifiers: the same language, with no quantifier nested in another
    _SCALAR = (
        r'(?:"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"'
        r"|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null)"
    )
    _SCALAR_ARRAY = re.compile(rf"[ \t\n\r]*{_SCALAR}(?:[ \t\n\r]*,[ \t\n\r]*{_SCALAR})*[ \t\n\r]*\]")


class _SyntaxError(Exception):
    """A JSON syntax error as cfn-lint reported it: "JSON error" (its own decoder's) with the column one
    past the character, or "JSON syntax error" (the standard library's) for array and top-level errors."""

    def __init__(self, message: str, text: str, position: int, ours: bool = True) -> None:
        super().__init__(message)
        line = text.count("\n", 0, position) + 1
        column = position - text.rfind("\n", 0, position)
        if ours:
            self.error = DecodeError(f"JSON error: {message}", line, column + 1)
        else:
            self.error = DecodeError(f"JSON syntax error: {message}", line, column)


def _string(text: str, end: int) -> tuple[str, int]:
    """The string whose opening quote ends at `end`: the C scanner's, or on a problem cfn-lint's own
    scanner's (which accepts a few more \\u escapes, and words its errors its way)."""
    try:
        return _SCAN_STRING(text, end, True)
    except ValueError:
        from cfnlint.decode import cfn_json

        try:
            return cfn_json.py_scanstring(text, end)
        except cfn_json.JSONDecodeError as err:
            match = err.matches[0]
            raise DecodeError(f"JSON error: {err.msg}", match.linenumber, match.columnnumber) from None


def _decode_json(text: str) -> tuple[Any, int]:
    """The JSON value at the start of `text` with marks, and where it ends; without recursion.

    This follows cfn-lint's decoder (cfn_json: the standard library's pure-Python decoder with marks)
    step by step, so the marks, the errors and their positions are the same; only its quadratic parts
    (duplicate keys, line numbers) and its recursion are gone."""
    if text.startswith("\ufeff"):
        raise _SyntaxError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0, ours=False)
    lines = _Lines(text)
    keys: dict[str, str] = {}  # one string object per distinct key (json.decoder's memo)
    string, scan_scalar, scalar_array, whitespace, ws = (
        _string,
        _SCAN_SCALAR,
        _SCALAR_ARRAY.match,
        _WS,
        WHITESPACE_STR,
    )
    # the open containers: [node, the key awaiting its value, where the first duplicate is, where the key is]
    stack: list[list[Any]] = []
    frame: list[Any] = []
    value: Any = None
    expect_key = False
    end = whitespace(text, 0).end()
    while True:
        if expect_key:  # the opening quote of a key ends at `end`
            begin = end - 1
            name, end = string(text, end)
            if text[end : end + 1] != ":":
                end = whitespace(text, end).end()
                if text[end : end + 1] != ":":
                    raise _SyntaxError("Expecting ':' delimiter", text, end)
            end += 1
            try:
                if text[end] in ws:
                    end += 1
                    if text[end] in ws:
                        end = whitespace(text, end + 1).end()
            except IndexError:
                pass
            frame[1] = keys.setdefault(name, name)
            frame[3] = begin
            expect_key = False
        # A value starts at `end`.
        char = text[end : end + 1]
        if char == '"':
            value, end = string(text, end + 1)
        elif char == "{" or char == "[":
            content = end = end + 1
            nextchar = text[end : end + 1]
            node: MarkedDict | MarkedList
            if char == "{":
                if nextchar != '"':
                    if nextchar in ws:
                        end = whitespace(text, end).end()
                        nextchar = text[end : end + 1]
                    if nextchar != "}" and nextchar != '"':
                        raise _SyntaxError("Expecting property name enclosed in double quotes", text, end)
                empty = nextchar == "}"
                node = MarkedDict()
                node._key_at = array("q")
            else:
                if nextchar in ws:
                    end = whitespace(text, end + 1).end()
                    nextchar = text[end : end + 1]
                empty = nextchar == "]"
                node = MarkedList()
            node._lines, node._start = lines, content
            if empty:
                end += 1
                node._end = end
                value = node
            elif char == "[" and (scalars := scalar_array(text, end)) is not None:
                # only strings, numbers and literals (which carry no marks): the C decoder reads them
                try:
                    items = json.loads(text[content - 1 : scalars.end()])
                except ValueError:  # (an odd \u escape, a huge integer...): read one by one, below
                    pass
                else:
                    node = MarkedList(items)
                    node._lines, node._start = lines, content
                    end = node._end = scalars.end()
                    value = node
            if value is not node:
                if len(stack) >= MAX_DEPTH:
                    error = _SyntaxError("", text, content - 1, ours=False).error
                    message = f"JSON nested too deeply (more than {MAX_DEPTH} levels)"
                    raise DecodeError(message, error.line, error.column)
                frame = [node, None, None, 0]
                stack.append(frame)
                if char == "{":
                    end += 1
                    expect_key = True
                continue
        else:
            try:
                value, end = scan_scalar(text, end)
            except StopIteration as err:  # (in an object, cfn_json failed with a TypeError of its own)
                in_object = bool(stack) and stack[-1][0].__class__ is MarkedDict
                raise _SyntaxError("Expecting value", text, err.value, ours=in_object) from None
        # A value ends at `end`: into its container, which may end in turn.
        while stack:
            frame = stack[-1]
            node = frame[0]
            if node.__class__ is MarkedList:
                node.append(value)
                nextchar = text[end : end + 1]
                if nextchar in ws:
                    end = whitespace(text, end + 1).end()
                    nextchar = text[end : end + 1]
                end += 1
                if nextchar == "]":
                    stack.pop()
                    node._end = end
                    value = node
                    continue
                if nextchar != ",":
                    raise _SyntaxError("Expecting ',' delimiter", text, end - 1, ours=False)
                try:
                    if text[end] in ws:
                        end += 1
                        if text[end] in ws:
                            end = whitespace(text, end + 1).end()
                except IndexError:
                    pass
                break
            key = frame[1]
            if key in node:
                if frame[2] is None:
                    frame[2] = frame[3]  # reported when the object ends, as cfn_json did
            else:
                node[key] = value
                node._key_at.append(frame[3])  # type: ignore[union-attr]  # (a MarkedDict here)
            try:
                nextchar = text[end]
                if nextchar in ws:
                    end = whitespace(text, end + 1).end()
                    nextchar = text[end]
            except IndexError:
                nextchar = ""
            end += 1
            if nextchar == "}":
                stack.pop()
                if frame[2] is not None:
                    mark = lines.start(frame[2])
                    duplicate, _ = string(text, frame[2] + 1)
                    raise DecodeError(
                        f'JSON error: Duplicate found "{duplicate}"', mark.line + 1, mark.column + 1
                    )
                node._end = end
                value = node
                continue
            if nextchar != ",":
                raise _SyntaxError("Expecting ',' delimiter", text, end - 1)
            end = whitespace(text, end).end()
            nextchar = text[end : end + 1]
            end += 1
            if nextchar != '"':
                raise _SyntaxError("Expecting property name enclosed in double quotes", text, end - 1)
            expect_key = True
            break
        else:
            return value, end


def decode_json(text: str) -> Any:
    """JSON with marks; DecodeError on a syntax error, a duplicate key or beyond a limit."""
    try:
        document, end = _decode_json(text)
        end = _WS(text, end).end()
        if end != len(text):
            raise _SyntaxError("Extra data", text, end, ours=False)
        return document
    except _SyntaxError as err:
        raise err.error from None
    except DecodeError:
        raise
    except RecursionError:
        raise DecodeError("JSON nested too deeply", 1) from None
    except MemoryError:
        raise DecodeError("JSON document too large to decode", 1) from None
    except ValueError as err:  # e.g. an integer literal beyond Python's digit limit
        raise DecodeError(f"JSON error: {_first_line(str(err))}", 1) from None
    except Exception as err:  # (a safety net)
        raise DecodeError(f"JSON error: {type(err).__name__}: {_first_line(str(err))}", 1) from None


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "parse error"
