"""CloudFormation (also SAM and CDK output), YAML or JSON, into the model.

Intrinsic functions are resolved here and nowhere else: `Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`,
`Fn::If` (every branch kept as an option), `Fn::Select`, `Fn::FindInMap`, parameter defaults and pseudo
parameters. A value the template cannot know before deploy (`Fn::ImportValue`, a parameter without
default, `AWS::StackName`, SSM parameter types) resolves to UNKNOWN, which silences every rule that needs it.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from ..model import (
    ABSENT,
    THIS_ACCOUNT,
    THIS_REGION,
    UNKNOWN,
    Alias,
    Consumer,
    IdentityPolicy,
    Key,
    Queue,
    ResourceRef,
    Sender,
    Span,
    Unit,
    Value,
)
from .located import key_span, span_of
from .policies import build_policy
from .scalars import json_in_string, to_bool, to_int

_MAX_OPTIONS = 32  # Fn::If combinations beyond this are treated as unknown
_MAX_DEPTH = 40

_KINDS = {
    "AWS::KMS::Key": "key",
    "AWS::KMS::ReplicaKey": "key",
    "AWS::KMS::Alias": "alias",
    "AWS::SQS::Queue": "queue",
    "AWS::IAM::Role": "role",
    "AWS::IAM::User": "user",
    "AWS::IAM::Group": "group",
}
_IDENTITY_POLICY_TYPES = (
    "AWS::IAM::User",
    "AWS::IAM::Group",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::Role",
    "AWS::IAM::RolePolicy",
    "AWS::IAM::UserPolicy",
    "AWS::IAM::GroupPolicy",
)
_SUB_VAR = re.compile(r"\$\{([^}]*)\}")
_DYNAMIC_REFERENCE = "{{resolve:"


def is_template(document: Any) -> bool:
    """A CloudFormation template by content: a format version, or resources typed `AWS::...`."""
    if not isinstance(document, dict):
        return False
    if "AWSTemplateFormatVersion" in document:
        return True
    resources = document.get("Resources")
    return isinstance(resources, dict) and any(
        isinstance(r, dict) and isinstance(r.get("Type"), str) and r["Type"].startswith("AWS::")
        for r in resources.values()
    )


class Resolver:
    """Resolves intrinsic functions to the list of contents a value may take (None: unknown)."""

    def __init__(self, template: dict, account: str | None, region: str | None) -> None:
        self.template = template
        params = template.get("Parameters")
        self.parameters: dict = params if isinstance(params, dict) else {}
        resources = template.get("Resources")
        self.resources: dict = resources if isinstance(resources, dict) else {}
        mappings = template.get("Mappings")
        self.mappings: dict = mappings if isinstance(mappings, dict) else {}
        self.account = account or THIS_ACCOUNT
        self.region = region or THIS_REGION
        # Macros (SAM, Fn::ForEach, others) create resources the template does not list, so a reference
        # to a name we do not see is unknown there rather than dangling.
        self.generated_resources = "Transform" in template or any(
            str(name).startswith("Fn::ForEach") for name in self.resources
        )
        self._naming: set[str] = set()  # resources whose own name is being resolved (cycle guard)

    def one(self, node: Any, depth: int = 0) -> Any:
        """The single content of `node`, UNKNOWN when it is unknown or has several options."""
        options = self.options(node, depth)
        return options[0] if options is not None and len(options) == 1 else UNKNOWN

    def _own_name(self, name: str, resource: dict, prop: str) -> Any:
        """A resource's name property (AliasName, QueueName), UNKNOWN when it refers back to itself."""
        if name in self._naming:
            return UNKNOWN
        self._naming.add(name)
        try:
            return self.one(_properties(resource).get(prop))
        finally:
            self._naming.discard(name)

    def options(self, node: Any, depth: int = 0) -> list[Any] | None:
        if depth > _MAX_DEPTH:
            return None
        if isinstance(node, dict):
            if len(node) == 1:
                ((name, argument),) = node.items()
                if name == "Ref":
                    return self._ref(argument)
                if name == "Fn::GetAtt":
                    return self._get_att(argument)
                if name == "Fn::If":
                    return self._if(argument, depth)
                if name == "Fn::Sub":
                    return self._sub(argument, depth)
                if name == "Fn::Join":
                    return self._join(argument, depth)
                if name == "Fn::Select":
                    return self._select(argument, depth)
                if name == "Fn::FindInMap":
                    return self._find_in_map(argument, depth)
                if isinstance(name, str) and name.startswith("Fn::"):
                    return None  # ImportValue, GetAZs, Split, Base64, Cidr, ...: not knowable offline
            return [{str(k): self._nested(v, depth) for k, v in node.items()}]
        if isinstance(node, list):
            items = [self._nested(item, depth) for item in node]
            return [[i for i in items if i is not ABSENT]]
        if isinstance(node, str) and _DYNAMIC_REFERENCE in node:
            return None  # a dynamic reference (SSM, Secrets Manager): resolved at deploy time
        return [_plain(node)]

    def _nested(self, node: Any, depth: int) -> Any:
        options = self.options(node, depth + 1)
        return options[0] if options is not None and len(options) == 1 else UNKNOWN

    def _ref(self, name: Any) -> list[Any] | None:
        if not isinstance(name, str):
            return None
        if name.startswith("AWS::"):
            return self._pseudo(name)
        if name in self.parameters:
            parameter = self.parameters[name]
            if not isinstance(parameter, dict) or "Default" not in parameter:
                return None
            if str(parameter.get("Type", "")).startswith("AWS::SSM::"):
                return None  # the default is a parameter name; the value lives in SSM
            return [_plain(parameter["Default"])]
        resource = self.resources.get(name)
        if not isinstance(resource, dict):
            return None if self.generated_resources else [ResourceRef(None, name, "id")]
        kind = _KINDS.get(str(resource.get("Type")))
        if kind is None:
            return None  # what other resources return (buckets, custom resources, nested stacks) is not ours to know
        if kind == "alias":
            alias_name = self._own_name(name, resource, "AliasName")
            return [alias_name if isinstance(alias_name, str) else ResourceRef("alias", name, "name")]
        return [ResourceRef(kind, name, {"key": "id", "queue": "url"}.get(kind, "name"))]

    def _pseudo(self, name: str) -> list[Any] | None:
        values = {
            "AWS::AccountId": self.account,
            "AWS::Region": self.region,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": ABSENT,
        }
        return [values[name]] if name in values else None

    def _get_att(self, argument: Any) -> list[Any] | None:
        if isinstance(argument, str) and "." in argument:
            name, attribute = argument.split(".", 1)
        elif isinstance(argument, list) and len(argument) == 2 and all(isinstance(a, str) for a in argument):
            name, attribute = argument
        else:
            return None
        resource = self.resources.get(name)
        if not isinstance(resource, dict):
            return None if self.generated_resources else [ResourceRef(None, name, attribute.lower())]
        kind = _KINDS.get(str(resource.get("Type")))
        attributes = {"Arn": "arn", "KeyId": "id", "QueueName": "name", "QueueUrl": "url"}
        if kind is None or attribute not in attributes:
            return None  # nested stack outputs, custom resource attributes, ...: unknown offline
        if kind == "queue" and attribute == "QueueName":
            queue_name = self._own_name(name, resource, "QueueName")
            if isinstance(queue_name, str):
                return [queue_name]
        return [ResourceRef(kind, name, attributes[attribute])]

    def _if(self, argument: Any, depth: int) -> list[Any] | None:
        if not isinstance(argument, list) or len(argument) != 3:
            return None
        first = self.options(argument[1], depth + 1)
        second = self.options(argument[2], depth + 1)
        if first is None or second is None:
            return None
        merged = first + [o for o in second if o not in first]
        return merged if len(merged) <= _MAX_OPTIONS else None

    def _sub(self, argument: Any, depth: int) -> list[Any] | None:
        variables: dict[str, list[Any] | None] = {}
        if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
            text = argument[0]
            for name, node in argument[1].items():
                variables[str(name)] = self.options(node, depth + 1)
        else:
            text = argument
        if not isinstance(text, str):
            return None
        pieces: list[list[Any] | None] = []
        position = 0
        for match in _SUB_VAR.finditer(text):
            pieces.append([text[position : match.start()]])
            expression = match.group(1)
            if expression.startswith("!"):
                pieces.append(["${" + expression[1:] + "}"])
            elif expression in variables:
                pieces.append(variables[expression])
            elif "." in expression and not expression.startswith("AWS::"):
                pieces.append(self._get_att(expression))
            else:
                pieces.append(self._ref(expression))
            position = match.end()
        pieces.append([text[position:]])
        if len(pieces) == 3 and pieces[0] == [""] and pieces[2] == [""]:
            return pieces[1]  # "${Key.Arn}" alone is the reference itself
        return _concatenate(pieces, "")

    def _join(self, argument: Any, depth: int) -> list[Any] | None:
        if not isinstance(argument, list) or len(argument) != 2 or not isinstance(argument[0], str):
            return None
        items = self.options(argument[1], depth + 1)
        if items is None or len(items) != 1 or not isinstance(items[0], list):
            return None
        if isinstance(argument[1], list):
            pieces = [self.options(item, depth + 1) for item in argument[1]]
        else:
            pieces = [[item] for item in items[0]]
        pieces = [p for p in pieces if p != [ABSENT]]
        return _concatenate(pieces, argument[0])

    def _select(self, argument: Any, depth: int) -> list[Any] | None:
        if not isinstance(argument, list) or len(argument) != 2:
            return None
        index = self.one(argument[0], depth + 1)
        items = self.options(argument[1], depth + 1)
        try:
            position = int(index)
        except (TypeError, ValueError, OverflowError):
            return None
        if items is None or len(items) != 1 or not isinstance(items[0], list):
            return None
        chosen = items[0][position] if 0 <= position < len(items[0]) else UNKNOWN
        return None if chosen is UNKNOWN else [chosen]

    def _find_in_map(self, argument: Any, depth: int) -> list[Any] | None:
        if not isinstance(argument, list) or len(argument) != 3:
            return None
        names = [self.one(a, depth + 1) for a in argument]
        if not all(isinstance(n, str) for n in names):
            return None
        try:
            found = self.mappings[names[0]][names[1]][names[2]]
        except (KeyError, TypeError):
            return None
        return self.options(found, depth + 1)


