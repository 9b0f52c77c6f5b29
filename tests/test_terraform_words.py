"""A finding speaks the words of the file it is on: Terraform's argument names and `name = value` on a
Terraform line, CloudFormation's property names and `Name: value` on a template or raw AWS JSON line.

The same mistakes, written once as a Terraform module and once as a CloudFormation template, give the same
findings; only the words differ."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqs_kms_lint.config import settings_from
from sqs_kms_lint.discover import build_units, collect, read_text
from sqs_kms_lint.engine import Finding, SourceLines, run
from sqs_kms_lint.model import Span, Value

TERRAFORM = """\
resource "aws_kms_key" "main" {}

resource "aws_kms_key" "rsakey" {
  customer_master_key_spec = "RSA_2048"
}

resource "aws_sqs_queue" "unencrypted" {
  sqs_managed_sse_enabled = false
}

resource "aws_sqs_queue" "both" {
  sqs_managed_sse_enabled = true
  kms_master_key_id       = aws_kms_key.main.arn
}

resource "aws_sqs_queue" "emptykey" {
  kms_master_key_id = ""
}

resource "aws_sqs_queue" "malformedkey" {
  kms_master_key_id = "orders-queue-key"
}

resource "aws_sqs_queue" "rsa" {
  kms_master_key_id = aws_kms_key.rsakey.arn
}

resource "aws_sqs_queue" "shortperiod" {
  kms_master_key_id                 = aws_kms_key.main.arn
  kms_data_key_reuse_period_seconds = 30
}

resource "aws_sqs_queue" "periodnokey" {
  kms_data_key_reuse_period_seconds = 600
}

resource "aws_sqs_queue" "jobs" {
  name                  = "jobs.fifo"
  fifo_queue            = true
  fifo_throughput_limit = "perMessageGroupId"
  kms_master_key_id     = aws_kms_key.main.arn
}

resource "aws_sqs_queue" "misnamed" {
  name              = "refunds.fifo"
  kms_master_key_id = aws_kms_key.main.arn
}

resource "aws_sqs_queue" "alerts" {
  name                = "alerts"
  deduplication_scope = "messageGroup"
  kms_master_key_id   = aws_kms_key.main.arn
}
"""

CLOUDFORMATION = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  main:
    Type: AWS::KMS::Key
  rsakey:
    Type: AWS::KMS::Key
    Properties:
      KeySpec: RSA_2048
  unencrypted:
    Type: AWS::SQS::Queue
    Properties:
      SqsManagedSseEnabled: false
  both:
    Type: AWS::SQS::Queue
    Properties:
      SqsManagedSseEnabled: true
      KmsMasterKeyId: !GetAtt main.Arn
  emptykey:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: ""
  malformedkey:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: orders-queue-key
  rsa:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !GetAtt rsakey.Arn
  shortperiod:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !GetAtt main.Arn
      KmsDataKeyReusePeriodSeconds: 30
  periodnokey:
    Type: AWS::SQS::Queue
    Properties:
      KmsDataKeyReusePeriodSeconds: 600
  jobs:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: jobs.fifo
      FifoQueue: true
      FifoThroughputLimit: perMessageGroupId
      KmsMasterKeyId: !GetAtt main.Arn
  misnamed:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: refunds.fifo
      KmsMasterKeyId: !GetAtt main.Arn
  alerts:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: alerts
      DeduplicationScope: messageGroup
      KmsMasterKeyId: !GetAtt main.Arn
"""

