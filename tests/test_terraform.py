"""The Terraform evaluator and module builder: what each expression resolves to, and when it gives up."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqs_kms_lint.discover import build_units, collect
from sqs_kms_lint.model import ABSENT, THIS_ACCOUNT, ResourceRef
from sqs_kms_lint.parsers.hcl import parse_body, parse_hcl
from sqs_kms_lint.parsers.located import DecodeError
from sqs_kms_lint.parsers.tf_eval import Evaluator

MODULE = """\
variable "period" { default = 60 }
variable "cfg" { default = { period = 120, names = ["a", "b"] } }
variable "nodefault" {}
variable "from_tfvars" { default = "default" }
data "aws_caller_identity" "current" {}
locals {
  account = data.aws_caller_identity.current.account_id
  loop    = local.loop
}
resource "aws_kms_key" "k" {}
resource "aws_kms_alias" "a" {
  name          = "alias/orders"
  target_key_id = aws_kms_key.k.key_id
}
resource "aws_sqs_queue" "q" {
  name = "jobs"
}
resource "aws_s3_bucket" "b" {}
"""


@pytest.fixture(scope="module")
def evaluator() -> Evaluator:
    return Evaluator(parse_hcl(MODULE, "main.tf"), {"from_tfvars": "given"}, None)


def _expression(text: str):
    return parse_body(f"x = {text}\n", "e.tf").attributes["x"].expression


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("60", [60]),
        ('"alias/x"', ["alias/x"]),
        ("true", [True]),
        ("null", [None]),
        ("var.period", [60]),
        ("var.cfg.period", [120]),
        ("var.cfg.names[1]", ["b"]),
        ("var.nodefault", None),
        ("var.from_tfvars", ["given"]),
        ("local.account", [THIS_ACCOUNT]),
        ("local.loop", None),
        ('"arn:aws:iam::${local.account}:root"', [f"arn:aws:iam::{THIS_ACCOUNT}:root"]),
        ("aws_kms_key.k.arn", [ResourceRef("key", "aws_kms_key.k", "arn")]),
        ("aws_kms_key.k.key_id", [ResourceRef("key", "aws_kms_key.k", "id")]),
        ("aws_kms_key.k[0].arn", [ResourceRef("key", "aws_kms_key.k", "arn")]),
        ('"${aws_kms_key.k.arn}"', [ResourceRef("key", "aws_kms_key.k", "arn")]),
        ("aws_kms_alias.a.name", ["alias/orders"]),
        ("aws_kms_alias.a.arn", [ResourceRef("alias", "aws_kms_alias.a", "arn")]),
        ("aws_sqs_queue.q.id", [ResourceRef("queue", "aws_sqs_queue.q", "url")]),
        ("aws_sqs_queue.q.name", ["jobs"]),
        ("aws_kms_key.missing.arn", [ResourceRef(None, "aws_kms_key.missing", "arn")]),
        ("aws_s3_bucket.b.arn", None),
        ("module.keys.arn", None),
        ("data.aws_kms_key.k.arn", None),
        ("count.index", None),
        ("var.period * 5", [300]),
        ("-5", [-5]),
        ('var.nodefault == "x" ? 60 : 120', [60, 120]),
        ("var.nodefault ? aws_kms_key.k.arn : null", [ResourceRef("key", "aws_kms_key.k", "arn"), None]),
        ("var.nodefault ? 60 : var.nodefault", None),
        ('jsonencode({ a = "b", c = [1, 2] })', [{"a": "b", "c": [1, 2]}]),
        ('format("alias/%s", "x")', ["alias/x"]),
        ('join("-", ["a", "b"])', ["a-b"]),
        ('lower("ABC")', ["abc"]),
        ("[for x in var.cfg.names : x]", None),
        ('"${var.nodefault}-x"', None),
    ],
)
def test_evaluation(evaluator: Evaluator, text: str, expected) -> None:
    assert evaluator.options(_expression(text)) == expected


def test_heredoc_with_interpolation(evaluator: Evaluator) -> None:
    text = '<<EOT\n{"Principal": {"AWS": "arn:aws:iam::${local.account}:root"}}\nEOT\n'
    (value,) = evaluator.options(_expression(text))
    assert value == '{"Principal": {"AWS": "arn:aws:iam::' + THIS_ACCOUNT + ':root"}}'


def test_syntax_error_has_the_parsers_position() -> None:
    with pytest.raises(DecodeError) as error:
        parse_hcl('resource "aws_sqs_queue" "q" {\n  name = "x"\n  fifo_queue = \n}\n', "bad.tf")
    assert (error.value.line, error.value.message) == (3, "HCL syntax error: unexpected '}'")


def test_module_of_several_files_with_tfvars_and_a_broken_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("mod").mkdir()
    Path("mod/keys.tf").write_text('resource "aws_kms_key" "k" {\n  is_enabled = var.enabled\n}\n')
    Path("mod/queues.tf").write_text(
        'variable "enabled" { default = true }\n'
        'resource "aws_sqs_queue" "q" {\n  kms_master_key_id = aws_kms_key.k.arn\n  sqs_managed_sse_enabled = null\n}\n'
    )
    Path("mod/broken.tf").write_text('resource "x" {\n')
    Path("mod/terraform.tfvars").write_text("enabled = false\n")
    (unit,) = build_units(collect(["mod/queues.tf"]))  # one file named: its whole module comes along
    assert unit.files == ["mod/broken.tf", "mod/keys.tf", "mod/queues.tf"]
    (queue,) = unit.queues
    (key,) = unit.keys
    assert key.enabled.options == (False,) and key.enabled.span.line == 2
    assert queue.kms_key.single == ResourceRef("key", "aws_kms_key.k", "arn")
    assert queue.kms_key.span.line == 3 and queue.kms_key.span.column == 3
    assert queue.sqs_managed_sse is None  # `= null` leaves it unset
    assert [e.span.file for e in unit.errors] == ["mod/broken.tf"]


def test_absent_branch_from_null(evaluator: Evaluator, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("main.tf").write_text(
        'variable "use" {}\nresource "aws_sqs_queue" "q" {\n  kms_master_key_id = var.use ? "bad-key" : null\n}\n'
    )
    (unit,) = build_units(collect(["."]))
    assert unit.queues[0].kms_key.options == ("bad-key", ABSENT)


def test_iam_policy_document_renders_as_iam_json() -> None:
    module = parse_hcl(
        """
