"""Raw AWS JSON (what the AWS CLI prints, and our snapshot format) into the model.

Shapes: a queue (`get-queue-attributes` output, optionally with `QueueUrl`/`QueueArn` beside
`Attributes`), a key (`describe-key` output), a key policy (`get-key-policy` output or a bare policy
document), and a snapshot gathering them (schemas/snapshot.schema.json). The AWS CLI prints every queue
attribute as a string; they are typed here ("true" -> True, "300" -> 300).
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

from ..arns import QueueId, parse_kms_ref, parse_queue_id
from ..model import Key, ParseError, Queue, Span, Unit, Value
from . import build
from . import resource_types as types
from .located import key_span, span_of
from .resource_types import Converter, Naming

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
def _validator(definition: str | None) -> Any:
    """The validator of the whole snapshot (None) or of one of its parts, built once (jsonschema is
    imported only when a raw AWS document is met)."""
    import jsonschema

    schema = snapshot_schema()
    if definition is not None:
        schema = {**schema["$defs"][definition], "$defs": schema["$defs"]}
    return jsonschema.Draft202012Validator(schema)


# The keywords `conforms` understands: every one the snapshot schema uses (a test keeps it so).
FAST_KEYWORDS = frozenset(
    {"type", "properties", "required", "additionalProperties", "items", "$ref", "enum", "pattern"}
)
_ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "title", "description"})
_TYPES: dict[str, Any] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer())
    ),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "null": lambda v: v is None,
}


@cache
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text)


def conforms(node: Any, schema: dict, definitions: dict) -> bool:
    """Whether `node` matches `schema`, for the few keywords the snapshot schema uses (FAST_KEYWORDS).

    jsonschema costs about 0.3 ms per queue (a 100,000-queue snapshot: 30 s); this costs a tenth of
    that. It only says yes or no: a document it refuses goes to jsonschema, which writes the messages,
    so the two must agree on every document (tests/test_aws_json.py checks that on mutated snapshots)."""
    stack = [(node, schema)]
    while stack:
        value, rule = stack.pop()
        if "$ref" in rule:
            stack.append((value, definitions[rule["$ref"].rsplit("/", 1)[-1]]))
        kind = rule.get("type")
        if kind is not None and not any(
            _TYPES[k](value) for k in ((kind,) if isinstance(kind, str) else kind)
        ):
            return False
        if "enum" in rule and not any(
            value == e and isinstance(value, bool) == isinstance(e, bool) for e in rule["enum"]
        ):
            return False
        if "pattern" in rule and isinstance(value, str) and not _pattern(rule["pattern"]).search(value):
            return False
        if isinstance(value, dict):
            properties = rule.get("properties", {})
            if any(name not in value for name in rule.get("required", ())):
                return False
            extra = rule.get("additionalProperties", True)
            for name, member in value.items():
                if name in properties:
                    stack.append((member, properties[name]))
                elif extra is False:
                    return False
                elif isinstance(extra, dict):
                    stack.append((member, extra))
        elif isinstance(value, list) and "items" in rule:
            stack.extend((member, rule["items"]) for member in value)
    return True


def _schema_errors(document: Any, definition: str | None, file: str) -> list[ParseError]:
    schema = snapshot_schema()
    if conforms(document, schema["$defs"][definition] if definition else schema, schema["$defs"]):
        return []
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
        self.loose_policies: list[tuple[Any, str, Span]] = []  # (content, file, span)

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
            self.loose_policies.append((document["Policy"], file, key_span(document, "Policy", file, whole)))
        elif kind == "policy":
            self.loose_policies.append((document, file, whole))

    def finish(self) -> None:
        """A loose key policy belongs to the unit's key when the unit has exactly one (documented)."""
        keys = self.unit.keys
        if (
            len(keys) == 1
            and keys[0].policy is not None
            and not keys[0].policy.known
            and len(self.loose_policies) == 1
        ):
            content, file, span = self.loose_policies[0]
            keys[0].policy = build.policy_value(_Raw({"Policy": content}, file, span), types.KEY_POLICY)

    def snapshot(self, document: dict, file: str) -> None:
        self.unit.account = document.get("account") or self.unit.account
        self.unit.region = document.get("region") or self.unit.region
        queues = document.get("queues", [])
        for index, queue in enumerate(queues):
            self.unit.queues.append(self.queue(queue, file))
            queues[index] = None  # (read: its decoded object may go while the others are built)
        if "keys" in document:
            self.unit.lists_all_keys = True
        if "identity_policies" in document:
            self.unit.lists_all_identity_policies = True
        for key in document.get("keys", []):
            self.unit.keys.append(self.key(key, file))
        for entry in document.get("identity_policies", []):
            span = span_of(entry, file) or Span(file, 1)
            principal_span = key_span(entry, "principal", file, span)
            policy = build.identity_policy(
                str(entry["principal"]),
                principal_span,
                _Raw(entry, file, span),
                [Value.of(str(entry["principal"]), principal_span)],
                self.unit.account,
            )
            if policy is not None:
                self.unit.identity_policies.append(policy)
        for entry in document.get("senders", []):
            span = span_of(entry, file) or Span(file, 1)
            source = entry.get("source_arn")
            self.unit.senders.append(
                build.sender(
                    str(source or entry["service"]),
                    key_span(entry, "service", file, span),
                    str(entry["service"]),
                    Value.of(str(entry["queue_arn"]), key_span(entry, "queue_arn", file, span)),
                    Value.of(str(source), key_span(entry, "source_arn", file, span)) if source else None,
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

        return build.queue(
            identity or f"queue #{len(self.unit.queues) + 1}",
            span,
            _Raw(attributes, file, span, as_text=True),
            live=True,
            arn=_queue_arn(identity, queue_id),
            account=queue_id.account if queue_id else None,
            region=queue_id.region if queue_id else None,
            queue_name=Value.of(queue_id.name, span) if queue_id else None,
        )

    def key(self, document: dict, file: str) -> Key:
        metadata = document["KeyMetadata"]
        span = key_span(document, "KeyMetadata", file, span_of(document, file) or Span(file, 1))

        arn = str(metadata["Arn"]) if "Arn" in metadata else None
        reference = parse_kms_ref(arn) if arn else None
        raw = _Raw(metadata, file, span)
        raw.documents = document  # the policy sits beside KeyMetadata
        return build.key(
            arn or str(metadata["KeyId"]),
            span,
            raw,
            key_id=str(metadata["KeyId"]),
            arn=arn,
            account=str(metadata.get("AWSAccountId") or (reference.account if reference else "")) or None,
            region=reference.region if reference else None,
            aliases=[str(a) for a in document["Aliases"]] if "Aliases" in document else None,
            aws_managed=metadata.get("KeyManager") == "AWS",
            # a live key always has a policy; this input may just not have captured it
            **({} if "Policy" in document else {"policy": Value.unknown(span)}),
        )


class _Raw:
    """A raw JSON object as `build.Attributes`: the AWS API's own names. The AWS CLI prints every queue
    attribute as a string (`as_text`); the converters type them ("true" -> True, "300" -> 300)."""

    naming: Naming = "aws"

    def __init__(self, attributes: dict, file: str, span: Span, as_text: bool = False) -> None:
        self.attributes = attributes
        self.documents = attributes  # where JSON documents (policies, RedrivePolicy) are found
        self.file = file
        self.span = span
        self.as_text = as_text

    def value(self, name: str, convert: Converter | None = None) -> Value | None:
        if name not in self.attributes:
            return None
        content = self.attributes[name]
        content = str(content) if self.as_text else content
        return Value.of(
            convert(content) if convert else content, key_span(self.attributes, name, self.file, self.span)
        )

    def document(self, name: str) -> tuple[Value | None, Any]:
        if name not in self.documents:
            return None, None
        node = self.documents[name]
        return Value.of(node, key_span(self.documents, name, self.file, self.span)), node

    def children(self, name: str) -> list[build.Attributes]:
        return []
