"""Decoding CloudFormation YAML with positions: what cfn-lint's YAML loader gave, without cfn-lint.

The document comes back as cfn-lint's loader (`cfn_yaml.CfnFullLoader`, with the multi-constructor its
`loads` adds) built it, so that nothing downstream can tell: mappings, lists and strings are YamlDict,
YamlList and YamlStr carrying the start and end marks of their node (0-based line, column in characters);
a short-form tag becomes the long form (`!Ref X` {"Ref": "X"}, `!Sub ...` {"Fn::Sub": ...}, `!GetAtt A.B`
{"Fn::GetAtt": ["A", "B"]}) marked with the tagged node's marks, while what the tag holds is a plain string,
list or dict (the nodes inside it marked as usual; `!GetAtt`'s list marked too). Every other scalar is what
PyYAML's SafeLoader makes of it (YAML 1.1: `yes` is True, `0755` is 493, `2012-10-17` a date). Importing
cfn-lint took 0.7 s (it pulls in sympy and networkx); this needs only PyYAML.

One pass over the parser's events checks the limits (see `load_yaml`) and builds the document as it goes.
What that pass leaves to PyYAML's constructor, with cfn-lint's rules (`_ExactLoader`): merge keys, explicit
tags other than the core scalar ones, an alias of an unfinished or unknown anchor, a second document, and
any key or value that is an error (a null, unhashable or duplicate key, a bad integer...). Those documents
are built again from the start, so that their value, or their error, is cfn-lint's to the letter.
tests/test_yaml_loader.py holds both ways to cfn-lint's loader.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.error import Mark
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.parser import ParserError
from yaml.scanner import ScannerError

# libyaml's parser when PyYAML was built with it (cfn-lint's FastLoader), else PyYAML's own.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"
# Short-form tags that stay as they are; every other `!X` becomes `Fn::X` (cfn_yaml.UNCONVERTED_SUFFIXES).
_UNPREFIXED = ("Ref", "Condition")
_GETATT = "Fn::GetAtt"


class YamlDict(dict):
    """A YAML mapping with the marks of its node. As with cfn-lint's nodes, `get` with a mapping as the
    default gives that mapping the marks of this one."""

    __slots__ = ("start_mark", "end_mark", "_keys")
    start_mark: Any
    end_mark: Any

    def get(self, key: Any, default: Any = None) -> Any:
        if isinstance(default, dict):
            default = _marked(YamlDict(default), self.start_mark, self.end_mark)
        return super().get(key, default)


class YamlList(list):
    """A YAML sequence with the marks of its node."""

    __slots__ = ("start_mark", "end_mark")
    start_mark: Any
    end_mark: Any


class YamlStr(str):
    """A YAML string with the marks of its node (a str subclass cannot have slots: they live in its
    instance dictionary, as cfn-lint's str_node's did)."""

    start_mark: Any
    end_mark: Any


def _marked(node: Any, start: Any, end: Any) -> Any:
    node.start_mark, node.end_mark = start, end
    return node


class YamlDecodeError(Exception):
    """Why a YAML text cannot be decoded, with its 1-based line and column."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = max(line, 1)
        self.column = max(column, 1)


