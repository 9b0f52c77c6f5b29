"""The parser side builds each model object in one place, from one table per resource type."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from sqs_kms_lint.model import Alias, Consumer, IdentityPolicy, Key, Queue, Sender
from sqs_kms_lint.parsers import resource_types
from sqs_kms_lint.parsers.terraform import TABLE_TYPES

from .conftest import ROOT

MODEL_OBJECTS = {cls.__name__ for cls in (Queue, Key, Alias, Sender, Consumer, IdentityPolicy)}


def test_only_build_py_constructs_model_objects() -> None:
    builders = set()
    for path in sorted((ROOT / "linter").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in MODEL_OBJECTS
            ):
                builders.add(f"{path.relative_to(ROOT).as_posix()}:{node.func.id}")
    assert {b.split(":")[0] for b in builders} == {"linter/parsers/build.py"}, sorted(builders)


def test_every_queue_field_has_one_row() -> None:
    rows = [f.model for f in resource_types.QUEUE]
    assert len(rows) == len(set(rows))
    assert set(rows) <= set(Queue.__dataclass_fields__)


def test_the_prefilter_keeps_exactly_the_types_the_terraform_builders_read() -> None:
    assert TABLE_TYPES == resource_types.TERRAFORM_READ_TYPES


def test_a_field_added_to_the_table_reaches_every_format(tmp_path: Path, monkeypatch) -> None:
    """One row more (here: the queue's DeduplicationScope read a second time, into fifo_throughput_limit)
    shows up in CloudFormation, Terraform, plans and raw JSON alike."""
    from sqs_kms_lint.discover import build_units, collect

    swapped = tuple(
        resource_types._row("fifo_throughput_limit", "DeduplicationScope", "deduplication_scope")
        if f.model == "fifo_throughput_limit"
        else f
        for f in resource_types.QUEUE
    )
    monkeypatch.setattr(resource_types, "QUEUE", swapped)
    (tmp_path / "t.yaml").write_text(
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      DeduplicationScope: messageGroup\n"
    )
    (tmp_path / "main.tf").write_text(
        'resource "aws_sqs_queue" "q" {\n  deduplication_scope = "messageGroup"\n}\n'
    )
    (tmp_path / "queue.json").write_text(
        '{"QueueUrl": "https://sqs.us-east-1.amazonaws.com/111122223333/q",'
        ' "Attributes": {"DeduplicationScope": "messageGroup"}}'
    )
    resource = {"address": "aws_sqs_queue.q", "mode": "managed", "type": "aws_sqs_queue", "name": "q"}
    plan = {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {"resources": [{**resource, "values": {"deduplication_scope": "messageGroup"}}]}
        },
        "configuration": {
            "root_module": {
                "resources": [
                    {**resource, "expressions": {"deduplication_scope": {"constant_value": "messageGroup"}}}
                ]
            }
        },
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    units = build_units(collect([str(tmp_path)]))
    limits = [q.fifo_throughput_limit.single for u in units for q in u.queues]
    assert limits == ["messageGroup"] * 4
