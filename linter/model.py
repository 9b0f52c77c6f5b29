"""The one model every parser fills and every rule reads.

Parsers resolve their format's quirks (CloudFormation intrinsics, HCL references, AWS CLI strings) into
`Value`s; rules never learn which format they read. A `Value` knows whether it is known, the contents it
may take (several under `Fn::If`), and where it was written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

# The unit's own account / region when their literal value is not known (pseudo parameters,
# `data.aws_caller_identity`). Two references to THIS_ACCOUNT are the same account; THIS_ACCOUNT and a
# literal account ID may or may not be: rules that compare them stay silent.
THIS_ACCOUNT = "{this-account}"
THIS_REGION = "{this-region}"


class _Absent:
    """The content of a branch that removes the attribute (`AWS::NoValue`)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


class _Unknown:
    """A part of a resolved structure whose value cannot be known offline."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


@dataclass(frozen=True, order=True, slots=True)
class Span:
    """Where something was written: 1-based lines and columns."""

    file: str
    line: int
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None


@dataclass(frozen=True)
class ResourceRef:
    """A value AWS generates for a resource of the unit (a key's ID, a queue's ARN).

    `kind` is "key", "alias", "queue" or another resource kind; None when the unit has no resource of that
    name (a dangling reference). `attribute` is "id", "arn", "name" or "url".
    """

    kind: str | None
    name: str
    attribute: str


@dataclass(frozen=True, slots=True)
class Value:
    """An attribute as written: the contents it may take, and its span.

    `options` holds one content per branch (several under `Fn::If`); a branch that cannot be known offline
    is UNKNOWN, one that removes the attribute is ABSENT. So a value can be written (no ABSENT) and yet
    unknown (some UNKNOWN): `is_set` and `every` tell the two questions apart. `written_as` is the name the
    attribute was written under in its input's syntax ("KmsMasterKeyId", "kms_master_key_id"), for messages;
    None for a value no attribute of the input holds.
    """

    options: tuple[Any, ...]
    span: Span
    written_as: str | None = field(default=None, compare=False)
    # Other places that tell where the content came from (a variable's value in terraform.tfvars, its
    # default, the module argument that passed it): a finding on the value names them as related.
    related: tuple[tuple[Span, str], ...] = field(default=(), compare=False)

    @classmethod
    def of(cls, content: Any, span: Span) -> Value:
        return cls((content,), span)

    @classmethod
    def unknown(cls, span: Span) -> Value:
        return cls((UNKNOWN,), span)

    @classmethod
    def from_options(cls, options: list[Any] | None, span: Span) -> Value:
        """A value from a resolver's options (None: nothing about it is known)."""
        return cls.unknown(span) if options is None else cls(tuple(options), span)

    @property
    def known(self) -> bool:
        return UNKNOWN not in self.options

    def map(self, convert: Callable[[Any], Any]) -> Value:
        """The same value with every known, present content converted."""
        return replace(
            self, options=tuple(o if o is ABSENT or o is UNKNOWN else convert(o) for o in self.options)
        )

    def every(self, predicate: Callable[[Any], bool]) -> bool:
        """True when every branch is known and satisfies `predicate` (ABSENT branches are passed to it)."""
        return self.known and bool(self.options) and all(predicate(o) for o in self.options)

    def some(self, predicate: Callable[[Any], bool]) -> bool:
        """True when at least one known, present branch satisfies `predicate`."""
        return any(predicate(o) for o in self.options if o is not UNKNOWN and o is not ABSENT)

    def shown(self) -> str:
        """The contents for a message: 'x', or 'x' or 'y' under Fn::If."""
        return (
            " or ".join(_show(o) for o in self.options if o is not ABSENT and o is not UNKNOWN)
            or "(no value)"
        )

    @property
    def single(self) -> Any:
        """The content when known and unambiguous, else None."""
        return self.options[0] if self.known and len(self.options) == 1 else None


def _show(content: Any) -> str:
    if isinstance(content, ResourceRef):
        return f"the {content.attribute} of {content.name}"
    return f"'{content}'" if isinstance(content, str) else repr(content)


def _hcl(content: Any) -> str:
    """A content as Terraform writes it: `true`, `"x"`, `300`."""
    if isinstance(content, bool):
        return "true" if content else "false"
    if content is None:
        return "null"
    if isinstance(content, str):
        return json.dumps(content, ensure_ascii=False)
    return _show(content)


def _literal(content: Any) -> str:
    """A content as CloudFormation YAML writes it: `true`, `x`, `300`."""
    if isinstance(content, bool):
        return "true" if content else "false"
    return content if isinstance(content, str) else _show(content)


