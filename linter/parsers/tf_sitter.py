"""Terraform read straight from tree-sitter-hcl's tree: a file's blocks and attributes, whose expressions
are tree-sitter nodes that the evaluator (tf_eval) reads where a rule needs them.

Reading a file builds nothing but its blocks and attributes: an expression costs only when it is evaluated,
and most are never (tags, descriptions, timeouts). python-hcl2's Lark tree, which this replaces on the
common path, cost a Python object per token and rule of every attribute. python-hcl2 still reads what this
declines (None from `parse_body`): a text tree-sitter finds an error in (so a syntax error keeps python-hcl2's
message and position), no tree-sitter, or a layout tree-sitter-hcl accepts and HCL may not (two items of
a body on one line, an attribute's `=` or value on another line than its name, a value broken over lines
outside brackets and heredocs, a block's labels over lines, a hexadecimal number). `SQS_KMS_LINT_HCL_PARSER`
picks another reader: `lark` for python-hcl2 alone, `translate` for hcl_fast's translation into the Lark
tree; tests/test_tf_sitter.py holds this reader's model to python-hcl2's on every Terraform file we have.

Expressions are evaluated as HCL defines them, which tree-sitter-hcl's tree does not always nest right (its
conditional associates to the left): an expression's operands and operators are read in the order of the
text (`flatten`) and parsed again by precedence (`operations`).
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from ..model import Span
from .hcl import Attribute, Block

if TYPE_CHECKING:
    from tree_sitter import Node

# The environment variable that picks the reader of Terraform: "lark" for python-hcl2 alone, "translate"
# for hcl_fast's translation into its tree, anything else for this reader.
PARSER_VARIABLE = "SQS_KMS_LINT_HCL_PARSER"

# python-hcl2's terminals for a string's literal text (hcl2.lark, as Lark compiles them).
ESCAPED_INTERPOLATION = re.compile(r"\$\$\{[^}]*\}")
ESCAPED_DIRECTIVE = re.compile(r"%%\{[^}]*\}")
STRING_CHARS = re.compile(r'(?:(?!\$\$\{)(?!\$\{)(?!%%\{)(?!%\{)[^"\\]|\\.|(?:\$(?!\$?\{))|(?:%(?!%?\{)))+')

# Lines of blanks (the prefilter leaves many) and long runs of blanks: tree-sitter-hcl lexes whitespace a
# character at a time, so it is shown a comment of the same length instead, which changes nothing it
# parses (between tokens, in a string, a heredoc or a comment); the readers read the text itself.
# A run of blank lines becomes one block comment, unless the text has block comments (which do not nest):
# then each blank line becomes a `#` comment. (Each pattern starts with a blank, its line start checked
# after it, which lets the regular expression engine skip to the blanks.)
_BLANK_LINES = re.compile(r"[ \t](?:(?<=^[ \t])[ \t]*(?:\r?\n[ \t]*)*(?=\r?$)|[ \t]{63,})", re.M)
_BLANK_LINE = re.compile(r"[ \t](?<=^[ \t])[ \t]{3,}(?=\r?$)", re.M)


def _as_block_comment(blanks: re.Match[str]) -> str:
    run = blanks.group()
    if blanks.string[blanks.start() - 1 : blanks.start()] == "/":
        return run  # (after a `/`, `/*` would begin a `//` line comment: a division's blanks stay blanks)
    start, end = run.find("  "), run.rfind("  ")  # (from the first two spaces to the last two)
    if start < 0 or end < start + 2:
        return run
    return run[:start] + "/*" + run[start + 2 : end] + "*/" + run[end + 2 :]


def _as_line_comment(blanks: re.Match[str]) -> str:
    return "#" + blanks.group()[1:]


def _shown(source: str) -> str:
    """The text as tree-sitter is given it: every byte where it was, blank lines shown as comments."""
    if "/*" in source:
        return _BLANK_LINE.sub(_as_line_comment, source)
    return _BLANK_LINES.sub(_as_block_comment, source)


# Node kinds of the tree-sitter-hcl grammar (1.2) this reader is written for: another grammar's trees are
# left to python-hcl2.
_KINDS = (
    "new_index",
    "legacy_index",
    "variable_expr",
    "function_arguments",
    "object_elem",
    "template_interpolation",
    "heredoc_identifier",
    "quoted_template",
)
_parser: Any = None  # tree-sitter's parser for HCL once made; False when tree-sitter is not installed


def parser() -> Any:
    """tree-sitter's parser for HCL, made once (False when tree-sitter or its HCL grammar is missing)."""
    global _parser
    if _parser is None:
        try:
            import tree_sitter_hcl
            from tree_sitter import Language, Parser

            language = Language(tree_sitter_hcl.language())
            if any(language.id_for_node_kind(kind, True) is None for kind in _KINDS):
                raise ImportError("not the tree-sitter-hcl grammar this reader knows")
            _parser = Parser(language)
        except Exception:  # (not installed, or a build this code does not know: python-hcl2 reads)
            _parser = False
    return _parser


