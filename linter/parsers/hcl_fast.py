"""A fast front for the Terraform parse: tree-sitter-hcl reads the file, and its tree is translated into
the Lark tree python-hcl2's `parses_to_tree` would build from the same text, which hcl.py and tf_eval walk.

python-hcl2's LALR parse, in Python, with positions propagated to every rule, is most of the CPU a run of
the linter spends on Terraform. tree-sitter parses in C; what is left in Python is one walk of its tree.
The translation reproduces the Lark tree exactly: the same rules and rule names, the same tokens (types,
values, line, column, end and offsets), the same layout (`new_line_or_comment`) where the LALR parser puts
it, including its quirks: a newline merged into the operator after it (hcl2's postlexer), the trailing
newline a binary operation takes in, `EQ` and `COLON` with the blanks before them, `-12` as one literal,
keywords as attribute names, a heredoc's token taking the newline after its closing marker.

It declines (None), and python-hcl2 reads the file as before, whenever it cannot vouch for that tree: no
tree-sitter, a tree-sitter error, a node kind it does not translate, or a text python-hcl2 would lex or
parse otherwise (layout where the Lark grammar has no room for it, tokens its regular expressions would
cut elsewhere). Syntax errors thus keep python-hcl2's messages. `SQS_KMS_LINT_HCL_PARSER=lark` turns the
front off (for comparisons); `tests/test_hcl_fast.py` and `benchmarks/hcl_oracle.py` hold it to the oracle.
"""

from __future__ import annotations

import gc
import os
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from lark import Token, Tree
from lark.tree import Meta

from . import tf_sitter
from .tf_sitter import (  # (shared with tree-sitter's reader; named here for the tests)
    ESCAPED_DIRECTIVE,
    ESCAPED_INTERPOLATION,
    PARSER_VARIABLE,
    STRING_CHARS,
    _shown,
)

if TYPE_CHECKING:
    from tree_sitter import Node

# hcl2.postlexer's OPERATOR_TYPES (importing it imports all of python-hcl2, 75 ms of a one-file run):
# the tokens its postlexer merges a newline into; tests/test_hcl_fast.py holds the two equal.
OPERATOR_TYPES = frozenset(
    {"ASTERISK", "DOUBLE_AMP", "DOUBLE_EQ", "DOUBLE_PIPE", "GEQ", "GT", "LEQ", "LT", "NEQ", "PERCENT"}
    | {"PLUS", "QMARK", "SLASH"}
)


# python-hcl2's terminals (hcl2.lark, as Lark compiles them), where a token's extent depends on the text.
NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_-]*")
INT_LITERAL = re.compile(r"(?:\-[0-9])?(?:[0-9])+")
FLOAT_LITERAL = re.compile(
    r"(?:(?:(?:\-[0-9])+|(?:\-[0-9])?(?:[0-9])+)\.(?:[0-9])+(?:(?:e|E)(?:(?:\+|\-))?(?:[0-9])+)?"
    r"|(?:(?:\-[0-9])+|(?:\-[0-9])?(?:[0-9])+)(?:e|E)(?:(?:\+|\-))?(?:[0-9])+)"
)
HEREDOC_TEMPLATE = re.compile(
    r"<<(?P<heredoc>[a-zA-Z][a-zA-Z0-9._-]*)\r?\n(?:(?:.|\n)*?\r?\n)??\s*(?P=heredoc)\r?\n"
)
HEREDOC_TEMPLATE_TRIM = re.compile(
    r"<<-(?P<heredoc_trim>[a-zA-Z][a-zA-Z0-9._-]*)\r?\n(?:(?:.|\n)*?\r?\n)??\s*(?P=heredoc_trim)\r?\n"
)
# Between tokens: NL_OR_COMMENT (group 1), or blanks the lexer ignores.
_LAYOUT = re.compile(r"(\/\*(?:.|\n)*?\*\/|\/\/.*\n|#.*\n|\n[ \t]*)|[ \t\r]+")
_NEWLINE = re.compile(r"\n")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_COMMENT_START = re.compile(rb"#|/(?=[/*])")  # (where comments start: one byte each, so none overlap)
_COMMENT_LOOKUP = 32  # a comment sign in fewer than this many bytes, and the query finds the comments
# Names the Lark grammar lexes as keywords where a body item or an object key starts.
_KEYWORDS = {
    "in": "IN",
    "for": "FOR",
    "if": "IF",
    "for_each": "FOR_EACH",
    "else": "ELSE",
    "endif": "ENDIF",
    "endfor": "ENDFOR",
}
_LITERALS = {"true": "TRUE", "false": "FALSE", "null": "NULL"}
# Binary operators: token type and precedence level (0 `||` ... 5 `*`), as hcl2.lark's ladder.
_BINARY = {
    "||": ("DOUBLE_PIPE", 0),
    "&&": ("DOUBLE_AMP", 1),
    "==": ("DOUBLE_EQ", 2),
    "!=": ("NEQ", 2),
    "<": ("LT", 3),
    ">": ("GT", 3),
    "<=": ("LEQ", 3),
    ">=": ("GEQ", 3),
    "+": ("PLUS", 4),
    "-": ("MINUS", 4),
    "*": ("ASTERISK", 5),
    "/": ("SLASH", 5),
    "%": ("PERCENT", 5),
}
_UNARY_LEVEL = 6
# Trees whose last child may end in a binary operation that takes in the layout after it.
_RIGHT_EDGES = {"attribute", "object_elem", "conditional", "for_cond", "arguments", "binary_term"}
_ACCESSORS = {"get_attr", "index"}
# tree-sitter's directive parts, and the grammar's rule for each.
_DIRECTIVES = {
    "template_if": {
        "template_if_intro": "template_if_start",
        "template_else_intro": "template_else",
        "template_if_end": "template_endif",
    },
    "template_for": {"template_for_start": "template_for_start", "template_for_end": "template_endfor"},
}


class _Decline(Exception):
    """The translation cannot vouch for python-hcl2's tree here: python-hcl2 reads the file."""


_parser: Any = None  # tree-sitter's parser once made; False when tree-sitter is not installed
_comments: Any = None  # a cursor maker for the query that finds comments
_COMMENT = -1  # tree-sitter-hcl's node kind for comments
# Node kinds of the tree-sitter-hcl grammar (1.2) the translation is written for: another grammar's
# trees would only be declined, each file then parsed twice.
_KINDS = ("new_index", "legacy_index", "template_for_start", "variable_expr", "function_arguments")


