"""Raw AWS JSON (what the AWS CLI prints, and our snapshot format) into the model.

Shapes: a queue (`get-queue-attributes` output, optionally with `QueueUrl`/`QueueArn` beside
`Attributes`), a key (`describe-key` output), a key policy (`get-key-policy` output or a bare policy
document), and a snapshot gathering them (schemas/snapshot.schema.json). The AWS CLI prints every queue
attribute as a string; they are typed here ("true" -> True, "300" -> 300).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from ..arns import QueueId, parse_kms_ref, parse_queue_id
from ..model import IdentityPolicy, Key, ParseError, Queue, Sender, Span, Unit, Value
from .located import key_span, span_of
from .policies import build_policy
from .scalars import json_in_string, to_bool, to_int

SNAPSHOT_KEYS = ("queues", "keys", "identity_policies", "senders")


@cache
def snapshot_schema() -> dict:
    text = resources.files("sqs_kms_lint").joinpath("schemas/snapshot.schema.json").read_text("utf-8")
    return json.loads(text)


def document_kind(document: Any) -> str | None:
    """Which raw AWS shape a decoded JSON document is, or None when it is none of them."""
    if not isinstance(document, dict):
        return None
    if "format_version" in document or "Resources" in document or "AWSTemplateFormatVersion" in document:
        return None
    ours = any(k in document for k in SNAPSHOT_KEYS)
    if ours and ("account" in document or set(document) <= {"account", "region", *SNAPSHOT_KEYS}):
        return "snapshot"  # (another tool's JSON with a "keys" member is not)
    attributes = document.get("Attributes")
    if attributes is not None and (
        {"QueueUrl", "QueueArn"} & set(document)
        or (isinstance(attributes, dict) and "QueueArn" in attributes)
    ):
        return "queue"  # (an SNS topic's or another service's attributes lack the queue's identity)
    if "KeyMetadata" in document:
        return "key"
    if set(document) == {"Policy"} or ({"Policy", "PolicyName"} >= set(document) and "Policy" in document):
        return "key-policy"
    if "Statement" in document and set(document) <= {"Version", "Id", "Statement"}:
        return "policy"
    return None


@cache
def _validator(definition: str | None) -> jsonschema.Draft202012Validator:
    """The validator of the whole snapshot (None) or of one of its parts, built once."""
    schema = snapshot_schema()
    if definition is not None:
        schema = {**schema["$defs"][definition], "$defs": schema["$defs"]}
    return jsonschema.Draft202012Validator(schema)


def _schema_errors(document: Any, definition: str | None, file: str) -> list[ParseError]:
    validator = _validator(definition)
    found = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
        path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        span = _span_at(document, list(error.absolute_path), file)
        found.append(ParseError(span, f"snapshot does not match its schema at {path}: {error.message}"))
    return found


def _span_at(document: Any, path: list, file: str) -> Span:
    """The span of the deepest node on `path` that carries a position (a key's mark for mapping members)."""
    best = span_of(document, file) or Span(file, 1)
    node = document
    for step in path:
        if isinstance(node, dict) and step in node:
            best = key_span(node, step, file, best)
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
            best = span_of(node, file) or best
        else:
            break
    return best


def _queue_arn(identity: str, queue_id: QueueId | None) -> str | None:
    """The queue's ARN as written, or built from its URL (the partition read off the host)."""
    if identity.startswith("arn:"):
        return identity
    if queue_id is None or queue_id.region is None:
        return None
    partition = "aws-cn" if ".amazonaws.com.cn" in identity else "aws"
    return f"arn:{partition}:sqs:{queue_id.region}:{queue_id.account}:{queue_id.name}"


class AwsJsonReader:
    """Collects the raw documents of one unit, then links policies to keys."""

    def __init__(self, unit: Unit) -> None:
        self.unit = unit
        self.loose_policies: list[tuple[Any, Any, str, Span]] = []
        self.key_counter = 0

    def add(self, document: Any, file: str) -> None:
        kind = document_kind(document)
        whole = span_of(document, file) or Span(file, 1)
        if kind == "snapshot":
            errors = _schema_errors(document, None, file)
            if errors:
                self.unit.errors.extend(errors)
                return
            self.snapshot(document, file)
            return
        definition = {"queue": "queue", "key": "key", "policy": "policy_document"}.get(kind or "")
        if definition:
            errors = _schema_errors(document, definition, file)
            if errors:
                self.unit.errors.extend(errors)
                return
        if kind == "queue":
            self.unit.queues.append(self.queue(document, file))
        elif kind == "key":
            self.unit.keys.append(self.key(document, file))
        elif kind == "key-policy":
            self.loose_policies.append(
                (document["Policy"], None, file, key_span(document, "Policy", file, whole))
            )
        elif kind == "policy":
            self.loose_policies.append((document, document, file, whole))

    def finish(self) -> None:
        """A loose key policy belongs to the unit's key when the unit has exactly one (documented)."""
        keys = self.unit.keys
        if (
            len(keys) == 1
            and keys[0].policy is not None
            and not keys[0].policy.known
            and len(self.loose_policies) == 1
        ):
            content, node, file, span = self.loose_policies[0]
            document = build_policy(content, node, file, span)
            if document is not None:
                keys[0].policy = Value.of(document, span)

    def snapshot(self, document: dict, file: str) -> None:
        self.unit.account = document.get("account") or self.unit.account
        self.unit.region = document.get("region") or self.unit.region
        for queue in document.get("queues", []):
            self.unit.queues.append(self.queue(queue, file))
        if "keys" in document:
            self.unit.lists_all_keys = True
        if "identity_policies" in document:
            self.unit.lists_all_identity_policies = True
        for key in document.get("keys", []):
            self.unit.keys.append(self.key(key, file))
        for entry in document.get("identity_policies", []):
            span = span_of(entry, file) or Span(file, 1)
            doc_span = key_span(entry, "document", file, span)
            policy_doc = build_policy(entry["document"], entry["document"], file, doc_span)
            principal_span = key_span(entry, "principal", file, span)
            self.unit.identity_policies.append(
                IdentityPolicy(
                    str(entry["principal"]),
                    principal_span,
                    principals=[Value.of(str(entry["principal"]), principal_span)],
                    account=self.unit.account,
                    document=policy_doc,
                )
            )
        for entry in document.get("senders", []):
            span = span_of(entry, file) or Span(file, 1)
            source = entry.get("source_arn")
            self.unit.senders.append(
                Sender(
                    str(source or entry["service"]),
                    key_span(entry, "service", file, span),
                    service=str(entry["service"]),
                    queue=Value.of(str(entry["queue_arn"]), key_span(entry, "queue_arn", file, span)),
                    source_arn=Value.of(str(source), key_span(entry, "source_arn", file, span))
                    if source
                    else None,
                )
            )

    def queue(self, document: dict, file: str) -> Queue:
        attributes = document["Attributes"]
        whole = span_of(document, file) or Span(file, 1)
        identity_key = next((k for k in ("QueueArn", "QueueUrl") if k in document), None)
        identity = str(document[identity_key]) if identity_key else str(attributes.get("QueueArn", ""))
        span = key_span(document, identity_key or "Attributes", file, whole)
        queue_id = parse_queue_id(identity)
        if queue_id is None and identity_key == "QueueArn" and "QueueUrl" in document:
            queue_id = parse_queue_id(str(document["QueueUrl"]))

        def value(name: str, convert: Any = None) -> Value | None:
            if name not in attributes:
                return None
            content = str(attributes[name])
            return Value.of(convert(content) if convert else content, key_span(attributes, name, file, span))

        queue = Queue(
            identity or f"queue #{len(self.unit.queues) + 1}",
            span,
            live=True,
            arn=_queue_arn(identity, queue_id),
            account=queue_id.account if queue_id else None,
            region=queue_id.region if queue_id else None,
            queue_name=Value.of(queue_id.name, span) if queue_id else None,
            fifo=value("FifoQueue", to_bool),
            content_based_deduplication=value("ContentBasedDeduplication", to_bool),
            deduplication_scope=value("DeduplicationScope"),
            fifo_throughput_limit=value("FifoThroughputLimit"),
            kms_key=value("KmsMasterKeyId"),
            sqs_managed_sse=value("SqsManagedSseEnabled", to_bool),
            reuse_period=value("KmsDataKeyReusePeriodSeconds", to_int),
        )
        if "RedrivePolicy" in attributes:
            redrive_span = key_span(attributes, "RedrivePolicy", file, span)
            redrive = json_in_string(str(attributes["RedrivePolicy"]))
            if isinstance(redrive, dict) and isinstance(redrive.get("deadLetterTargetArn"), str):
                queue.redrive_target = Value.of(redrive["deadLetterTargetArn"], redrive_span)
        return queue

    def key(self, document: dict, file: str) -> Key:
        metadata = document["KeyMetadata"]
        span = key_span(document, "KeyMetadata", file, span_of(document, file) or Span(file, 1))

        def value(name: str, *aliases: str) -> Value | None:
            for field_name in (name, *aliases):
                if field_name in metadata:
                    return Value.of(metadata[field_name], key_span(metadata, field_name, file, span))
            return None

        arn = str(metadata["Arn"]) if "Arn" in metadata else None
        reference = parse_kms_ref(arn) if arn else None
        key = Key(
            arn or str(metadata["KeyId"]),
            span,
            key_id=str(metadata["KeyId"]),
            arn=arn,
            account=str(metadata.get("AWSAccountId") or (reference.account if reference else "")) or None,
            region=reference.region if reference else None,
            enabled=value("Enabled"),
            key_state=value("KeyState"),
            key_spec=value("KeySpec", "CustomerMasterKeySpec"),
            key_usage=value("KeyUsage"),
            aliases=[str(a) for a in document["Aliases"]] if "Aliases" in document else None,
            aws_managed=metadata.get("KeyManager") == "AWS",
        )
        if "Policy" in document:
            policy_span = key_span(document, "Policy", file, span)
            policy = build_policy(document["Policy"], document["Policy"], file, policy_span)
            key.policy = Value.of(policy, policy_span) if policy else Value.unknown(policy_span)
        else:  # a live key always has a policy; this input just did not capture it
            key.policy = Value.unknown(span)
        return key
