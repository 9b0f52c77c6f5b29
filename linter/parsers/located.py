"""Decoding YAML and JSON with positions, and spans from the decoded nodes.

Every mapping, list and key comes back marked with start/end marks (0-based lines); YAML strings are marked
too. Numbers and booleans carry none, so a scalar attribute is located by its key, which is what a finding
points at anyway. YAML goes through cfn-lint's constructors (short-form tags, its node classes); JSON through
our own decoder below, which gives the marks cfn-lint's JSON decoder gave, in linear time.

Hostile input is refused with a DecodeError naming the limit before it can cost much: a YAML stream is
first read as events (cheap, nothing kept) and refused beyond MAX_NODES nodes once its aliases are
expanded ("billion laughs"), MAX_ALIASES aliases or MAX_DEPTH levels of nesting; JSON beyond MAX_DEPTH
levels. No decoding problem leaves these functions as anything but a DecodeError.
"""

from __future__ import annotations

import json
import re
import sys
from array import array
from bisect import bisect_right
from functools import cache
from typing import Any

import yaml
from yaml.parser import ParserError
from yaml.scanner import ScannerError

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
    if start is None:
        return None
    end = getattr(node, "end_mark", None)
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


class _YamlProblem(Exception):
    """A limit passed, or a mapping cfn-lint refuses (a null, unhashable or duplicate key), at `mark`."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.line = (mark.line + 1) if mark is not None else 1
        self.column = (mark.column + 1) if mark is not None else 1


def _check_yaml_events(text: str) -> None:
    """Refuse, before anything is built, a stream whose node graph would be too large or too deep.

    Counts every node as it will be once its aliases are expanded: an alias weighs the expanded size of
    the node its anchor names, so a few lines of nested aliases cannot stand for billions of nodes."""
    from cfnlint.decode import cfn_yaml

    loader = cfn_yaml.FastLoader(text)
    try:
        expanded = aliases = 0
        sizes: dict[str, int] = {}  # anchor -> expanded size of the node it names (once complete)
        open_nodes: list[tuple[str | None, int]] = []  # (anchor, `expanded` when the collection opened)
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                expanded += 1
                if isinstance(event, yaml.ScalarEvent):
                    if event.anchor is not None:
                        sizes[event.anchor] = 1
                else:
                    open_nodes.append((event.anchor, expanded - 1))
                    if event.anchor is not None:
                        sizes.pop(event.anchor, None)  # (a redefinition: not complete yet)
                    if len(open_nodes) > MAX_DEPTH:
                        raise _YamlProblem(
                            f"YAML nested too deeply (more than {MAX_DEPTH} levels)", event.start_mark
                        )
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                anchor, before = open_nodes.pop()
                if anchor is not None:
                    sizes[anchor] = expanded - before
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise _YamlProblem(f"more than {MAX_ALIASES:,} YAML aliases", event.start_mark)
                # (an undefined alias, or one inside the node it names: building the document reports it)
                expanded += sizes.get(event.anchor or "", 1)
            else:
                continue
            if expanded > MAX_NODES:
                raise _YamlProblem(
                    f"YAML document too large: more than {MAX_NODES:,} nodes once aliases are expanded",
                    event.start_mark,
                )
    finally:
        loader.dispose()


@cache
def _yaml_loader() -> Any:
    """cfn-lint's loader, with a mapping constructor that finds duplicate keys in linear time; built on
    first use (importing cfn-lint takes a third of a second, and JSON and Terraform need none of it)."""
    from cfnlint.decode import cfn_yaml
    from cfnlint.decode.node import dict_node, str_node

    class _YamlLoader(cfn_yaml.CfnFullLoader):
        """cfn-lint's loader, with a mapping constructor that finds duplicate keys in linear time."""

        def construct_yaml_map(self, node: Any) -> Any:
            self.flatten_mapping(node)  # (cfn-lint's: notes `using_merge` when merge keys were expanded)
            using_merge = getattr(node, "using_merge", False)
            mapping: dict = {}
            first_nodes: dict = {}  # key -> (key object, key node) of its first occurrence
            duplicate: tuple[Any, Any] | None = None  # (later key, earlier key node)
            for key_node, value_node in node.value:
                key = self.construct_object(key_node, False)
                value = self.construct_object(value_node, False)
                if key is None:
                    mark = key_node.start_mark
                    raise _YamlProblem(
                        f"Null key {key_node.value!r} not supported (line {mark.line + 1})", mark
                    )
                try:
                    earlier = first_nodes.get(key)
                except TypeError:
                    mark = key_node.start_mark
                    raise _YamlProblem(f'Unhashable type "{key}" (line {mark.line + 1})', mark) from None
                if earlier is None:
                    first_nodes[key] = (key, key_node)
                elif duplicate is None and not using_merge and earlier[0] == key:
                    duplicate = (key, earlier[1])
                mapping[key] = value
            if duplicate is not None:
                key, earlier_node = duplicate
                mark = earlier_node.start_mark
                raise _YamlProblem(f"Duplicate found {key!r} (line {mark.line + 1})", mark)
            return dict_node(mapping, node.start_mark, node.end_mark, using_merge)

        def construct_yaml_str(self, node: Any) -> Any:
            """cfn-lint's marked string, built without its (slow) constructor."""
            value = node.value if isinstance(node, yaml.ScalarNode) else self.construct_scalar(node)
            marked = str.__new__(str_node, value)
            marked.start_mark, marked.end_mark = node.start_mark, node.end_mark
            return marked

    _YamlLoader.add_constructor("tag:yaml.org,2002:map", _YamlLoader.construct_yaml_map)
    _YamlLoader.add_constructor("tag:yaml.org,2002:str", _YamlLoader.construct_yaml_str)
    _YamlLoader.add_multi_constructor("!", cfn_yaml.multi_constructor)
    return _YamlLoader


def decode_yaml(text: str) -> Any:
    """YAML (CloudFormation short-form tags allowed) with marks; DecodeError on a syntax error or beyond
    a limit."""
    try:
        _check_yaml_events(text)
        loader = _yaml_loader()(text, None)
        try:
            template = loader.get_single_data()
        finally:
            loader.dispose()
    except _YamlProblem as err:
        raise DecodeError(err.message, err.line, err.column) from None
    except (ScannerError, ParserError) as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        column = mark.column + 1 if mark else 1
        raise DecodeError(f"YAML syntax error: {err.problem or err.context}", line, column) from None
    except RecursionError:
        raise DecodeError("YAML nested too deeply", 1) from None
    except MemoryError:
        raise DecodeError("YAML document too large to decode", 1) from None
    except Exception as err:  # an undefined alias, an integer beyond Python's digit limit, a bad !GetAtt...
        raise DecodeError(f"Template could not be parsed: {_first_line(str(err))}", 1) from None
    if template is None:  # an empty file
        from cfnlint.decode import cfn_yaml
        from cfnlint.decode.node import dict_node

        template = dict_node({}, cfn_yaml.Mark(0, 0), cfn_yaml.Mark(0, 0))
    return template


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
        start, end = self._lines.start(at), self._lines.end(at + len(name))
        if end.line < start.line:
            return Span(file, start.line + 1, start.column + 1)
        return Span(file, start.line + 1, start.column + 1, end.line + 1, end.column + 1)


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
