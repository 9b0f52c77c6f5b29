"""The registry SQS module: which release a call gets, and what each release before 4.0 creates."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqs_kms_lint.discover import build_units, collect
from sqs_kms_lint.model import ABSENT, UNKNOWN, ResourceRef
from sqs_kms_lint.parsers.sqs_module import (
    _LATEST,
    V2,
    V3_2,
    V3_4_0,
    V3_4_1,
    V4,
    is_sqs_module,
    newest_matching,
    selected_release,
)

REGISTRY = "terraform-aws-modules/sqs/aws"
GIT = "git::https://github.com/terraform-aws-modules/terraform-aws-sqs.git"


@pytest.mark.parametrize(
    ("constraint", "expected"),
    [
        ("2.1.0", (2, 1, 0)),
        ("= 3.1.0", (3, 1, 0)),
        ("v3.3.0", (3, 3, 0)),
        ("~> 2.0", (2, 1, 0)),
        ("~> 3.0", (3, 5, 0)),
        ("~> 3.4.0", (3, 4, 2)),
        ("~> 3.2", (3, 5, 0)),
        (">= 2.0, < 4.0", (3, 5, 0)),
        (">= 3.0, < 3.4", (3, 3, 0)),
        (">= 3.0, <= 3.4.0", (3, 4, 0)),
        ("< 3.4.1, != 3.4.0", (3, 3, 0)),
        ("> 3.4.2, < 4", (3, 5, 0)),
        ("~> 4.0", (4, 3, 1)),
        (">= 2.0", _LATEST),  # no upper bound: the latest release
        ("> 5.2.1", _LATEST),
        ("3.6.0", (3, 6, 0)),  # no such release: release_of() rejects it
        ("~> 2", None),  # one-part pessimistic: libraries disagree
        ("^2.0", None),
        ("2.x", None),
        ("", None),
        ("3.0.0-beta", None),
        (">= 4.0, < 3.0", None),
    ],
)
def test_newest_matching(constraint: str, expected: tuple[int, int, int] | None) -> None:
    assert newest_matching(constraint) == expected


@pytest.mark.parametrize(
    ("source", "version", "expected"),
    [
        (REGISTRY, "~> 2.0", V2),
        (REGISTRY, "3.1.0", V2),
        (REGISTRY, "3.2.0", V3_2),
        (REGISTRY, "3.3.0", V3_2),
        (REGISTRY, "3.4.0", V3_4_0),
        (REGISTRY, "3.4.1", V3_4_1),
        (REGISTRY, "~> 3.0", V3_4_1),
        (REGISTRY, ">= 2.0, < 4.0", V3_4_1),
        (REGISTRY, "~> 4.0", V4),
        (REGISTRY, ">= 3.0", V4),
        (REGISTRY, "5.2.1", V4),
        (REGISTRY, "6.0.0", V4),  # a release made since: read as 4.x and later
        (REGISTRY, None, V4),  # no version: the latest
        (f"registry.terraform.io/{REGISTRY}", "2.1.0", V2),
        (f"{GIT}?ref=v3.0.0", None, V2),
        (f"{GIT}?ref=v3.4.0", None, V3_4_0),
        (f"{GIT}?ref=3.5.0", None, V3_4_1),
        ("github.com/terraform-aws-modules/terraform-aws-sqs?ref=v2.1.0", None, V2),
        ("git@github.com:terraform-aws-modules/terraform-aws-sqs.git?ref=v4.0.0", None, V4),
        (GIT, None, V4),  # the default branch: the latest
        (f"{GIT}?ref=master", None, None),
        (f"{GIT}?ref=v3", None, None),
        (REGISTRY, "1.2.1", None),  # Terraform 0.11 code: not read
        (REGISTRY, "~> 1.0", None),
        (REGISTRY, "2.2.0", None),  # no such release
        (REGISTRY, "4.5.0", None),
        (REGISTRY, "~> 3", None),
        (REGISTRY, UNKNOWN, None),  # version from a variable without default
        ("terraform-aws-modules/sns/aws", "~> 3.0", None),
        ("./modules/sqs", None, None),
    ],
)
def test_selected_release(source: str, version: object, expected: object) -> None:
    assert selected_release(source, version) == expected
    assert is_sqs_module(source, version) is (expected is not None)


def _queue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str, body: str):
    monkeypatch.chdir(tmp_path)
    Path("main.tf").write_text(
        'resource "aws_kms_key" "k" {}\n'
        f'module "m" {{\n  source  = "{REGISTRY}"\n  version = "{version}"\n{body}}}\n'
    )
    (unit,) = build_units(collect(["."]))
    queues = [q for q in unit.queues if q.name.startswith("module.m.")]
    assert [q.name for q in queues] in ([], ["module.m.aws_sqs_queue.this"])
    return queues[0] if queues else None


def test_v2_passes_inputs_as_they_are(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    queue = _queue(
        tmp_path,
        monkeypatch,
        "~> 2.0",
        '  name = "orders"\n  fifo_queue = true\n  kms_master_key_id = aws_kms_key.k.arn\n'
        '  sqs_managed_sse_enabled = true\n  fifo_throughput_limit = "perQueue"\n  create_dlq = true\n',
    )
    assert queue.queue_name.single == "orders"  # no ".fifo" added
    assert queue.fifo.single is True
    assert queue.kms_key.single == ResourceRef("key", "aws_kms_key.k", "arn")
    assert queue.sqs_managed_sse is None  # no such input before 3.4.0
    assert queue.fifo_throughput_limit is None  # no such input before 3.2.0
    assert queue.reuse_period is None  # the module's default 300 is not the author's


def test_v3_2_reads_fifo_limits_and_name_prefix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    queue = _queue(
        tmp_path,
        monkeypatch,
        "3.2.0",
        '  name_prefix = "jobs"\n  fifo_queue = true\n  fifo_throughput_limit = "perMessageGroupId"\n',
    )
    assert queue.queue_name is None  # generated
    assert queue.fifo_throughput_limit.single == "perMessageGroupId"
    assert queue.fifo_throughput_limit.span.line == 7


def test_v3_4_0_sends_sse_false_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    queue = _queue(tmp_path, monkeypatch, "3.4.0", '  name = "q"\n')
    assert queue.sqs_managed_sse.options == (False,)
    assert queue.sqs_managed_sse.span.line == 2  # the module block: the call does not write it
    assert queue.kms_key is None


@pytest.mark.parametrize(
    ("version", "sse", "sent", "key"),
    [
        ("3.4.0", "false", (False,), ("ref",)),
        ("3.4.0", "true", (True,), None),
        ("~> 3.0", "false", None, ("ref",)),
        ("~> 3.0", "true", (True,), None),
        ("~> 3.0", "null", None, ("ref",)),  # null: the variable's default, false
        ("~> 3.0", "var.x", (UNKNOWN,), (UNKNOWN,)),
        ("~> 3.0", "var.y ? true : false", (True, ABSENT), ("ref", ABSENT)),
    ],
)
def test_v3_4_sse_drops_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str, sse: str, sent: tuple, key: tuple | None
) -> None:
    queue = _queue(
        tmp_path,
        monkeypatch,
        version,
        f"  sqs_managed_sse_enabled = {sse}\n  kms_master_key_id = aws_kms_key.k.arn\n",
    )
    ref = ResourceRef("key", "aws_kms_key.k", "arn")
    assert (queue.sqs_managed_sse.options if queue.sqs_managed_sse else None) == sent
    expected_key = tuple(ref if o == "ref" else o for o in key) if key else None
    assert (queue.kms_key.options if queue.kms_key else None) == expected_key


def test_redrive_policy_string(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    queue = _queue(
        tmp_path,
        monkeypatch,
        "3.5.0",
        '  redrive_policy = jsonencode({ deadLetterTargetArn = "arn:aws:sqs:us-east-1:111122223333:dlq" })\n',
    )
    assert queue.redrive_target.single == "arn:aws:sqs:us-east-1:111122223333:dlq"
    empty = _queue(tmp_path, monkeypatch, "3.5.0", '  redrive_policy = ""\n')
    assert empty.redrive_target is None


def test_create_false_and_unread_versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _queue(tmp_path, monkeypatch, "2.1.0", "  create = false\n") is None
    assert _queue(tmp_path, monkeypatch, "1.2.1", '  name = "q"\n') is None
    assert _queue(tmp_path, monkeypatch, "~> 3", '  name = "q"\n') is None


@pytest.mark.parametrize("version", ["3.5.0", "4.3.1"])
def test_module_queues_live_in_the_units_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    """With --account-id, the module's queue is in that account like a plain aws_sqs_queue (it once was
    always "this account", so a key pinning another account was judged for one and not the other)."""
    monkeypatch.chdir(tmp_path)
    Path("main.tf").write_text(
        f'module "m" {{\n  source  = "{REGISTRY}"\n  version = "{version}"\n  name = "q"\n}}\n'
        'resource "aws_sqs_queue" "plain" {\n  name = "p"\n}\n'
    )
    (unit,) = build_units(collect(["."]), account="111122223333")
    assert {q.name: q.account for q in unit.queues} == {
        "module.m.aws_sqs_queue.this": "111122223333",
        "aws_sqs_queue.plain": "111122223333",
    }
