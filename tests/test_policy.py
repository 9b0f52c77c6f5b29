"""The IAM evaluator on its own: a table of statements x questions, with the deciding statement."""

from __future__ import annotations

import pytest
from sqs_kms_lint.model import THIS_ACCOUNT, PolicyDocument, Span, Statement
from sqs_kms_lint.policy import (
    DECRYPT,
    GENERATE_DATA_KEY,
    Request,
    account,
    allows,
    grants,
    principal_of,
    service,
)

HERE = Span("p.json", 1)
ROOT = "arn:aws:iam::111122223333:root"
SNS, SQS = service("sns.amazonaws.com"), service("sqs.amazonaws.com")
ROLE = principal_of("arn:aws:iam::111122223333:role/producer")
OTHER_ROLE = principal_of("arn:aws:iam::444455556666:role/stranger")


def doc(*statements: dict) -> PolicyDocument:
    fields = {
        "Sid": "sid",
        "Effect": "effect",
        "Principal": "principal",
        "NotPrincipal": "not_principal",
        "Action": "action",
        "NotAction": "not_action",
        "Resource": "resource",
        "NotResource": "not_resource",
        "Condition": "condition",
    }
    return PolicyDocument(HERE, [Statement(HERE, **{fields[k]: v for k, v in s.items()}) for s in statements])


ALLOW_ROOT = {
    "Sid": "root",
    "Effect": "Allow",
    "Principal": {"AWS": ROOT},
    "Action": "kms:*",
    "Resource": "*",
}


@pytest.mark.parametrize(
    ("statements", "who", "action", "request_", "expected"),
    [
        # principals
        ([ALLOW_ROOT], account("111122223333"), DECRYPT, Request(), True),
        ([ALLOW_ROOT], ROLE, DECRYPT, Request(), True),  # delegation to the account's principals
        ([ALLOW_ROOT], OTHER_ROLE, DECRYPT, Request(), False),
        ([ALLOW_ROOT], SNS, DECRYPT, Request(), False),
        (
            [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "kms:Decrypt"}],
            ROLE,
            DECRYPT,
            Request(),
            True,
        ),
        ([{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt"}], SNS, DECRYPT, Request(), True),
        (
            [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt"}],
            OTHER_ROLE,
            DECRYPT,
            Request(),
            True,
        ),
        (
            [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": ["sns.amazonaws.com", "s3.amazonaws.com"]},
                    "Action": "kms:Decrypt",
                }
            ],
            SNS,
            DECRYPT,
            Request(),
            True,
        ),
        (
            [{"Effect": "Allow", "NotPrincipal": {"AWS": ROOT}, "Action": "kms:Decrypt"}],
            SNS,
            DECRYPT,
            Request(),
            True,
        ),
        (
            [{"Effect": "Allow", "NotPrincipal": {"Service": "sns.amazonaws.com"}, "Action": "kms:Decrypt"}],
            SNS,
            DECRYPT,
            Request(),
            False,
        ),
        (
            [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{THIS_ACCOUNT}:root"},
                    "Action": "kms:*",
                }
            ],
            account("111122223333"),
            DECRYPT,
            Request(),
            None,
        ),  # "this account" vs a literal: unknown
        # actions
        (
            [{"Effect": "Allow", "Principal": "*", "Action": "kms:GenerateDataKey*"}],
            SNS,
            GENERATE_DATA_KEY,
            Request(),
            True,
        ),
        (
            [{"Effect": "Allow", "Principal": "*", "Action": "KMS:generatedatakey"}],
            SNS,
            GENERATE_DATA_KEY,
            Request(),
            True,
        ),
        ([{"Effect": "Allow", "Principal": "*", "Action": "*"}], SNS, DECRYPT, Request(), True),
        (
            [{"Effect": "Allow", "Principal": "*", "Action": ["kms:Encrypt", "kms:Describe*"]}],
            SNS,
            DECRYPT,
            Request(),
            False,
        ),
        ([{"Effect": "Allow", "Principal": "*", "NotAction": "kms:Decrypt"}], SNS, DECRYPT, Request(), False),
        ([{"Effect": "Allow", "Principal": "*", "NotAction": "kms:Put*"}], SNS, DECRYPT, Request(), True),
        # deny
        (
            [ALLOW_ROOT, {"Sid": "no", "Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt"}],
            ROLE,
            DECRYPT,
            Request(),
            False,
        ),
        (
            [
                ALLOW_ROOT,
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "kms:Decrypt",
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
            ],
            ROLE,
            DECRYPT,
            Request(),
            True,
        ),
        (
            [
                ALLOW_ROOT,
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "kms:*",
                    "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-123"}},
                },
            ],
            ROLE,
            DECRYPT,
            Request(),
            True,
        ),
        (
            [ALLOW_ROOT, {"Effect": "Deny", "NotPrincipal": {"AWS": ROOT}, "Action": "kms:Decrypt"}],
            SNS,
            DECRYPT,
            Request(),
            False,
        ),
        # conditions: allow under them, unless they name another source or account
        (
            [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "kms:Decrypt",
                    "Condition": {
                        "ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:orders"}
                    },
                }
            ],
            SNS,
            DECRYPT,
            Request(source_arn="arn:aws:sns:us-east-1:111122223333:orders"),
            True,
        ),
        (
            [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "kms:Decrypt",
                    "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:other"}},
                }
            ],
            SNS,
            DECRYPT,
            Request(source_arn="arn:aws:sns:us-east-1:111122223333:orders"),
            False,
        ),
        (
            [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "kms:*",
                    "Condition": {
                        "StringEquals": {
                            "kms:CallerAccount": "111122223333",
                            "kms:ViaService": "sqs.us-east-1.amazonaws.com",
                        }
                    },
                }
            ],
            ROLE,
            DECRYPT,
            Request(caller_account="111122223333"),
            True,
        ),
        (
            [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "kms:*",
                    "Condition": {"StringEquals": {"kms:CallerAccount": "999999999999"}},
                }
            ],
            ROLE,
            DECRYPT,
            Request(caller_account="111122223333"),
            False,
        ),
        (
            [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "kms:Decrypt",
                    "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}},
                }
            ],
            SNS,
            DECRYPT,
            Request(),
            True,
        ),
    ],
)
def test_allows(statements, who, action, request_, expected) -> None:
    decision = allows(doc(*statements), who, action, request_)
    assert decision.allowed is expected
    if expected is True:
        assert decision.allow is not None
    if expected is False and any(s.get("Effect") == "Deny" and "Condition" not in s for s in statements):
        assert decision.deny is not None