def is_set(value: Value | None) -> bool:
    """The attribute is written and no branch removes it (its content may still be unknown)."""
    return value is not None and ABSENT not in value.options


def is_blank(content: Any) -> bool:
    """An empty value: a blank string, or YAML's null (`KmsMasterKeyId:` with nothing after it)."""
    return content is None or (isinstance(content, str) and not content.strip())


# KmsDataKeyReusePeriodSeconds: an integer of seconds in this range (CloudFormation; provider IntBetween).
REUSE_PERIOD_MIN, REUSE_PERIOD_MAX = 60, 86400


def valid_reuse_period(content: Any) -> bool:
    return (
        isinstance(content, int)
        and not isinstance(content, bool)
        and REUSE_PERIOD_MIN <= content <= REUSE_PERIOD_MAX
    )


class Row(Protocol):
    """A row of a builder's table (parsers/resource_types.py's `Field`), as `Syntax.of` reads it."""

    @property
    def model(self) -> str: ...

    def names(self, naming: Any) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Syntax:
    """How the input a resource was read from names and writes its attributes, for messages.

    `naming` is "aws" (CloudFormation, the AWS API: `SqsManagedSseEnabled: false`) or "terraform" (the AWS
    provider: `sqs_managed_sse_enabled = false`); `names` maps a model field to the attribute that fills it
    there, so a rule can name an attribute the resource does not write. The builder fills both from its
    table; rules ask the resource (`Resource.word`, `Resource.setting`), never the format.
    """

    naming: str = "aws"
    names: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, naming: str, rows: Iterable[Row]) -> Syntax:
        """The syntax of `naming` for a builder's table rows: each field's first name there."""
        return cls(naming, {row.model: row.names(naming)[0] for row in rows if row.names(naming)})


@dataclass
class Resource:
    name: str  # logical ID, Terraform address, or ARN
    span: Span  # its type line / block header
    ignores: frozenset[str] = frozenset()  # rule codes or names suppressed by the resource's metadata
    # The names and notation of the input it was read from (the builder's; messages use its words).
    syntax: Syntax = field(default_factory=Syntax, kw_only=True, repr=False)

    def word(self, model_field: str) -> str:
        """The attribute that fills `model_field`, in the words of the resource's input: the name it was
        written under when it is written ("CustomerMasterKeySpec", Terraform's "enabled"), else the
        syntax's name for it ("KmsMasterKeyId", "kms_master_key_id")."""
        value = getattr(self, model_field, None)
        if isinstance(value, Value) and value.written_as:
            return value.written_as
        return self.syntax.names.get(model_field, model_field)

    def setting(self, model_field: str, content: Any, separator: str = ": ") -> str:
        """The attribute set to `content`, as the resource's input writes it: `SqsManagedSseEnabled: false`
        or `sqs_managed_sse_enabled = false`, `DeduplicationScope: messageGroup` or
        `deduplication_scope = "messageGroup"`. A `Value` shows what it holds (`KeySpec 'RSA_2048'` with
        separator " ", or `key_spec = "RSA_2048"`). `separator` is CloudFormation's; Terraform's is " = "."""
        name = self.word(model_field)
        if self.syntax.naming == "terraform":
            if isinstance(content, Value):
                shown = [_hcl(o) for o in content.options if o is not ABSENT and o is not UNKNOWN]
                return f"{name} = {' or '.join(shown) or '(no value)'}"
            return f"{name} = {_hcl(content)}"
        return f"{name}{separator}{content.shown() if isinstance(content, Value) else _literal(content)}"


@dataclass
class Statement:
    span: Span
    sid: str | None = None
    effect: str | None = None
    principal: Any = None
    not_principal: Any = None
    action: Any = None
    not_action: Any = None
    resource: Any = None
    not_resource: Any = None
    condition: Any = None


@dataclass
class PolicyDocument:
    span: Span
    statements: list[Statement] = field(default_factory=list)
    known: bool = True  # False when part of it could not be resolved


