"""The registry module `terraform-aws-modules/sqs/aws` (v4 and later) as the queues it creates.

We do not download modules; this mirrors the module's documented behaviour for the inputs that matter to
the rules, so a call to it is linted like the `aws_sqs_queue` resources it would create:
- a `kms_master_key_id` that is passed wins: the module then leaves `sqs_managed_sse_enabled` unset
  (since 4.0.1); without a key, `sqs_managed_sse_enabled` applies and defaults to true;
- `name` gets its `.fifo` suffix from the module when `fifo_queue` is true (`use_name_prefix` makes the
  name generated);
- `create_dlq = true` adds a dead-letter queue of the same type, named `dlq_name` or `NAME-dlq`, whose
  `dlq_*` settings fall back to the queue's own, and redrives the queue to it;
- `create = false` creates nothing.
A value the call does not make certain (a variable without default, a module output) stays unknown.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..model import ABSENT, THIS_ACCOUNT, THIS_REGION, Queue, ResourceRef, Value
from .scalars import to_bool, to_int

if TYPE_CHECKING:
    from .terraform import Block, ModuleBuilder

_SOURCE = re.compile(
    r"^(?:registry\.terraform\.io/)?terraform-aws-modules/sqs/aws$"
    r"|^(?:git::)?(?:https://|git@)github\.com[/:]terraform-aws-modules/terraform-aws-sqs(?:\.git)?(?:\?ref=v?(?P<ref>[\d.]+))?$"
)


def is_sqs_module(source: Any, version: Any) -> bool:
    """The call is to the registry SQS module at a version whose behaviour we mirror (4.x and later)."""
    if not isinstance(source, str):
        return False
    match = _SOURCE.match(source.strip())
    if not match:
        return False
    pinned = match.group("ref") or (version if isinstance(version, str) else None)
    if pinned is None:
        return version is None  # no version given: the latest, which is 4.x or later
    if pinned.strip().startswith(">"):
        return True  # a lower bound only: Terraform takes the latest
    major = re.search(r"\d+", pinned)
    return major is not None and int(major.group()) >= 4


def module_queues(builder: ModuleBuilder, block: Block, prefix: str) -> list[Queue]:
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
    queue = _queue(
        f"{prefix}module.{block.labels[0]}.aws_sqs_queue.this",
        header,
        name=_name(argument("name"), flag("use_name_prefix", False), fifo),
        fifo=fifo,
        sse=flag("sqs_managed_sse_enabled", True),
        key=argument("kms_master_key_id"),
        period=argument("kms_data_key_reuse_period_seconds", to_int),
        dedup=argument("content_based_deduplication", to_bool),
        scope=argument("deduplication_scope"),
        limit=argument("fifo_throughput_limit"),
    )
    queues = [queue]
    create_dlq = flag("create_dlq", False)
    if create_dlq.every(lambda o: o is True):
        dlq_name = argument("dlq_name") or _map(argument("name"), lambda n: f"{n}-dlq")
        dlq = _queue(
            f"{prefix}module.{block.labels[0]}.aws_sqs_queue.dlq",
            header,
            name=_name(dlq_name, flag("use_name_prefix", False), fifo),
            fifo=fifo,
            sse=argument("dlq_sqs_managed_sse_enabled", to_bool) or flag("sqs_managed_sse_enabled", True),
            key=argument("dlq_kms_master_key_id") or argument("kms_master_key_id"),
            period=argument("dlq_kms_data_key_reuse_period_seconds", to_int)
            or argument("kms_data_key_reuse_period_seconds", to_int),
            dedup=argument("dlq_content_based_deduplication", to_bool)
            or argument("content_based_deduplication", to_bool),
            scope=argument("dlq_deduplication_scope") or argument("deduplication_scope"),
            limit=argument("fifo_throughput_limit"),
        )
        queue.redrive_target = Value.of(ResourceRef("queue", dlq.name, "arn"), header)
        queues.append(dlq)
    elif not create_dlq.known:
        queue.redrive_target = Value.unknown(header)
    return queues


def _queue(
    address: str,
    header: Any,
    *,
    name: Value | None,
    fifo: Value | None,
    sse: Value,
    key: Value | None,
    period: Value | None,
    dedup: Value | None,
    scope: Value | None,
    limit: Value | None,
) -> Queue:
    # A key that is passed wins; SSE-SQS (the module's default) applies only without one.
    return Queue(
        address,
        header,
        queue_name=name,
        account=THIS_ACCOUNT,
        region=THIS_REGION,
        fifo=fifo,
        content_based_deduplication=dedup,
        deduplication_scope=scope,
        fifo_throughput_limit=limit,
        kms_key=key,
        sqs_managed_sse=sse if key is None else None,
        reuse_period=period,
    )


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
