"""Which resource of the unit a reference names: the key behind a KmsMasterKeyId (through references,
aliases, IDs and ARNs) and the queue behind an ARN, URL or reference."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from .arns import AWS_MANAGED_SQS_ALIAS, KmsRef, parse_kms_ref, parse_queue_id
from .model import THIS_ACCOUNT, Alias, Key, Queue, ResourceRef, Unit

_MAX_HOPS = 5
T = TypeVar("T")


@dataclass(frozen=True)
class KeyLookup:
    """The outcome for one content of a KmsMasterKeyId.

    `key` is the unit's key it names; `missing` explains why the key is known not to exist; both None
    means the key is outside what the unit knows (another file, another account): rules stay silent.
    """

    ref: KmsRef
    key: Key | None = None
    missing: str | None = None
    alias: Alias | None = None

    @property
    def aws_managed(self) -> bool:
        """The AWS managed key for SQS, named by its alias (name or ARN) or found as a key of the unit."""
        if self.ref.is_aws_managed:
            return True
        return self.key is not None and (
            self.key.aws_managed or AWS_MANAGED_SQS_ALIAS in (self.key.aliases or ())
        )


def same_account(a: str | None, b: str | None) -> bool | None:
    """True/False when known; None when one side is only "this account" and the other a literal."""
    if a is None or b is None:
        return None
    if a == b:
        return True
    if THIS_ACCOUNT in (a, b):
        return None
    return False


def lookup_key(unit: Unit, content: Any, queue: Queue | None = None) -> KeyLookup:
    return _lookup(unit, content, queue, 0)


def _lookup(unit: Unit, content: Any, queue: Queue | None, hops: int) -> KeyLookup:
    ref = parse_kms_ref(content)
    if hops > _MAX_HOPS:
        return KeyLookup(ref)
    if ref.kind == "dangling" and ref.resource is not None:
        return KeyLookup(ref, missing=f"the unit has no resource named '{ref.resource.name}'")
    if isinstance(content, ResourceRef):
        if content.kind == "key":
            return KeyLookup(ref, key=next((k for k in unit.keys if k.name == content.name), None))
        if content.kind == "alias":
            alias = next((a for a in unit.aliases if a.name == content.name), None)
            return _through_alias(unit, ref, alias, queue, hops)
        return KeyLookup(ref)
    if ref.kind in ("malformed", "unknown", "absent") or ref.is_aws_managed:
        return KeyLookup(ref)
    unit_account = unit.account or THIS_ACCOUNT
    owner = ref.account or (queue.account if queue else None) or unit_account
    if ref.kind in ("key-id", "key-arn"):
        for key in unit.keys:
            if ref.kind == "key-arn" and key.arn == str(content).strip():
                return KeyLookup(ref, key=key)
            if (
                key.key_id is not None
                and key.key_id == ref.key_id
                and same_account(key.account or unit_account, owner)
            ):
                return KeyLookup(ref, key=key)
    else:  # alias name or alias ARN: aliases live in one account, so only a certain account match counts
        if same_account(owner, unit_account):
            for alias in unit.aliases:
                if alias.alias_name is not None and alias.alias_name.single == ref.alias:
                    return _through_alias(unit, ref, alias, queue, hops)
        for key in unit.keys:
            if ref.alias in (key.aliases or ()) and same_account(key.account or unit_account, owner):
                return KeyLookup(ref, key=key)
    if unit.lists_all_keys and same_account(owner, unit.account) and _listing_complete(unit, ref):
        return KeyLookup(
            ref, missing=f"it is not among the keys the snapshot lists for account {unit.account}"
        )
    return KeyLookup(ref)


def _listing_complete(unit: Unit, ref: KmsRef) -> bool:
    """A snapshot proves an alias absent only when every key it lists says which aliases it has."""
    return ref.kind in ("key-id", "key-arn") or all(key.aliases is not None for key in unit.keys)


def _through_alias(unit: Unit, ref: KmsRef, alias: Alias | None, queue: Queue | None, hops: int) -> KeyLookup:
    if alias is None or alias.target is None or alias.target.single is None:
        return KeyLookup(ref, alias=alias)
    target = _lookup(unit, alias.target.single, queue, hops + 1)
    missing = target.missing and f"alias '{alias.name}' targets a key that does not exist ({target.missing})"
    return KeyLookup(ref, key=target.key, missing=missing, alias=alias)


def queue_key_lookups(unit: Unit, queue: Queue) -> list[KeyLookup]:
    """One lookup per branch of the queue's KmsMasterKeyId; empty unless every branch is a known key
    reference (rules about the queue's key then have nothing certain to say)."""
    value = queue.kms_key
    if value is None or not value.known or not queue.uses_kms():
        return []
    return [lookup_key(unit, content, queue) for content in value.options]


def find_queue(unit: Unit, content: Any) -> Queue | None:
    """The unit's queue that a reference, ARN or URL names, or None."""
    if isinstance(content, ResourceRef):
        return (
            next((q for q in unit.queues if q.name == content.name), None)
            if content.kind == "queue"
            else None
        )
    if not isinstance(content, str):
        return None
    wanted = parse_queue_id(content.strip())
    if wanted is None:
        return None
    for queue in unit.queues:
        if queue.arn == content.strip():
            return queue
        name = queue.queue_name.single if queue.queue_name is not None else None
        if queue.arn and name == wanted.name and same_account(queue.account, wanted.account):
            return queue
    return None


def key_verdict(unit: Unit, queue: Queue, verdict: Callable[[Key], T | None]) -> tuple[Key, T] | None:
    """The first key and verdict when the queue's key, on every branch, is a key of the unit for which
    `verdict` has something to say; else None."""
    found: list[tuple[Key, T]] = []
    for lookup in queue_key_lookups(unit, queue):
        said = verdict(lookup.key) if lookup.key is not None else None
        if lookup.key is None or said is None:
            return None
        found.append((lookup.key, said))
    return found[0] if found else None