def _tree_sitter() -> Any:
    """tree-sitter's parser for HCL (tf_sitter's), with the query that finds comments made once (False
    when tree-sitter or its HCL grammar is missing)."""
    global _parser, _comments, _COMMENT
    if _parser is None:
        parser = tf_sitter.parser()
        try:
            if not parser:
                raise ImportError("no tree-sitter")
            from tree_sitter import Query, QueryCursor

            language = parser.language
            comment = language.id_for_node_kind("comment", True)
            if comment is None or any(language.id_for_node_kind(k, True) is None for k in _KINDS):
                raise ImportError("not the tree-sitter-hcl grammar this translation knows")
            query = Query(language, "(comment) @comment")
            _COMMENT, _comments = comment, lambda: QueryCursor(query)
            _parser = parser
        except Exception:  # (not installed, or a build this code does not know: python-hcl2 reads)
            _parser = False
    return _parser


def enabled() -> bool:
    """The fast front is in use: tree-sitter is there and the environment does not ask for Lark alone."""
    return os.environ.get(PARSER_VARIABLE, "").strip().lower() != "lark" and bool(_tree_sitter())


def parse_tree(text: str) -> Tree | None:
    """python-hcl2's parse tree of `text` (as `hcl2.api.parses_to_tree(text)` builds it), or None when
    the fast front declines or is off; never raises."""
    collecting = gc.isenabled()
    try:
        if not enabled():
            return None
        source = text + "\n"  # (parses_to_tree reads the text with a newline added)
        shown = _shown(source)
        data = shown.encode("utf-8")
        tree = _tree_sitter().parse(data)
        if tree.root_node.has_error:
            return None
        gc.disable()  # (a tree per node, and no cycle among them: the collector would only slow it)
        return _Translator(source, tree.root_node, data).start(tree.root_node)
    except Exception:  # (_Decline, and anything unforeseen: python-hcl2 has the last word)
        return None
    finally:
        if collecting:
            gc.enable()


class _Positions(Meta):
    """A rule's positions as Lark's propagate_positions sets them, from its first child to its last (an
    empty body has none), worked out when first read: most never are, and a binary operation's end moves
    when it takes in the layout after it."""

    __slots__ = ("_children",)

    def __init__(self, children: list[Any]) -> None:  # (not Meta's: `empty` is worked out too)
        self._children = children

    def __getattr__(self, name: str) -> Any:
        if name not in _META_FIELDS:
            raise AttributeError(name)
        children = self._children
        settled = self.__dict__
        if not children:
            settled["empty"] = True
            if name == "empty":
                return True
            raise AttributeError(name)
        first, last = children[0], children[-1]
        while type(first) is Tree:  # (a loop, not recursion: left-nested operations run deep)
            meta = first._meta
            if "line" in meta.__dict__:
                first = meta
                break
            first = first.children[0]
        while type(last) is Tree:
            meta = last._meta
            if "line" in meta.__dict__:
                last = meta
                break
            last = last.children[-1]
        settled["empty"] = False
        settled["line"] = first.line
        settled["column"] = first.column
        settled["start_pos"] = first.start_pos
        settled["end_line"] = last.end_line
        settled["end_column"] = last.end_column
        settled["end_pos"] = last.end_pos
        return settled[name]


_new_positions = _Positions.__new__
_new_tree = Tree.__new__
_START_BYTE = attrgetter("start_byte")  # (a character offset in an ASCII text)
_END_BYTE = attrgetter("end_byte")
_META_FIELDS = frozenset(("empty", "line", "column", "start_pos", "end_line", "end_column", "end_pos"))


def _tree(data: str, children: list[Any]) -> Tree:
    # Tree(data, children, _Positions(children)), without the two calls (a tree per node of the text)
    positions = _new_positions(_Positions)
    positions._children = children
    tree = _new_tree(Tree)
    tree.data = data
    tree.children = children
    tree._meta = positions
    return tree


def _absorb(tree: Tree, layout: Tree) -> bool:
    """Give `layout` to the binary operation that ends `tree`, if one does, as Lark's LALR parser does
    (its shift/reduce conflict resolved as shift): `binary_op: x binary_term new_line_or_comment?`. The
    trees along that right edge then end where the layout ends."""
    edge: list[Tree] = []
    taker = 0  # how many trees of the edge, down to the binary operation that takes the layout
    node: Any = tree
    while type(node) is Tree:
        data = node.data
        last = node.children[-1]
        if data == "binary_op":
            if type(last) is not Tree or last.data != "binary_term":
                break  # (it has its layout already)
            edge.append(node)
            taker = len(edge)
        elif data in _RIGHT_EDGES:
            edge.append(node)
        else:
            break
        node = last
    if not taker:
        return False
    edge[taker - 1].children.append(layout)
    for owner in edge[:taker]:
        meta = owner.meta
        if "end_line" in meta.__dict__:  # (read already: it moves too)
            meta.end_line = layout.meta.end_line
            meta.end_column = layout.meta.end_column
            meta.end_pos = layout.meta.end_pos
    return True


