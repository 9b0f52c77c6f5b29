"""CloudFormation (also SAM and CDK output), YAML or JSON, into the model.

Intrinsic functions are resolved here and nowhere else: `Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`,
`Fn::If` (every branch kept as an option), `Fn::Select`, `Fn::FindInMap`, parameter defaults and pseudo
parameters. A value the template cannot know before deploy (`Fn::ImportValue`, a parameter without
default, `AWS::StackName`, SSM parameter types) resolves to UNKNOWN, which silences every rule that needs it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..model import ABSENT, THIS_ACCOUNT, THIS_REGION, UNKNOWN, ResourceRef, Span, Unit, Value
from ..values import Budget, concatenate, merge_branches, single
from . import build
from .located import key_span
from .resource_types import CLOUDFORMATION_ATTRIBUTES, CLOUDFORMATION_KINDS, Converter, Naming

_MAX_DEPTH = 40
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
    """Resolves intrinsic functions to the list of contents a value may take (None: unknown).

    Every node resolved spends a step of the unit's budget (past it, every value is unknown). A resource's
    own name and a mapping's value are resolved once and remembered, so that a chain of `Fn::GetAtt` or
    `Fn::FindInMap` that refers to its previous link twice stays linear."""

    def __init__(
        self, template: dict, account: str | None, region: str | None, budget: Budget | None = None
    ) -> None:
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
        self.budget = budget if budget is not None else Budget()
        self._naming: set[Any] = set()  # own names and mapping values being resolved (cycle guard)
        self._remembered: dict[Any, list[Any] | None] = {}  # own names and mapping values resolved

    def one(self, node: Any, depth: int = 0) -> Any:
        """The single content of `node`, UNKNOWN when it is unknown or has several options."""
        return single(self.options(node, depth))

    def _own_name(self, name: str, resource: dict, prop: str, depth: int) -> Any:
        """A resource's name property (AliasName, QueueName), UNKNOWN when it refers back to itself."""
        return single(self._once(("name", name), _properties(resource).get(prop), depth))

    def _once(self, key: Any, node: Any, depth: int) -> list[Any] | None:
        """The options of a node that many references share (a resource's own name, a mapping's value),
        resolved once, where it is first referred to (past the depth limit there, it stays unknown);
        None while it is being resolved (it refers back to itself)."""
        if key in self._remembered:
            found = self._remembered[key]
            # a remembered structure may be shared by many references: each one pays for its size
            return found if found is None or self.budget.spend_size(found) else None
        if key in self._naming:
            return None
        self._naming.add(key)
        try:
            found = self._remembered[key] = self.options(node, depth + 1)
        finally:
            self._naming.discard(key)
        return found

    def options(self, node: Any, depth: int = 0) -> list[Any] | None:
        if depth > _MAX_DEPTH or not self.budget.spend():
            return None
        if isinstance(node, dict):
            if len(node) == 1:
                ((name, argument),) = node.items()
                intrinsic = _INTRINSICS.get(name) if isinstance(name, str) else None
                if intrinsic is not None:
                    return intrinsic(self, argument, depth)
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
        return single(self.options(node, depth + 1))

    def _ref(self, name: Any, depth: int = 0) -> list[Any] | None:
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
            default = parameter["Default"]
            if isinstance(default, (dict, list)) and not self.budget.spend_size(default):
                return None  # (YAML aliases may make a small text a huge structure)
            return [_plain(default)]
        resource = self.resources.get(name)
        if not isinstance(resource, dict):
            return None if self.generated_resources else [ResourceRef(None, name, "id")]
        kind = CLOUDFORMATION_KINDS.get(str(resource.get("Type")))
        if kind is None:
            return None  # what other resources return (buckets, custom resources, nested stacks) is not ours to know
        if kind == "alias":
            alias_name = self._own_name(name, resource, "AliasName", depth)
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

    def _get_att(self, argument: Any, depth: int = 0) -> list[Any] | None:
        if isinstance(argument, str) and "." in argument:
            name, attribute = argument.split(".", 1)
        elif isinstance(argument, list) and len(argument) == 2 and all(isinstance(a, str) for a in argument):
            name, attribute = argument
        else:
            return None
        resource = self.resources.get(name)
        if not isinstance(resource, dict):
            return None if self.generated_resources else [ResourceRef(None, name, attribute.lower())]
        kind = CLOUDFORMATION_KINDS.get(str(resource.get("Type")))
        attributes = CLOUDFORMATION_ATTRIBUTES
        if kind is None or attribute not in attributes:
            return None  # nested stack outputs, custom resource attributes, ...: unknown offline
        if kind == "queue" and attribute == "QueueName":
            queue_name = self._own_name(name, resource, "QueueName", depth)
            if isinstance(queue_name, str):
                return [queue_name]
        return [ResourceRef(kind, name, attributes[attribute])]

    def _if(self, argument: Any, depth: int) -> list[Any] | None:
        if not isinstance(argument, list) or len(argument) != 3:
            return None
        return merge_branches([self.options(argument[1], depth + 1), self.options(argument[2], depth + 1)])

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
        text = str(text)  # (without the decoder's marks: slicing a marked string is slow)
        pieces: list[list[Any] | None] = []
        position = 0
        for start, end, expression in _sub_variables(text):
            if not self.budget.spend():
                return None
            pieces.append([text[position:start]])
            if expression.startswith("!"):
                pieces.append(["${" + expression[1:] + "}"])
            elif expression in variables:
                pieces.append(variables[expression])
            elif "." in expression and not expression.startswith("AWS::"):
                pieces.append(self._get_att(expression, depth))
            else:
                pieces.append(self._ref(expression, depth))
            position = end
        pieces.append([text[position:]])
        if len(pieces) == 3 and pieces[0] == [""] and pieces[2] == [""]:
            return pieces[1]  # "${Key.Arn}" alone is the reference itself
        return concatenate(pieces, refuse=_is_dynamic_reference, budget=self.budget)

    def _join(self, argument: Any, depth: int) -> list[Any] | None:
        if not isinstance(argument, list) or len(argument) != 2 or not isinstance(argument[0], str):
            return None
        if isinstance(argument[1], list):  # each item resolved once, with its options
            pieces = [self.options(item, depth + 1) for item in argument[1]]
        else:
            items = self.options(argument[1], depth + 1)
            if items is None or len(items) != 1 or not isinstance(items[0], list):
                return None
            pieces = [[item] for item in items[0]]
        pieces = [p for p in pieces if p != [ABSENT]]
        return concatenate(pieces, argument[0], refuse=_is_dynamic_reference, budget=self.budget)

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
        return self._once(("map", *names), found, depth)


