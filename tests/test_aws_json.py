"""Raw AWS JSON: shapes recognised alone and in a snapshot, CLI strings typed, schema errors located."""

from __future__ import annotations

import json
from pathlib import Path

from sqs_kms_lint.discover import SourceFile, build_units, collect
from sqs_kms_lint.parsers.aws_json import document_kind

QUEUE = {
    "QueueUrl": "https://sqs.us-east-1.amazonaws.com/111122223333/orders.fifo",
    "Attributes": {
        "QueueArn": "arn:aws:sqs:us-east-1:111122223333:orders.fifo",
        "FifoQueue": "true",
        "ContentBasedDeduplication": "false",
        "KmsMasterKeyId": "alias/orders",
        "KmsDataKeyReusePeriodSeconds": "300",
    },
}
KEY = {
    "KeyMetadata": {
        "KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab",
        "Arn": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "Enabled": False,
        "KeyState": "Disabled",
        "KeyManager": "CUSTOMER",
    }
}
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:*"}]}


def test_document_kinds() -> None:
    assert document_kind(QUEUE) == "queue"
    assert document_kind({"QueueArn": "arn:aws:sqs:us-east-1:111122223333:q", "Attributes": {}}) == "queue"
    assert document_kind(KEY) == "key"
    assert document_kind({"Policy": json.dumps(POLICY)}) == "key-policy"
    assert document_kind(POLICY) == "policy"
    assert document_kind({"account": "111122223333", "queues": []}) == "snapshot"
    assert document_kind({"format_version": "1.2", "planned_values": {}}) is None
    assert document_kind({"name": "package"}) is None


def test_directory_of_documents_is_one_unit_with_typed_values(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("dump").mkdir()
    Path("dump/queue.json").write_text(json.dumps(QUEUE, indent=2))
    Path("dump/key.json").write_text(json.dumps(KEY, indent=2))
    Path("dump/key-policy.json").write_text(json.dumps({"Policy": json.dumps(POLICY)}))
    Path("dump/package.json").write_text('{"name": "not aws", "keys": 3}')
    (unit,) = build_units(collect(["dump"]))
    (queue,) = unit.queues
    (key,) = unit.keys
    assert queue.live and queue.account == "111122223333" and queue.queue_name.single == "orders.fifo"
    assert queue.fifo.options == (True,) and queue.content_based_deduplication.options == (False,)
    assert queue.reuse_period.options == (300,) and queue.reuse_period.span.line == 8
    assert key.enabled.options == (False,) and key.account == "111122223333"
    assert key.policy is not None and key.policy.single.statements[0].principal == "*"


def test_snapshot_schema_violation_is_sqk000_at_the_value(tmp_path: Path) -> None:
    path = tmp_path / "snap.json"
    path.write_text(
        '{\n  "account": "111122223333",\n  "queues": [\n    {"Attributes": {"FifoQueue": true}}\n  ]\n}\n'
    )
    (unit,) = build_units([(SourceFile(path, "snap.json"), False)])
    (error,) = unit.errors
    assert error.span.line == 4
    assert "$.queues[0].Attributes.FifoQueue" in error.message and "string" in error.message


# --- the fast schema check against jsonschema ---------------------------------------------------------


def _schema_keywords(node: object) -> set[str]:
    if isinstance(node, dict):
        found = set(node)
        for name, value in node.items():
            if name in ("properties", "$defs"):
                for inner in value.values():
                    found |= _schema_keywords(inner)
            elif isinstance(value, dict):
                found |= _schema_keywords(value)
        return found
    return set()


def test_the_fast_check_knows_every_keyword_the_snapshot_schema_uses() -> None:
    from sqs_kms_lint.parsers.aws_json import FAST_KEYWORDS, snapshot_schema

    annotations = {"$schema", "$id", "$defs", "title", "description"}
    assert _schema_keywords(snapshot_schema()) - annotations <= FAST_KEYWORDS


def _agree(document: object) -> None:
    import jsonschema
    from sqs_kms_lint.parsers.aws_json import conforms, snapshot_schema

    schema = snapshot_schema()
    expected = jsonschema.Draft202012Validator(schema).is_valid(document)
    assert conforms(document, schema, schema["$defs"]) == expected, document
    for name, definition in schema["$defs"].items():
        part = {**definition, "$defs": schema["$defs"]}
        expected = jsonschema.Draft202012Validator(part).is_valid(document)
        assert conforms(document, definition, schema["$defs"]) == expected, (name, document)


SNAPSHOT = {
    "account": "111122223333",
    "region": "us-east-1",
    "queues": [QUEUE],
    "keys": [{**KEY, "Policy": POLICY, "Aliases": ["alias/orders"]}],
    "identity_policies": [{"principal": "arn:aws:iam::111122223333:role/r", "document": POLICY}],
    "senders": [{"service": "sns.amazonaws.com", "queue_arn": "arn:aws:sqs:us-east-1:111122223333:q"}],
}


def _mutations(node: object) -> list[object]:
    """The node with one member replaced by something of another type, removed, or added."""
    odd: list[object] = [None, True, 1, 1.5, "x", "alias/x", "111122223333", [], {}, ["x"], {"x": "y"}]
    found: list[object] = []
    if isinstance(node, dict):
        for name in node:
            for other in odd:
                found.append({**node, name: other})
            found.append({k: v for k, v in node.items() if k != name})
            found.extend({**node, name: inner} for inner in _mutations(node[name]))
        found.append({**node, "Extra": "x"})
    elif isinstance(node, list):
        for index, member in enumerate(node):
            found.extend([*node[:index], inner, *node[index + 1 :]] for inner in _mutations(member))
        found.extend([*node, other] for other in odd)
    return found


def test_the_fast_check_agrees_with_jsonschema_on_every_one_step_mutation() -> None:
    documents = [SNAPSHOT, *_mutations(SNAPSHOT)]
    assert len(documents) > 500
    for document in documents:
        _agree(document)