def _concatenate(pieces: list[list[Any] | None], delimiter: str) -> list[Any] | None:
    """Every string the pieces can form; None when a piece is unknown or not text."""
    if any(p is None for p in pieces):
        return None
    combos = 1
    for piece in pieces:
        combos *= max(len(piece or []), 1)
    if combos > _MAX_OPTIONS:
        return None
    results: list[Any] = []
    for combination in itertools.product(*[p for p in pieces if p is not None]):
        if not all(isinstance(c, (str, int, float)) and not isinstance(c, bool) for c in combination):
            return None
        text = delimiter.join(str(c) for c in combination)
        if _DYNAMIC_REFERENCE in text:
            return None  # a dynamic reference built with Sub or Join
        if text not in results:
            results.append(text)
    return results


def _plain(node: Any) -> Any:
    """A decoded scalar without its node class (str subclasses carry marks)."""
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, str):
        return str(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(i) for i in node]
    return node


def _properties(resource: dict) -> dict:
    properties = resource.get("Properties")
    return properties if isinstance(properties, dict) else {}


class _Builder:
    def __init__(self, template: dict, file: str, unit: Unit) -> None:
        self.template = template
        self.file = file
        self.unit = unit
        self.resolver = Resolver(template, unit.account, unit.region)

    def value(self, properties: dict, name: str, resource_span: Span, convert: Any = None) -> Value | None:
        """The property `name` as a Value located at its key, or None when it is not written."""
        if name not in properties:
            return None
        span = key_span(properties, name, self.file, resource_span)
        value = Value.from_options(self.resolver.options(properties[name]), span)
        if value.known and all(o is ABSENT for o in value.options):
            return None
        return value.map(convert) if convert else value

    def build(self) -> None:
        resources = self.template.get("Resources")
        if not isinstance(resources, dict):
            return
        for name, resource in resources.items():
            if not isinstance(resource, dict):
                continue
            kind = resource.get("Type")
            span = key_span(resource, "Type", self.file, span_of(name, self.file) or Span(self.file, 1))
            properties = _properties(resource)
            ignores = _metadata_ignores(resource)
            if kind == "AWS::SQS::Queue":
                self.unit.queues.append(self.queue(str(name), span, ignores, properties))
            elif kind in ("AWS::KMS::Key", "AWS::KMS::ReplicaKey"):
                self.unit.keys.append(self.key(str(name), span, ignores, properties))
            elif kind == "AWS::KMS::Alias":
                self.unit.aliases.append(
                    Alias(
                        str(name),
                        span,
                        ignores,
                        alias_name=self.value(properties, "AliasName", span),
                        target=self.value(properties, "TargetKeyId", span),
                    )
                )
            elif kind in _IDENTITY_POLICY_TYPES:
                self.unit.identity_policies.extend(
                    self.identity_policies(str(name), kind, span, ignores, properties)
                )
            elif kind == "AWS::Lambda::EventSourceMapping":
                source = self.value(properties, "EventSourceArn", span)
                if source is not None and source.some(_is_queue_target):
                    function = self.value(properties, "FunctionName", span)
                    self.unit.consumers.append(
                        Consumer(str(name), span, ignores, queue=source, function=function)
                    )
            elif kind in (
                "AWS::SNS::Subscription",
                "AWS::SNS::Topic",
                "AWS::Events::Rule",
                "AWS::Events::EventBus",
                "AWS::S3::Bucket",
                "Custom::S3BucketNotifications",
            ):
                self.unit.senders.extend(self.senders(str(name), kind, span, ignores, properties))

    def queue(self, name: str, span: Span, ignores: frozenset[str], properties: dict) -> Queue:
        queue = Queue(
            name,
            span,
            ignores,
            queue_name=self.value(properties, "QueueName", span),
            account=self.unit.account or THIS_ACCOUNT,
            region=self.unit.region or THIS_REGION,
            fifo=self.value(properties, "FifoQueue", span, to_bool),
            content_based_deduplication=self.value(properties, "ContentBasedDeduplication", span, to_bool),
            deduplication_scope=self.value(properties, "DeduplicationScope", span),
            fifo_throughput_limit=self.value(properties, "FifoThroughputLimit", span),
            kms_key=self.value(properties, "KmsMasterKeyId", span),
            sqs_managed_sse=self.value(properties, "SqsManagedSseEnabled", span, to_bool),
            reuse_period=self.value(properties, "KmsDataKeyReusePeriodSeconds", span, to_int),
        )
        queue.redrive_target = self.dead_letter_target(properties, span)
        return queue

    def dead_letter_target(self, properties: dict, span: Span) -> Value | None:
        """The deadLetterTargetArn of a RedrivePolicy (a queue's, an SNS subscription's), given as an
        object or as JSON text; None when there is none, unknown when it cannot be read."""
        redrive = properties.get("RedrivePolicy")
        if redrive is None:
            return None
        redrive_span = key_span(properties, "RedrivePolicy", self.file, span)
        content = self.resolver.one(redrive)
        if isinstance(content, str):
            content = json_in_string(content)
        if isinstance(content, dict) and "deadLetterTargetArn" in content:
            target_span = key_span(redrive, "deadLetterTargetArn", self.file, redrive_span)
            return Value.from_options([content["deadLetterTargetArn"]], target_span)
        return Value.unknown(redrive_span) if content is UNKNOWN else None

    def key(self, name: str, span: Span, ignores: frozenset[str], properties: dict) -> Key:
        key = Key(
            name,
            span,
            ignores,
            account=self.unit.account or THIS_ACCOUNT,
            region=self.unit.region or THIS_REGION,
            enabled=self.value(properties, "Enabled", span, to_bool),
            key_spec=self.value(properties, "KeySpec", span),
            key_usage=self.value(properties, "KeyUsage", span),
        )
        if "KeyPolicy" in properties:
            policy_span = key_span(properties, "KeyPolicy", self.file, span)
            node = properties["KeyPolicy"]
            content = self.resolver.one(node)
            document = None if content is UNKNOWN else build_policy(content, node, self.file, policy_span)
            key.policy = Value.of(document, policy_span) if document else Value.unknown(policy_span)
        return key

    def identity_policies(
        self, name: str, kind: str, span: Span, ignores: frozenset[str], properties: dict
    ) -> list[IdentityPolicy]:
        """IAM policies for roles, users and groups: inline on a role, or attached by name."""
        if kind in ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"):
            role = [Value.of(ResourceRef(_KINDS[kind], name, "arn"), span)]
            if properties.get("ManagedPolicyArns"):  # permissions defined outside the unit
                self.unit.cache.setdefault("holders-with-outside-policies", set()).add(
                    f"{_KINDS[kind]}:{name}"
                )
            inline = properties.get("Policies")
            documents = [(entry, "PolicyDocument") for entry in (inline or []) if isinstance(entry, dict)]
        else:
            role = [
                value
                for field in ("Roles", "Users", "Groups", "RoleName", "UserName", "GroupName")
                if (value := self.value(properties, field, span)) is not None
            ]
            documents = [(properties, "PolicyDocument")]
        found = []
        for owner, field in documents:
            if field not in owner:
                continue
            where = key_span(owner, field, self.file, span)
            content = self.resolver.one(owner[field])
            document = None if content is UNKNOWN else build_policy(content, owner[field], self.file, where)
            found.append(
                IdentityPolicy(
                    name,
                    span,
                    ignores,
                    principals=role,
                    account=self.unit.account or THIS_ACCOUNT,
                    document=document,
                )
            )
        return found

    def senders(
        self, name: str, kind: str, span: Span, ignores: frozenset[str], properties: dict
    ) -> list[Sender]:
        found: list[Sender] = []
        if kind == "AWS::SNS::Subscription":
            protocol = self.resolver.one(properties.get("Protocol"))
            topic = self.value(properties, "TopicArn", span)
            if protocol == "sqs":
                found.append(
                    Sender(
                        name,
                        span,
                        ignores,
                        "sns.amazonaws.com",
                        self.value(properties, "Endpoint", span),
                        topic,
                    )
                )
            # SNS itself sends what it could not deliver (by any protocol) to the dead-letter queue
            dead_letter = self.dead_letter_target(properties, span)
            if dead_letter is not None:
                found.append(Sender(name, span, ignores, "sns.amazonaws.com", dead_letter, topic, True))
        elif kind == "AWS::SNS::Topic":  # subscriptions written inline on the topic
            subscriptions = properties.get("Subscription")
            topic = Value.of(ResourceRef("topic", name, "arn"), span)
            for subscription in subscriptions if isinstance(subscriptions, list) else []:
                if (
                    isinstance(subscription, dict)
                    and self.resolver.one(subscription.get("Protocol")) == "sqs"
                ):
                    endpoint = self.value(subscription, "Endpoint", span)
                    found.append(Sender(name, span, ignores, "sns.amazonaws.com", endpoint, topic))
        elif kind == "AWS::Events::Rule":
            targets = properties.get("Targets")
            rule_arn = Value.of(ResourceRef("rule", name, "arn"), span)
            for target in targets if isinstance(targets, list) else []:
                if not isinstance(target, dict):
                    continue
                arn = self.value(target, "Arn", span)
                if arn is not None and arn.some(_is_queue_target):
                    found.append(Sender(name, span, ignores, "events.amazonaws.com", arn, rule_arn))
                config = target.get("DeadLetterConfig")
                dead_letter = self.value(config, "Arn", span) if isinstance(config, dict) else None
                if dead_letter is not None:
                    found.append(
                        Sender(name, span, ignores, "events.amazonaws.com", dead_letter, rule_arn, True)
                    )
        elif kind == "AWS::Events::EventBus":  # events the bus itself could not deliver to a target
            config = properties.get("DeadLetterConfig")
            dead_letter = self.value(config, "Arn", span) if isinstance(config, dict) else None
            if dead_letter is not None:
                bus_arn = Value.of(ResourceRef("event-bus", name, "arn"), span)
                found.append(Sender(name, span, ignores, "events.amazonaws.com", dead_letter, bus_arn, True))
        elif kind in ("AWS::S3::Bucket", "Custom::S3BucketNotifications"):
            # CDK writes a bucket's notifications as a custom resource with the S3 API's own shape
            notifications = properties.get("NotificationConfiguration")
            configurations = (
                notifications.get("QueueConfigurations") if isinstance(notifications, dict) else None
            )
            queue_field = "Queue" if kind == "AWS::S3::Bucket" else "QueueArn"
            bucket = (
                Value.of(ResourceRef("bucket", name, "arn"), span)
                if kind == "AWS::S3::Bucket"
                else self.bucket_arn(properties.get("BucketName"), span)
            )
            for configuration in configurations if isinstance(configurations, list) else []:
                if isinstance(configuration, dict) and queue_field in configuration:
                    queue = self.value(configuration, queue_field, span)
                    found.append(Sender(name, span, ignores, "s3.amazonaws.com", queue, bucket))
        return found

    def bucket_arn(self, node: Any, span: Span) -> Value:
        """The ARN of the bucket a custom resource names: `{Ref: Bucket}` of the template, or a name."""
        reference = node.get("Ref") if isinstance(node, dict) and len(node) == 1 else None
        if isinstance(reference, str) and reference in self.resolver.resources:
            return Value.of(ResourceRef("bucket", reference, "arn"), span)
        name = self.resolver.one(node)
        if isinstance(name, str) and name:
            return Value.of(name if name.startswith("arn:") else f"arn:aws:s3:::{name}", span)
        return Value.unknown(span)


def _is_queue_target(content: Any) -> bool:
    if isinstance(content, ResourceRef):
        return content.kind == "queue"
    return isinstance(content, str) and ":sqs:" in content


def _metadata_ignores(resource: dict) -> frozenset[str]:
    metadata = resource.get("Metadata")
    settings = metadata.get("sqs-kms-lint") if isinstance(metadata, dict) else None
    ignore = settings.get("ignore") if isinstance(settings, dict) else None
    if isinstance(ignore, str):
        ignore = ignore.split(",")
    elif isinstance(ignore, dict):  # {SQK101: true}
        ignore = [name for name, on in ignore.items() if on]
    return (
        frozenset(str(i).strip() for i in ignore if str(i).strip())
        if isinstance(ignore, list)
        else frozenset()
    )


def parse_template(template: dict, file: str, unit: Unit) -> None:
    """Add the queues, keys, aliases and senders of a decoded template to `unit`."""
    _Builder(template, file, unit).build()
