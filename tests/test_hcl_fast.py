"""The fast Terraform front against its oracle: tree-sitter's tree, translated, is python-hcl2's Lark tree
(rules, tokens, layout, positions) for every HCL file of the repository and for each shape of the
language, or the front declines and python-hcl2 reads the file (only where python-hcl2 fails, here)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from hcl2.api import parses_to_tree
from hcl2.parser import parser as hcl2_parser
from lark.exceptions import LarkError
from sqs_kms_lint.parsers import hcl_fast
from sqs_kms_lint.parsers.hcl import close_heredocs_as_terraform, parse_body
from sqs_kms_lint.parsers.hcl_prefilter import blank_unread_blocks
from sqs_kms_lint.parsers.located import DecodeError
from sqs_kms_lint.parsers.resource_types import TERRAFORM_READ_TYPES

from .conftest import ROOT

pytest.importorskip("tree_sitter")
pytest.importorskip("tree_sitter_hcl")


@pytest.fixture(autouse=True)
def _fast_front(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(hcl_fast.PARSER_VARIABLE, raising=False)


def outcome(text: str) -> str:
    """ "identical", "declined" (python-hcl2 fails too), or what went wrong."""
    fast = hcl_fast.parse_tree(text)
    try:
        slow = parses_to_tree(text)
    except Exception:
        slow = None
    if fast is None:
        return "declined" if slow is None else "declined where python-hcl2 reads it"
    if slow is None:
        return "a tree where python-hcl2 fails"
    return hcl_fast.first_difference(fast, slow) or "identical"


HCL_FILES = sorted(
    path
    for folder in ("fixtures", "tests")
    for path in (ROOT / folder).rglob("*")
    if path.is_file() and path.name.endswith((".tf", ".tfvars"))
)


def test_every_hcl_file_of_the_repository() -> None:
    declined: list[str] = []
    for path in HCL_FILES:
        text = close_heredocs_as_terraform(path.read_text("utf-8"))
        texts = [text, blank_unread_blocks(text, TERRAFORM_READ_TYPES)]
        for variant in filter(None, texts):
            found = outcome(variant)
            assert found in ("identical", "declined"), f"{path.relative_to(ROOT)}: {found}"
            if found == "declined":
                declined.append(path.relative_to(ROOT).as_posix())
    # Only files with a syntax error decline (the unparseable-file rule's fixtures); every other is the
    # fast front's. Today: fixtures/SQK000/bad.tf alone.
    assert len(HCL_FILES) > 50
    assert declined and all(path.startswith("fixtures/SQK000/") for path in declined), declined


SHAPES = {
    "empty file": "",
    "only comments": "# one\n// two\n/* three\n   four */\n",
    "only newlines": "\n\n\n",
    "no final newline": "a = 1",
    "attributes and blocks": 'a = 1\nb "l1" "l2" {\n  c = true\n  d {}\n  e {\n  }\n}\n',
    "two items on one line": "a = 1 b = 2\n",
    "keywords as names": 'for_each = 1\nin = 2\nif "x" {}\ndynamic "d" {\n  for_each = []\n}\nnull = 3\n',
    "label keywords": "b in for true {}\n",
    "heredoc": "x = <<EOF\nhello ${a}\n  EOF\ny = 1\n",
    "heredoc trimmed": "x = <<-EOT\n    a\n      b\n    EOT\n",
    "heredoc empty": "x = <<EOF\nEOF\n",
    "heredoc in a call": "x = jsonencode(<<EOF\nx\nEOF\n)\n",
    "heredoc at the end of the file": "x = <<EOF\ny\nEOF",
    "interpolation": 'x = "a${b}c${d.e[0]}"\n',
    "directives": 'x = "${a} %{ if b ~} yes %{~ else } no %{ endif }"\n',
    "for directive": 'x = "%{ for k, v in m }${k}=${v},%{ endfor }"\n',
    "escaped template": 'x = "$${not} %%{this} $ % a$b"\n',
    "escape sequences": 'x = "a\\"b\\n\\t\\\\ \\u00e9"\ny = "\\\\"\n',
    "nested calls": 'x = f(g(h(1), "a"), [1, 2], {a = b})\n',
    "call expansion": "x = f(a, b...)\n",
    "call trailing comma": "x = f(\n  1,\n  2,\n)\n",
    "empty call": "x = f()\ny = f(\n)\n",
    "for tuple": 'x = [for s in var.list : upper(s) if s != ""]\n',
    "for object": "x = {for k, v in var.map : k => v... if v != null}\n",
    "for over lines": "x = [\n  for a in b :\n  a\n  if a\n]\ny = {\n  for k, v in m:\n  k => v\n}\n",
    "attribute splat": "x = a.*.id\n",
    "full splat": "x = a[*].id[0].b\ny = a[*][*]\n",
    "conditional": "x = a ? b : c\n",
    "chained conditionals": 'x = var.a == "x" ? "y" : var.b == "z" ? "w" : null\n',
    "nested conditional": "x = a ? b ? c : d : e\n",
    "conditional over lines": "x = a\n  ? b\n  : c\ny = 1\n",
    "precedence": "x = a || b && c == d != e < f > g <= h >= i + j - k * l / m % n\n",
    "left associative": "x = a - b - c\ny = a / b * c\n",
    "unary": "x = !a && -b\ny = -(1 + 2) * 3\nz = !(a || b)\n",
    "operator over lines": "z = a\n  + b * -c\ny = a +\n  b\nw = a * b\n\n- c\n",
    "comment before an operator": "x = a # c\n  + b\n",
    "binary operation takes the newline": "x = a + b # c\ny = [a + b\n]\nz = f(a + b\n)\n",
    "index forms": 'x = a[0]\ny = a.0\nz = a["k"].b\nw = a[b[0]].c\n',
    "get attribute literal": "x = a.true\ny = a.in\n",
    "parentheses": "x = (\n  a\n)\ny = (a).b\n",
    "comments everywhere": (
        "# c\n// d\n/* e */\nx = 1 # f\ny = 2 // g\nz = [ # h\n  1, /* i */\n  2 // j\n]\n"
        'b "l" /* k */ {\n  # l\n}\n'
    ),
    "tuples": "x = []\ny = [\n  1,\n  2,\n]\nz = [1, 2]\n",
    "objects": 'x = {}\ny = {\n  a = 1,\n  "b": 2\n  c = 3\n}\nz = {a = 1, b = 2}\nw = {in = 1, if = 2}\n',
    "object keys": "x = {(a) = 1, a.b = 2, true = 3}\n",
    "numbers": "x = 1\ny = 1.5\nz = 1.5e-3\nv = -7\nu = -17\nt = -1.5\ns = 1.5E+3\nr = 0012\n",
    "negative numbers": "x = [-1, -12, - 12, -a, 5 * -12, -12.b]\n",
    "unary before a negative literal": "x = !-12\ny = --1.5\n",
    "provider function": "x = provider::aws::arn_parse(a)\n",
    "CRLF": 'a = 1\r\nb = {\r\n  c = "x" # d\r\n}\r\ne = <<EOF\r\nf\r\nEOF\r\n',
    "unicode": 'x = "héllo wörld"\ny = "€ 𝄞" # ü\nb "é" {\n  c = "ü${d}"\n}\n# 𝄞 😀\nz = a.b\n',
    "tabs and blanks": "x\t=\t1\ny  =  {\n\ta\t:\t1\n}\n",
    "dashes in names": "x = a-b\ny = count.index-1\n",
    "blank lines": "a = 1\n      \n    \n\n   \nb {\n        \n}\n",
    "blank lines in a heredoc": "x = <<EOF\n        \n  a\n        \nEOF\n        \n",
    "blank lines and block comments": "/* a\n        \n */\nx = 1\n        \ny = <<EOF\n      \nEOF\n",
    "long runs of blanks": 'x = "a' + " " * 100 + 'b"' + " " * 100 + "# c" + " " * 100 + "\n",
}


@pytest.mark.parametrize("text", SHAPES.values(), ids=SHAPES.keys())
def test_shapes_translate_to_python_hcl2s_tree(text: str) -> None:
    assert outcome(text) == "identical"


DECLINED = {
    "syntax error": "x = {\n",
    "unknown character": "x = 1 @\n",
    "layout where the grammar has none": "x = -\n1\n",
    "a newline before a minus": "x = a\n- b\n",
    "two comments before an operator": "x = a\n# c\n+ b\n",
    "minus glued to digits after an operand": "x = a -12\n",
    "two unary operators": "x = !!a\n",
    "strip marker in an interpolation": 'x = "${~ a ~}"\n',
    "non-ASCII identifier": "é = 1\n",
    "byte order mark": "\ufeffx = 1\n",
    "hex number": "x = 0x1F\n",
}


@pytest.mark.parametrize("text", DECLINED.values(), ids=DECLINED.keys())
def test_declines_what_python_hcl2_rejects(text: str) -> None:
    assert hcl_fast.parse_tree(text) is None
    with pytest.raises(LarkError):
        parses_to_tree(text)


def test_syntax_errors_keep_python_hcl2s_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        hcl_fast.PARSER_VARIABLE, "translate"
    )  # (tree-sitter's reader takes `a -12` as HCL does)
    with pytest.raises(DecodeError) as fast:
        parse_body("x = a -12\n", "a.tf")
    assert (fast.value.message, fast.value.line, fast.value.column) == (
        "HCL syntax error: unexpected '-12'",
        1,
        7,
    )


def test_the_environment_turns_the_front_off(monkeypatch: pytest.MonkeyPatch) -> None:
    assert hcl_fast.parse_tree("x = 1\n") is not None
    monkeypatch.setenv(hcl_fast.PARSER_VARIABLE, "lark")
    assert hcl_fast.parse_tree("x = 1\n") is None
    assert parse_body("x = 1\n", "a.tf").attributes["x"].span.line == 1


def test_any_failure_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: object, root: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(hcl_fast._Translator, "start", broken)
    assert hcl_fast.parse_tree("x = 1\n") is None
    assert gc.isenabled()  # (switched off while translating, and back on)
    assert parse_body("x = 1\n", "a.tf").attributes["x"].span.line == 1


def test_long_and_deep_expressions() -> None:
    assert outcome("y = " + " + ".join(["a"] * 3000) + "\n") == "identical"  # (built without recursion)
    assert outcome("x = " + "[" * 60 + "]" * 60 + "\n") == "identical"
    # Deeper than Python's recursion allows the walk: python-hcl2 reads it (the front never raises).
    assert hcl_fast.parse_tree("x = " + "[" * 2000 + "]" * 2000 + "\n") is None


def test_positions_are_read_lazily_and_move_with_layout() -> None:
    tree = hcl_fast.parse_tree("x = a + b # c\ny = 1\n")
    assert tree is not None
    attribute = tree.children[0].children[0]
    assert (attribute.meta.line, attribute.meta.end_line, attribute.meta.end_column) == (1, 2, 1)
    empty = hcl_fast.parse_tree("b {}\n")
    assert empty is not None and empty.children[0].children[0].children[2].meta.empty


def _escaped(pattern: str) -> str:
    return pattern.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")


def test_terminals_are_python_hcl2s() -> None:
    """The patterns the front cuts tokens with are the ones python-hcl2's grammar compiles (Lark writes
    newlines, carriage returns and tabs in them as the characters themselves)."""
    terminals = {t.name: _escaped(t.pattern.to_regexp()) for t in hcl2_parser().terminals}
    for name in (
        "NAME",
        "INT_LITERAL",
        "FLOAT_LITERAL",
        "ESCAPED_INTERPOLATION",
        "ESCAPED_DIRECTIVE",
        "STRING_CHARS",
        "HEREDOC_TEMPLATE",
        "HEREDOC_TEMPLATE_TRIM",
    ):
        assert _escaped(getattr(hcl_fast, name).pattern) == terminals[name], name
    # Layout: NL_OR_COMMENT (its groups made non-capturing), or what the lexer ignores.
    assert terminals["NL_OR_COMMENT"] == r"(?:\/\*(.|\n)*?(\*\/)|\/\/.*\n|#.*\n|\n[ \t]*)"
    assert terminals["__IGNORE_0"] == r"[ \t\r]+"
    assert _escaped(hcl_fast._LAYOUT.pattern) == r"(\/\*(?:.|\n)*?\*\/|\/\/.*\n|#.*\n|\n[ \t]*)|[ \t\r]+"
    assert terminals["EQ"] == r"[ \t]*=(?!=|>)" and terminals["COLON"] == r"[ \t]*:(?!:)"


def test_a_linted_file_reads_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from .conftest import FIXTURES, lint_file

    def findings() -> list[tuple[str, int, int, str]]:
        found = []
        for path in sorted(FIXTURES.rglob("*.tf")):
            found += [(f.code, f.span.line, f.span.column, f.message) for f in lint_file(path)]
        return found

    fast = findings()
    monkeypatch.setenv(hcl_fast.PARSER_VARIABLE, "lark")
    assert findings() == fast


def test_the_operator_types_are_python_hcl2s() -> None:
    from hcl2.postlexer import OPERATOR_TYPES as theirs
    from sqs_kms_lint.parsers.hcl_fast import OPERATOR_TYPES

    assert OPERATOR_TYPES == theirs