def _sub_variables(text: str) -> Iterator[tuple[int, int, str]]:
    """Each `${...}` of a Fn::Sub text: (start, end, what is inside). A scan, not a regular expression:
    `${` a hundred thousand times without a `}` must not take quadratic time."""
    position = 0
    while (start := text.find("${", position)) >= 0:
        end = text.find("}", start + 2)
        if end < 0:
            return
        yield start, end + 1, text[start + 2 : end]
        position = end + 1


def _is_dynamic_reference(text: str) -> bool:
    """A dynamic reference (SSM, Secrets Manager) built with Sub or Join: resolved at deploy time."""
    return _DYNAMIC_REFERENCE in text


# Each intrinsic function: (resolver, its argument, depth) -> the contents it may take.
_INTRINSICS: dict[str, Callable[[Resolver, Any, int], list[Any] | None]] = {
    "Ref": Resolver._ref,
    "Fn::GetAtt": Resolver._get_att,
    "Fn::If": Resolver._if,
    "Fn::Sub": Resolver._sub,
    "Fn::Join": Resolver._join,
    "Fn::Select": Resolver._select,
    "Fn::FindInMap": Resolver._find_in_map,
}


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


class _Properties:
    """A resource's properties (or a nested object of them) as `build.Attributes`."""

    naming: Naming = "aws"

    def __init__(self, builder: _Builder, properties: Any, span: Span) -> None:
        self.builder = builder
        self.properties: dict = properties if isinstance(properties, dict) else {}
        self.span = span  # nested objects point at their resource when an attribute is missing

    def value(self, name: str, convert: Converter | None = None) -> Value | None:
        return self.builder.value(self.properties, name, self.span, convert)

    def document(self, name: str) -> tuple[Value | None, Any]:
        if name not in self.properties:
            return None, None
        node = self.properties[name]
        span = key_span(self.properties, name, self.builder.file, self.span)
        return Value.of(self.builder.resolver.one(node), span), node

    def children(self, name: str) -> list[build.Attributes]:
        node = self.properties.get(name)
        nodes = node if isinstance(node, list) else [node]
        return [_Properties(self.builder, n, self.span) for n in nodes if isinstance(n, dict)]


