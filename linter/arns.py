"""AWS identifiers: KMS key references (the four forms KmsMasterKeyId accepts) and SQS queue ARNs/URLs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .model import ABSENT, THIS_ACCOUNT, THIS_REGION, UNKNOWN, ResourceRef

_PARTITION = r"aws(?:-[a-z]+)*"
_REGION = r"(?:[a-z]{2,4}(?:-[a-z]+)+-\d+|" + re.escape(THIS_REGION) + ")"  # us-east-1, eusc-de-east-1
_ACCOUNT = r"(?:\d{12}|" + re.escape(THIS_ACCOUNT) + ")"
_KEY_ID = (
    r"(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|mrk-[0-9a-fA-F]{32})"
)
_ALIAS = r"alias/[A-Za-z0-9:/_-]+"

KEY_ID_RE = re.compile(f"^{_KEY_ID}$")
ALIAS_NAME_RE = re.compile(f"^{_ALIAS}$")
KEY_ARN_RE = re.compile(
    f"^arn:{_PARTITION}:kms:(?P<region>{_REGION}):(?P<account>{_ACCOUNT}):key/(?P<id>{_KEY_ID})$"
)
ALIAS_ARN_RE = re.compile(
    f"^arn:{_PARTITION}:kms:(?P<region>{_REGION}):(?P<account>{_ACCOUNT}):(?P<alias>{_ALIAS})$"
)
QUEUE_ARN_RE = re.compile(
    f"^arn:{_PARTITION}:sqs:(?P<region>{_REGION}):(?P<account>{_ACCOUNT}):(?P<name>[^:/]+)$"
)
QUEUE_URL_RE = re.compile(
    r"^https?://(?:sqs\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?|(?:(?P<region2>[a-z0-9-]+)\.)?queue"
    r"\.amazonaws\.com(?:\.cn)?)/(?P<account>\d{12})/(?P<name>[^/?]+)/?$"
)

AWS_MANAGED_SQS_ALIAS = "alias/aws/sqs"


@dataclass(frozen=True)
class KmsRef:
    """What a KmsMasterKeyId value says, whatever form it takes.

    kind: "key-id", "key-arn", "alias-name", "alias-arn", "malformed", "dangling" (a reference to a
    resource the unit does not have), "unknown" (a value we cannot know or classify) or "absent" (a branch
    that removes the attribute).
    """

    kind: str
    account: str | None = None  # None: the caller's (queue's) account
    region: str | None = None  # None: the caller's (queue's) region
    key_id: str | None = None
    alias: str | None = None
    resource: ResourceRef | None = None

    @property
    def is_aws_managed(self) -> bool:
        return self.alias == AWS_MANAGED_SQS_ALIAS


def parse_kms_ref(content: Any) -> KmsRef:
    """Classify one resolved KmsMasterKeyId content."""
    if content is ABSENT:
        return KmsRef("absent")
    if content is UNKNOWN:
        return KmsRef("unknown")
    if isinstance(content, ResourceRef):
        if content.kind is None:
            return KmsRef("dangling", resource=content)
        if content.kind == "key":
            kind = "key-arn" if content.attribute == "arn" else "key-id"
            return KmsRef(kind, account=THIS_ACCOUNT if kind == "key-arn" else None, resource=content)
        if content.kind == "alias":
            kind = "alias-arn" if content.attribute == "arn" else "alias-name"
            return KmsRef(kind, account=THIS_ACCOUNT if kind == "alias-arn" else None, resource=content)
        return KmsRef("unknown", resource=content)
    if not isinstance(content, str):
        return KmsRef("malformed")
    value = content.strip()
    if KEY_ID_RE.match(value):
        return KmsRef("key-id", key_id=value)
    if ALIAS_NAME_RE.match(value):
        return KmsRef("alias-name", alias=value)
    if m := KEY_ARN_RE.match(value):
        return KmsRef("key-arn", account=m["account"], region=m["region"], key_id=m["id"])
    if m := ALIAS_ARN_RE.match(value):
        return KmsRef("alias-arn", account=m["account"], region=m["region"], alias=m["alias"])
    if THIS_ACCOUNT in value or THIS_REGION in value:
        return KmsRef("unknown")  # e.g. alias/${AWS::Region}-orders: fine once deployed, unknown here
    return KmsRef("malformed")


@dataclass(frozen=True)
class QueueId:
    name: str
    account: str | None
    region: str | None


def parse_queue_id(text: str) -> QueueId | None:
    """A queue ARN or URL, or None."""
    if m := QUEUE_ARN_RE.match(text):
        return QueueId(m["name"], m["account"], m["region"])
    if m := QUEUE_URL_RE.match(text):
        return QueueId(m["name"], m["account"], m["region"] or m["region2"])
    return None


def same_account(a: str | None, b: str | None) -> bool | None:
    """True/False when known; None when one side is only "this account" and the other a literal."""
    return _same(a, b, THIS_ACCOUNT)


def same_region(a: str | None, b: str | None) -> bool | None:
    return _same(a, b, THIS_REGION)


def _same(a: str | None, b: str | None, this: str) -> bool | None:
    if a is None or b is None:
        return None
    if a == b:
        return True
    return None if this in (a, b) else False