class _Refused(Exception):
    """A limit passed, or a mapping cfn-lint refuses (a null, unhashable or duplicate key), at `mark`."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


def load_yaml(text: str, max_nodes: int, max_aliases: int, max_depth: int) -> Any:
    """The YAML document in `text` (CloudFormation short-form tags allowed) with marks; an empty stream is
    an empty mapping. YamlDecodeError on a syntax error, beyond a limit, or on anything else that fails.

    As its events are read, a stream is refused beyond `max_nodes` nodes once its aliases are expanded
    ("billion laughs"), `max_aliases` aliases or `max_depth` levels of nesting (each error names the
    limit), before any of these costs much."""
    try:
        template = _read(text, max_nodes, max_aliases, max_depth)
        if template is _UNBUILT:
            loader = _ExactLoader(text)
            try:
                template = loader.get_single_data()
            finally:
                loader.dispose()
    except _Refused as err:
        mark = err.mark
        raise YamlDecodeError(
            err.message, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1
        ) from None
    except (ScannerError, ParserError) as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        column = mark.column + 1 if mark else 1
        raise YamlDecodeError(f"YAML syntax error: {err.problem or err.context}", line, column) from None
    except RecursionError:
        raise YamlDecodeError("YAML nested too deeply") from None
    except MemoryError:
        raise YamlDecodeError("YAML document too large to decode") from None
    except Exception as err:  # an undefined alias, an integer beyond Python's digit limit, a bad !GetAtt...
        raise YamlDecodeError(f"Template could not be parsed: {_first_line(str(err))}") from None
    if template is None:  # an empty file
        start = Mark("<unicode string>", 0, 0, 0, None, 0)
        return _marked(YamlDict(), start, start)
    return template


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "parse error"


# --- The pass over the events -------------------------------------------------------------------------------

_UNBUILT: Any = object()  # what _read returns when the document is left to _ExactLoader
_OPEN: Any = object()  # an anchor whose node is not finished (an alias of it is recursive)
_NO_KEY: Any = object()  # a mapping's frame awaiting a key
# The implicit resolvers of the loader, by first character ("" for an empty value), wildcards appended.
_WILDCARD: list[tuple[str, Any]] = list(_Loader.yaml_implicit_resolvers.get(None, []))
_RESOLVERS: dict[str, list[tuple[str, Any]]] = {
    first: list(resolvers) + _WILDCARD
    for first, resolvers in _Loader.yaml_implicit_resolvers.items()
    if first is not None
}
# The core scalar tags but str, each with the SafeConstructor method that makes its values.
_CORE_TAGS = [f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "binary", "timestamp")]
_SCALARS: dict[str, Callable[[ScalarNode], Any]] = {
    tag: partial(SafeConstructor.yaml_constructors[tag], SafeConstructor()) for tag in _CORE_TAGS
}


def _read(text: str, max_nodes: int, max_aliases: int, max_depth: int) -> Any:
    """Check the events of `text` against the limits (raising _Refused) and build the document from them;
    _UNBUILT when it holds something left to _ExactLoader (the limits are still checked to the end).

    The limits count every node as it will be once its aliases are expanded: an alias weighs the expanded
    size of the node its anchor names, so a few lines of nested aliases cannot stand for billions of nodes.
    A frame is [container, pending key, short-form name or None, start mark, anchor, is a mapping]."""
    loader = _Loader(text)
    try:
        get_event = loader.get_event
        new_str = str.__new__
        resolvers_of = _RESOLVERS.get
        expanded = aliases = documents = 0
        sizes: dict[str, int] = {}  # anchor -> expanded size of the node it names (once complete)
        open_nodes: list[tuple[str | None, int]] = []  # (anchor, `expanded` when the collection opened)
        building = True
        frames: list[list[Any]] = []
        anchors: dict[str, Any] = {}  # anchor -> its node, or _OPEN
        root: Any = None
        node: Any
        while True:
            event = get_event()
            kind = event.__class__
            if kind is ScalarEvent:
                expanded += 1
                anchor = event.anchor
                if anchor is not None:
                    sizes[anchor] = 1
                if expanded > max_nodes:
                    raise _too_large(max_nodes, event)
                if not building:
                    continue
                tag = event.tag
                value = event.value
                if tag is None or tag == "!":  # (as the composer resolves them)
                    tag = _STR
                    if event.implicit[0]:
                        for candidate, pattern in resolvers_of(value[:1], _WILDCARD):
                            if pattern.match(value):
                                tag = candidate
                                break
                if tag == _STR:
                    node = new_str(YamlStr, value)
                    node.start_mark = event.start_mark
                    node.end_mark = event.end_mark
                elif tag[0] == "!":
                    name = tag[1:] if tag[1:] in _UNPREFIXED else "Fn::" + tag[1:]
                    content: Any = value
                    if name == _GETATT:
                        content = _marked(YamlList(value.split(".", 1)), event.start_mark, event.end_mark)
                    node = _marked(YamlDict(), event.start_mark, event.end_mark)
                    node[name] = content
                else:
                    convert = _SCALARS.get(tag)
                    if convert is None:  # `<<` or `=` out of place, an unknown or non-scalar tag
                        building = False
                        continue
                    try:
                        node = convert(ScalarNode(tag, value, event.start_mark, event.end_mark))
                    except Exception:
                        building = False
                        continue
                if anchor is not None:
                    if anchor in anchors:  # (a duplicate anchor: the composer's error)
                        building = False
                        continue
                    anchors[anchor] = node
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                expanded += 1
                anchor = event.anchor
                open_nodes.append((anchor, expanded - 1))
                if anchor is not None:
                    sizes.pop(anchor, None)  # (a redefinition: not complete yet)
                if len(open_nodes) > max_depth:
                    raise _Refused(f"YAML nested too deeply (more than {max_depth} levels)", event.start_mark)
                if expanded > max_nodes:
                    raise _too_large(max_nodes, event)
                if not building:
                    continue
                tag = event.tag
                mapping = kind is MappingStartEvent
                name = None
                if tag is None or tag == "!" or tag == (_MAP if mapping else _SEQ):
                    container: Any = YamlDict() if mapping else YamlList()
                elif tag[0] == "!":
                    name = tag[1:] if tag[1:] in _UNPREFIXED else "Fn::" + tag[1:]
                    if name != _GETATT:
                        container = {} if mapping else []
                    elif not mapping:
                        container = YamlList()
                    else:  # (a mapping under !GetAtt: rare, and odd)
                        building = False
                        continue
                else:
                    building = False
                    continue
                if anchor is not None:
                    if anchor in anchors:
                        building = False
                        continue
                    anchors[anchor] = _OPEN
                frames.append([container, _NO_KEY, name, event.start_mark, anchor, mapping])
                continue
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                anchor, before = open_nodes.pop()
                if anchor is not None:
                    sizes[anchor] = expanded - before
                if not building:
                    continue
                container, _, name, start_mark, anchor, _ = frames.pop()
                if name is None:
                    node = _marked(container, start_mark, event.end_mark)
                else:
                    if name == _GETATT:
                        _marked(container, start_mark, event.end_mark)
                    node = _marked(YamlDict(), start_mark, event.end_mark)
                    node[name] = container
                if anchor is not None:
                    anchors[anchor] = node
            elif kind is AliasEvent:
                aliases += 1
                if aliases > max_aliases:
                    raise _Refused(f"more than {max_aliases:,} YAML aliases", event.start_mark)
                # (an undefined alias, or one inside the node it names: _ExactLoader reports it)
                expanded += sizes.get(event.anchor or "", 1)
                if expanded > max_nodes:
                    raise _too_large(max_nodes, event)
                if not building:
                    continue
                node = anchors.get(event.anchor, _OPEN)
                if node is _OPEN:
                    building = False
                    continue
            elif kind is DocumentStartEvent:
                documents += 1
                if documents > 1:  # (the composer's error)
                    building = False
                continue
            elif kind is StreamEndEvent:
                return root if building else _UNBUILT
            else:
                continue
            # `node` is finished: the document, an item of a list, or a key or value of a mapping.
            if not frames:
                root = node
                continue
            frame = frames[-1]
            container = frame[0]
            if not frame[5]:
                container.append(node)
                continue
            key = frame[1]
            if key is _NO_KEY:
                frame[1] = node
                continue
            frame[1] = _NO_KEY
            try:
                if frame[2] is None and (key is None or key in container):
                    building = False  # a null or duplicate key: cfn-lint's error
                    continue
                container[key] = node  # (a short form's mapping keeps the last of equal keys, as PyYAML does)
            except TypeError:  # an unhashable key
                building = False
    finally:
        loader.dispose()


def _too_large(max_nodes: int, event: Any) -> _Refused:
    message = f"YAML document too large: more than {max_nodes:,} nodes once aliases are expanded"
    return _Refused(message, event.start_mark)


# --- cfn-lint's rules, on PyYAML's constructor ------------------------------------------------------------


class _ExactLoader(_Loader):  # type: ignore[misc]
    """cfn-lint's loader, rebuilt on PyYAML without cfn-lint (its NodeConstructor and multi_constructor),
    with a mapping constructor that finds duplicate keys in linear time; it builds what _read leaves."""

    def flatten_mapping(self, node: Any) -> None:
        """cfn-lint's: notes `using_merge` on a mapping that has merge keys, then merges."""
        if any(key_node.tag == _MERGE for key_node, _ in node.value):
            super().flatten_mapping(node)
            node.using_merge = True
        super().flatten_mapping(node)

    def construct_yaml_map(self, node: Any) -> Any:
        self.flatten_mapping(node)
        using_merge = getattr(node, "using_merge", False)  # (then a key may repeat: the last one wins)
        mapping = YamlDict()
        first_nodes: dict = {}  # key -> (key object, key node) of its first occurrence
        duplicate: tuple[Any, Any] | None = None  # (later key, earlier key node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, False)
            value = self.construct_object(value_node, False)
            if key is None:
                mark = key_node.start_mark
                raise _Refused(f"Null key {key_node.value!r} not supported (line {mark.line + 1})", mark)
            try:
                earlier = first_nodes.get(key)
            except TypeError:
                mark = key_node.start_mark
                raise _Refused(f'Unhashable type "{key}" (line {mark.line + 1})', mark) from None
            if earlier is None:
                first_nodes[key] = (key, key_node)
            elif duplicate is None and not using_merge and earlier[0] == key:
                duplicate = (key, earlier[1])
            mapping[key] = value
        if duplicate is not None:
            key, earlier_node = duplicate
            mark = earlier_node.start_mark
            raise _Refused(f"Duplicate found {key!r} (line {mark.line + 1})", mark)
        return _marked(mapping, node.start_mark, node.end_mark)

    def construct_yaml_str(self, node: Any) -> Any:
        value = node.value if isinstance(node, ScalarNode) else self.construct_scalar(node)
        return _marked(str.__new__(YamlStr, value), node.start_mark, node.end_mark)

    def construct_yaml_seq(self, node: Any) -> Any:
        return _marked(YamlList(self.construct_sequence(node)), node.start_mark, node.end_mark)

    def construct_getatt(self, node: Any) -> Any:
        """cfn-lint's `!GetAtt`: `A.B.C` is ["A", "B.C"]; a mapping (odd) a mapping, marked at (1, 1) as
        cfn-lint's nodes are by default."""
        if isinstance(node.value, str):
            return _marked(YamlList(node.value.split(".", 1)), node.start_mark, node.end_mark)
        if isinstance(node.value, list):
            if any(isinstance(value, tuple) for value in node.value):
                mapping = MappingNode(_MAP, node.value, node.start_mark, node.end_mark)
                default = Mark("<unicode string>", 0, 1, 1, None, 0)
                return _marked(YamlDict(self.construct_object(mapping, deep=True)), default, default)
            items = [self.construct_object(child, deep=True) for child in node.value]
            return _marked(YamlList(items), node.start_mark, node.end_mark)
        raise ValueError(f"Unexpected GetAtt format: {type(node.value)}")

    def construct_short_form(self, tag_suffix: str, node: Any) -> Any:
        """`!Ref X` as {"Ref": "X"}, `!X ...` as {"Fn::X": ...}: the tagged node's content built as
        PyYAML builds it (no marks on a scalar, a plain list or dict), marked with the tagged node's."""
        name = tag_suffix if tag_suffix in _UNPREFIXED else "Fn::" + tag_suffix
        content: Any
        if name == _GETATT:
            content = self.construct_getatt(node)
        elif isinstance(node, ScalarNode):
            content = self.construct_scalar(node)
        elif isinstance(node, SequenceNode):
            content = self.construct_sequence(node, True)
        elif isinstance(node, MappingNode):
            content = self.construct_mapping(node, True)
        else:
            raise Exception(f"Bad tag: !{name}")
        return _marked(YamlDict({name: content}), node.start_mark, node.end_mark)


_ExactLoader.add_constructor(_MAP, _ExactLoader.construct_yaml_map)
_ExactLoader.add_constructor(_STR, _ExactLoader.construct_yaml_str)
_ExactLoader.add_constructor(_SEQ, _ExactLoader.construct_yaml_seq)
_ExactLoader.add_multi_constructor("!", _ExactLoader.construct_short_form)
