"""The Terraform reader on tree-sitter's tree (tf_sitter, and tf_eval's evaluation of its nodes) against
its oracle: python-hcl2's Lark tree, read and evaluated as before, on every Terraform file of the fixtures
and tests. Both must give the same blocks, labels and positions, and every attribute the same contents
(objects with the same places), the same reference path, the same error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqs_kms_lint.model import ResourceRef
from sqs_kms_lint.parsers import hcl, hcl_fast, tf_sitter
from sqs_kms_lint.parsers.hcl import Attribute, Block
from sqs_kms_lint.parsers.located import DecodeError
from sqs_kms_lint.parsers.tf_eval import Evaluator, PlacedDict, PlacedText, TerraformError, tfvars

from .conftest import ROOT

FILES = sorted(
    path
    for folder in ("fixtures", "tests")
    for pattern in ("*.tf", "*.tfvars")
    for path in (ROOT / folder).rglob(pattern)
    if ".pytest_cache" not in path.parts
)


def _lark(text: str, file: str, monkeypatch: pytest.MonkeyPatch) -> Block:
    with monkeypatch.context() as patched:
        patched.setenv(hcl_fast.PARSER_VARIABLE, "lark")
        return hcl.parse_body(text, file)


def _shape(block: Block, top: bool = True) -> Any:
    """A block's structure and positions: type, labels, where it starts, its attributes' names and
    starts, its blocks' (a file's body has no place of its own)."""
    return (
        block.type,
        block.labels,
        None if top else (block.span.line, block.span.column),
        [(name, a.span.line, a.span.column) for name, a in block.attributes.items()],
        [_shape(b, False) for b in block.blocks],
    )


def _plain(value: Any) -> Any:
    """A value with the places of its objects and texts, for comparison."""
    if isinstance(value, PlacedDict):
        span = value.span
        place = (span.file, span.line, span.column, span.end_line, span.end_column)
        return ("placed", place, {k: _plain(v) for k, v in value.items()})
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, PlacedText):
        return ("text", str(value), value.body)
    if isinstance(value, ResourceRef):
        return ("ref", value.kind, value.name, value.attribute)
    return (type(value).__name__, value)


def _attributes(block: Block, path: str = "") -> list[tuple[str, Attribute]]:
    found = [(f"{path}{name}", a) for name, a in block.attributes.items()]
    for index, nested in enumerate(block.blocks):
        found.extend(_attributes(nested, f"{path}{nested.type}[{index}]."))
    return found


def _evaluated(body: Block) -> dict[str, Any]:
    evaluator = Evaluator(body.blocks, {}, "111122223333")
    results: dict[str, Any] = {}
    for name, attribute in _attributes(body):
        try:
            options = evaluator.attribute(attribute)
            results[name] = None if options is None else [_plain(o) for o in options]
        except TerraformError:
            results[name] = "error"
        results[name + " path"] = evaluator.reference_path(attribute.expression, 0)
    return results


def test_every_terraform_file_is_found() -> None:
    assert len(FILES) > 40


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_reads_as_python_hcl2_does(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(hcl_fast.PARSER_VARIABLE, raising=False)
    text = hcl.close_heredocs_as_terraform(path.read_text(encoding="utf-8", errors="replace"))
    try:
        slow = _lark(text, path.name, monkeypatch)
    except DecodeError:
        slow = None
    fast = tf_sitter.parse_body(text, path.name)
    if slow is None:  # (a syntax error for python-hcl2: tree-sitter must not read it either)
        assert fast is None
        return
    if fast is None:
        pytest.skip("left to python-hcl2 (a layout HCL may reject)")
    assert _shape(fast) == _shape(slow)
    assert _evaluated(fast) == _evaluated(slow)


# Texts whose values both readers give alike: the evaluation's corners.
SAME = {
    "operators": "a = 1 + 2 * 3 - 4 / 2\nb = 7 % 4 == 3 && !false\nc = -(1 + 2) * 3\nd = 1 < 2 || 3 >= 4\n",
    "conditionals": 'a = true ? "x" : "y"\nb = false ? 1 : true ? 2 : 3\nc = var.u ? 1 : 2\n',
    "strings": 'a = "x-${1 + 1}-$${y}-%%{z}"\nb = "\\"q\\"\\n\\u00e9"\nc = "${var.list}"\n',
    "collections": 'a = [1, "b", [true, null]]\nb = { x = 1, "y" = 2, (local.k) = 3 }\nc = {}\n',
    "references": 'locals {\n  k = "key"\n  m = { a = { b = [10, 20] } }\n}\n'
    "a = local.m.a.b[1]\nb = local.m.a.b.0\nc = (local.m).a\nd = local.m[local.k]\ne = local.m.*.a\n",
    "functions": 'a = jsonencode({ x = [1] })\nb = try(local.none, "d")\nc = can(local.none)\n'
    'd = join("-", ["a", "b"])\ne = concat([1], [2])\nf = lower("AB")\ng = provider::aws::x(1)\n',
    "heredocs": 'a = <<EOF\n{"x": "${1}"}\nEOF\nb = <<-EOT\n    {"y": 2}\n  EOT\n',
    "numbers": "a = 12\nb = 1.5\nd = -7\ne = 0012\n",
    "labels with blanks": 'invalid "block" "type " {\n  x = 1\n}\na " b" {\n}\n',
    "a dollar before an escape": 'a = "$$${x}"\nb = "$$$${x}"\nc = { "k/$$${x}" = 1 }\n',  # (`1e3`: a tree-sitter-hcl error, python-hcl2's)
    "resources": 'resource "aws_kms_key" "k" {\n  count = 0\n}\nresource "aws_sqs_queue" "q" {\n'
    '  name = "q"\n  kms_master_key_id = try(aws_kms_key.k[0].arn, "alias/aws/sqs")\n}\n'
    "a = aws_sqs_queue.q.name\nb = aws_sqs_queue.q.arn\n",
    "keyword keys": "a = { in = 1, if = 2, for = 3 }\n",
    "expansion": "a = concat([[1]]...)\n",
    "policy document": 'data "aws_iam_policy_document" "p" {\n  statement {\n    actions = ["sqs:*"]\n'
    '    principals {\n      type = "Service"\n      identifiers = ["sns.amazonaws.com"]\n    }\n  }\n}\n'
    "a = data.aws_iam_policy_document.p.json\n",
}


@pytest.mark.parametrize("text", SAME.values(), ids=SAME.keys())
def test_values_as_python_hcl2_reads_them(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(hcl_fast.PARSER_VARIABLE, raising=False)
    fast = tf_sitter.parse_body(text, "a.tf")
    assert fast is not None
    assert _evaluated(fast) == _evaluated(_lark(text, "a.tf", monkeypatch))


def test_values_are_terraforms(monkeypatch: pytest.MonkeyPatch) -> None:
    """What each reader gives, spelled out (so that the two cannot agree on a wrong answer)."""
    monkeypatch.delenv(hcl_fast.PARSER_VARIABLE, raising=False)
    for text, expected in {
        "x = 1 + 2 * 3\n": [6 + 1],
        "x = 7 % 4 == 3 && !false\n": [True],
        "x = -(1 + 2) * 3\n": [-9],
        "x = false ? 1 : true ? 2 : 3\n": [2],
        'x = "a-${1 + 1}-$${y}"\n': ["a-2-${y}"],
        "x = { in = 1, if = 2 }\n": [{"in": 1, "if": 2}],
        "x = 20 -12\n": [8],  # (python-hcl2 reads `-12` as a literal and fails; Terraform subtracts)
        "x = !!true\n": [True],
        "x = concat([[1]]...)\n": None,  # (an expansion: not known, rather than the list itself)
        "x = 8 /" + " " * 70 + "2\n": [4],  # (long blanks after a division: not shown as `//*...`)
        'x = "$$${1}"\n': ["$${1}"],  # (HCL reads `$` and the escape `$${`, tree-sitter-hcl `$$`, `${1}`)
        'x = "$$$$${1}"\n': ["$$$${1}"],
        'x = { "k/$$${a}" = 1 }\n': [{"k/$${a}": 1}],
        'x = format("%s-%s", "a")\n': None,  # (too few values: Terraform's error, unknown here)
        'x = try(format("%s", "a", "b"), "d")\n': ["d"],  # (too many: an error too, which try() catches)
        'x = format("%03d", 5)\n': None,  # (a width: not computed here)
        'x = format("%s-%%-%v", "a", 1)\n': ["a-%-1"],
    }.items():
        read = tf_sitter.parse_body(text, "a.tf")
        assert read is not None, text
        assert Evaluator([], {}, None).options(read.attributes["x"].expression) == expected, text


# Texts tree-sitter-hcl reads but HCL may not: left to python-hcl2, which decides as before.
LEFT = {
    "block labels over lines": 'resource "aws_sqs_queue"\n"q" {\n  name = 1\n}\n',
    "a block's brace on the next line": 'b "x"\n{\n}\n',
    "a newline before an operator": "x = a\n- b\n",
    "a conditional over lines": "x = a\n  ? b\n  : c\n",
    "two attributes on a line": "a = 1 b = 2\n",
    "a value on the next line": "x =\n  1\n",
    "a quoted string over lines": 'x = "a\nb"\n',
    "a hexadecimal number": "x = 0x1F\n",
    "an object element over lines": "x = {\n  a =\n    1\n}\n",
    "an object key over lines": "x = jsonencode({\n  a\n  = 1\n})\n",
    "a call's parenthesis on the next line": 'x = upper\n  ("x")\n',
    "an interpolation in a label": 'resource "a" "foo_${x}" {\n}\n',
}


@pytest.mark.parametrize("text", LEFT.values(), ids=LEFT.keys())
def test_leaves_unusual_layout_to_python_hcl2(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(hcl_fast.PARSER_VARIABLE, raising=False)
    assert tf_sitter.parse_body(text, "a.tf") is None


def test_syntax_errors_keep_python_hcl2s_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(hcl_fast.PARSER_VARIABLE, raising=False)
    for text, expected in {
        "x = 1 @\n": ("HCL syntax error: unexpected '@'", 1, 7),
        "x = a\n- b\n": ("HCL syntax error: unexpected '-'", 2, 1),
        "x = 0x1F\n": ("HCL syntax error: unexpected end of line", 2, 1),
        'resource "aws_sqs_queue"\n"q" {\n}\n': ("HCL syntax error: unexpected '\"'", 2, 1),
        "x = 6 /" + " " * 100 + "# c\n": ("HCL syntax error: unexpected end of line", 2, 1),
    }.items():
        with pytest.raises(DecodeError) as raised:
            hcl.parse_body(text, "a.tf")
        assert (raised.value.message, raised.value.line, raised.value.column) == expected


def test_multiline_values_inside_brackets_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(hcl_fast.PARSER_VARIABLE, raising=False)
    text = "x = jsonencode({\n  a = [\n    1,\n  ]\n})\ny = (\n  1 +\n  2\n)\nz = <<EOF\nq\nEOF\n"
    body = tf_sitter.parse_body(text, "a.tf")
    assert body is not None
    assert [Evaluator([], {}, None).one(body.attributes[n].expression) for n in "xyz"] == [{"a": [1]}, 3, "q"]


def test_positions_are_in_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(hcl_fast.PARSER_VARIABLE, raising=False)
    body = tf_sitter.parse_body('a = "é€"\nb = { c = "𝄞" }\n', "a.tf")
    assert body is not None
    span = body.attributes["b"].span
    assert (span.line, span.column, span.end_line, span.end_column) == (2, 1, 2, 16)
    evaluator = Evaluator([], {}, None)
    evaluator.file = "a.tf"
    (placed,) = evaluator.options(body.attributes["b"].expression) or []
    assert (placed.span.line, placed.span.column, placed.span.end_column) == (2, 5, 16)


def test_the_environment_picks_the_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(hcl_fast.PARSER_VARIABLE, raising=False)
    assert tf_sitter.parse_body("x = 1\n", "a.tf") is not None
    for chosen in ("lark", "translate"):
        monkeypatch.setenv(hcl_fast.PARSER_VARIABLE, chosen)
        assert tf_sitter.parse_body("x = 1\n", "a.tf") is None
        assert hcl.parse_body("x = 1\n", "a.tf").attributes["x"].expression is not None


def test_tfvars_read_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(hcl_fast.PARSER_VARIABLE, raising=False)
    text = 'a = "x"\nb = [1, 2]\nc = { d = true }\ne = var.f\n'
    fast = tfvars(text, "t.tfvars")
    monkeypatch.setenv(hcl_fast.PARSER_VARIABLE, "lark")
    assert fast == tfvars(text, "t.tfvars") == {"a": "x", "b": [1, 2], "c": {"d": True}}


def test_python_hcl2s_operators_over_lines_are_evaluated(monkeypatch: pytest.MonkeyPatch) -> None:
    """A newline before an operator, which python-hcl2 takes into the operator's token, once made the
    operation unknown."""
    monkeypatch.delenv(hcl_fast.PARSER_VARIABLE, raising=False)
    text = "x = 1\n  + 2\ny = true\n  && false\n"
    assert tf_sitter.parse_body(text, "a.tf") is None  # (python-hcl2 reads it)
    body = hcl.parse_body(text, "a.tf")
    evaluator = Evaluator([], {}, None)
    assert [evaluator.options(body.attributes[n].expression) for n in "xy"] == [[3], [False]]
