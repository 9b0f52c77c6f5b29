"""Which resource of the unit a reference names: the key behind a KmsMasterKeyId (through references,
aliases, IDs and ARNs) and the queue behind an ARN, URL or reference."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from .arns import AWS_MANAGED_SQS_ALIAS, KmsRef, parse_kms_ref, parse_queue_id, same_account, same_region
from .model import THIS_ACCOUNT, THIS_REGION, Alias, Key, Queue, ResourceRef, Unit

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


class _Index:
    """The unit's keys, aliases and queues by every name a reference may use, built once per unit."""

    def __init__(self, unit: Unit) -> None:
        self.keys = {k.name: k for k in unit.keys}
        self.aliases = {a.name: a for a in unit.aliases}
        self.queues = {q.name: q for q in unit.queues}
        self.key_by_arn = {k.arn: k for k in unit.keys if k.arn}
        self.keys_by_id: dict[str, list[Key]] = defaultdict(list)
        self.keys_by_alias: dict[str, list[Key]] = defaultdict(list)
        self.aliases_by_alias_name: dict[str, list[Alias]] = defaultdict(list)
        self.queues_by_arn: dict[str, Queue] = {q.arn: q for q in unit.queues if q.arn}
        self.key_lookups: dict[int, list[KeyLookup]] = {}  # id(queue) -> its lookups (queues live as long)
        for key in unit.keys:
            if key.key_id:
                self.keys_by_id[key.key_id].append(key)
            for alias_name in key.aliases or ():
                self.keys_by_alias[alias_name].append(key)
        for alias in unit.aliases:
            if alias.alias_name is not None and isinstance(alias.alias_name.single, str):
                self.aliases_by_alias_name[alias.alias_name.single].append(alias)


def _index(unit: Unit) -> _Index:
    if not isinstance(unit.lookups, _Index):
        unit.lookups = _Index(unit)
    return unit.lookups


def lookup_key(unit: Unit, content: Any, queue: Queue | None = None) -> KeyLookup:
    return _lookup(unit, content, queue, 0)


def _lookup(unit: Unit, content: Any, queue: Queue | None, hops: int) -> KeyLookup:
    ref = parse_kms_ref(content)
    index = _index(unit)
    if hops > _MAX_HOPS:
        return KeyLookup(ref)
    if ref.kind == "dangling" and ref.resource is not None:
        return KeyLookup(ref, missing=f"the unit has no resource named '{ref.resource.name}'")
    if isinstance(content, ResourceRef):
        if content.kind == "key":
            return KeyLookup(ref, key=index.keys.get(content.name))
        if content.kind == "alias":
            return _through_alias(unit, ref, index.aliases.get(content.name), queue, hops)
        return KeyLookup(ref)
    if ref.kind in ("malformed", "unknown", "absent") or ref.is_aws_managed:
        return KeyLookup(ref)
    unit_account, unit_region = unit.account or THIS_ACCOUNT, unit.region or THIS_REGION
    owner = ref.account or (queue.account if queue else None) or unit_account
    region = ref.region or (queue.region if queue else None) or unit_region

    def here(key: Key) -> bool | None:
        """The key is in the account and region the reference resolves in (a key ID is regional)."""
        account = same_account(key.account or unit_account, owner)
        return account and same_region(key.region or unit_region, region)

    if ref.kind in ("key-id", "key-arn"):
        if ref.kind == "key-arn" and str(content).strip() in index.key_by_arn:
            return KeyLookup(ref, key=index.key_by_arn[str(content).strip()])
        for key in index.keys_by_id.get(ref.key_id or "", ()):
            if here(key):
                return KeyLookup(ref, key=key)
    else:  # alias name or alias ARN: aliases live in one account and region; only a certain match counts
        if same_account(owner, unit_account) and same_region(region, unit_region):
            for alias in index.aliases_by_alias_name.get(ref.alias or "", ()):
                return _through_alias(unit, ref, alias, queue, hops)
        for key in index.keys_by_alias.get(ref.alias or "", ()):
            if here(key):
                return KeyLookup(ref, key=key)
    if (
        unit.lists_all_keys
        and same_account(owner, unit.account)
        and same_region(region, unit.region) is not False
        and _listing_complete(unit, ref)
    ):
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
    memo = _index(unit).key_lookups  # rules ask for each queue many times
    if id(queue) not in memo:
        value = queue.kms_key
        if value is None or not value.known or not queue.uses_kms():
            memo[id(queue)] = []
        else:
            memo[id(queue)] = [lookup_key(unit, content, queue) for content in value.options]
    return memo[id(queue)]


def find_queue(unit: Unit, content: Any) -> Queue | None:
    """The unit's queue that a reference, ARN or URL names, or None."""
    index = _index(unit)
    if isinstance(content, ResourceRef):
        return index.queues.get(content.name) if content.kind == "queue" else None
    if not isinstance(content, str):
        return None
    if content.strip() in index.queues_by_arn:
        return index.queues_by_arn[content.strip()]
    wanted = parse_queue_id(content.strip())
    if wanted is None:
        return None
    for queue in unit.queues:  # a URL of a queue the unit names by ARN
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


def keys_in_use(unit: Unit) -> list[tuple[Key, list[Queue]]]:
    """The unit's keys that at least one queue uses (on some branch), each with those queues."""
    users: dict[str, tuple[Key, list[Queue]]] = {}
    for queue in unit.queues:
        for found in queue_key_lookups(unit, queue):
            if found.key is not None and not found.aws_managed:
                users.setdefault(found.key.name, (found.key, []))[1].append(queue)
    return list(users.values())


def sender_targets(unit: Unit) -> list[tuple[Any, Queue, list[KeyLookup]]]:
    """Each sender with the unit's queue it delivers to and that queue's key lookups."""
    found = []
    for sender in unit.senders:
        if sender.queue is None or sender.queue.single is None:
            continue
        queue = find_queue(unit, sender.queue.single)
        if queue is not None:
            found.append((sender, queue, queue_key_lookups(unit, queue)))
    return found


def foreign_key(unit: Unit, queue: Queue) -> tuple[Key, KmsRef] | None:
    """A key of another account that the queue names by alias name or bare key ID, which AWS resolves in
    the queue's own account instead: (that key, the reference), when certain on every branch."""
    if queue.kms_key is None or not queue.kms_key.known or not queue.uses_kms():
        return None
    index = _index(unit)
    found: list[tuple[Key, KmsRef]] = []
    for lookup in queue_key_lookups(unit, queue):
        ref = lookup.ref
        if lookup.key is not None or ref.kind not in ("key-id", "alias-name"):
            return None
        candidates = index.keys_by_id.get(ref.key_id or "", []) + index.keys_by_alias.get(ref.alias or "", [])
        elsewhere = [k for k in candidates if same_account(k.account or unit.account, queue.account) is False]
        if not elsewhere:
            return None
        # A key ID is unique; an alias name may exist in the queue's account too, unless the input
        # lists every key of that account.
        listed = (
            unit.lists_all_keys and same_account(queue.account, unit.account) and _listing_complete(unit, ref)
        )
        if ref.kind == "alias-name" and not listed:
            return None
        found.append((elsewhere[0], ref))
    return found[0] if found else None
