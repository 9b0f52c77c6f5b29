"""Terraform policies: each statement is placed where it is written (issue 11: "a finding about one
statement lands on that statement's line, not on `policy =`"), whichever way the policy is built."""

from __future__ import annotations

from pathlib import Path

from sqs_kms_lint.discover import build_units, collect
from sqs_kms_lint.model import Key, Span

ROOT_STATEMENT = """{
        Sid       = "Root"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "kms:*"
        Resource  = "*"
      }"""


def statements(tmp_path: Path, files: dict[str, str]) -> list[tuple[str | None, Span]]:
    """(Sid, span) of each statement of the module's one key's policy."""
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (units,) = [build_units(collect([str(tmp_path / "main")]))]
    keys = [k for unit in units for k in unit.keys if isinstance(k, Key)]
    assert len(keys) == 1, keys
    policy = keys[0].policy
    assert policy is not None and policy.single is not None
    return [(s.sid, s.span) for s in policy.single.statements]


def lines(found: list[tuple[str | None, Span]]) -> list[tuple[str | None, str, int, int]]:
    return [(sid, Path(span.file).name, span.line, span.column) for sid, span in found]


def test_jsonencode_statements_are_placed_at_their_braces(tmp_path: Path) -> None:
    main = f"""resource "aws_kms_key" "k" {{
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [
      {ROOT_STATEMENT},
      {{ Sid = "Sns", Effect = "Allow", Principal = {{ Service = "sns.amazonaws.com" }}, Action = "kms:Decrypt", Resource = "*" }},
    ]
  }})
}}
"""
    found = lines(statements(tmp_path, {"main/main.tf": main}))
    assert found == [("Root", "main.tf", 5, 7), ("Sns", "main.tf", 12, 7)]


def test_a_statement_in_a_local_of_another_file_is_placed_there(tmp_path: Path) -> None:
    main = """resource "aws_kms_key" "k" {
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = concat(local.base, [{ Sid = "Here", Effect = "Allow", Principal = "*", Action = "kms:Decrypt", Resource = "*" }])
  })
}
"""
    found = lines(
        statements(
            tmp_path,
            {
                "main/main.tf": main,
                "main/locals.tf": f"locals {{\n  base = [\n      {ROOT_STATEMENT}\n  ]\n}}\n",
            },
        )
    )
    assert found == [("Root", "locals.tf", 3, 7), ("Here", "main.tf", 4, 37)]


def test_policy_document_statements_are_placed_at_their_blocks(tmp_path: Path) -> None:
    main = """data "aws_iam_policy_document" "p" {
  statement {
    sid       = "Root"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
  }

  statement {
    sid       = "Sns"
    actions   = ["kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "k" {
  policy = data.aws_iam_policy_document.p.json
}
"""
    found = lines(statements(tmp_path, {"main/main.tf": main}))
    assert found == [("Root", "main.tf", 2, 3), ("Sns", "main.tf", 12, 3)]


HEREDOC = """resource "aws_kms_key" "k" {
  policy = <<%(marker)s
{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
    %(second)s
  ]
}
%(end)s
}
"""
SNS = '{"Sid": "Sns", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "kms:Decrypt", "Resource": "*"}'


def test_heredoc_statements_are_placed_on_their_lines(tmp_path: Path) -> None:
    main = HEREDOC % {"marker": "EOT", "second": SNS, "end": "EOT"}
    found = lines(statements(tmp_path, {"main/main.tf": main}))
    assert found == [("Root", "main.tf", 6, 5), ("Sns", "main.tf", 7, 5)]


def test_an_indented_heredoc_has_its_lines_but_not_its_columns(tmp_path: Path) -> None:
    main = HEREDOC % {"marker": "-EOT", "second": SNS, "end": "  EOT"}
    main = main.replace('\n  "', '\n    "').replace("\n    {", "\n      {")
    found = lines(statements(tmp_path, {"main/main.tf": main}))
    assert found == [("Root", "main.tf", 6, 1), ("Sns", "main.tf", 7, 1)]


def test_an_interpolation_that_adds_lines_leaves_the_statements_on_the_policy_line(tmp_path: Path) -> None:
    main = HEREDOC % {"marker": "EOT", "second": "${local.more}", "end": "EOT"}
    main += 'locals {\n  more = "{\\"Sid\\": \\"Sns\\", \\"Effect\\": \\"Allow\\", \\"Principal\\": \\"*\\",\\n \\"Action\\": \\"kms:Decrypt\\", \\"Resource\\": \\"*\\"}"\n}\n'
    found = lines(statements(tmp_path, {"main/main.tf": main}))
    assert found == [("Root", "main.tf", 2, 3), ("Sns", "main.tf", 2, 3)]


def test_a_heredoc_with_a_duplicate_key_is_read_as_terraform_reads_it_on_the_policy_line(
    tmp_path: Path,
) -> None:
    duplicate = SNS.replace('"Sid": "Sns"', '"Sid": "Gone", "Sid": "Sns"')
    main = HEREDOC % {"marker": "EOT", "second": duplicate, "end": "EOT"}
    found = lines(statements(tmp_path, {"main/main.tf": main}))
    assert found == [("Root", "main.tf", 2, 3), ("Sns", "main.tf", 2, 3)]
