"""IAM policy evaluation, offline: who a key policy (or an identity policy) lets do what, and which
statements decide it.

Why our own: parliament audits policies' syntax and patterns, policyuniverse tells whether a resource
policy is internet accessible; neither answers "may this principal call kms:Decrypt here, and which
statement says so", with conditions classified rather than evaluated against a request.

Semantics (IAM's, as far as they can be known before deploy):
- an explicit Deny wins, but only a Deny without conditions is certain offline (`aws:SecureTransport`,
  `aws:PrincipalOrgID` and the like depend on the request);
- Action/NotAction with wildcards, case-insensitive; `kms:GenerateDataKey*`, `kms:*` and `*` grant
  `kms:GenerateDataKey`;
- Principal/NotPrincipal: `"*"` and `{"AWS": "*"}` are anyone; an account ID and `arn:aws:iam::ID:root`
  are the account, which delegates to every principal of that account (IAM then decides);
- an Allow with conditions allows under them: it counts as allowing a caller unless a condition names a
  different source ARN, source account or calling account than the caller's.
Every answer is True, False or None (not knowable offline); rules fire only on a certain answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from .arns import same_account
from .model import THIS_ACCOUNT, UNKNOWN, Key, PolicyDocument, ResourceRef, Span, Statement

GENERATE_DATA_KEY = "kms:GenerateDataKey"
DECRYPT = "kms:Decrypt"
_ACCOUNT_ID = re.compile(r"\d{12}|\{this-account\}")
_ACCOUNT_ARN = re.compile(r"^arn:aws[\w-]*:iam::(\d{12}|\{this-account\}):root$")
_ARN_ACCOUNT = re.compile(r"^arn:aws[\w-]*:[\w-]+:[\w-]*:(\d{12}|\{this-account\}):")
# Condition keys that pin who may call or on whose behalf (compared case-insensitively).
SOURCE_ARN, SOURCE_ACCOUNT = "aws:sourcearn", "aws:sourceaccount"
CALLER_ACCOUNT, VIA_SERVICE = "kms:calleraccount", "kms:viaservice"
ACCOUNT_SCOPING_KEYS = frozenset(
    {
        SOURCE_ARN,
        SOURCE_ACCOUNT,
        CALLER_ACCOUNT,
        "aws:principalorgid",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:sourceowner",
        "aws:principalorgpaths",
    }
)


@dataclass(frozen=True)
class Principal:
    """Who asks: `kind` is "service" (a service principal), "account" or "arn" (a role, user...)."""

    kind: str
    value: str

    @property
    def account(self) -> str | None:
        if self.kind == "account":
            return self.value
        match = _ARN_ACCOUNT.match(self.value) if self.kind == "arn" else None
        return match.group(1) if match else None

    def __str__(self) -> str:
        return {"service": "service principal ", "account": "account "}.get(self.kind, "") + self.value


def service(name: str) -> Principal:
    return Principal("service", name.lower())


def account(account_id: str) -> Principal:
    return Principal("account", account_id)


def principal_of(text: str) -> Principal:
    """A principal as policies write it under "AWS": an account ID, a root ARN, or another ARN."""
    text = text.strip()
    if _ACCOUNT_ID.fullmatch(text):
        return account(text)
    match = _ACCOUNT_ARN.match(text)
    return account(match.group(1)) if match else Principal("arn", text)


@dataclass(frozen=True)
class Request:
    """What is known of the request a question is about; None means not known."""

    source_arn: Any = None  # a string, or a ResourceRef of the sending resource
    source_account: str | None = None
    caller_account: str | None = None


@dataclass(frozen=True)
class Target:
    """A resource a statement may name: its literal ARN when known, and its reference in the unit."""

    arn: str | None = None
    ref: ResourceRef | None = None


def resource_matches(patterns: Any, target: Target) -> bool | None:
    """Whether a Resource/NotResource value covers `target` (None when it cannot be told offline)."""
    unknown = False
    for pattern in _as_list(patterns):
        if pattern == "*":
            return True
        if isinstance(pattern, ResourceRef):
            if target.ref is not None and (pattern.kind, pattern.name) == (target.ref.kind, target.ref.name):
                return pattern.attribute == "arn" or None
            unknown = unknown or target.ref is None
            continue
        if not isinstance(pattern, str) or "{" in pattern:
            unknown = True
            continue
        if target.arn is None or "{" in target.arn:
            unknown = True  # a literal pattern against an ARN we only know as a reference
            continue
        if _glob(target.arn, pattern):
            return True
    return None if unknown else False


def statement_resource(statement: Statement, target: Target | None) -> bool | None:
    if target is None:
        return True
    if statement.resource is not None:
        return resource_matches(statement.resource, target)
    if statement.not_resource is not None:
        covered = resource_matches(statement.not_resource, target)
        return None if covered is None else not covered
    return True


@dataclass(frozen=True)
class Decision:
    allowed: bool | None  # None: not knowable offline
    allow: Statement | None = None  # the statement that allows, when allowed
    deny: Statement | None = None  # the statement that denies, when denied


def arn_account(arn: Any) -> str | None:
    """The account an ARN names, or None (a reference, a name, an ARN without account such as S3's)."""
    match = _ARN_ACCOUNT.match(arn) if isinstance(arn, str) else None
    return match.group(1) if match else None


def positive_condition_keys(statement: Statement) -> set[str]:
    """Condition keys under operators that restrict to what they name (not StringNotEquals and kin)."""
    return {
        key
        for key, (operator, _) in conditions(statement).items()
        if "Not" not in operator and operator != "Null"
    }


def _glob(name: str, pattern: str) -> bool:
    """fnmatchcase, without its regular expression for a pattern with no wildcard (most actions)."""
    if "*" in pattern or "?" in pattern or "[" in pattern:
        return fnmatchcase(name, pattern)
    return name == pattern


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def action_matches(patterns: Any, action: str) -> bool | None:
    """Whether an Action/NotAction value covers `action` (None when part of it is unknown)."""
    if patterns is None:
        return False
    unknown = False
    for pattern in _as_list(patterns):
        if isinstance(pattern, str):
            if _glob(action.lower(), pattern.lower()):
                return True
        else:
            unknown = True
    return None if unknown else False


def statement_action(statement: Statement, action: str) -> bool | None:
    if statement.action is not None:
        return action_matches(statement.action, action)
    if statement.not_action is not None:
        covered = action_matches(statement.not_action, action)
        return None if covered is None else not covered
    return False


def _principal_matches(field: Any, who: Principal) -> bool | None:
    """Whether a Principal value names `who` (directly, as "*", or as `who`'s account)."""
    if field == "*" or field is UNKNOWN:
        return True if field == "*" else None
    if not isinstance(field, dict):
        return None
    unknown = False
    for kind, values in field.items():
        if kind == "AWS" and "*" in _as_list(values):
            return True  # {"AWS": "*"} is anyone, services included
        if (kind == "Service") != (who.kind == "service"):
            continue  # an AWS principal is never a service principal, and the reverse
        for value in _as_list(values):
            if not isinstance(value, str):
                unknown = True
                continue
            if value == "*" and kind == "AWS":
                return True
            if kind == "Service" and who.kind == "service":
                if value.lower() == who.value:
                    return True
            elif kind == "AWS" and who.kind in ("account", "arn"):
                named = principal_of(value)
                if named.kind == "account":
                    same = same_account(named.value, who.account)
                else:
                    same = True if named.value == who.value else None if "{" in named.value else False
                if same:
                    return True
                unknown = unknown or same is None
    return None if unknown else False


def statement_principal(statement: Statement, who: Principal) -> bool | None:
    if statement.principal is not None:
        return _principal_matches(statement.principal, who)
    if statement.not_principal is not None:
        named = _principal_matches(statement.not_principal, who)
        return None if named is None else not named
    return True  # an identity policy: its statements are about the identity it is attached to


def conditions_known(statement: Statement) -> bool:
    """No condition, or conditions whose operators and keys are all known (values may still be unknown)."""
    block = statement.condition
    if block is None:
        return True
    if not isinstance(block, dict):
        return False
    return all(isinstance(op, str) and isinstance(inner, dict) for op, inner in block.items())


def conditions(statement: Statement) -> dict[str, tuple[str, list[Any]]]:
    """The statement's conditions as {lower-cased key: (operator, values)}."""
    found: dict[str, tuple[str, list[Any]]] = {}
    if isinstance(statement.condition, dict):
        for operator, block in statement.condition.items():
            if isinstance(block, dict):
                for key, values in block.items():
                    found[str(key).lower()] = (str(operator), _as_list(values))
    return found


def _excludes(statement: Statement, request: Request) -> bool:
    """A positive condition that certainly names another source or account than the request's."""
    for key, (operator, values) in conditions(statement).items():
        if "Not" in operator or "IfExists" in operator or operator.endswith("Null") or ":" in operator:
            continue  # negations, absence tests and set operators do not name a source
        known = {
            SOURCE_ARN: request.source_arn,
            SOURCE_ACCOUNT: request.source_account,
            CALLER_ACCOUNT: request.caller_account,
            "aws:principalaccount": request.caller_account,
        }.get(key)
        if known is None or not all(isinstance(v, str) and "{" not in v for v in values):
            continue
        if isinstance(known, ResourceRef):
            continue  # a generated ARN: we cannot compare it with a literal
        if isinstance(known, str) and "{" not in known:
            fold = "IgnoreCase" in operator
            if not any(_glob(known.lower() if fold else known, v.lower() if fold else v) for v in values):
                return True
    return False


def allows(
    document: PolicyDocument | None,
    who: Principal,
    action: str,
    request: Request = Request(),
    resource: Target | None = None,
) -> Decision:
    """May `who` call `action` (on `resource`, for identity policies) under `document`, for `request`?"""
    if document is None:
        return Decision(None)
    allow: Statement | None = None
    maybe = not document.known
    for statement in document.statements:
        effect = statement.effect if isinstance(statement.effect, str) else None
        named = statement_principal(statement, who)
        covered = _both(statement_action(statement, action), statement_resource(statement, resource))
        if effect == "Deny":
            if named and covered and not statement.condition:
                return Decision(False, deny=statement)
            continue
        if effect != "Allow":
            maybe = maybe or effect is None
            continue
        if named is False or covered is False or _excludes(statement, request):
            continue
        if named and covered:
            allow = allow or statement
        else:
            maybe = True
    if allow is not None:
        return Decision(True, allow=allow)
    return Decision(None if maybe else False)


def _both(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def grants(
    document: PolicyDocument | None,
    who: Principal,
    actions: tuple[str, ...],
    request: Request = Request(),
    resource: Target | None = None,
) -> tuple[bool | None, list[str], Statement | None]:
    """Whether `who` gets every action: (True/False/None, the actions certainly refused, a denying statement)."""
    missing, deny, unknown = [], None, False
    for action in actions:
        decision = allows(document, who, action, request, resource)
        if decision.allowed is False:
            missing.append(action)
            deny = deny or decision.deny
        elif decision.allowed is None:
            unknown = True
    if missing:
        return False, missing, deny
    return (None if unknown else True), [], None


def default_key_policy(key: Key) -> PolicyDocument:
    """AWS's default key policy: the key's account root gets kms:* (IAM policies then decide)."""
    root = f"arn:aws:iam::{key.account or THIS_ACCOUNT}:root"
    statement = Statement(
        span=key.span,
        sid="Enable IAM User Permissions",
        effect="Allow",
        principal={"AWS": root},
        action="kms:*",
        resource="*",
    )
    return PolicyDocument(key.span, [statement])


def key_policy(key: Key) -> tuple[PolicyDocument | None, Span]:
    """The policy that governs a customer managed key (the default one when none is written), and where
    to report on it; None when it is not known (not captured, unresolved)."""
    if key.policy is None:
        return default_key_policy(key), key.span
    document = key.policy.single
    return (document if isinstance(document, PolicyDocument) else None), key.policy.span


def named_principals(document: PolicyDocument | None) -> list[Principal]:
    """The accounts, roles and users a policy names under "AWS" (producers and consumers granted directly)."""
    named = []
    for statement in document.statements if document is not None else []:
        field = statement.principal if isinstance(statement.principal, dict) else {}
        for value in _as_list(field.get("AWS", [])):
            if isinstance(value, str) and value != "*":
                named.append(principal_of(value))
    return named