data "aws_caller_identity" "me" {}
data "aws_iam_policy_document" "key" {
  statement {
    sid     = "Root"
    actions = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.me.account_id}:root"]
    }
  }
  statement {
    effect  = "Deny"
    actions = ["kms:Decrypt"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}
""",
        "main.tf",
    )
    evaluator = Evaluator(module, {}, "111122223333")
    (document,) = evaluator.options(_expression("data.aws_iam_policy_document.key.json"))
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Sid": "Root",
                "Action": ["kms:*"],
                "Resource": ["*"],
                "Principal": {"AWS": ["arn:aws:iam::111122223333:root"]},
            },
            {
                "Effect": "Deny",
                "Action": ["kms:Decrypt"],
                "Principal": "*",
                "Condition": {"Bool": {"aws:SecureTransport": ["false"]}},
            },
        ],
    }


def test_heredoc_key_policy_reaches_the_model(monkeypatch) -> None:
    from .conftest import ROOT

    monkeypatch.chdir(ROOT)
    (unit,) = build_units(collect(["fixtures/scenarios/terraform-heredoc"]))
    (key,) = unit.keys
    (statement,) = key.policy.single.statements
    assert statement.principal == {"AWS": f"arn:aws:iam::{THIS_ACCOUNT}:root"}
    assert statement.action == "kms:*" and key.policy.span.line == 5


def test_senders_and_consumers(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("main.tf").write_text(
        """
resource "aws_sqs_queue" "q" {}
resource "aws_sns_topic" "t" {}
resource "aws_sns_topic_subscription" "s" {
  topic_arn = aws_sns_topic.t.arn
  protocol  = "sqs"
  endpoint  = aws_sqs_queue.q.arn
}
resource "aws_cloudwatch_event_target" "e" {
  rule = "r"
  arn  = aws_sqs_queue.q.arn
}
resource "aws_s3_bucket_notification" "n" {
  bucket = "b"
  queue {
    queue_arn = aws_sqs_queue.q.arn
    events    = ["s3:ObjectCreated:*"]
  }
}
resource "aws_lambda_event_source_mapping" "m" {
  event_source_arn = aws_sqs_queue.q.arn
  function_name    = "worker"
}
"""
    )
    (unit,) = build_units(collect(["."]))
    queue = ResourceRef("queue", "aws_sqs_queue.q", "arn")
    assert [(s.service, s.queue.single) for s in unit.senders] == [
        ("sns.amazonaws.com", queue),
        ("events.amazonaws.com", queue),
        ("s3.amazonaws.com", queue),
    ]
    assert [(c.queue.single, c.function.single) for c in unit.consumers] == [(queue, "worker")]


def test_policy_document_with_dynamic_statements_is_unknown() -> None:
    module = parse_hcl(
        """
data "aws_iam_policy_document" "key" {
  dynamic "statement" {
    for_each = var.grants
    content {
      actions = statement.value
    }
  }
}
""",
        "main.tf",
    )
    evaluator = Evaluator(module, {}, None)
    assert evaluator.options(_expression("data.aws_iam_policy_document.key.json")) is None


DECIDING = """\
variable "key" { default = null }
variable "sse" { default = false }
variable "a" { default = null }
variable "b" { default = null }
variable "create" { default = true }
variable "create_dlq" { default = false }
variable "names" { default = ["a", "b"] }
variable "settings" { default = { period = 60 } }
variable "unknown" {}
resource "aws_kms_key" "made" {
  count = var.create && var.create_dlq ? 1 : 0
}
resource "aws_kms_key" "always" {}
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a known condition picks its branch; only an unknown one keeps both (issue 7, class 5)
        ("var.key != null ? null : var.sse", [False]),
        ("var.key == null ? var.sse : null", [False]),
        ("var.unknown == null ? 1 : 2", [1, 2]),
        ("!var.create", [False]),
        ("var.create && var.create_dlq", [False]),
        ("var.create || var.unknown", [True]),
        ("var.create_dlq && var.unknown", [False]),
        ("var.create && var.unknown", None),
        ('"true" ? 1 : 2', [1]),
        ("1 == 1.0", [True]),
        ('1 == "1"', [False]),
        ("true == 1", [False]),
        ("[1, 2] == [1, 2]", [True]),
        ("aws_kms_key.always.arn == null", None),
        ("5 > 3", [True]),
        ("7 % 4", [3]),
        # null and errors as Terraform has them
        ("coalesce(var.a, var.b, 300)", [300]),
        ("try(coalesce(var.a, var.b), null)", [None]),
        ('try(coalesce(var.a, "x"), null)', ["x"]),
        ("try(var.settings.period, 300)", [60]),
        ("try(var.key.period, 300)", [300]),
        ("try(var.unknown.period, 300)", None),
        ("try(aws_kms_key.made[0].arn, null)", [None]),
        ("try(aws_kms_key.always.arn, null)", [ResourceRef("key", "aws_kms_key.always", "arn")]),
        ("can(coalesce(var.a, var.b))", [False]),
        ("can(var.settings.period)", [True]),
        ('lookup(var.settings, "period", 300)', [60]),
        ('lookup(var.settings, "missing", 300)', [300]),
        ('try(lookup(var.settings, "missing"), 1)', [1]),
        ('contains(var.names, "b")', [True]),
        ('contains(var.names, "c")', [False]),
        ("length(var.names)", [2]),
        ("length(var.names) > 0 ? 1 : 0", [1]),
        ("var.create ? 1 : 0", [1]),
        ("one([])", [None]),
        ("coalesce(var.a, var.b)", None),  # an error at the top is simply not knowable here
    ],
)
def test_terraform_decides_what_it_can(text: str, expected) -> None:
    evaluator = Evaluator(parse_hcl(DECIDING, "main.tf"), {}, None)
    assert evaluator.options(_expression(text)) == expected


