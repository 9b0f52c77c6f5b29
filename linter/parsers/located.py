"""Decoding YAML and JSON with positions (cfn-lint's decoder), and spans from its nodes.

cfn-lint's decoder marks every mapping, list and string node with start/end marks (0-based); numbers and
booleans carry none, so a scalar attribute is located by its key, which is what a finding points at anyway.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from cfnlint.decode import cfn_json, cfn_yaml

from ..model import Span


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


def key_of(mapping: Any, name: str) -> Any:
    """The key node of `name` in a decoded mapping (it carries the marks), or None."""
    if isinstance(mapping, dict):
        for key in mapping:
            if key == name:
                return key
    return None


def key_span(mapping: Any, name: str, file: str, default: Span) -> Span:
    return span_of(key_of(mapping, name), file) or default


def decode_yaml(text: str) -> Any:
    """YAML (CloudFormation short-form tags allowed) with marks; DecodeError on a syntax error."""
    try:
        return cfn_yaml.loads(text)
    except cfn_yaml.CfnParseError as err:
        match = err.matches[0] if err.matches else None
        line = getattr(match, "linenumber", 1) if match else 1
        column = getattr(match, "columnnumber", 1) if match else 1
        raise DecodeError(_first_line(getattr(match, "message", str(err))), line, column) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        column = mark.column + 1 if mark else 1
        raise DecodeError(f"YAML syntax error: {err.problem or err.context}", line, column) from None
    except yaml.YAMLError as err:
        raise DecodeError(f"YAML error: {_first_line(str(err))}", 1) from None
    except RecursionError:
        raise DecodeError("YAML nested too deeply", 1) from None
    except ValueError as err:  # e.g. an integer literal beyond Python's digit limit
        raise DecodeError(f"YAML error: {_first_line(str(err))}", 1) from None


def decode_json(text: str) -> Any:
    """JSON with marks; DecodeError on a syntax error or a duplicate key."""
    try:
        return cfn_json.loads(text)
    except cfn_json.JSONDecodeError as err:  # duplicate keys: cfn-lint's own error type
        match = err.matches[0] if getattr(err, "matches", None) else None
        line = getattr(match, "linenumber", 1) if match else 1
        column = getattr(match, "columnnumber", 1) if match else 1
        raise DecodeError(f"JSON error: {err.msg}", line, column) from None
    except json.JSONDecodeError as err:
        raise DecodeError(f"JSON syntax error: {err.msg}", err.lineno, err.colno) from None
    except RecursionError:
        raise DecodeError("JSON nested too deeply", 1) from None
    except ValueError as err:  # e.g. an integer literal beyond Python's digit limit
        raise DecodeError(f"JSON error: {_first_line(str(err))}", 1) from None


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "parse error"