def test_grants_names_the_missing_actions_and_the_deny() -> None:
    policy = doc(
        {
            "Effect": "Allow",
            "Principal": {"Service": "sns.amazonaws.com"},
            "Action": ["kms:GenerateDataKey*"],
        },
        {"Sid": "NoDecrypt", "Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt"},
    )
    granted, missing, deny = grants(policy, SNS, (GENERATE_DATA_KEY, DECRYPT))
    assert (granted, missing, deny.sid if deny else None) == (False, [DECRYPT], "NoDecrypt")


def test_unknown_parts_give_unknown_answers() -> None:
    from sqs_kms_lint.model import UNKNOWN

    assert (
        allows(doc({"Effect": "Allow", "Principal": UNKNOWN, "Action": "kms:*"}), SNS, DECRYPT).allowed
        is None
    )
    assert (
        allows(doc({"Effect": "Allow", "Principal": "*", "Action": [UNKNOWN]}), SNS, DECRYPT).allowed is None
    )
    assert allows(None, SNS, DECRYPT).allowed is None


def test_resources_and_account_principals() -> None:
    from sqs_kms_lint.model import ResourceRef
    from sqs_kms_lint.policy import Target, named_principals, positive_condition_keys

    key = Target(arn="arn:aws:kms:us-east-1:111122223333:key/k1", ref=ResourceRef("key", "Key", "arn"))
    identity = principal_of("arn:aws:iam::111122223333:role/consumer")
    rows = [
        ({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}, True),
        (
            {
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": "arn:aws:kms:us-east-1:111122223333:key/*",
            },
            True,
        ),
        ({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:*:*:alias/orders"}, False),
        ({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": ResourceRef("key", "Key", "arn")}, True),
        ({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": ResourceRef("key", "Other", "arn")}, False),
        (
            {
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "NotResource": "arn:aws:kms:us-east-1:111122223333:key/k1",
            },
            False,
        ),
    ]
    for statement, expected in rows:
        assert allows(doc(statement), identity, DECRYPT, resource=key).allowed is expected, statement
    unknown_arn = Target(arn=None, ref=ResourceRef("key", "Key", "arn"))
    pattern = {
        "Effect": "Allow",
        "Action": "kms:Decrypt",
        "Resource": "arn:aws:kms:us-east-1:111122223333:key/*",
    }
    assert allows(doc(pattern), identity, DECRYPT, resource=unknown_arn).allowed is None

    shared = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:role/producer"},
            "Action": "kms:*",
        }
    )
    assert (
        allows(shared, account("111122223333"), DECRYPT).allowed is False
    )  # the account is more than a role
    assert [p.account for p in named_principals(shared)] == ["111122223333"]

    null = doc(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "kms:*",
            "Condition": {"Null": {"aws:SourceArn": "true"}},
        }
    )
    if_exists = doc(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "kms:*",
            "Condition": {"StringEqualsIfExists": {"kms:CallerAccount": "999999999999"}},
        }
    )
    assert positive_condition_keys(null.statements[0]) == set()
    assert allows(if_exists, ROLE, DECRYPT, Request(caller_account="111122223333")).allowed is True
