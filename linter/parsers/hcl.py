"""Terraform's two syntaxes, HCL (`*.tf`, tfvars) and JSON (`*.tf.json`), read into blocks and attributes
whose expressions keep their positions.

HCL is read from tree-sitter-hcl's tree (tf_sitter), whose expressions stay tree-sitter nodes until
evaluated; a text it declines (a syntax error, a layout HCL may refuse) is read here from python-hcl2's
Lark parse tree, whose tokens know their line and column (its dict output carries no positions). Either
way an attribute points at its name, a missing attribute at its block's header. Resource blocks no rule
reads are blanked before the parse (hcl_prefilter).
"""

from __future__ import annotations

import json
import re
import sys
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..model import ParseError, Span
from .hcl_prefilter import blank_unread_blocks
from .located import DecodeError, decode_json, key_span
from .resource_types import TERRAFORM_READ_TYPES

if TYPE_CHECKING:
    from lark import Tree


@dataclass
class Attribute:
    name: str
    expression: Any
    span: Span


@dataclass
class Block:
    type: str
    labels: list[str]
    span: Span
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    def children(self, block_type: str) -> Iterator[Block]:
        return (b for b in self.blocks if b.type == block_type)


def parse_hcl(text: str, file: str) -> list[Block]:
    """The top-level blocks of one `.tf` file that rules may read (the rest is blanked before the costly
    parse, see hcl_prefilter); DecodeError at the parser's position on a syntax error, and on anything
    else that goes wrong reading the file."""
    try:
        return parse_body(blank_unread_blocks(text, TERRAFORM_READ_TYPES) or text, file).blocks
    except RecursionError:
        raise DecodeError("HCL nested too deeply", 1) from None
    except MemoryError:
        raise DecodeError("HCL file too large to decode", 1) from None
    except ValueError as error:
        raise DecodeError(f"HCL error: {_first_line(str(error))}", 1) from None


# The opening of a heredoc as python-hcl2's lexer matches it (hcl2.lark's HEREDOC_TEMPLATE), and the lines
# that may end one: its marker after blanks, as that pattern wants it (after close_heredocs_as_terraform).
_LEXER_HEREDOC = re.compile(r"<<-?([a-zA-Z][a-zA-Z0-9._-]*)\r?\n")
_HEREDOC_END_LINE = re.compile(r"^[^\S\n]*([a-zA-Z][a-zA-Z0-9._-]*)\r?$", re.M)
_BLANKS = re.compile(r"\s+")
_SPACES = re.compile(r"[ \t]+")
# Regex steps a file's heredocs may cost: a base, and so many per character of the file.
HEREDOC_STEPS = 2_000_000
HEREDOC_STEPS_PER_CHAR = 32


def check_heredocs(text: str) -> None:
    """Refuse a file (as the parser is to read it) whose heredocs would take the regexes reading them
    too long.

    The lexer's heredoc pattern tries, after every newline of a body, to skip blanks (newlines included)
    up to the closing marker: a run of blank lines costs the square of its length, and an unterminated
    heredoc runs to the end of the file. The evaluator's (tf_eval) likewise skips spaces at every
    character: a run of spaces costs its square. Summed over every stretch that may be read as a heredoc
    body (even one that only looks like a heredoc, in a comment or a string: the bound is generous), this
    must stay within HEREDOC_STEPS plus HEREDOC_STEPS_PER_CHAR per character of the file."""
    if "<<" not in text:
        return
    ends: dict[str, list[int]] = {}  # marker -> the ends of the lines that could close its heredocs
    for closing in _HEREDOC_END_LINE.finditer(text):
        ends.setdefault(closing.group(1), []).append(closing.end())
    budget = HEREDOC_STEPS + HEREDOC_STEPS_PER_CHAR * len(text)
    steps, covered = 0, 0
    for opener in _LEXER_HEREDOC.finditer(text):
        candidates = ends.get(opener.group(1), [])
        index = bisect_right(candidates, opener.end() - 1)
        end = candidates[index] if index < len(candidates) else len(text)
        start, covered = max(opener.end(), covered), max(covered, end)
        if start >= end:
            continue
        for run in _BLANKS.finditer(text, start, end):
            steps += run.group().count("\n") * (run.end() - run.start())
        for run in _SPACES.finditer(text, start, end):
            length = run.end() - run.start()
            steps += length * (length + 1) // 2
        if steps > budget:
            line = text.count("\n", 0, opener.start()) + 1
            column = opener.start() - text.rfind("\n", 0, opener.start())
            raise DecodeError(
                f"heredoc <<{opener.group(1)} not read: too many blank lines or spaces in a row "
                f"(reading this file's heredocs would take over {budget:,} regex steps)",
                line,
                column,
            )


