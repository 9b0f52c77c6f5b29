"""The registry module `terraform-aws-modules/sqs/aws` as the queues it creates, version by version.

We do not download modules; this mirrors what each release of the module sends to `aws_sqs_queue` for
the inputs that matter to the rules, so a call to it is linted like the resources it would create.
Which release a call gets is what Terraform would pick: the newest release that matches the `version`
constraint (`~> 3.0` is >= 3.0, < 4.0; `>= 2.0` alone is the latest), the tag of a git `?ref=vX.Y.Z`,
or the latest when neither is given. A constraint we cannot read, a one-part `~> N` (whose meaning
differs between version libraries), a release that does not exist, and 0.x/1.x (Terraform 0.11 code
whose `count` arithmetic on booleans depends on the Terraform version) make the call silent.

Sources: the module's tags (github.com/terraform-aws-modules/terraform-aws-sqs), `main.tf` and
`variables.tf` of each tag, and CHANGELOG.md.
- 2.0.0-3.1.0 (`v2.0.0:main.tf` .. `v3.1.0:main.tf`): `name`, `name_prefix`, `fifo_queue`,
  `content_based_deduplication`, `kms_master_key_id` (default null), `kms_data_key_reuse_period_seconds`
  and `redrive_policy` (a JSON string, default "") go to the queue as they are. No `.fifo` is added to
  the name, no `sqs_managed_sse_enabled` is sent (so a new queue gets AWS's default, SSE-SQS), no DLQ.
- 3.2.0 (`v3.2.0:main.tf`): adds `deduplication_scope` and `fifo_throughput_limit`, passed as they are.
- 3.4.0 (`v3.4.0:main.tf`, `variables.tf`): adds `sqs_managed_sse_enabled`, default false, sent always,
  and drops the key when it is true (`kms_master_key_id = var.sqs_managed_sse_enabled ? null : ...`):
  a call without a key creates an unencrypted queue.
- 3.4.1-3.5.0 (`v3.4.1:main.tf`, CHANGELOG "Add conditional null for sqs_managed_sse_enabled"):
  `sqs_managed_sse_enabled` is sent only when true (`... ? var.sqs_managed_sse_enabled : null`), and
  still drops the key when true.
- 4.0.0 and later (`v4.0.0:main.tf`, `v4.0.1:main.tf`): a `kms_master_key_id` that is passed wins: the
  module then leaves `sqs_managed_sse_enabled` unset (on the DLQ since 4.0.1); without a key,
  `sqs_managed_sse_enabled` applies and defaults to true; `name` gets its `.fifo` suffix from the module
  when `fifo_queue` is true (`use_name_prefix` makes the name generated); `create_dlq = true` adds a
  dead-letter queue of the same type, named `dlq_name` or `NAME-dlq`, whose `dlq_*` settings fall back
  to the queue's own, and redrives the queue to it.
In every release `create = false` creates nothing. Only what the call writes is the author's intent:
a module default that AWS ignores (the 300 s reuse period of 2.x/3.x) is not modelled, and an input a
release does not have (Terraform rejects the call) is not read.
A value the call does not make certain (a variable without default, a module output) stays unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..model import ABSENT, UNKNOWN, Queue, ResourceRef, Span, Value
from . import build
from .resource_types import Converter, Naming
from .scalars import to_bool
from .tf_eval import json_content

if TYPE_CHECKING:
    from .hcl import Block
    from .terraform import ModuleBuilder

_SOURCE = re.compile(
    r"^(?:registry\.terraform\.io/)?terraform-aws-modules/sqs/aws$"
    r"|^(?:git::)?(?:https://|ssh://git@|git@)?github\.com[/:]terraform-aws-modules/terraform-aws-sqs"
    r"(?:\.git)?(?:\?ref=(?P<ref>[^&]+))?$"
)

Version = tuple[int, int, int]

# The module's releases (its git tags); a version above the last is a release made since, read as 4.x+.
RELEASES: tuple[Version, ...] = (
    (0, 0, 1), (0, 0, 2), (1, 0, 0), (1, 1, 0), (1, 2, 0), (1, 2, 1), (2, 0, 0), (2, 1, 0),
    (3, 0, 0), (3, 1, 0), (3, 2, 0), (3, 2, 1), (3, 3, 0), (3, 4, 0), (3, 4, 1), (3, 4, 2), (3, 5, 0),
    (4, 0, 0), (4, 0, 1), (4, 0, 2), (4, 1, 0), (4, 1, 1), (4, 2, 0), (4, 2, 1), (4, 3, 0), (4, 3, 1),
    (5, 0, 0), (5, 0, 1), (5, 1, 0), (5, 2, 0), (5, 2, 1),
)  # fmt: skip
_LATEST: Version = (10**9, 0, 0)  # stands for "a release newer than those listed"
_CONDITION = re.compile(r"^\s*(=|!=|>=|<=|>|<|~>)?\s*v?(\d+(?:\.\d+){0,2})\s*$")
_REF = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)$")


@dataclass(frozen=True)
class Release:
    """What one range of releases before 4.0 sends to `aws_sqs_queue`."""

    fifo_limits: bool  # the deduplication_scope and fifo_throughput_limit inputs exist (3.2.0+)
    sse: str  # sqs_managed_sse_enabled: "none" (no such input), "always" (3.4.0), "when-true" (3.4.1+)


V2 = Release(fifo_limits=False, sse="none")  # 2.0.0-3.1.0
V3_2 = Release(fifo_limits=True, sse="none")  # 3.2.0-3.3.0
V3_4_0 = Release(fifo_limits=True, sse="always")  # 3.4.0
V3_4_1 = Release(fifo_limits=True, sse="when-true")  # 3.4.1-3.5.0
V4 = "4.x"  # 4.0.0 and later


def newest_matching(constraint: str) -> Version | None:
    """The newest release a Terraform version constraint selects (`_LATEST` when it has no upper
    bound), or None when the constraint is not one we can read or matches no release."""
    conditions = []
    for part in constraint.split(","):
        match = _CONDITION.match(part)
        if match is None:
            return None
        operator, digits = match.group(1) or "=", tuple(int(d) for d in match.group(2).split("."))
        if operator == "~>" and len(digits) == 1:
            return None
        conditions.append((operator, digits))
    candidates = {*RELEASES, _LATEST, *(_padded(d) for _, d in conditions)}
    matching = [v for v in candidates if all(_satisfies(v, op, d) for op, d in conditions)]
    return max(matching, default=None)


def _padded(digits: tuple[int, ...]) -> Version:
    padded = (*digits, 0, 0, 0)
    return padded[0], padded[1], padded[2]


def _satisfies(version: Version, operator: str, digits: tuple[int, ...]) -> bool:
    bound = _padded(digits)
    if operator == "~>":  # only the rightmost component given may grow
        return version >= bound and version[: len(digits) - 1] == bound[: len(digits) - 1]
    return {
        "=": version == bound,
        "!=": version != bound,
        ">": version > bound,
        ">=": version >= bound,
        "<": version < bound,
        "<=": version <= bound,
    }[operator]


def release_of(version: Version | None) -> Release | str | None:
    """The behaviour of a release: a `Release` before 4.0, `V4` from 4.0 on, None when not read."""
    if version is None:
        return None
    if version > RELEASES[-1]:
        return V4
    if version not in RELEASES or version < (2, 0, 0):
        return None
    if version >= (4, 0, 0):
        return V4
    if version >= (3, 4, 1):
        return V3_4_1
    if version == (3, 4, 0):
        return V3_4_0
    return V3_2 if version >= (3, 2, 0) else V2


def selected_release(source: Any, version: Any) -> Release | str | None:
    """The release Terraform would install for a call with this source and version (None: not the
    registry SQS module, or a version we do not read)."""
    if not isinstance(source, str):
        return None
    match = _SOURCE.match(source.strip())
    if not match:
        return None
    ref = match.group("ref")
    if ref is not None:
        exact = _REF.match(ref)  # a tag: exactly that release
        return release_of((int(exact[1]), int(exact[2]), int(exact[3]))) if exact else None
    if version is None:
        return V4  # no version given: the latest, which is 4.x or later
    if not isinstance(version, str):
        return None
    return release_of(newest_matching(version))


def is_sqs_module(source: Any, version: Any) -> bool:
    """The call is to the registry SQS module at a version whose behaviour we mirror (2.x and later)."""
    return selected_release(source, version) is not None


def module_queues(builder: ModuleBuilder, block: Block, prefix: str) -> list[Queue]:
    version = block.attributes.get("version")
    release = selected_release(
        builder.evaluator.one(block.attributes["source"].expression),
        builder.evaluator.one(version.expression) if version is not None else None,
    )
    if isinstance(release, Release):
        return _release_queues(builder, block, prefix, release)
    if release is None:
        return []
    return _v4_queues(builder, block, prefix)


def _release_queues(builder: ModuleBuilder, block: Block, prefix: str, release: Release) -> list[Queue]:
    """The one queue a release before 4.0 creates (those releases have no DLQ of their own)."""
    header = block.span

    def argument(name: str, convert: Any = None) -> Value | None:
        return builder.value(block, name, convert)

    create = argument("create", to_bool)
    if create is not None and create.every(lambda o: o is False):
        return []
    key = argument("kms_master_key_id")
    sse: Value | None = None
    if release.sse != "none":
        # `= null` passes no value: the variable's default, false
        chosen = argument("sqs_managed_sse_enabled", to_bool) or Value.of(False, header)
        chosen = Value(tuple(False if o is ABSENT else o for o in chosen.options), chosen.span)
        key = _unless_sse(chosen, key)
        if release.sse == "always":
            sse = chosen
        else:  # `var.sqs_managed_sse_enabled ? var.sqs_managed_sse_enabled : null`
            sent = Value(tuple(ABSENT if o is False else o for o in chosen.options), chosen.span)
            sse = None if sent.every(lambda o: o is ABSENT) else sent
    redrive = builder.value(block, "redrive_policy", json=True)  # the JSON string input, as on the resource
    arguments = {
        "name": None if argument("name_prefix") is not None else argument("name"),
        "fifo_queue": argument("fifo_queue"),
        "content_based_deduplication": argument("content_based_deduplication"),
        "deduplication_scope": argument("deduplication_scope") if release.fifo_limits else None,
        "fifo_throughput_limit": argument("fifo_throughput_limit") if release.fifo_limits else None,
        "kms_master_key_id": key,
        "sqs_managed_sse_enabled": sse,
        "kms_data_key_reuse_period_seconds": argument("kms_data_key_reuse_period_seconds"),
        "redrive_policy": redrive.map(json_content) if redrive is not None else None,
    }
    return [_queue(builder, f"{prefix}module.{block.labels[0]}.aws_sqs_queue.this", header, arguments)]


def _unless_sse(sse: Value, key: Value | None) -> Value | None:
    """`kms_master_key_id = var.sqs_managed_sse_enabled ? null : var.kms_master_key_id`."""
    if key is None or sse.every(lambda o: o is False):
        return key
    if sse.every(lambda o: o is True):
        return None
    if sse.known:  # some branches drop the key
        return Value((*key.options, ABSENT), key.span)
    return Value((UNKNOWN,), key.span)


def _v4_queues(builder: ModuleBuilder, block: Block, prefix: str) -> list[Queue]:
    header = block.span

    def argument(name: str, convert: Any = None) -> Value | None:
        return builder.value(block, name, convert)

    def flag(name: str, default: bool) -> Value:
        value = argument(name, to_bool)
        return value if value is not None else Value.of(default, header)

    create = flag("create", True)
    if create.every(lambda o: o is False):
        return []
    fifo = argument("fifo_queue", to_bool)
    address = f"{prefix}module.{block.labels[0]}.aws_sqs_queue"
    create_dlq = flag("create_dlq", False)
    redrive: Value | None = None
    queues = []
    if create_dlq.every(lambda o: o is True):
        dlq_name = argument("dlq_name") or _map(argument("name"), lambda n: f"{n}-dlq")
        dlq = _queue(
            builder,
            f"{address}.dlq",
            header,
            _v4_arguments(
                name=_name(dlq_name, flag("use_name_prefix", False), fifo),
                fifo=fifo,
                sse=argument("dlq_sqs_managed_sse_enabled", to_bool) or flag("sqs_managed_sse_enabled", True),
                key=argument("dlq_kms_master_key_id") or argument("kms_master_key_id"),
                period=argument("dlq_kms_data_key_reuse_period_seconds")
                or argument("kms_data_key_reuse_period_seconds"),
                dedup=argument("dlq_content_based_deduplication") or argument("content_based_deduplication"),
                scope=argument("dlq_deduplication_scope") or argument("deduplication_scope"),
                limit=argument("fifo_throughput_limit"),
            ),
        )
        # `redrive_policy = jsonencode({deadLetterTargetArn = aws_sqs_queue.dlq[0].arn, ...})`
        redrive = Value.of({"deadLetterTargetArn": ResourceRef("queue", dlq.name, "arn")}, header)
        queues.append(dlq)
    elif not create_dlq.known:
        redrive = Value.unknown(header)
    arguments = _v4_arguments(
        name=_name(argument("name"), flag("use_name_prefix", False), fifo),
        fifo=fifo,
        sse=flag("sqs_managed_sse_enabled", True),
        key=argument("kms_master_key_id"),
        period=argument("kms_data_key_reuse_period_seconds"),
        dedup=argument("content_based_deduplication"),
        scope=argument("deduplication_scope"),
        limit=argument("fifo_throughput_limit"),
    )
    arguments["redrive_policy"] = redrive
    return [_queue(builder, f"{address}.this", header, arguments), *queues]


def _v4_arguments(
    *,
    name: Value | None,
    fifo: Value | None,
    sse: Value,
    key: Value | None,
    period: Value | None,
    dedup: Value | None,
    scope: Value | None,
    limit: Value | None,
) -> dict[str, Value | None]:
    """What 4.x sends to `aws_sqs_queue`: a key that is passed wins; SSE-SQS (the module's default)
    applies only without one."""
    return {
        "name": name,
        "fifo_queue": fifo,
        "content_based_deduplication": dedup,
        "deduplication_scope": scope,
        "fifo_throughput_limit": limit,
        "kms_master_key_id": key,
        "sqs_managed_sse_enabled": sse if key is None else None,
        "kms_data_key_reuse_period_seconds": period,
    }


def _queue(builder: ModuleBuilder, address: str, header: Span, arguments: dict[str, Value | None]) -> Queue:
    """The `aws_sqs_queue` the module declares, given the arguments it sends to it."""
    return build.queue(
        address,
        header,
        _Arguments(arguments, header),
        account=builder.model.account,
        region=builder.model.region,
    )


class _Arguments:
    """What the module passes to its `aws_sqs_queue`, as `build.Attributes` (the provider's names)."""

    naming: Naming = "terraform"

    def __init__(self, arguments: dict[str, Value | None], span: Span) -> None:
        self.arguments = arguments
        self.span = span

    def value(self, name: str, convert: Converter | None = None) -> Value | None:
        value = self.arguments.get(name)
        return value.map(convert) if value is not None and convert else value

    def document(self, name: str) -> tuple[Value | None, Any]:
        return self.arguments.get(name), None

    def children(self, name: str) -> list[build.Attributes]:
        return []


def _name(name: Value | None, use_prefix: Value, fifo: Value | None) -> Value | None:
    """The module appends `.fifo` itself, so the queue's name always agrees with `fifo_queue`."""
    if name is None or not use_prefix.every(lambda o: o is False):
        return None
    if fifo is not None and fifo.every(lambda o: o is True):
        return _map(name, lambda n: f"{n.removesuffix('.fifo')}.fifo")
    if fifo is None or fifo.every(lambda o: o is False or o is ABSENT):
        return name
    return None


def _map(value: Value | None, convert: Any) -> Value | None:
    if value is None:
        return None
    return value.map(lambda o: convert(o) if isinstance(o, str) else o)