@dataclass
class Queue(Resource):
    queue_name: Value | None = None
    arn: str | None = None  # literal ARN when the input names the queue (raw JSON)
    account: str | None = None
    region: str | None = None
    fifo: Value | None = None
    content_based_deduplication: Value | None = None
    deduplication_scope: Value | None = None
    fifo_throughput_limit: Value | None = None
    kms_key: Value | None = None
    sqs_managed_sse: Value | None = None
    reuse_period: Value | None = None
    redrive_target: Value | None = None
    # True for a description of an existing queue (raw JSON): there, no encryption attribute means none,
    # while in a template it means the SSE-SQS default.
    live: bool = False
    # True when the key attribute is written but resolves to nothing in this configuration, and no caller
    # or tfvars file chose the reuse period: a Terraform module's optional key input left unset
    # (`kms_master_key_id = var.key`, default null). The module wires a key; whoever calls it picks one.
    optional_key_unset: bool = False

    def uses_kms(self) -> bool:
        """SSE-KMS on every branch: KmsMasterKeyId is written, none removes it, none is blank (a content we
        cannot know offline still names a key: the author wrote one)."""
        return is_set(self.kms_key) and not (self.kms_key is not None and self.kms_key.some(is_blank))

    def is_fifo(self) -> bool:
        return self.fifo is not None and self.fifo.every(lambda o: o is True)

    def is_standard(self) -> bool:
        """FifoQueue absent or false on every branch."""
        return self.fifo is None or self.fifo.every(lambda o: o is False or o is ABSENT)


@dataclass
class Key(Resource):
    key_id: str | None = None
    arn: str | None = None
    account: str | None = None
    region: str | None = None
    enabled: Value | None = None
    key_state: Value | None = None
    key_spec: Value | None = None
    key_usage: Value | None = None
    # content: PolicyDocument. None: the input defines the key without a policy, so it has AWS's default
    # key policy; an unknown Value: the policy exists but was not captured (a describe-key alone).
    policy: Value | None = None
    aliases: list[str] | None = None  # alias names ("alias/x") known to point here; None: not listed
    aws_managed: bool = False


@dataclass
class Alias(Resource):
    alias_name: Value | None = None
    target: Value | None = None


@dataclass
class Sender(Resource):
    """An AWS service that delivers to a queue (SNS subscription, EventBridge target, S3 notification)."""

    service: str = ""  # service principal, e.g. "sns.amazonaws.com"
    queue: Value | None = None
    source_arn: Value | None = None
    # The queue is the sender's dead-letter queue (an SNS subscription's RedrivePolicy, an EventBridge
    # target's DeadLetterConfig): the service delivers there the messages it failed to deliver.
    dead_letter: bool = False

    def delivers(self) -> str:
        return "delivers the messages it failed to deliver to" if self.dead_letter else "delivers to"


@dataclass
class Consumer(Resource):
    """A service that reads a queue for someone (a Lambda event source mapping): its role needs kms:Decrypt."""

    queue: Value | None = None
    function: Value | None = None


@dataclass
class IdentityPolicy(Resource):
    """An IAM policy attached to identities (roles, users, groups): what they may do on queues and keys."""

    principals: list[Value] = field(default_factory=list)  # the identities' ARNs or resource references
    account: str | None = None
    document: PolicyDocument | None = None


@dataclass
class ParseError:
    """A file that is IaC by extension or content and cannot be parsed (SQK000)."""

    span: Span
    message: str


@dataclass
class Unit:
    """What one analysis sees at once: one template, one module, one plan, one snapshot."""

    path: str
    files: list[str] = field(default_factory=list)
    account: str | None = None
    region: str | None = None
    queues: list[Queue] = field(default_factory=list)
    keys: list[Key] = field(default_factory=list)
    aliases: list[Alias] = field(default_factory=list)
    senders: list[Sender] = field(default_factory=list)
    consumers: list[Consumer] = field(default_factory=list)
    identity_policies: list[IdentityPolicy] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)
    # True when the input claims to list every key of its account (a snapshot with "keys"): a key
    # reference in that account that matches none is then known to be missing.
    lists_all_keys: bool = False
    # True when the input lists every identity policy of the principals it names (a snapshot).
    lists_all_identity_policies: bool = False
    # Names that identity policies may give a holder of the unit (a role's `name`): name -> "role:ADDRESS".
    holder_names: dict[str, str] = field(default_factory=dict)
    # Holders ("role:ADDRESS") with permissions the unit does not show (a managed policy from elsewhere,
    # inline policies of a dynamic block): the identity rules judge none of them.
    holders_with_outside_policies: set[str] = field(default_factory=set)
    # Why the unit was not evaluated fully, when its evaluation budget ran out (values.Budget, the module
    # instances of a Terraform unit): one line naming the limit. Values past that point are unknown.
    budget_exhausted: str | None = None
    lookups: Any = field(default=None, repr=False, compare=False)  # lookup.py's index, built on first use

    def resources(self) -> Iterator[Resource]:
        yield from self.queues
        yield from self.keys
        yield from self.aliases
        yield from self.senders
        yield from self.consumers
        yield from self.identity_policies
