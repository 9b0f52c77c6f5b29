"""Blank out the top-level HCL blocks no rule reads, before the (costly) parse.

python-hcl2's Lark parser costs tens of milliseconds per few hundred lines; real modules are mostly
resources we never look at (roles, functions, buckets...). A light scanner finds each top-level block's
extent (minding strings, `${...}` interpolations, heredocs and comments) and replaces the blocks we do not
need with spaces, newlines kept, so every line and column of what remains is where it was. When the scan
meets anything it does not understand it gives up, and the file is parsed whole.
The cost: a syntax error inside a blanked block is not reported (terraform validate reports it).
"""

from __future__ import annotations

import re

# Block types whose contents expressions may refer to; kept whatever their labels.
KEPT_BLOCKS = frozenset({"variable", "locals", "data", "module", "output"})
_HEADER = re.compile(r'\s*([A-Za-z_][\w-]*)((?:\s+(?:"(?:[^"\\\n]|\\.)*"|[A-Za-z_][\w-]*))*)\s*\{')
_LABEL = re.compile(r'"((?:[^"\\\n]|\\.)*)"|([A-Za-z_][\w-]*)')
_HEREDOC = re.compile(r"<<-?([A-Za-z][\w.-]*)\r?\n")


def blank_unread_blocks(text: str, resource_types: frozenset[str]) -> str | None:
    """`text` with the top-level blocks no rule reads blanked (resources of other types than
    `resource_types`), or None when the scan cannot be sure of the layout."""
    out = list(text)
    position, length = 0, len(text)
    while position < length:
        position = _skip_layout(text, position)
        if position >= length:
            break
        header = _HEADER.match(text, position)
        if header is None:
            return None  # a top-level attribute or something unexpected: parse it all
        end = _block_end(text, header.end())
        if end is None:
            return None
        labels = [
            m.group(1) if m.group(1) is not None else m.group(2) for m in _LABEL.finditer(header.group(2))
        ]
        if not _kept(header.group(1), labels, resource_types):
            for index in range(position, end):
                if out[index] not in "\r\n":
                    out[index] = " "
        position = end
    return "".join(out)


def _kept(block_type: str, labels: list[str], resource_types: frozenset[str]) -> bool:
    if block_type in KEPT_BLOCKS:
        return True
    return block_type == "resource" and bool(labels) and labels[0] in resource_types


def _skip_layout(text: str, position: int) -> int:
    """Past whitespace and comments."""
    length = len(text)
    while position < length:
        char = text[position]
        if char in " \t\r\n":
            position += 1
        elif char == "#" or text.startswith("//", position):
            newline = text.find("\n", position)
            position = length if newline < 0 else newline + 1
        elif text.startswith("/*", position):
            close = text.find("*/", position + 2)
            position = length if close < 0 else close + 2
        else:
            break
    return position


def _block_end(text: str, position: int) -> int | None:
    """The index just past the `}` closing the block whose `{` ends before `position`."""
    depth, length = 1, len(text)
    while position < length:
        char = text[position]
        if char == '"':
            position = _string_end(text, position + 1)
            if position < 0:
                return None
            continue
        if char == "#" or text.startswith("//", position) or text.startswith("/*", position):
            position = _skip_layout(text, position)
            continue
        if char == "<" and (heredoc := _HEREDOC.match(text, position)):
            marker = re.compile(r"^[ \t]*" + re.escape(heredoc.group(1)) + r"[ \t]*\r?$", re.M)
            close = marker.search(text, heredoc.end())
            if close is None:
                return None
            position = close.end()
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return position + 1
        position += 1
    return None


def _string_end(text: str, position: int) -> int:
    """Past the closing quote of a string starting at `position`, minding `${...}` nesting; -1 if none."""
    length = len(text)
    while position < length:
        char = text[position]
        if char == "\\":
            position += 2
        elif char == '"':
            return position + 1
        elif char == "\n":
            return -1
        elif text.startswith("${", position) or text.startswith("%{", position):
            end = _block_end(text, position + 2)  # an interpolation nests expressions, strings included
            if end is None:
                return -1
            position = end
        else:
            position += 1
    return -1
