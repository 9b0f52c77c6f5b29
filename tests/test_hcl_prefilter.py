"""The pre-parse scan: unread blocks blanked in place, read ones untouched, give up when unsure."""

from __future__ import annotations

from sqs_kms_lint.parsers.hcl_prefilter import blank_unread_blocks as _blank
from sqs_kms_lint.parsers.resource_types import TERRAFORM_READ_TYPES as READ_RESOURCE_TYPES


def blank_unread_blocks(text: str) -> str | None:
    return _blank(text, READ_RESOURCE_TYPES)


TRICKY = """\
# a comment with { braces
resource "aws_lambda_function" "r" {
  name = "x}{"
  policy = <<EOT
{"Statement": [{"Effect": "Allow"}]}
  }}} inside a heredoc
EOT
  description = "${jsonencode({ a = "}" })} more"
  /* } */
}
resource "aws_sqs_queue" "q" {
  name = "${var.x}{"
}
variable "x" { default = "a" }
provider "aws" { region = "us-east-1" }
"""


def test_unread_blocks_are_blanked_in_place() -> None:
    out = blank_unread_blocks(TRICKY)
    assert out is not None and len(out) == len(TRICKY)
    assert out.splitlines()[10:14] == TRICKY.splitlines()[10:14]  # the queue and the variable, untouched
    assert out.count("\n") == TRICKY.count("\n")
    assert "aws_lambda_function" not in out and "provider" not in out and "heredoc" not in out
    assert out.splitlines()[0] == TRICKY.splitlines()[0]  # comments stay


def test_gives_up_when_unsure() -> None:
    assert (
        blank_unread_blocks('resource "aws_lambda_function" "r" {\n  name = "x\n}\n') is None
    )  # unclosed string
    assert blank_unread_blocks('resource "aws_lambda_function" "r" {\n') is None  # unclosed block
    assert blank_unread_blocks("enabled = true\n") is None  # a top-level attribute


def test_kept_block_types() -> None:
    text = 'module "m" {\n  source = "./m"\n}\ndata "aws_iam_policy_document" "d" {}\nterraform {}\n'
    out = blank_unread_blocks(text)
    assert out is not None and "module" in out and "aws_iam_policy_document" in out and "terraform" not in out


def test_the_prefilter_changes_no_finding(monkeypatch) -> None:
    """A pure speed-up: every Terraform fixture gives the same findings with the scan as without it."""
    from sqs_kms_lint.parsers import hcl as terraform

    from .conftest import FIXTURES, lint_file

    paths = sorted(FIXTURES.glob("SQK*/*.tf"))
    with_scan = {p: {(f.code, f.span.line) for f in lint_file(p)} for p in paths}
    monkeypatch.setattr(terraform, "blank_unread_blocks", lambda text, types: None)
    without = {p: {(f.code, f.span.line) for f in lint_file(p)} for p in paths}
    assert with_scan == without