def test_resources_counted_away_do_not_exist(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("main.tf").write_text(
        DECIDING
        + 'resource "aws_sqs_queue" "dlq" {\n  count = var.create && var.create_dlq ? 1 : 0\n'
        + "  content_based_deduplication = true\n}\n"
        + 'resource "aws_sqs_queue" "q" {\n  count = var.create ? 1 : 0\n}\n'
    )
    (unit,) = build_units(collect(["."]))
    assert [q.name for q in unit.queues] == ["aws_sqs_queue.q"]
    assert [k.name for k in unit.keys] == ["aws_kms_key.always"]


def test_heredoc_closing_marker_with_trailing_blanks_ends_the_heredoc() -> None:
    """Terraform trims blanks after a closing marker; without that, the heredoc ran on and swallowed
    the resources after it (checkov's own KMS fixtures: five keys read as one)."""
    text = (
        'resource "aws_kms_key" "a" {\n  policy = <<POLICY   \n{"Statement": []}\nPOLICY  \n}\n'
        'resource "aws_kms_key" "b" {\n  policy = <<-EOT\n    {"Statement": []}\n    EOT\t\n}\n'
        'resource "aws_kms_key" "c" {\n  is_enabled = false\n}\n'
    )
    blocks = parse_hcl(text, "main.tf")
    assert [(b.labels[1], b.span.line) for b in blocks] == [("a", 1), ("b", 6), ("c", 11)]
    evaluator = Evaluator(blocks, {}, None)
    assert evaluator.options(blocks[0].attributes["policy"].expression) == ['{"Statement": []}']
    assert blocks[2].attributes["is_enabled"].span.line == 12