class _Translator:
    """One file's tree-sitter tree, walked into python-hcl2's Lark tree.

    Tokens are made in the order of the text: `pos` is where the text has been read up to, and what lies
    between it and the next token (blanks, newlines, comments) is lexed as Lark's lexer would, then placed
    in the grammar's `new_line_or_comment?` slot there, or given to a binary operation that ends just
    before it; where the grammar has no room for it the translation declines."""

    def __init__(self, text: str, root: Node, shown: bytes) -> None:
        self.text = text
        self.pos = 0
        self.commented: set[int] = set()  # the nodes that have a comment among their children
        # A comment starts with `#`, `//` or `/*`: where few places in the text (`shown`, as tree-sitter
        # read it) do, the node at each is looked up; else the query finds every comment (its time goes
        # with the text's length, a look-up's about that of _COMMENT_LOOKUP bytes' worth of query).
        signs = shown.count(b"#") + shown.count(b"/")
        if signs * _COMMENT_LOOKUP > len(shown):
            found = _comments().captures(root).get("comment", [])
            self.commented = {comment.parent.id for comment in found if comment.parent is not None}
        elif signs:
            for start in _COMMENT_START.finditer(shown):
                offset = start.start()
                node = root.descendant_for_byte_range(offset, offset + 1)
                if node is not None and node.kind_id == _COMMENT and node.start_byte == offset:
                    parent = node.parent
                    if parent is not None:
                        self.commented.add(parent.id)
        self.lines = [0] + [newline.end() for newline in _NEWLINE.finditer(text)]  # line starts
        # Byte offsets (tree-sitter's) to character offsets (Lark's): the non-ASCII characters' byte
        # offsets, and how many more bytes than characters precede each.
        self.wide: list[int] = []
        self.extra: list[int] = [0]
        self.start_of: Callable[[Node], int] = _START_BYTE
        self.end_of: Callable[[Node], int] = _END_BYTE
        if not text.isascii():
            self.start_of, self.end_of = self.character_start, self.character_end
            extra = 0
            for wide in _NON_ASCII.finditer(text):
                self.wide.append(wide.start() + extra)
                extra += len(wide.group().encode("utf-8")) - 1
                self.extra.append(extra)

    # -- positions and tokens -------------------------------------------------------------------------

    def parts(self, node: Node) -> list[Node]:
        """A node's children without comments (their text is read as layout, between tokens)."""
        if self.commented and node.id in self.commented:
            return [child for child in node.children if child.kind_id != _COMMENT]
        return node.children  # type: ignore[no-any-return]

    def character_start(self, node: Node) -> int:
        """Where a node starts, as a character offset (`start_of` in a text with non-ASCII characters)."""
        offset: int = node.start_byte
        return offset - self.extra[bisect_left(self.wide, offset)]

    def character_end(self, node: Node) -> int:
        offset: int = node.end_byte
        return offset - self.extra[bisect_left(self.wide, offset)]

    def token(self, kind: str, start: int, end: int, value: str | None = None) -> Token:
        """A token of the text from `start` to `end` (its value the text there unless given)."""
        text, lines = self.text, self.lines
        if text.find("\n", start, end) < 0:
            return self.short(kind, start, end, text[start:end] if value is None else value)
        line = bisect_right(lines, start)
        end_line = bisect_right(lines, end)
        if value is None:
            value = text[start:end]
        # Token(kind, value, start, line, column, end_line, end_column, end), without its keyword handling
        made = str.__new__(Token, value)
        made.type = kind
        made.start_pos = start
        made.value = value
        made.line = line
        made.column = start - lines[line - 1] + 1
        made.end_line = end_line
        made.end_column = end - lines[end_line - 1] + 1
        made.end_pos = end
        return made

    def short(self, kind: str, start: int, end: int, value: str) -> Token:
        """A token within one line (punctuation, a name, a number, an operator)."""
        lines = self.lines
        line = bisect_right(lines, start)
        column = start - lines[line - 1] + 1
        made = str.__new__(Token, value)  # (the commonest token, made without a call)
        made.type = kind
        made.start_pos = start
        made.value = value
        made.line = line
        made.column = column
        made.end_line = line
        made.end_column = column + end - start
        made.end_pos = end
        return made

    def gap(self, upto: int, glue: bool = False) -> list[Token]:
        """The layout tokens between `pos` and `upto`, which Lark's lexer would make there. With `glue`,
        the blanks just before `upto` are left to the token there (EQ, COLON take them in)."""
        text, position = self.text, self.pos
        if position == upto or (not glue and text[position:upto] == " "):
            self.pos = upto
            return []
        tokens: list[Token] = []
        while position < upto:
            if glue and not text[position:upto].strip(" \t"):  # (only blanks: EQ and COLON take them in)
                break
            found = _LAYOUT.match(text, position, upto)
            if found is None:
                raise _Decline
            if found.lastindex:
                tokens.append(self.token("NL_OR_COMMENT", position, found.end()))
            position = found.end()
        self.pos = position
        return tokens

    def layout(
        self, upto: int, after: Tree | None = None, into: list[Any] | None = None, glue: bool = False
    ) -> None:
        """Read the layout up to `upto`: a binary operation ending `after` takes it in, else it goes
        into the slot `into`; with neither, the Lark grammar has no room for it here."""
        position = self.pos
        if upto == position:
            return
        if not glue and upto == position + 1 and self.text[position] == " ":  # (gap's commonest case)
            self.pos = upto
            return
        tokens = self.gap(upto, glue)
        if tokens:
            layout = _tree("new_line_or_comment", tokens)
            if after is not None and _absorb(after, layout):
                return
            if into is None:
                raise _Decline
            into.append(layout)

    def punctuation(
        self, kind: str, node: Node, after: Tree | None = None, into: list[Any] | None = None
    ) -> Token:
        """The token of `node`, after the layout before it (see `layout`)."""
        start, end = self.start_of(node), self.end_of(node)
        position = self.pos
        if start != position and (start != position + 1 or self.text[position] != " "):
            self.layout(start, after, into)
        self.pos = end
        lines = self.lines  # (short's body, inlined: a token per punctuation node)
        line = bisect_right(lines, start)
        column = start - lines[line - 1] + 1
        value = self.text[start:end]
        made = str.__new__(Token, value)
        made.type = kind
        made.start_pos = start
        made.value = value
        made.line = line
        made.column = column
        made.end_line = line
        made.end_column = column + end - start
        made.end_pos = end
        return made

    def glued(self, kind: str, node: Node, after: Tree | None = None, into: list[Any] | None = None) -> Token:
        """EQ or COLON (`/[ \\t]*=/`, `/[ \\t]*:/`): the sign with the blanks the lexer finds before it."""
        start, end = self.start_of(node), self.end_of(node)
        begin = self.pos
        if self.text[begin:start].strip(" \t"):  # (else only blanks, which the sign takes in)
            self.layout(start, after, into, glue=True)
            begin = self.pos
        self.pos = end
        return self.short(kind, begin, end, self.text[begin:end])

    def operator(self, kind: str, node: Node, left: Tree) -> Token:
        """A binary operator or `?`: hcl2's postlexer merges the newline or comment just before it into
        its value (keeping the operator's position); layout before that goes to `left`'s end."""
        start, end = self.start_of(node), self.end_of(node)
        tokens = self.gap(start)
        value = self.text[start:end]
        if tokens and kind in OPERATOR_TYPES:
            value = str(tokens.pop()) + value
        if tokens and not _absorb(left, _tree("new_line_or_comment", tokens)):
            raise _Decline
        self.pos = end
        return self.short(kind, start, end, value)

    # -- body, attributes, blocks -----------------------------------------------------------------

    def start(self, root: Node) -> Tree:
        parts = self.parts(root)
        if not parts:
            items: list[Node] = []
        elif len(parts) == 1 and parts[0].type == "body":
            items = self.parts(parts[0])
        else:
            raise _Decline  # (a file holding one object, which only tree-sitter reads)
        return _tree("start", [self.body(items, len(self.text))])

    def body(self, items: list[Node], end: int) -> Tree:
        """`body: (new_line_or_comment? (attribute | block))* new_line_or_comment?`"""
        children: list[Any] = []
        last: Tree | None = None
        for item in items:
            self.layout(self.start_of(item), last, children)
            item_kind = item.type
            if item_kind == "attribute":
                last = self.attribute(item)
            elif item_kind == "block":
                last = self.block(item)
            else:
                raise _Decline
            children.append(last)
        self.layout(end, last, children)
        return _tree("body", children)

    def attribute(self, node: Node) -> Tree:
        parts = self.parts(node)
        if len(parts) != 3 or parts[0].type != "identifier" or parts[2].type != "expression":
            raise _Decline
        name = self.name(parts[0], "keyword")
        equals = self.glued("EQ", parts[1])
        return _tree("attribute", [name, equals, self.expression(parts[2])])

    def block(self, node: Node) -> Tree:
        """`block: name (name | string)* new_line_or_comment? LBRACE body RBRACE`"""
        parts = self.parts(node)
        children: list[Any] = [self.name(parts[0], "keyword")]
        index = 1
        while parts[index].type in ("identifier", "string_lit"):
            label = parts[index]
            children.append(self.name(label, "keyword") if label.type == "identifier" else self.string(label))
            index += 1
        if parts[index].type != "block_start":
            raise _Decline
        children.append(self.punctuation("LBRACE", parts[index], into=children))
        index += 1
        items: list[Node] = []
        if parts[index].type == "body":
            items = self.parts(parts[index])
            index += 1
        closing = parts[index]
        if closing.type != "block_end" or index != len(parts) - 1:
            raise _Decline
        children.append(self.body(items, self.start_of(closing)))
        children.append(self.punctuation("RBRACE", closing))
        return _tree("block", children)

    def name(self, node: Node, keywords: str = "") -> Tree:
        """An identifier. Lark's lexer makes the grammar's keywords (`in`, `for`, `if`, ...) of names
        where a body item or an object key starts (`keywords="keyword"`), plain names after a dot
        (`keywords="name"`); elsewhere which it makes depends on the parser's state, and the translation
        declines. `true`, `false` and `null` are literals anywhere."""
        start, end = self.start_of(node), self.end_of(node)
        position = self.pos
        if start != position and (start != position + 1 or self.text[position] != " "):
            self.layout(start)
        self.pos = end
        text = self.text[start:end]
        if text in _LITERALS:
            data, kind = "literal_value", _LITERALS[text]
        elif text in _KEYWORDS and keywords != "name":
            if keywords != "keyword":
                raise _Decline
            data, kind = "keyword", _KEYWORDS[text]
        elif not text.isascii() or ":" in text:
            raise _Decline  # (else tree-sitter's identifier, ASCII, is what NAME matches)
        else:
            data, kind = "identifier", "NAME"
        lines = self.lines  # (short's body, inlined: a token per name)
        line = bisect_right(lines, start)
        column = start - lines[line - 1] + 1
        made = str.__new__(Token, text)
        made.type = kind
        made.start_pos = start
        made.value = text
        made.line = line
        made.column = column
        made.end_line = line
        made.end_column = column + end - start
        made.end_pos = end
        return _tree(data, [made])

    def identifier(self, node: Node) -> Tree:
        """An identifier where Lark's grammar wants `identifier` (a function, a for variable)."""
        tree = self.name(node)
        if tree.data != "identifier":
            raise _Decline
        return tree

    # -- expressions ------------------------------------------------------------------------------------

    def expression(self, node: Node) -> Tree:
        """An expression, its operators parsed again by the Lark grammar's ladder (tree-sitter's
        conditionals associate the other way, and its unary minus takes literals apart)."""
        if node.type != "expression":
            raise _Decline
        parts = self.parts(node)
        if parts and parts[0].type not in ("operation", "conditional"):
            return self.term(parts)
        items: list[tuple[str, Any]] = []
        self.flatten(parts, items)
        items.append(("end", None))
        return _Operators(self, items).expression_to_end()

    def flatten(self, parts: list[Node], items: list[tuple[str, Any]]) -> None:
        """The operands and operators of an expression, in the order of the text (a loop: tree-sitter
        nests a long chain of operations as deep as it is long)."""
        pending: list[Any] = [parts]  # parts of the text still to flatten, or an operator, last first
        while pending:
            parts = pending.pop()
            if type(parts) is tuple:  # (an operator, already in its place)
                items.append(parts)
                continue
            if not parts:
                raise _Decline
            first = parts[0]
            if first.type == "operation":
                if len(parts) != 1:
                    raise _Decline
                (operation,) = self.parts(first)
                inner = self.parts(operation)
                if operation.type == "unary_operation":
                    pending.append(inner[1:])
                    pending.append(("unary", inner[0]))
                    continue
                if operation.type != "binary_operation":
                    raise _Decline
                at = next(i for i, child in enumerate(inner) if not child.is_named and child.type in _BINARY)
                pending.extend((inner[at + 1 :], ("binary", inner[at]), inner[:at]))
            elif first.type == "conditional":
                inner = self.parts(first)
                if len(parts) != 1 or [child.type for child in inner] != [
                    "expression",
                    "?",
                    "expression",
                    ":",
                    "expression",
                ]:
                    raise _Decline
                branches = [self.parts(inner[index]) for index in (4, 2, 0)]
                pending.extend((branches[0], (":", inner[3]), branches[1], ("?", inner[1]), branches[2]))
            elif first.type == "expression":
                raise _Decline
            else:
                items.append(("term", parts))

    def number(self, node: Node, start: int) -> Tree:
        """A numeric literal (from `start`, where a minus sign may stand) as Lark's lexer cuts it: FLOAT
        tried before INT, and the match must end where tree-sitter's literal ends."""
        end = self.end_of(node)
        self.layout(start)
        for pattern, kind, data in (
            (FLOAT_LITERAL, "FLOAT_LITERAL", "float_lit"),
            (INT_LITERAL, "INT_LITERAL", "int_lit"),
        ):
            found = pattern.match(self.text, start)
            if found is not None:
                if found.end() != end:
                    raise _Decline
                self.pos = end
                return _tree(data, [self.token(kind, start, end)])
        raise _Decline

    def term(self, parts: list[Node], negative: int | None = None) -> Tree:
        """`expr_term`: a value, a collection, a call, a for expression or a parenthesised expression,
        then its attribute accesses, indexes and splats, nested left to right. `negative`: where the
        minus sign Lark's lexer reads as part of the number starts."""
        base = parts[0]
        kind = base.type
        if negative is not None:
            literal = self.parts(base)[0] if kind == "literal_value" else None
            if literal is None or literal.type != "numeric_lit":
                raise _Decline
            tree = _tree("expr_term", [self.number(literal, negative)])
            rest = parts[1:]
        elif kind == "(":
            if len(parts) < 3 or parts[2].type != ")":
                raise _Decline
            children: list[Any] = [self.punctuation("LPAR", base)]
            self.layout(self.start_of(parts[1]), into=children)
            inner = self.expression(parts[1])
            children.append(inner)
            children.append(self.punctuation("RPAR", parts[2], after=inner, into=children))
            tree = _tree("expr_term", children)
            rest = parts[3:]
        else:
            tree = _tree("expr_term", [self.value(base)])
            rest = parts[1:]
        splat: list[Any] | None = None  # the splat being built: it takes every access after it
        splat_kind = ""
        for accessor in rest:
            accessor_kind = accessor.type
            if accessor_kind == "splat":
                if splat is not None:
                    tree = _tree(
                        "expr_term", [_tree(splat_kind + "_expr_term", [tree, _tree(splat_kind, splat)])]
                    )
                (inner_splat,) = self.parts(accessor)
                splat_kind = inner_splat.type
                if splat_kind not in ("attr_splat", "full_splat"):
                    raise _Decline
                pieces = self.parts(inner_splat)
                kind_token = "ATTR_SPLAT" if splat_kind == "attr_splat" else "FULL_SPLAT_START"
                splat = [self.punctuation(kind_token, pieces[0])]
                splat.extend(self.accessor(child) for child in pieces[1:])
            elif accessor_kind in _ACCESSORS:
                access = self.accessor(accessor)
                if splat is not None:
                    splat.append(access)
                elif access.data == "get_attr":
                    tree = _tree("expr_term", [_tree("get_attr_expr_term", [tree, access])])
                else:
                    tree = _tree("expr_term", [_tree("index_expr_term", [tree, access])])
            else:
                raise _Decline
        if splat is not None:
            tree = _tree("expr_term", [_tree(splat_kind + "_expr_term", [tree, _tree(splat_kind, splat)])])
        return tree

    def accessor(self, node: Node) -> Tree:
        """`get_attr: DOT (identifier | literal_value)`, `braces_index: LSQB expression RSQB` (with room for
        layout inside), `short_index: DOT INT_LITERAL`."""
        parts = self.parts(node)
        node_kind = node.type
        if node_kind == "get_attr":
            if len(parts) != 2 or parts[0].type != "." or parts[1].type != "identifier":
                raise _Decline
            return _tree("get_attr", [self.punctuation("DOT", parts[0]), self.name(parts[1], "name")])
        if node_kind != "index" or len(parts) != 1:
            raise _Decline
        index = parts[0]
        inner = self.parts(index)
        if index.type == "new_index":
            if [child.type for child in inner] != ["[", "expression", "]"]:
                raise _Decline
            children: list[Any] = [self.punctuation("LSQB", inner[0])]
            self.layout(self.start_of(inner[1]), into=children)
            expression = self.expression(inner[1])
            children.append(expression)
            children.append(self.punctuation("RSQB", inner[2], after=expression, into=children))
            return _tree("braces_index", children)
        if index.type == "legacy_index":
            if len(inner) != 1 or inner[0].type != ".":
                raise _Decline
            dot = self.punctuation("DOT", inner[0])
            end = start = self.end_of(index)
            while start > self.pos and self.text[start - 1] in "0123456789":
                start -= 1
            self.layout(start)
            found = INT_LITERAL.match(self.text, start)
            if found is None or found.end() != end:
                raise _Decline
            self.pos = end
            return _tree("short_index", [dot, self.token("INT_LITERAL", start, end)])
        raise _Decline

    def value(self, node: Node) -> Any:
        """What `expr_term` holds for one tree-sitter value node."""
        kind = node.type
        if kind == "literal_value":
            (literal,) = self.parts(node)
            literal_kind = literal.type
            if literal_kind == "string_lit":
                return self.string(literal)
            if literal_kind == "numeric_lit":
                return self.number(literal, self.start_of(literal))
            if literal_kind in ("bool_lit", "null_lit"):
                tree = self.name(literal)
                if tree.data != "literal_value":
                    raise _Decline
                return tree
            raise _Decline
        if kind == "variable_expr":
            (identifier,) = self.parts(node)
            return self.name(identifier)
        if kind == "template_expr":
            (template,) = self.parts(node)
            template_kind = template.type
            if template_kind == "quoted_template":
                return self.string(template)
            if template_kind == "heredoc_template":
                return self.heredoc(template)
            raise _Decline
        if kind == "collection_value":
            (collection,) = self.parts(node)
            collection_kind = collection.type
            if collection_kind == "tuple":
                return self.tuple(collection)
            if collection_kind == "object":
                return self.object(collection)
            raise _Decline
        if kind == "function_call":
            return self.call(node)
        if kind == "for_expr":
            (loop,) = self.parts(node)
            if loop.type == "for_tuple_expr":
                return self.for_tuple(loop)
            if loop.type == "for_object_expr":
                return self.for_object(loop)
        raise _Decline

    def tuple(self, node: Node) -> Tree:
        """`tuple: LSQB nl? (expression nl? COMMA nl?)* (expression nl? COMMA? nl?)? RSQB`"""
        parts = self.parts(node)
        children: list[Any] = [self.punctuation("LSQB", parts[0])]
        last: Tree | None = None
        for part in parts[1:-1]:
            part_kind = part.type
            if part_kind == "expression":
                self.layout(self.start_of(part), into=children)
                last = self.expression(part)
                children.append(last)
            elif part_kind == ",":
                children.append(self.punctuation("COMMA", part, after=last, into=children))
                last = None
            else:
                raise _Decline
        if parts[-1].type != "tuple_end":
            raise _Decline
        children.append(self.punctuation("RSQB", parts[-1], after=last, into=children))
        return _tree("tuple", children)

    def object(self, node: Node) -> Tree:
        """`object: LBRACE nl? ((object_elem | object_elem nl? COMMA) nl?)* RBRACE`"""
        parts = self.parts(node)
        children: list[Any] = [self.punctuation("LBRACE", parts[0])]
        last: Tree | None = None
        for part in parts[1:-1]:
            part_kind = part.type
            if part_kind == "object_elem":
                self.layout(self.start_of(part), last, children)
                last = self.element(part)
                children.append(last)
            elif part_kind == ",":
                children.append(self.punctuation("COMMA", part, after=last, into=children))
                last = None
            else:
                raise _Decline
        if parts[-1].type != "object_end":
            raise _Decline
        children.append(self.punctuation("RBRACE", parts[-1], after=last, into=children))
        return _tree("object", children)

    def element(self, node: Node) -> Tree:
        """`object_elem: object_elem_key (EQ | COLON) expression`, `object_elem_key: expression | keyword`"""
        parts = self.parts(node)
        if len(parts) != 3 or parts[1].type not in ("=", ":"):
            raise _Decline
        key_parts = self.parts(parts[0])
        first = parts[0]
        while first.child_count:
            first = first.children[0]
        if first.type == "identifier" and self.text[self.start_of(first) : self.end_of(first)] in _KEYWORDS:
            if len(key_parts) != 1 or key_parts[0].type != "variable_expr":
                raise _Decline
            key_value: Tree = self.name(first, "keyword")
        else:
            key_value = self.expression(parts[0])
        sign = self.glued("EQ" if parts[1].type == "=" else "COLON", parts[1], after=key_value)
        key = _tree("object_elem_key", [key_value])
        return _tree("object_elem", [key, sign, self.expression(parts[2])])

    def call(self, node: Node) -> Tree:
        """`function_call: identifier (COLONS identifier COLONS identifier)? LPAR nl? arguments? nl? RPAR`,
        `arguments: expression (nl? COMMA nl? expression)* (COMMA | ELLIPSIS)? nl?`"""
        parts = self.parts(node)
        if len(parts) < 3 or parts[1].type != "(" or parts[-1].type != ")":
            raise _Decline
        children: list[Any] = self.function_name(parts[0])
        children.append(self.punctuation("LPAR", parts[1]))
        if len(parts) == 4:
            if parts[2].type != "function_arguments":
                raise _Decline
            arguments: list[Any] = []
            last: Tree | None = None
            for index, part in enumerate(self.parts(parts[2])):
                part_kind = part.type
                if part_kind == "expression":
                    self.layout(self.start_of(part), into=arguments if index else children)
                    last = self.expression(part)
                    arguments.append(last)
                elif part_kind == ",":
                    arguments.append(self.punctuation("COMMA", part, after=last, into=arguments))
                    last = None
                elif part_kind == "ellipsis":
                    arguments.append(self.punctuation("ELLIPSIS", part, after=last))
                    last = None
                else:
                    raise _Decline
            self.layout(self.start_of(parts[-1]), last, arguments)
            children.append(_tree("arguments", arguments))
        elif len(parts) != 3:
            raise _Decline
        children.append(self.punctuation("RPAR", parts[-1], into=children))
        return _tree("function_call", children)

    def function_name(self, node: Node) -> list[Any]:
        """A function's name; a provider's function (`provider::aws::arn_parse`, one tree-sitter
        identifier) is three names and two COLONS tokens."""
        start, end = self.start_of(node), self.end_of(node)
        names = self.text[start:end].split("::")
        if len(names) == 1:
            return [self.identifier(node)]
        if len(names) != 3 or not all(names):
            raise _Decline
        if start != self.pos:
            self.layout(start)
        made: list[Any] = []
        for name in names:
            if made:
                made.append(self.short("COLONS", start, start + 2, "::"))
                start += 2
            if not NAME.fullmatch(name) or name in _KEYWORDS or name in _LITERALS:
                raise _Decline
            made.append(_tree("identifier", [self.short("NAME", start, start + len(name), name)]))
            start += len(name)
        self.pos = end
        return made

    def for_intro(self, node: Node, following: Node) -> Tree:
        """`for_intro: FOR nl? identifier (COMMA identifier nl?)? nl? IN nl? expression nl? COLON nl?`:
        the layout after the colon (up to `following`) is the intro's, as Lark shifts it."""
        parts = self.parts(node)
        kinds = [part.type for part in parts]
        if kinds not in (
            ["for", "identifier", "in", "expression", ":"],
            ["for", "identifier", ",", "identifier", "in", "expression", ":"],
        ):
            raise _Decline
        children: list[Any] = [self.punctuation("FOR", parts[0])]
        self.layout(self.start_of(parts[1]), into=children)
        children.append(self.identifier(parts[1]))
        if len(parts) == 7:
            children.append(self.punctuation("COMMA", parts[2]))
            children.append(self.identifier(parts[3]))
        children.append(self.punctuation("IN", parts[-3], into=children))
        self.layout(self.start_of(parts[-2]), into=children)
        collection = self.expression(parts[-2])
        children.append(collection)
        children.append(self.glued("COLON", parts[-1], after=collection, into=children))
        self.layout(self.start_of(following), into=children)
        return _tree("for_intro", children)

    def for_end(self, parts: list[Node], children: list[Any], last: Tree | None) -> None:
        """`nl? for_cond? nl?` and the closing bracket of a for expression (`for_cond: IF nl? expression`)."""
        if parts[0].type == "for_cond":
            condition = self.parts(parts[0])
            if [part.type for part in condition] != ["if", "expression"]:
                raise _Decline
            self.layout(self.start_of(condition[0]), last, children)
            cond_children: list[Any] = [self.punctuation("IF", condition[0])]
            self.layout(self.start_of(condition[1]), into=cond_children)
            cond_children.append(self.expression(condition[1]))
            last = _tree("for_cond", cond_children)
            children.append(last)
            parts = parts[1:]
        if len(parts) != 1 or parts[0].type not in ("tuple_end", "object_end"):
            raise _Decline
        kind = "RSQB" if parts[0].type == "tuple_end" else "RBRACE"
        children.append(self.punctuation(kind, parts[0], after=last, into=children))

    def for_tuple(self, node: Node) -> Tree:
        """`for_tuple_expr: LSQB nl? for_intro nl? expression nl? for_cond? nl? RSQB`"""
        parts = self.parts(node)
        if len(parts) < 4 or parts[0].type != "tuple_start" or parts[-1].type != "tuple_end":
            raise _Decline
        children: list[Any] = [self.punctuation("LSQB", parts[0])]
        self.layout(self.start_of(parts[1]), into=children)
        children.append(self.for_intro(parts[1], parts[2]))
        value = self.expression(parts[2])
        children.append(value)
        self.for_end(parts[3:], children, value)
        return _tree("for_tuple_expr", children)

    def for_object(self, node: Node) -> Tree:
        """`for_object_expr: LBRACE nl? for_intro nl? expression FOR_OBJECT_ARROW nl? expression nl?
        ELLIPSIS? nl? for_cond? nl? RBRACE`"""
        parts = self.parts(node)
        if len(parts) < 6 or parts[0].type != "object_start" or parts[3].type != "=>":
            raise _Decline
        children: list[Any] = [self.punctuation("LBRACE", parts[0])]
        self.layout(self.start_of(parts[1]), into=children)
        children.append(self.for_intro(parts[1], parts[2]))
        key = self.expression(parts[2])
        children.append(key)
        children.append(self.punctuation("FOR_OBJECT_ARROW", parts[3], after=key))
        self.layout(self.start_of(parts[4]), into=children)
        last: Tree | None = self.expression(parts[4])
        children.append(last)
        rest = parts[5:]
        if rest[0].type == "ellipsis":
            children.append(self.punctuation("ELLIPSIS", rest[0], after=last, into=children))
            last = None
            rest = rest[1:]
        self.for_end(rest, children, last)
        return _tree("for_object_expr", children)

    # -- strings and heredocs ---------------------------------------------------------------------------

    def string(self, node: Node) -> Tree:
        """`string: DBLQUOTE string_part* DBLQUOTE`: the literal text cut as Lark's lexer cuts it, and
        interpolations and directives (flat, as the grammar has them)."""
        parts = self.parts(node)
        if parts[0].type != "quoted_template_start" or parts[-1].type != "quoted_template_end":
            raise _Decline
        children: list[Any] = [self.punctuation("DBLQUOTE", parts[0])]
        self.template(parts[1:-1], children)
        end = self.start_of(parts[-1])
        self.literal(end, children)
        children.append(self.punctuation("DBLQUOTE", parts[-1]))
        return _tree("string", children)

    def literal(self, end: int, children: list[Any]) -> None:
        """The string parts of literal text from `pos` to `end`."""
        text, position = self.text, self.pos
        while position < end:
            # (the escapes first: their priority in hcl2.lark is above STRING_CHARS's; each starts with
            # its doubled sign, which most text is checked for in one step)
            found = None
            if text[position] in "$%":
                kind, found = "ESCAPED_INTERPOLATION", ESCAPED_INTERPOLATION.match(text, position)
                if found is None:
                    kind, found = "ESCAPED_DIRECTIVE", ESCAPED_DIRECTIVE.match(text, position)
            if found is None:
                kind, found = "STRING_CHARS", STRING_CHARS.match(text, position)
            if found is None:
                raise _Decline
            stop = found.end()
            if stop > end:
                raise _Decline
            children.append(_tree("string_part", [self.token(kind, position, stop)]))
            position = stop
        self.pos = position

    def template(self, parts: list[Node], children: list[Any]) -> None:
        """The string parts of a template's pieces: literal text, interpolations, directives (whose
        tree-sitter nesting is flattened to the grammar's sequence of start, else, end parts)."""
        for part in parts:
            kind = part.type
            if kind == "template_literal":
                continue  # (read as text, up to the next interpolation or directive)
            if kind == "template_directive":
                (directive,) = self.parts(part)
                names = _DIRECTIVES.get(directive.type)
                if names is None:
                    raise _Decline
                for piece in self.parts(directive):
                    data = names.get(piece.type)
                    if data is None:
                        self.template([piece], children)
                        continue
                    self.literal(self.start_of(piece), children)
                    children.append(_tree("string_part", [self.directive(piece, data)]))
            elif kind == "template_interpolation":
                self.literal(self.start_of(part), children)
                children.append(_tree("string_part", [self.interpolation(part)]))
            else:
                raise _Decline

    def interpolation(self, node: Node) -> Tree:
        """`interpolation: INTERP_START expression RBRACE` (no strip markers, no layout in the grammar)."""
        parts = self.parts(node)
        if [part.type for part in parts] != [
            "template_interpolation_start",
            "expression",
            "template_interpolation_end",
        ]:
            raise _Decline
        opening = self.punctuation("INTERP_START", parts[0])
        expression = self.expression(parts[1])
        closing = self.punctuation("RBRACE", parts[2], after=expression)
        return _tree("interpolation", [opening, expression, closing])

    def directive(self, node: Node, data: str) -> Tree:
        """`%{ if x }`, `%{ else }`, `%{ endif }`, `%{ for k, v in x }`, `%{ endfor }`, strip markers kept."""
        parts = self.parts(node)
        if parts[0].type != "template_directive_start" or parts[-1].type != "template_directive_end":
            raise _Decline
        children: list[Any] = [self.punctuation("DIRECTIVE_START", parts[0])]
        last: Tree | None = None
        for part in parts[1:-1]:
            kind = part.type
            if kind == "strip_marker":
                children.append(self.punctuation("STRIP_MARKER", part, after=last))
                last = None
            elif kind in ("if", "else", "endif", "for", "endfor", "in", ","):
                token_kind = "COMMA" if kind == "," else kind.upper()
                children.append(self.punctuation(token_kind, part))
            elif kind == "identifier":
                children.append(self.identifier(part))
            elif kind == "expression":
                last = self.expression(part)
                children.append(last)
            else:
                raise _Decline
        children.append(self.punctuation("RBRACE", parts[-1], after=last))
        return _tree(data, children)

    def heredoc(self, node: Node) -> Tree:
        """A heredoc is one token, from `<<` to the newline after its closing marker, as python-hcl2's
        pattern matches it (which must end where tree-sitter's heredoc ends)."""
        parts = self.parts(node)
        if len(parts) < 3 or parts[0].type != "heredoc_start" or parts[-1].type != "heredoc_identifier":
            raise _Decline
        start = self.start_of(node)
        self.layout(start)
        trim = self.text.startswith("<<-", start)
        pattern = HEREDOC_TEMPLATE_TRIM if trim else HEREDOC_TEMPLATE
        found = pattern.match(self.text, start)
        if found is None:
            raise _Decline
        end = self.end_of(parts[-1])
        if self.text.startswith("\r\n", end):
            end += 2
        elif self.text.startswith("\n", end):
            end += 1
        if found.end() != end:
            raise _Decline
        self.pos = end
        kind = "HEREDOC_TEMPLATE_TRIM" if trim else "HEREDOC_TEMPLATE"
        return _tree("heredoc_template_trim" if trim else "heredoc_template", [self.token(kind, start, end)])


