"""Which key of the unit a queue's KmsMasterKeyId names: through references, aliases, IDs and ARNs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .arns import KmsRef, parse_kms_ref
from .model import THIS_ACCOUNT, Alias, Key, Queue, ResourceRef, Unit

_MAX_HOPS = 5


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
    if ref.kind in ("malformed", "unknown") or ref.is_aws_managed:
        return KeyLookup(ref)
    owner = ref.account or (queue.account if queue else None) or unit.account
    candidates = [k for k in unit.keys if same_account(k.account or unit.account, owner) is not False]
    if ref.kind in ("key-id", "key-arn"):
        for key in candidates:
            if (ref.kind == "key-arn" and key.arn == str(content).strip()) or (
                key.key_id is not None and key.key_id == ref.key_id
            ):
                return KeyLookup(ref, key=key)
    else:  # alias name or alias ARN
        for alias in unit.aliases:
            if alias.alias_name is not None and alias.alias_name.single == ref.alias:
                return _through_alias(unit, ref, alias, queue, hops)
        for key in candidates:
            if ref.alias in key.aliases:
                return KeyLookup(ref, key=key)
    if unit.lists_all_keys and same_account(owner, unit.account):
        return KeyLookup(
            ref, missing=f"it is not among the keys the snapshot lists for account {unit.account}"
        )
    return KeyLookup(ref)


def _through_alias(unit: Unit, ref: KmsRef, alias: Alias | None, queue: Queue | None, hops: int) -> KeyLookup:
    if alias is None or alias.target is None or alias.target.single is None:
        return KeyLookup(ref, alias=alias)
    target = _lookup(unit, alias.target.single, queue, hops + 1)
    missing = target.missing and f"alias '{alias.name}' targets a key that does not exist ({target.missing})"
    return KeyLookup(ref, key=target.key, missing=missing, alias=alias)


def queue_key_lookups(unit: Unit, queue: Queue) -> list[KeyLookup]:
    """One lookup per content the queue's KmsMasterKeyId may take; empty when unknown or not set on
    every branch (rules about the queue's key then have nothing certain to say)."""
    value = queue.kms_key
    if value is None or not queue.uses_kms():
        return []
    return [lookup_key(unit, content, queue) for content in value.options]
