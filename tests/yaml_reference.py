"""The YAML decoder as it was before linter/parsers/yaml_located.py: cfn-lint's loader (its CfnFullLoader,
FastLoader and multi_constructor), with our limits and linear duplicate-key check, copied from
linter/parsers/located.py as it stood. It is the oracle tests/test_yaml_loader.py and
benchmarks/yaml_oracle.py hold the new loader to: the same values, marks and errors.
"""

from __future__ import annotations

import datetime
import math
from functools import cache
from typing import Any

import yaml
from sqs_kms_lint.parsers import located
from sqs_kms_lint.parsers.located import DecodeError
from yaml.parser import ParserError
from yaml.scanner import ScannerError


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
                    if len(open_nodes) > located.MAX_DEPTH:
                        raise _YamlProblem(
                            f"YAML nested too deeply (more than {located.MAX_DEPTH} levels)", event.start_mark
                        )
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                anchor, before = open_nodes.pop()
                if anchor is not None:
                    sizes[anchor] = expanded - before
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > located.MAX_ALIASES:
                    raise _YamlProblem(f"more than {located.MAX_ALIASES:,} YAML aliases", event.start_mark)
                # (an undefined alias, or one inside the node it names: building the document reports it)
                expanded += sizes.get(event.anchor or "", 1)
            else:
                continue
            if expanded > located.MAX_NODES:
                raise _YamlProblem(
                    f"YAML document too large: more than {located.MAX_NODES:,} nodes once aliases are expanded",
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


def decode_yaml_with_cfn_lint(text: str) -> Any:
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


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "parse error"


# --- Comparing two decoded documents ----------------------------------------------------------------------


def decoded(decode: Any, text: str) -> Any:
    """decode(text), or its DecodeError as (message, line, column); any other exception propagates."""
    try:
        return decode(text)
    except DecodeError as error:
        return Refusal(error.message, error.line, error.column)


class Refusal(tuple):
    """A DecodeError as a comparable value: (message, line, column)."""

    def __new__(cls, message: str, line: int, column: int) -> Refusal:
        return super().__new__(cls, (message, line, column))


def first_difference(old: Any, new: Any, path: str = "$") -> str | None:
    """Where two decoded documents (or refusals) first differ, in value, type or marks; None if nowhere.
    Types are compared as the plain ones (a node class is its base: dict, list, str); marks as (line,
    column) pairs on every node that has them, keys included."""
    if isinstance(old, Refusal) or isinstance(new, Refusal):
        return None if old == new else f"{_shown(old)} vs {_shown(new)}"
    if _kind(old) != _kind(new):
        return f"{path}: {_kind(old)} {_shown(old)} vs {_kind(new)} {_shown(new)}"
    if _marks(old) != _marks(new):
        return f"{path}: marks {_marks(old)} vs {_marks(new)}"
    if isinstance(old, dict):
        old_keys, new_keys = list(old), list(new)
        if len(old_keys) != len(new_keys):
            return f"{path}: keys {_shown(old_keys)} vs {_shown(new_keys)}"
        for old_key, new_key in zip(old_keys, new_keys, strict=True):
            where = f"{path}[{old_key!r}]"
            found = first_difference(old_key, new_key, f"{where} (key)")
            if found is None:
                found = first_difference(old[old_key], new[new_key], where)
            if found is not None:
                return found
        return None
    if isinstance(old, (list, tuple)):
        if len(old) != len(new):
            return f"{path}: {len(old)} items vs {len(new)}"
        for index, (old_item, new_item) in enumerate(zip(old, new, strict=True)):
            found = first_difference(old_item, new_item, f"{path}[{index}]")
            if found is not None:
                return found
        return None
    if isinstance(old, float) and math.isnan(old):
        return None if math.isnan(new) else f"{path}: nan vs {new!r}"
    return None if old == new else f"{path}: {_shown(old)} vs {_shown(new)}"


def _kind(value: Any) -> str:
    for kind in (bool, dict, list, tuple, str, bytes, int, float, datetime.datetime, datetime.date, set):
        if isinstance(value, kind):
            return kind.__name__
    return "None" if value is None else type(value).__name__


def _marks(value: Any) -> tuple[int, int, int, int] | None:
    start, end = getattr(value, "start_mark", None), getattr(value, "end_mark", None)
    if start is None or end is None:
        return None
    return (start.line, start.column, end.line, end.column)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