# (rule, queue) -> (what the CloudFormation message says, what the Terraform message says)
WORDS = {
    ("SQK001", "unencrypted"): (
        "sets SqsManagedSseEnabled: false and no KmsMasterKeyId: messages are stored unencrypted; "
        "remove SqsManagedSseEnabled (SSE-SQS is the default)",
        "sets sqs_managed_sse_enabled = false and no kms_master_key_id: messages are stored unencrypted; "
        "remove sqs_managed_sse_enabled (SSE-SQS is the default)",
    ),
    ("SQK002", "emptykey"): ("has an empty KmsMasterKeyId:", "has an empty kms_master_key_id:"),
    ("SQK003", "both"): (
        "sets both SqsManagedSseEnabled: true and KmsMasterKeyId: AWS rejects the request (only one type of "
        "SSE at a time); remove SqsManagedSseEnabled to use the KMS key",
        "sets both sqs_managed_sse_enabled = true and kms_master_key_id: AWS rejects the request (only one "
        "type of SSE at a time); remove sqs_managed_sse_enabled to use the KMS key",
    ),
    ("SQK004", "periodnokey"): (
        "sets no KmsMasterKeyId, so it gets SSE-SQS",
        "sets no kms_master_key_id, so it gets SSE-SQS",
    ),
    ("SQK102", "malformedkey"): (
        "has KmsMasterKeyId 'orders-queue-key', which is no key ID",
        'has kms_master_key_id = "orders-queue-key", which is no key ID',
    ),
    ("SQK104", "rsa"): (
        "with KeySpec 'RSA_2048': SQS needs a symmetric encryption key",
        'with customer_master_key_spec = "RSA_2048": SQS needs a symmetric encryption key',
    ),
    ("SQK302", "shortperiod"): (
        "has KmsDataKeyReusePeriodSeconds 30: AWS accepts only an integer",
        "has kms_data_key_reuse_period_seconds = 30: AWS accepts only an integer",
    ),
    ("SQK303", "periodnokey"): (
        "sets KmsDataKeyReusePeriodSeconds but no KmsMasterKeyId: AWS ignores the period",
        "sets kms_data_key_reuse_period_seconds but no kms_master_key_id: AWS ignores the period",
    ),
    ("SQK501", "jobs"): ("has no ContentBasedDeduplication:", "has no content_based_deduplication:"),
    ("SQK502", "misnamed"): ("but FifoQueue is not true", "but fifo_queue is not true"),
    ("SQK503", "alerts"): ("sets DeduplicationScope, which", "sets deduplication_scope, which"),
    ("SQK504", "jobs"): (
        "sets FifoThroughputLimit perMessageGroupId without DeduplicationScope messageGroup: AWS rejects the "
        "pair; set DeduplicationScope: messageGroup for high throughput",
        'sets fifo_throughput_limit = "perMessageGroupId" without deduplication_scope = "messageGroup": AWS '
        'rejects the pair; set deduplication_scope = "messageGroup" for high throughput',
    ),
}

AWS_WORDS = (
    "SqsManagedSseEnabled",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
    "FifoQueue",
    "KeySpec",
)
TERRAFORM_WORDS = (
    "sqs_managed_sse_enabled",
    "kms_master_key_id",
    "kms_data_key_reuse_period_seconds",
    "content_based_deduplication",
    "deduplication_scope",
    "fifo_throughput_limit",
    "fifo_queue",
    "customer_master_key_spec",
)


def _findings(folder: Path, name: str, text: str) -> list[Finding]:
    folder.mkdir()
    (folder / name).write_text(text, "utf-8")
    settings = settings_from({"require-cmk": True})
    source = SourceLines(lambda shown: read_text(Path(shown)))
    return [f for unit in build_units(collect([str(folder)])) for f in run(unit, settings, source)]


def _by_queue(findings: list[Finding]) -> dict[tuple[str, str], Finding]:
    """Each finding by (rule, queue's own name): `aws_sqs_queue.jobs` and `jobs` alike."""
    found = {}
    for finding in findings:
        found[(finding.code, finding.resource.rsplit(".", 1)[-1])] = finding
    return found


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[tuple[str, str], Finding]]:
    root = tmp_path_factory.mktemp("words")
    return {
        "cloudformation": _by_queue(_findings(root / "cfn", "template.yaml", CLOUDFORMATION)),
        "terraform": _by_queue(_findings(root / "tf", "main.tf", TERRAFORM)),
    }


