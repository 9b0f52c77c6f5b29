"""The one builder of each model object, shared by every input format.

A format hands over a resource as `Attributes`: a getter that reads one attribute by the format's own
name (CloudFormation intrinsics, Terraform expressions and AWS CLI strings already resolved into a
`Value`). Which names to read, and how to convert them, is `resource_types.py`'s; what the model object
is, is decided here, once: so a queue, a RedrivePolicy or an SNS subscription means the same thing
whether it came from a template, a module, a plan or a snapshot.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Protocol

from ..model import (
    UNKNOWN,
    Alias,
    Consumer,
    IdentityPolicy,
    Key,
    PolicyDocument,
    Queue,
    ResourceRef,
    Sender,
    Span,
    Syntax,
    Value,
)
from . import resource_types as types
from .located import key_span
from .policies import build_policy
from .resource_types import Converter, Field, Naming
from .scalars import json_in_string


class Attributes(Protocol):
    """One resource (or one nested object of it) as a format reads it."""

    naming: Naming  # which names of a `Field` this format writes
    span: Span  # where it is written: an attribute that is not written points here

    def value(self, name: str, convert: Converter | None = None) -> Value | None:
        """The attribute as written, resolved; None when it is not written (or set to nothing)."""
        ...

    def document(self, name: str) -> tuple[Value | None, Any]:
        """A JSON-document attribute (a policy, a RedrivePolicy): its resolved content, a structure or
        JSON text, and the source node it was written as (so statements keep their own lines), if any."""
        ...

    def children(self, name: str) -> list[Attributes]:
        """Nested objects (a Terraform block, a CloudFormation object or list of objects)."""
        ...


def read(attributes: Attributes, field: Field) -> Value | None:
    """The first of the field's names that is written, converted as the format sends it, and knowing the
    name it was written under (messages speak the input's words)."""
    for name in field.names(attributes.naming):
        value = attributes.value(name, field.converter(attributes.naming))
        if value is not None:
            if value.written_as is None:
                value = Value(value.options, value.span, name, value.related)
            return value
    return None


def _read_all(attributes: Attributes, table: tuple[Field, ...]) -> dict[str, Any]:
    return {field.model: read(attributes, field) for field in table}


def _document(attributes: Attributes, field: Field) -> tuple[Value | None, Any]:
    for name in field.names(attributes.naming):
        value, node = attributes.document(name)
        if value is not None:
            return value, node
    return None, None


_SYNTAX_ROWS = {
    "queue": (*types.QUEUE, types.REDRIVE_POLICY),
    "key": (*types.KEY, types.KEY_POLICY),
    "alias": types.ALIAS,
}


@cache
def _syntax(naming: Naming, table: str) -> Syntax:
    """The syntax of a builder's table in `naming`, one shared instance (a snapshot of 100,000 queues
    holds one, not 100,000)."""
    return Syntax.of(naming, _SYNTAX_ROWS[table])


def queue(name: str, span: Span, attributes: Attributes, **given: Any) -> Queue:
    """A queue; `given` sets what the format knows otherwise (account, region, a live queue's ARN)."""
    fields = _read_all(attributes, types.QUEUE)
    fields["redrive_target"] = dead_letter_target(attributes)
    fields.update(given)
    syntax = _syntax(attributes.naming, "queue")
    return Queue(name, span, **fields, syntax=syntax)


def key(name: str, span: Span, attributes: Attributes, **given: Any) -> Key:
    fields = _read_all(attributes, types.KEY)
    fields["policy"] = policy_value(attributes, types.KEY_POLICY)
    fields.update(given)
    return Key(name, span, **fields, syntax=_syntax(attributes.naming, "key"))


def alias(name: str, span: Span, attributes: Attributes, **given: Any) -> Alias:
    syntax = _syntax(attributes.naming, "alias")
    return Alias(name, span, **{**_read_all(attributes, types.ALIAS), **given}, syntax=syntax)


def dead_letter_target(attributes: Attributes) -> Value | None:
    """The deadLetterTargetArn of a RedrivePolicy (a queue's, an SNS subscription's), written as an
    object or as JSON text. None when there is none (not written, empty, no target in it); unknown when
    it cannot be read offline, or when the target is not something a queue can be named by."""
    value, node = _document(attributes, types.REDRIVE_POLICY)
    if value is None:
        return None
    if not value.known or len(value.options) != 1:
        return Value.unknown(value.span)
    content = value.options[0]
    if isinstance(content, ResourceRef) and content.kind == "queue" and content.attribute == "arn":
        return value  # a plan knows a policy known after apply by what it refers to: here, one queue's ARN
    if isinstance(content, str):
        if not content.strip():
            return None  # an empty policy is not sent
        content = json_in_string(content)
        if content is UNKNOWN:
            return Value.unknown(value.span)
    if not isinstance(content, dict) or "deadLetterTargetArn" not in content:
        return None
    target = content["deadLetterTargetArn"]
    span = key_span(node, "deadLetterTargetArn", value.span.file, value.span)
    if not isinstance(target, (str, ResourceRef)):
        return Value.unknown(span)
    return Value.of(target, span)


def policy_value(attributes: Attributes, field: Field) -> Value | None:
    """A policy document attribute: a PolicyDocument, unknown when it cannot be read offline, None when
    it is not written."""
    value, node = _document(attributes, field)
    if value is None:
        return None
    content = value.single if value.known else UNKNOWN
    document = None if content is UNKNOWN else build_policy(content, node, value.span.file, value.span)
    return Value.of(document, value.span) if document is not None else Value.unknown(value.span)


def identity_policy(
    name: str,
    span: Span,
    owner: Attributes,
    principals: list[Value],
    account: str | None,
    ignores: frozenset[str] = frozenset(),
) -> IdentityPolicy | None:
    """The identity policy written in `owner` (an IAM policy, an inline policy), given to `principals`."""
    policy = policy_value(owner, types.POLICY_DOCUMENT)
    if policy is None:
        return None
    document = policy.single if isinstance(policy.single, PolicyDocument) else None
    return IdentityPolicy(name, span, ignores, principals=principals, account=account, document=document)


def subscription_senders(
    name: str,
    span: Span,
    attributes: Attributes,
    ignores: frozenset[str] = frozenset(),
    topic: Value | None = None,
) -> list[Sender]:
    """An SNS subscription: SNS delivers to an `sqs` endpoint, and sends what it could not deliver (by
    any protocol) to the subscription's dead-letter queue. `topic` when the subscription sits on it."""
    topic = topic or read(attributes, types.SUBSCRIPTION_TOPIC)
    found = []
    protocol = read(attributes, types.SUBSCRIPTION_PROTOCOL)
    if protocol is not None and protocol.single == "sqs":
        endpoint = read(attributes, types.SUBSCRIPTION_ENDPOINT)
        found.append(Sender(name, span, ignores, "sns.amazonaws.com", endpoint, topic))
    dead_letter = dead_letter_target(attributes)
    if dead_letter is not None:
        found.append(Sender(name, span, ignores, "sns.amazonaws.com", dead_letter, topic, True))
    return found


def event_target_senders(
    name: str, target: Attributes, rule: Value | None, ignores: frozenset[str] = frozenset()
) -> list[Sender]:
    """An EventBridge rule's target: a queue it delivers to, and its dead-letter queue."""
    found = []
    arn = read(target, types.TARGET_ARN)
    if arn is not None and arn.some(is_queue_reference):
        found.append(Sender(name, target.span, ignores, "events.amazonaws.com", arn, rule))
    return found + dead_letter_senders(name, target, rule, ignores)


def dead_letter_senders(
    name: str, owner: Attributes, source: Value | None, ignores: frozenset[str] = frozenset()
) -> list[Sender]:
    """EventBridge's DeadLetterConfig (on a target, or on an event bus): events it failed to deliver."""
    found = []
    for config in _children(owner, types.DEAD_LETTER_CONFIG):
        queue_arn = read(config, types.DEAD_LETTER_ARN)
        if queue_arn is not None:
            found.append(Sender(name, config.span, ignores, "events.amazonaws.com", queue_arn, source, True))
    return found


def bucket_notification_senders(
    name: str, configurations: list[Attributes], bucket: Value | None, ignores: frozenset[str] = frozenset()
) -> list[Sender]:
    """S3 event notifications to queues (a bucket's, CDK's custom resource's, Terraform's `queue` blocks)."""
    found = []
    for configuration in configurations:
        queue_arn = read(configuration, types.S3_QUEUE)
        if queue_arn is not None:
            found.append(Sender(name, configuration.span, ignores, "s3.amazonaws.com", queue_arn, bucket))
    return found


def consumer(
    name: str, span: Span, attributes: Attributes, ignores: frozenset[str] = frozenset()
) -> Consumer | None:
    """A Lambda event source mapping that reads a queue."""
    source = read(attributes, types.EVENT_SOURCE)
    if source is None or not source.some(is_queue_reference):
        return None
    return Consumer(name, span, ignores, queue=source, function=read(attributes, types.EVENT_FUNCTION))


def sender(name: str, span: Span, service: str, queue_arn: Value, source: Value | None) -> Sender:
    """A delivery the input states outright (a snapshot's `senders` entry)."""
    return Sender(name, span, service=service, queue=queue_arn, source_arn=source)


def _children(owner: Attributes, field: Field) -> list[Attributes]:
    return [child for name in field.names(owner.naming) for child in owner.children(name)]


def is_queue_reference(content: Any) -> bool:
    """A queue's reference or an SQS ARN (a target that may be a queue of the unit)."""
    if isinstance(content, ResourceRef):
        return content.kind == "queue"
    return isinstance(content, str) and ":sqs:" in content


def bucket_arn(value: Value | None) -> Value | None:
    """An S3 bucket's ARN from its name (bucket ARNs carry neither account nor region)."""
    if value is None:
        return None
    return value.map(lambda o: o if not isinstance(o, str) or o.startswith("arn:") else f"arn:aws:s3:::{o}")