_HEREDOC_OPENER = re.compile(r"<<-?([A-Za-z][A-Za-z0-9._-]*)[ \t]*\r?$")


def close_heredocs_as_terraform(text: str) -> str:
    """Terraform ends a heredoc at a line holding its marker with spaces around it (`POLICY  `);
    python-hcl2 wants nothing after the marker, and would run on and swallow the resources that follow.
    Trailing blanks on opener and closer lines are dropped: no line or column before them moves."""
    if "<<" not in text:
        return text
    lines = text.split("\n")
    marker: str | None = None
    for number, line in enumerate(lines):
        if marker is None:
            opened = _HEREDOC_OPENER.search(line)
            if opened:
                marker = opened.group(1)
                lines[number] = (
                    line[: opened.start()]
                    + opened.group(0).rstrip(" \t\r")
                    + ("\r" if line.endswith("\r") else "")
                )
        elif line.strip(" \t\r") == marker:
            lines[number] = line.rstrip(" \t\r") + ("\r" if line.endswith("\r") else "")
            marker = None
    return "\n".join(lines)


def parse_body(text: str, file: str) -> Block:
    """One HCL file's top-level attributes and blocks (tfvars files have only attributes)."""
    text = close_heredocs_as_terraform(text)  # (what the parser reads, every position kept)
    check_heredocs(text)
    from . import tf_sitter  # (it reads this module's blocks: imported here, where it is first needed)

    read = tf_sitter.parse_body(text, file)  # (None: python-hcl2 reads it, as it reads syntax errors)
    if read is not None:
        return read
    # python-hcl2's Lark tree: through the translation of tree-sitter's tree when it can vouch for it, else
    # python-hcl2's own parser (lark, and all of python-hcl2, imported only here: 75 ms)
    from lark.exceptions import LarkError, UnexpectedInput

    from . import hcl_fast

    try:
        tree = hcl_fast.parse_tree(text)  # (None: python-hcl2 reads it, as it reads syntax errors)
        if tree is None:
            from hcl2.api import parses_to_tree  # (all of python-hcl2: 75 ms, for what the front declines)

            tree = parses_to_tree(text)
    except UnexpectedInput as error:
        token = getattr(error, "token", None) or getattr(error, "char", None)
        shown = repr(str(token).strip()[:30]) if token is not None and str(token).strip() else "end of line"
        raise DecodeError(f"HCL syntax error: unexpected {shown}", error.line, error.column) from None
    except (LarkError, RecursionError, ValueError) as error:
        raise DecodeError(f"HCL error: {_first_line(str(error))}", 1) from None
    except MemoryError:
        raise DecodeError("HCL file too large to decode", 1) from None
    body = next((c for c in tree.children if is_tree(c) and c.data == "body"), None)
    return _body(body, file) if body is not None else Block("body", [], Span(file, 1))


def _first_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "parse error"


def is_tree(value: Any) -> bool:
    """A tree of python-hcl2's Lark parse (its tokens are strings; lark is imported only when a file is
    read that way)."""
    lark = sys.modules.get("lark")
    return lark is not None and isinstance(value, lark.Tree)


def _span(tree: Any, file: str) -> Span:
    if isinstance(tree, str):  # (a token)
        token: Any = tree
        return Span(file, token.line or 1, token.column or 1, token.end_line, token.end_column)
    meta = getattr(tree, "meta", None)
    if meta is not None and not getattr(meta, "empty", True):
        return Span(file, meta.line, meta.column, meta.end_line, meta.end_column)
    return Span(file, 1)


def _name(tree: Any) -> str:
    """An identifier, keyword or literal used as a name, or a quoted label."""
    if isinstance(tree, str):  # (a token)
        return str(tree)
    if tree.data == "string":
        return "".join(str(p.children[0]) for p in _trees(tree) if isinstance(p.children[0], str))
    for child in tree.children:  # (the first token)
        if isinstance(child, str):
            return str(child)
    return ""


def _trees(tree: Tree) -> list[Tree]:
    """The child trees, without layout (newlines and comments)."""
    return [c for c in tree.children if not isinstance(c, str) and c.data != "new_line_or_comment"]