class _Builder:
    def __init__(self, template: dict, file: str, unit: Unit) -> None:
        self.template = template
        self.file = file
        self.unit = unit
        self.resolver = Resolver(template, unit.account, unit.region, Budget(unit))
        self.account = unit.account or THIS_ACCOUNT
        self.region = unit.region or THIS_REGION

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
            kind = str(resource.get("Type"))
            handler = _RESOURCE_BUILDERS.get(kind)
            if handler is not None:
                span = key_span(
                    resource, "Type", self.file, key_span(resources, name, self.file, Span(self.file, 1))
                )
                properties = _Properties(self, _properties(resource), span)
                handler(self, str(name), kind, properties, _metadata_ignores(resource))

    def queue(self, name: str, kind: str, properties: _Properties, ignores: frozenset[str]) -> None:
        queue = build.queue(
            name, properties.span, properties, ignores=ignores, account=self.account, region=self.region
        )
        self.unit.queues.append(queue)

    def key(self, name: str, kind: str, properties: _Properties, ignores: frozenset[str]) -> None:
        key = build.key(
            name, properties.span, properties, ignores=ignores, account=self.account, region=self.region
        )
        self.unit.keys.append(key)

    def alias(self, name: str, kind: str, properties: _Properties, ignores: frozenset[str]) -> None:
        self.unit.aliases.append(build.alias(name, properties.span, properties, ignores=ignores))

    def identity_policies(
        self, name: str, kind: str, properties: _Properties, ignores: frozenset[str]
    ) -> None:
        """IAM policies for roles, users and groups: inline on a role, or attached by name."""
        span = properties.span
        if kind in ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"):
            holder = CLOUDFORMATION_KINDS[kind]
            principals = [Value.of(ResourceRef(holder, name, "arn"), span)]
            if properties.properties.get("ManagedPolicyArns"):  # permissions defined outside the unit
                self.unit.holders_with_outside_policies.add(f"{holder}:{name}")
            owners = properties.children("Policies")
        else:
            principals = [
                value
                for field in ("Roles", "Users", "Groups", "RoleName", "UserName", "GroupName")
                if (value := properties.value(field)) is not None
            ]
            owners = [properties]
        for owner in owners:
            policy = build.identity_policy(name, span, owner, principals, self.account, ignores)
            if policy is not None:
                self.unit.identity_policies.append(policy)

    def consumer(self, name: str, kind: str, properties: _Properties, ignores: frozenset[str]) -> None:
        consumer = build.consumer(name, properties.span, properties, ignores)
        if consumer is not None:
            self.unit.consumers.append(consumer)

    def subscription(self, name: str, kind: str, properties: _Properties, ignores: frozenset[str]) -> None:
        self.unit.senders.extend(build.subscription_senders(name, properties.span, properties, ignores))

    def topic(self, name: str, kind: str, properties: _Properties, ignores: frozenset[str]) -> None:
        """Subscriptions written inline on the topic."""
        topic = Value.of(ResourceRef("topic", name, "arn"), properties.span)
        for subscription in properties.children("Subscription"):
            self.unit.senders.extend(
                build.subscription_senders(name, properties.span, subscription, ignores, topic)
            )

    def event_rule(self, name: str, kind: str, properties: _Properties, ignores: frozenset[str]) -> None:
        rule = Value.of(ResourceRef("rule", name, "arn"), properties.span)
        for target in properties.children("Targets"):
            self.unit.senders.extend(build.event_target_senders(name, target, rule, ignores))

    def event_bus(self, name: str, kind: str, properties: _Properties, ignores: frozenset[str]) -> None:
        """Events the bus itself could not deliver to a target."""
        bus = Value.of(ResourceRef("event-bus", name, "arn"), properties.span)
        self.unit.senders.extend(build.dead_letter_senders(name, properties, bus, ignores))

    def bucket(self, name: str, kind: str, properties: _Properties, ignores: frozenset[str]) -> None:
        # CDK writes a bucket's notifications as a custom resource with the S3 API's own shape
        if kind == "AWS::S3::Bucket":
            bucket = Value.of(ResourceRef("bucket", name, "arn"), properties.span)
        else:
            bucket = self.bucket_arn(properties.properties.get("BucketName"), properties.span)
        configurations = [
            configuration
            for notifications in properties.children("NotificationConfiguration")
            for configuration in notifications.children("QueueConfigurations")
        ]
        self.unit.senders.extend(build.bucket_notification_senders(name, configurations, bucket, ignores))

    def bucket_arn(self, node: Any, span: Span) -> Value:
        """The ARN of the bucket a custom resource names: `{Ref: Bucket}` of the template, or a name."""
        reference = node.get("Ref") if isinstance(node, dict) and len(node) == 1 else None
        if isinstance(reference, str) and reference in self.resolver.resources:
            return Value.of(ResourceRef("bucket", reference, "arn"), span)
        name = self.resolver.one(node)
        if isinstance(name, str) and name:
            return Value.of(name if name.startswith("arn:") else f"arn:aws:s3:::{name}", span)
        return Value.unknown(span)


_Handler = Callable[[_Builder, str, str, _Properties, frozenset[str]], None]
# What each resource type adds to the model.
_RESOURCE_BUILDERS: dict[str, _Handler] = {
    "AWS::SQS::Queue": _Builder.queue,
    "AWS::KMS::Key": _Builder.key,
    "AWS::KMS::ReplicaKey": _Builder.key,
    "AWS::KMS::Alias": _Builder.alias,
    **dict.fromkeys(
        (
            "AWS::IAM::User",
            "AWS::IAM::Group",
            "AWS::IAM::Policy",
            "AWS::IAM::ManagedPolicy",
            "AWS::IAM::Role",
            "AWS::IAM::RolePolicy",
            "AWS::IAM::UserPolicy",
            "AWS::IAM::GroupPolicy",
        ),
        _Builder.identity_policies,
    ),
    "AWS::Lambda::EventSourceMapping": _Builder.consumer,
    "AWS::SNS::Subscription": _Builder.subscription,
    "AWS::SNS::Topic": _Builder.topic,
    "AWS::Events::Rule": _Builder.event_rule,
    "AWS::Events::EventBus": _Builder.event_bus,
    "AWS::S3::Bucket": _Builder.bucket,
    "Custom::S3BucketNotifications": _Builder.bucket,
}


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