class _Operators:
    """One expression's operands and operators (flattened from tree-sitter's tree), parsed as the Lark
    grammar does: `expression: or_expr QMARK nl? expression nl? COLON nl? expression | or_expr`, then
    one left-associative level per precedence, `binary_op: x binary_term nl?` with
    `binary_term: binary_operator nl? y`, and `unary_op: (MINUS | NOT) expr_term`."""

    def __init__(self, translator: _Translator, items: list[tuple[str, Any]]) -> None:
        self.translator = translator
        self.items = items
        self.index = 0

    def expression_to_end(self) -> Tree:
        tree = self.expression()
        if self.items[self.index][0] != "end":
            raise _Decline
        return tree

    def next_start(self) -> int:
        kind, what = self.items[self.index]
        if kind == "term":
            return self.translator.start_of(what[0])
        if kind == "end":
            raise _Decline
        return self.translator.start_of(what)

    def expression(self) -> Tree:
        translator = self.translator
        condition = self.level(0)
        kind, node = self.items[self.index]
        if kind != "?":
            return condition
        self.index += 1
        children: list[Any] = [condition, translator.operator("QMARK", node, condition)]
        translator.layout(self.next_start(), into=children)
        chosen = self.expression()
        children.append(chosen)
        kind, node = self.items[self.index]
        if kind != ":":
            raise _Decline
        self.index += 1
        children.append(translator.glued("COLON", node, after=chosen, into=children))
        translator.layout(self.next_start(), into=children)
        children.append(self.expression())
        return _tree("conditional", children)

    def level(self, level: int) -> Tree:
        if level == _UNARY_LEVEL:
            return self.unary()
        translator = self.translator
        left = self.level(level + 1)
        while True:
            kind, node = self.items[self.index]
            if kind != "binary" or _BINARY[node.type][1] != level:
                return left
            self.index += 1
            token_kind = _BINARY[node.type][0]
            if token_kind == "MINUS":
                start = translator.start_of(node)
                if FLOAT_LITERAL.match(translator.text, start) or INT_LITERAL.match(translator.text, start):
                    raise _Decline  # (Lark's lexer reads `-12` after an operand as a literal: an error)
            operator = translator.operator(token_kind, node, left)
            term: list[Any] = [_tree("binary_operator", [operator])]
            translator.layout(self.next_start(), into=term)
            term.append(self.level(level + 1))
            left = _tree("binary_op", [left, _tree("binary_term", term)])

    def unary(self) -> Tree:
        translator = self.translator
        kind, what = self.items[self.index]
        self.index += 1
        if kind == "term":
            return translator.term(what)
        if kind != "unary":
            raise _Decline
        negative = self.negative(what)
        if negative is not None:  # `-12`: one literal token
            return negative
        if what.type == "-":
            sign = translator.punctuation("MINUS", what)
        elif what.type == "!":
            sign = translator.punctuation("NOT", what)
        else:
            raise _Decline
        operand_kind, operand = self.items[self.index]
        self.index += 1
        if operand_kind == "unary":  # (`!-12`, `- -1.5`: the operand is a literal)
            tree = self.negative(operand)
            if tree is None:
                raise _Decline  # (`!!x`, `- -x`: the Lark grammar has one unary operator)
            return _tree("unary_op", [sign, tree])
        if operand_kind != "term":
            raise _Decline
        return _tree("unary_op", [sign, translator.term(operand)])

    def negative(self, sign: Node) -> Tree | None:
        """A minus sign and the number after it, when Lark's lexer reads them as one literal token (it
        tries FLOAT_LITERAL and INT_LITERAL, whose patterns take a leading minus, before MINUS)."""
        translator = self.translator
        if sign.type != "-":
            return None
        start = translator.start_of(sign)
        if not (FLOAT_LITERAL.match(translator.text, start) or INT_LITERAL.match(translator.text, start)):
            return None
        kind, operand = self.items[self.index]
        self.index += 1
        if kind != "term":
            raise _Decline
        return translator.term(operand, negative=start)