def _body(tree: Tree, file: str) -> Block:
    block = Block("body", [], _span(tree, file))
    for child in _trees(tree):
        if child.data == "attribute":
            parts = _trees(child)
            name_tree, expression = parts[0], parts[-1]
            name_token = next((t for t in name_tree.scan_values(lambda v: isinstance(v, str))), None)
            start = _span(name_token if name_token is not None else name_tree, file)
            end = _span(expression, file)
            span = Span(file, start.line, start.column, end.end_line, end.end_column)
            name = _name(name_tree)
            block.attributes[name] = Attribute(name, expression, span)
        elif child.data == "block":
            parts = _trees(child)
            inner = parts[-1] if parts and parts[-1].data == "body" else None
            header = [p for p in parts if p is not inner]
            nested = _body(inner, file) if inner is not None else Block("body", [], _span(child, file))
            start = _span(child, file)
            nested.type = _name(header[0]) if header else ""
            nested.labels = [_name(h) for h in header[1:]]
            nested.span = Span(file, start.line, start.column)
            block.blocks.append(nested)
    return block


def parse_files(files: list[tuple[str, str]]) -> tuple[list[Block], list[ParseError]]:
    """The blocks of a module's files, `(shown path, text)`; a file that does not parse is an SQK000 and
    the rest of the module is still read."""
    blocks: list[Block] = []
    errors: list[ParseError] = []
    for shown, text in files:
        try:
            parsed = parse_tf_json(text, shown) if shown.endswith(".tf.json") else parse_hcl(text, shown)
        except DecodeError as error:
            errors.append(ParseError(Span(shown, error.line, error.column), error.message))
            continue
        except Exception as error:  # (a safety net: whatever goes wrong is this file's, not the module's)
            problem = f"could not be read ({type(error).__name__}: {_first_line(str(error))})"
            errors.append(ParseError(Span(shown, 1), problem))
            continue
        blocks.extend(parsed)
    return blocks, errors


# Nested blocks the model reads, which Terraform's JSON syntax writes as objects (or lists of them).
_JSON_BLOCKS = {
    "statement",
    "principals",
    "not_principals",
    "condition",
    "queue",
    "inline_policy",
    "dead_letter_config",
}


# Top-level block types and how many labels each takes in the JSON syntax's nesting.
_JSON_LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "locals": 0}


def parse_tf_json(text: str, file: str) -> list[Block]:
    """Terraform's JSON syntax (`*.tf.json`): the same blocks, every string a template as in HCL."""
    document = decode_json(text)
    if not isinstance(document, dict):
        raise DecodeError("a .tf.json file must hold a JSON object", 1)
    blocks: list[Block] = []
    whole = Span(file, 1)
    for block_type, labels in _JSON_LABELS.items():
        if block_type in document:
            blocks.extend(
                _json_blocks(
                    block_type,
                    document[block_type],
                    labels,
                    [],
                    key_span(document, block_type, file, whole),
                    file,
                )
            )
    return blocks


def _json_blocks(
    block_type: str, node: Any, depth: int, labels: list[str], span: Span, file: str
) -> list[Block]:
    """The blocks of a JSON object nested `depth` labels deep; `span` is where its key was written."""
    if depth > 0:
        found: list[Block] = []
        for label, inner in node.items() if isinstance(node, dict) else ():
            where = key_span(node, label, file, span)
            found.extend(_json_blocks(block_type, inner, depth - 1, [*labels, str(label)], where, file))
        return found
    return [
        _json_block(block_type, labels, body, span, file)
        for body in (node if isinstance(node, list) else [node])
    ]


def _json_block(block_type: str, labels: list[str], body: Any, span: Span, file: str) -> Block:
    block = Block(block_type, labels, span)
    for name, value in body.items() if isinstance(body, dict) else ():
        if name in _JSON_BLOCKS and isinstance(value, (dict, list)):
            block.blocks.extend(_json_blocks(str(name), value, 0, [], key_span(body, name, file, span), file))
            continue
        if name == "dynamic" and isinstance(value, dict):  # {"dynamic": {"statement": {...}}}
            block.blocks.extend(_json_blocks("dynamic", value, 1, [], key_span(body, name, file, span), file))
            continue
        try:
            expression = parse_body(f"x = {json.dumps(value)}\n", file).attributes["x"].expression
        except (DecodeError, KeyError, TypeError, ValueError):
            continue
        block.attributes[str(name)] = Attribute(str(name), expression, key_span(body, name, file, span))
    return block