_COMMENT_KIND = "comment"
# A hexadecimal literal where a number may stand (after a sign or a bracket, not in a name or a string's
# word): left to python-hcl2, which refuses it as Terraform does. A false alarm in a string or a comment
# only costs that file python-hcl2's slower reading.
_HEXADECIMAL = re.compile(r"(?<![\w.\-])0[xX][0-9a-fA-F]")

# Binary operators by precedence level, as HCL's (0 `||` ... 5 `*`).
_LEVELS = {
    "||": 0,
    "&&": 1,
    "==": 2,
    "!=": 2,
    "<": 3,
    ">": 3,
    "<=": 3,
    ">=": 3,
    "+": 4,
    "-": 4,
    "*": 5,
    "/": 5,
    "%": 5,
}
_TOP_LEVEL = 6


class Source:
    """One text as tree-sitter read it: node texts come from the text itself (tree-sitter was shown blank
    runs as comments, at the same bytes), positions are Lark's (lines from 1, columns in characters from
    1)."""

    __slots__ = ("data", "file", "ascii")

    def __init__(self, text: str, file: str) -> None:
        self.data = text.encode("utf-8")
        self.file = file
        self.ascii = text.isascii()

    def text(self, node: Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def between(self, start: int, end: int) -> str:
        return self.data[start:end].decode("utf-8", "replace")

    def _column(self, byte: int, column: int) -> int:
        if self.ascii:
            return column + 1
        return len(self.data[byte - column : byte].decode("utf-8", "replace")) + 1

    def start(self, node: Node) -> tuple[int, int]:
        row, column = node.start_point
        return row + 1, self._column(node.start_byte, column)

    def end(self, node: Node) -> tuple[int, int]:
        row, column = node.end_point
        return row + 1, self._column(node.end_byte, column)

    def span(self, node: Node, end: Node | None = None) -> Span:
        line, column = self.start(node)
        end_line, end_column = self.end(end if end is not None else node)
        return Span(self.file, line, column, end_line, end_column)


class Expression:
    """An attribute's expression as tree-sitter read it (what `Attribute.expression` holds on this path)."""

    __slots__ = ("node", "source")

    def __init__(self, node: Node, source: Source) -> None:
        self.node = node
        self.source = source


def enabled() -> bool:
    """This reader is the one in use: tree-sitter is there and the environment picks no other."""
    chosen = os.environ.get(PARSER_VARIABLE, "").strip().lower()
    return chosen not in ("lark", "translate") and bool(parser())


class _Decline(Exception):
    """A text this reader leaves to python-hcl2."""


def parse_body(text: str, file: str) -> Block | None:
    """One HCL file's top-level attributes and blocks, read from tree-sitter's tree; None when python-hcl2
    is to read the text (see the module's docstring)."""
    if not enabled():
        return None
    source_text = text + "\n"  # (as python-hcl2 reads it)
    if ("0x" in source_text or "0X" in source_text) and _HEXADECIMAL.search(source_text):
        return None  # (tree-sitter-hcl reads `0x1F` as a number; HCL has none: python-hcl2 says so)
    shown = _shown(source_text).encode("utf-8")
    tree = parser().parse(shown)
    root = tree.root_node
    if root.has_error:
        return None
    source = Source(source_text, file)
    parts = children(root)
    try:
        if not parts:
            return Block("body", [], Span(file, 1))
        if len(parts) != 1 or parts[0].type != "body":
            return None  # (a file holding one object, which only tree-sitter reads)
        return _body(parts[0], source)
    except (_Decline, RecursionError):
        return None


def children(node: Node) -> list[Node]:
    """A node's children without comments."""
    found: list[Node] = node.children
    for child in found:
        if child.type == _COMMENT_KIND:
            return [c for c in found if c.type != _COMMENT_KIND]
    return found


def _body(node: Node, source: Source) -> Block:
    block = Block("body", [], source.span(node))
    previous_row = -1
    for item in children(node):
        row = item.start_point[0]
        if row == previous_row:
            raise _Decline  # (HCL wants a newline after each attribute and block)
        previous_row = item.end_point[0]
        kind = item.type
        if kind == "attribute":
            parts = children(item)
            if len(parts) != 3 or parts[0].type != "identifier" or parts[2].type != "expression":
                raise _Decline
            if not parts[0].start_point[0] == parts[1].start_point[0] == parts[2].start_point[0]:
                raise _Decline
            if parts[2].start_point[0] != parts[2].end_point[0] and not _on_one_line(parts[2]):
                raise _Decline
            name = source.text(parts[0])
            block.attributes[name] = Attribute(
                name, Expression(parts[2], source), source.span(parts[0], parts[2])
            )
        elif kind == "block":
            parts = children(item)
            labels: list[str] = []
            index = 1
            if parts[0].start_point[0] != parts[-1].start_point[0] and not _header_on_one_line(parts):
                raise _Decline  # (labels over lines: HCL refuses them; python-hcl2 says so)
            while index < len(parts) and parts[index].type in ("identifier", "string_lit"):
                label = parts[index]
                labels.append(source.text(label) if label.type == "identifier" else label_text(label, source))
                index += 1
            if index >= len(parts) or parts[index].type != "block_start":
                raise _Decline
            inner = parts[index + 1] if index + 1 < len(parts) and parts[index + 1].type == "body" else None
            nested = _body(inner, source) if inner is not None else Block("body", [], source.span(item))
            nested.type = source.text(parts[0])
            nested.labels = labels
            line, column = source.start(item)
            nested.span = Span(source.file, line, column)
            block.blocks.append(nested)
        else:
            raise _Decline
    return block


def _header_on_one_line(parts: list[Node]) -> bool:
    """A block's type, labels and opening brace on one line (what HCL wants)."""
    row = parts[0].start_point[0]
    for part in parts:
        if part.type == "block_start":
            return part.start_point[0] == row
        if part.start_point[0] != row or part.end_point[0] != row:
            return False
    return False


# Terms that may span lines: newlines inside brackets and heredocs are HCL's layout.
_BRACKETED = frozenset(("collection_value", "function_call", "for_expr", "index"))


def _on_one_line(expression: Node) -> bool:
    """An attribute's value spans lines only inside brackets and heredocs: HCL ends an attribute at a
    newline elsewhere (a text that breaks a line before an operator or in a quoted string is left to
    python-hcl2, whose grammar decides as before)."""
    units: list[tuple[Node, Node]] = []  # (first node, last node) of each piece, in the order of the text
    pending: list[Any] = [children(expression)]
    while pending:
        parts = pending.pop()
        if type(parts) is not list:
            units.append((parts, parts))
            continue
        if not parts:
            return False
        first = parts[0]
        if len(parts) == 1 and first.type in ("operation", "conditional"):
            inner = children(children(first)[0]) if first.type == "operation" else children(first)
            for child in reversed(inner):
                pending.append(_operand([child]) if child.is_named else child)
            continue
        index = 0
        while index < len(parts):
            part = parts[index]
            if part.type == "(":
                closing = next((i for i in range(index + 1, len(parts)) if parts[i].type == ")"), None)
                if closing is None:
                    return False
                units.append((part, parts[closing]))
                index = closing + 1
                continue
            if part.start_point[0] != part.end_point[0] and part.type not in _BRACKETED:
                if part.type != "template_expr" or part.children[0].type != "heredoc_template":
                    return False
            if part.type == "function_call" and part.child_count > 1:
                if part.children[1].start_point[0] != part.start_point[0]:
                    return False  # (`upper\n("x")`: the newline ends the attribute before the call)
            units.append((part, part))
            index += 1
    row = units[0][0].start_point[0] if units else 0
    for first, last in units:
        if first.start_point[0] != row:
            return False
        row = last.end_point[0]
    return all(
        _elements_on_one_line(first) for first, last in units if first.start_point[0] != last.end_point[0]
    )


def _elements_on_one_line(node: Node) -> bool:
    """Every object element inside `node` has its key, its `=` or `:` and the start of its value on one
    line (`{ a =\n 1 }` is refused by python-hcl2, which decides as before)."""
    pending = [node]
    while pending:
        current = pending.pop()
        if current.start_point[0] == current.end_point[0]:
            continue  # (one line: nothing inside it breaks one)
        if current.type == "object_elem":
            parts = children(current)
            if len(parts) == 3 and not (
                parts[0].end_point[0] == parts[1].start_point[0] == parts[2].start_point[0]
            ):
                return False
        pending.extend(current.children)
    return True


def label_text(node: Node, source: Source) -> str:
    """A quoted label as python-hcl2's reader names it: the text between its quotes, escapes as written
    (a label with an interpolation, which Terraform refuses, is left to python-hcl2)."""
    parts = children(node)
    if any(part.type in ("template_interpolation", "template_directive") for part in parts):
        raise _Decline
    if len(parts) < 2 or parts[0].type != "quoted_template_start" or parts[-1].type != "quoted_template_end":
        raise _Decline
    text = source.between(parts[0].end_byte, parts[-1].start_byte)
    if "${" in text or "%{" in text:
        raise _Decline  # (tree-sitter-hcl may take a template in a label as text)
    return text


# -- expressions ---------------------------------------------------------------------------------------


def flatten(node: Node) -> list[tuple[str, Any]]:
    """An expression's operands and operators in the order of the text: ("term", its parts),
    ("binary", sign), ("unary", sign), ("?", None), (":", None), then ("end", None). A loop: tree-sitter
    nests a long chain of operations as deep as it is long."""
    items: list[tuple[str, Any]] = []
    pending: list[Any] = [children(node)]
    while pending:
        parts = pending.pop()
        if type(parts) is tuple:
            items.append(parts)
            continue
        if not parts:
            return [("end", None)]  # (nothing to evaluate: unknown)
        first = parts[0]
        kind = first.type
        if kind == "operation" and len(parts) == 1:
            (operation,) = children(first)
            inner = children(operation)
            if operation.type == "unary_operation" and len(inner) >= 2:
                pending.append(_operand(inner[1:]))
                pending.append(("unary", inner[0].type))
                continue
            at = next((i for i, c in enumerate(inner) if not c.is_named and c.type in _LEVELS), 0)
            if operation.type != "binary_operation" or not 0 < at < len(inner) - 1:
                return [("end", None)]
            pending.extend((_operand(inner[at + 1 :]), ("binary", inner[at].type), _operand(inner[:at])))
        elif kind == "conditional" and len(parts) == 1:
            inner = children(first)
            if [child.type for child in inner] != ["expression", "?", "expression", ":", "expression"]:
                return [("end", None)]
            pending.extend(
                (children(inner[4]), (":", None), children(inner[2]), ("?", None), children(inner[0]))
            )
        else:
            items.append(("term", parts))
    items.append(("end", None))
    return items


def _operand(parts: list[Node]) -> list[Node]:
    """An operand of an operation: its parts as an expression's (tree-sitter writes them inline)."""
    if len(parts) == 1 and parts[0].type == "expression":
        return children(parts[0])
    return parts


def operations(items: list[tuple[str, Any]]) -> Any:
    """The parsed expression: ("?", condition, then, else), ("binary", sign, left, right),
    ("unary", sign, operand), ("term", parts); None when the items are no expression."""
    parser = _Precedence(items)
    try:
        tree = parser.conditional()
    except (IndexError, _Decline, RecursionError):  # (a chain of conditionals thousands long: unknown)
        return None
    return tree if items[parser.index][0] == "end" else None


class _Precedence:
    """`expression: or_expr ? expression : expression | or_expr`, then one left-associative level per
    precedence, then unary operators over a term."""

    __slots__ = ("items", "index")

    def __init__(self, items: list[tuple[str, Any]]) -> None:
        self.items = items
        self.index = 0

    def conditional(self) -> Any:
        condition = self.level(0)
        if self.items[self.index][0] != "?":
            return condition
        self.index += 1
        chosen = self.conditional()
        if self.items[self.index][0] != ":":
            raise _Decline
        self.index += 1
        return ("?", condition, chosen, self.conditional())

    def level(self, level: int) -> Any:
        if level == _TOP_LEVEL:
            return self.unary()
        left = self.level(level + 1)
        items = self.items
        while True:
            kind, sign = items[self.index]
            if kind != "binary" or _LEVELS.get(sign) != level:
                return left
            self.index += 1
            left = ("binary", sign, left, self.level(level + 1))

    def unary(self) -> Any:
        kind, what = self.items[self.index]
        self.index += 1
        if kind == "term":
            return ("term", what)
        if kind == "unary":
            return ("unary", what, self.unary())
        raise _Decline


def string_pieces(node: Node, source: Source) -> list[tuple[str, Any]] | None:
    """A quoted template's pieces: ("text", literal text as written, escapes and all) and
    ("interpolation", its expression node); None when it holds a directive (`%{ if }`, `%{ for }`)."""
    parts = children(node)
    if not parts or parts[0].type != "quoted_template_start" or parts[-1].type != "quoted_template_end":
        return None
    pieces: list[tuple[str, Any]] = []
    position = parts[0].end_byte
    for part in parts[1:-1]:
        kind = part.type
        if kind == "template_literal":
            continue  # (read as text, up to the next interpolation)
        if kind != "template_interpolation":
            return None
        if source.data[part.start_byte - 1 : part.start_byte] == b"$":
            continue  # (`$$${x}`: HCL reads `$` and the escape `$${x}`, tree-sitter-hcl `$$` and `${x}`: text)
        if part.start_byte > position:
            pieces.append(("text", source.between(position, part.start_byte)))
        inner = children(part)
        if len(inner) != 3 or inner[1].type != "expression":
            return None
        pieces.append(("interpolation", inner[1]))
        position = part.end_byte
    end = parts[-1].start_byte
    if end > position:
        pieces.append(("text", source.between(position, end)))
    return pieces


def heredoc_token(node: Node, source: Source) -> str | None:
    """A heredoc as python-hcl2's lexer takes it, one token from `<<` to the line break after its closing
    marker (what tf_eval's heredoc reader reads)."""
    parts = children(node)
    if len(parts) < 3 or parts[0].type != "heredoc_start" or parts[-1].type != "heredoc_identifier":
        return None
    end = parts[-1].end_byte
    data = source.data
    if data.startswith(b"\r\n", end):
        end += 2
    elif data.startswith(b"\n", end):
        end += 1
    return source.between(node.start_byte, end)
