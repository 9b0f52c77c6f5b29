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
import sys

# Block types whose contents expressions may refer to; kept whatever their labels.
KEPT_BLOCKS = frozenset({"variable", "locals", "data", "module", "output"})
_HEADER = re.compile(r'\s*([A-Za-z_][\w-]*)((?:\s+(?:"(?:[^"\\\n]|\\.)*"|[A-Za-z_][\w-]*))*)\s*\{')
_LABEL = re.compile(r'"((?:[^"\\\n]|\\.)*)"|([A-Za-z_][\w-]*)')
_HEREDOC = re.compile(r"<<-?([A-Za-z][\w.-]*)\r?\n")


def blank_unread_blocks(text: str, resource_types: frozenset[str]) -> str | None:
    """`text` with the top-level blocks no rule reads blanked (resources of other types than
    `resource_types`), or None when the scan cannot be sure of the layout."""
    pieces: list[str] = []
    copied = 0  # where the text not yet copied into `pieces` starts
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
            pieces.append(text[copied:position])
            pieces.append(_NOT_NEWLINES.sub(_blanks, text[position:end]))
            copied = end
        position = end
    pieces.append(text[copied:])
    return "".join(pieces)


_NOT_NEWLINES = re.compile(r"[^\r\n]+")


def _blanks(run: re.Match[str]) -> str:
    return " " * (run.end() - run.start())


def _kept(block_type: str, labels: list[str], resource_types: frozenset[str]) -> bool:
    if block_type in KEPT_BLOCKS:
        return True
    return block_type == "resource" and bool(labels) and labels[0] in resource_types


# Blanks and comments (a comment left open runs to the end of the text).
if sys.version_info >= (3, 11):
    _LAYOUT = re.compile(r"(?:[ \t\r\n]++|#[^\n]*+\n?|//[^\n]*+\n?|/\*(?:[^*]++|\*(?!/))*+(?:\*/)?)*+")
else:  # Python 3.10 has no possessive quantifiers (this always matches, so nothing backtracks far)
    _LAYOUT = re.compile(r"(?:[ \t\r\n]+|#[^\n]*\n?|//[^\n]*\n?|/\*(?:[^*]|\*(?!/))*(?:\*/)?)*")


def _skip_layout(text: str, position: int) -> int:
    """Past whitespace and comments."""
    return _LAYOUT.match(text, position).end()  # type: ignore[union-attr]  # (it matches the empty string)


_CODE_STOPS = re.compile(r'[{}"#/<]')  # where something may begin or end, in expressions
_STRING_STOPS = re.compile(r'[\\"\n$%]')  # ... and in a quoted string


def _block_end(text: str, position: int) -> int | None:
    """The index just past the `}` closing the block whose `{` ends before `position`, or None.

    Strings nest interpolations, which nest expressions, strings included: the scan keeps them on a
    stack rather than recursing, so no nesting is too deep for it."""
    length = len(text)
    # For each open level: how many braces are open in it (an expression), or _IN_STRING.
    levels = [1]
    while position < length:
        if levels[-1] == _IN_STRING:
            stop = _STRING_STOPS.search(text, position)
            if stop is None:
                return None
            position = stop.start()
            char = text[position]
            if char == "\\":
                position += 2
            elif char == '"':
                levels.pop()
                position += 1
            elif char == "\n":
                return None  # (a quoted string never spans lines)
            elif text.startswith("{", position + 1):  # `${` or `%{`: an expression until its `}`
                levels.append(1)
                position += 2
            else:
                position += 1
            continue
        stop = _CODE_STOPS.search(text, position)
        if stop is None:
            return None
        position = stop.start()
        char = text[position]
        if char == '"':
            levels.append(_IN_STRING)
            position += 1
        elif char == "#" or text.startswith("//", position) or text.startswith("/*", position):
            position = _skip_layout(text, position)
        elif char == "<" and (heredoc := _HEREDOC.match(text, position)):
            close = _heredoc_end(text, heredoc.end(), heredoc.group(1))
            if close is None:
                return None
            position = close
        elif char == "{":
            levels[-1] += 1
            position += 1
        elif char == "}":
            levels[-1] -= 1
            position += 1
            if levels[-1] == 0:
                levels.pop()
                if not levels:
                    return position
        else:
            position += 1
    return None


_IN_STRING = -1


def _heredoc_end(text: str, position: int, marker: str) -> int | None:
    """The end of the line closing a heredoc whose body starts at `position`: the marker alone on its
    line, blanks around it allowed (Terraform's rule); None when there is none."""
    length = len(text)
    while position < length:
        newline = text.find("\n", position)
        end = length if newline < 0 else newline
        line = text[position:end].lstrip(" \t")
        if line.startswith(marker):
            rest = line[len(marker) :]
            if rest.endswith("\r"):
                rest = rest[:-1]
            if not rest.strip(" \t"):
                return end
        position = end + 1
    return None