_POSITIONS = ("line", "column", "end_line", "end_column", "start_pos", "end_pos")


def first_difference(fast: Any, slow: Any) -> str | None:
    """Where two parse trees first differ (rule names, children, token types and values, and the
    positions of tokens and rules), None when they are the same: the oracle's comparison."""
    pending = [(fast, slow, "")]
    while pending:
        mine, theirs, path = pending.pop()
        if type(mine) is not type(theirs):
            return f"{path or '/'}: {mine!r} where python-hcl2 has {theirs!r}"
        if isinstance(mine, Token):
            if mine.type != theirs.type or str(mine) != str(theirs):
                return f"{path}: token {mine.type} {str(mine)!r} where python-hcl2 has {theirs.type} {str(theirs)!r}"
            for field in _POSITIONS:
                if getattr(mine, field) != getattr(theirs, field):
                    shown = f"{field} {getattr(mine, field)}, python-hcl2 {getattr(theirs, field)}"
                    return f"{path}: token {mine.type} {str(mine)!r} {shown}"
            continue
        path = f"{path}/{mine.data}"
        if mine.data != theirs.data:
            return f"{path}: rule {mine.data} where python-hcl2 has {theirs.data}"
        if mine.meta.empty != theirs.meta.empty:
            return f"{path}: positions {'absent' if mine.meta.empty else 'present'}, python-hcl2 the other"
        if not mine.meta.empty:
            for field in _POSITIONS:
                if getattr(mine.meta, field) != getattr(theirs.meta, field):
                    return f"{path}: {field} {getattr(mine.meta, field)}, python-hcl2 {getattr(theirs.meta, field)}"
        if len(mine.children) != len(theirs.children):
            kinds = [[getattr(c, "data", None) or c.type for c in t.children] for t in (mine, theirs)]
            return f"{path}: children {kinds[0]}, python-hcl2 {kinds[1]}"
        pairs = zip(mine.children, theirs.children, strict=True)
        pending.extend(reversed([(a, b, f"{path}[{index}]") for index, (a, b) in enumerate(pairs)]))
    return None
