"""Producers and consumers: what the identity policies of one holder (role, user, group) let it do on a
queue and on the queue's key, and whether the key policy leaves that decision to IAM (SQK403, SQK404).

Conservative by design: a holder's permissions are judged only when every policy it has is in the unit
(a role with managed policies attached from outside, or a policy whose holder is unknown, is skipped),
and a key policy that grants any principal more specific than an account (a role, `*` under conditions,
an unresolved principal) might be what lets the holder in, so the rules stay silent on it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .arns import same_account
from .lookup import queue_key_lookups
from .model import IdentityPolicy, Key, PolicyDocument, Queue, ResourceRef, Statement, Unit
from .policy import Principal, Target, allows, grants, key_policy, principal_of, statement_action

HOLDER = Principal("arn", "the policy's holder")  # identity statements name no principal


@dataclass(frozen=True)
class Gap:
    identity: IdentityPolicy
    queue: Queue
    key: Key
    statement: Statement  # the statement that grants the SQS action
    missing: list[str]


def queue_target(queue: Queue) -> Target:
    """The queue as identity policies name it: its literal ARN (raw JSON), else its reference."""
    return Target(arn=queue.arn, ref=ResourceRef("queue", queue.name, "arn"))


def key_target(key: Key) -> Target:
    return Target(arn=key.arn, ref=ResourceRef("key", key.name, "arn"))


def holder_key(content: Any, complete: bool, names: dict[str, str]) -> str | None:
    """One name per holder, however it is referred to (`!Ref Role`, `!GetAtt Role.Arn`, the name the
    unit gives it); a name or ARN of a holder defined elsewhere counts only where the input lists every
    policy (a snapshot)."""
    if isinstance(content, ResourceRef) and content.kind in ("role", "user", "group"):
        return f"{content.kind}:{content.name}"
    if isinstance(content, str) and content.strip() in names:
        return names[content.strip()]
    if complete and isinstance(content, str) and content.strip() and "{" not in content:
        return content.strip()
    return None


def holders(unit: Unit) -> dict[str, list[IdentityPolicy]]:
    """Each holder with all its identity policies; holders with a policy we cannot see are left out."""
    by_holder: dict[str, list[IdentityPolicy]] = defaultdict(list)
    names = unit.holder_names
    blind: set[str] = set()
    for identity in unit.identity_policies:
        keys: list[str | None] = []
        for value in identity.principals:
            for option in value.options:
                for content in option if isinstance(option, list) else [option]:
                    keys.append(holder_key(content, unit.lists_all_identity_policies, names))
        if any(v.known is False for v in identity.principals):
            return {}  # a policy whose holder is unknown may belong to any holder: judge none of them
        for key in keys:
            if key is not None:
                by_holder[key].append(identity)
        if identity.document is None or not identity.document.known:
            blind.update(k for k in keys if k is not None)
    blind.update(unit.holders_with_outside_policies)
    return {key: policies for key, policies in by_holder.items() if key not in blind}


def _merged(policies: list[IdentityPolicy]) -> PolicyDocument:
    statements = [s for p in policies if p.document is not None for s in p.document.statements]
    return PolicyDocument(policies[0].span, statements)


def _relies_on_iam(key: Key, queue: Queue, action: str) -> bool:
    """Only an account (root or ID) gets `action` from the key policy, so IAM decides (as with the
    default policy); or the key is in another account (the caller's IAM policy is needed as well)."""
    document, _ = key_policy(key)
    if document is None:
        return False
    if same_account(key.account, queue.account) is False:
        return True
    via_account = False
    for statement in document.statements:
        if statement.effect != "Allow" or statement_action(statement, action) is False:
            continue
        principal = statement.principal
        values = principal.get("AWS", []) if isinstance(principal, dict) else [principal]
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str) and value != "*" and principal_of(value).kind == "account":
                via_account = True
            elif not (isinstance(principal, dict) and set(principal) == {"Service"}):
                return False  # a role, `*` or an unresolved principal may be what lets the holder in
    return via_account


def gaps(unit: Unit, sqs_action: str, kms_actions: tuple[str, ...]) -> Iterator[Gap]:
    """Holders whose identity policies allow `sqs_action` on an SSE-KMS queue of the unit but certainly not
    every one of `kms_actions` on its key that the key policy leaves to IAM."""
    for policies in holders(unit).values():
        document = _merged(policies)
        for queue in unit.queues:
            lookups = queue_key_lookups(unit, queue)
            if len(lookups) != 1 or lookups[0].key is None or lookups[0].aws_managed:
                continue
            key = lookups[0].key
            decision = allows(document, HOLDER, sqs_action, resource=queue_target(queue))
            allow = decision.allow
            if decision.allowed is not True or allow is None:
                continue
            # Only the actions the key policy leaves to IAM must come from the holder's policies.
            needed = tuple(a for a in kms_actions if _relies_on_iam(key, queue, a))
            granted, missing, _ = grants(document, HOLDER, needed, resource=key_target(key))
            if needed and granted is False:
                owner = next(
                    (p for p in policies if p.document and any(s is allow for s in p.document.statements)),
                    policies[0],
                )
                yield Gap(owner, queue, key, allow, missing)