def test_the_same_mistakes_give_the_same_findings_in_both_formats(findings) -> None:
    assert set(findings["terraform"]) == set(findings["cloudformation"])
    assert set(WORDS) <= set(findings["terraform"])


@pytest.mark.parametrize(("rule", "queue"), sorted(WORDS))
def test_each_format_gets_its_own_words(findings, rule: str, queue: str) -> None:
    cloudformation, terraform = WORDS[(rule, queue)]
    assert cloudformation in findings["cloudformation"][(rule, queue)].message
    assert terraform in findings["terraform"][(rule, queue)].message


def test_no_terraform_message_names_a_cloudformation_property(findings) -> None:
    for finding in findings["terraform"].values():
        texts = [finding.message, *(r.message for r in finding.related)]
        assert not [word for word in AWS_WORDS for text in texts if word in text], finding.message


def test_no_cloudformation_message_names_a_terraform_argument(findings) -> None:
    for finding in findings["cloudformation"].values():
        texts = [finding.message, *(r.message for r in finding.related)]
        assert not [word for word in TERRAFORM_WORDS for text in texts if word in text], finding.message


def test_related_locations_use_the_words_too(findings) -> None:
    (terraform,) = findings["terraform"][("SQK104", "rsa")].related
    (cloudformation,) = findings["cloudformation"][("SQK104", "rsa")].related
    assert terraform.message == "key 'aws_kms_key.rsakey' has customer_master_key_spec = \"RSA_2048\" here"
    assert cloudformation.message == "key 'rsakey' has KeySpec 'RSA_2048' here"


def test_an_attribute_is_named_as_it_was_written(tmp_path: Path) -> None:
    """Terraform takes `key_spec` as well as `customer_master_key_spec`: the message says the one written."""
    text = TERRAFORM.replace('customer_master_key_spec = "RSA_2048"', 'key_spec = "RSA_2048"')
    found = _by_queue(_findings(tmp_path / "tf", "main.tf", text))
    assert 'with key_spec = "RSA_2048":' in found[("SQK104", "rsa")].message


def test_raw_aws_json_keeps_the_aws_names(tmp_path: Path) -> None:
    snapshot = (
        '{"QueueUrl": "https://sqs.us-east-1.amazonaws.com/111122223333/orders",'
        ' "Attributes": {"KmsMasterKeyId": "orders-queue-key", "KmsDataKeyReusePeriodSeconds": "30"}}'
    )
    found = {f.code: f.message for f in _findings(tmp_path / "raw", "queue.json", snapshot)}
    assert "has KmsMasterKeyId 'orders-queue-key', which" in found["SQK102"]
    assert "has KmsDataKeyReusePeriodSeconds 30: AWS" in found["SQK302"]


def test_plan_json_uses_terraform_words() -> None:
    """A plan's attributes are the provider's: its findings speak Terraform (fixtures/SQK001/bad.plan.json)."""
    root = Path(__file__).resolve().parent.parent
    plan = root / "fixtures" / "SQK001" / "bad.plan.json"
    source = SourceLines(lambda shown: read_text(Path(shown)))
    messages = [
        f.message
        for unit in build_units(collect([str(plan)]))
        for f in run(unit, settings_from({}), source)
        if f.code == "SQK001"
    ]
    assert messages and all(
        "sets sqs_managed_sse_enabled = false and no kms_master_key_id" in m for m in messages
    )


def test_the_written_name_is_not_part_of_a_values_identity() -> None:
    span = Span("main.tf", 3)
    written = replace(Value.of(30, span), written_as="kms_data_key_reuse_period_seconds")
    assert written == Value.of(30, span) and hash(written) == hash(Value.of(30, span))
    assert written.map(lambda o: o * 2).written_as == "kms_data_key_reuse_period_seconds"
