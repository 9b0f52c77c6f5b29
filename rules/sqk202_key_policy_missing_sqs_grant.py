"""Key policy has no Allow for sqs.amazonaws.com with GenerateDataKey and Decrypt.

## What it does
Reads the key policy of each customer managed key that at least one queue in the unit uses
and looks for an Allow whose principal includes the service principal `sqs.amazonaws.com`
and whose actions cover both `kms:GenerateDataKey` (also `kms:GenerateDataKey*`, `kms:*`,
`*`) and `kms:Decrypt`. The message names the missing action(s). A key with no explicit
policy has AWS's default policy, which has no such grant, so the rule fires; the finding
then lands on the key resource, otherwise on `KeyPolicy` / `policy`.

## Why is this bad?
Off by default, because AWS does not require this grant. SQS calls KMS with the credentials
of the producer or consumer, so they need `kms:GenerateDataKey` / `kms:Decrypt` either in the
key policy or in their own IAM policies; in the second case the key policy only has to enable
IAM (account root `kms:*`), as AWS's default policy does. On real public repositories every
default-on finding of this rule was on such a key, which works: noise. A key nobody can use is
SQK201's; an AWS service (SNS, EventBridge, S3) that sends to the queue needs a grant to its own
service principal, and that is SQK203.

Turn it on when your house style wants one visible statement in each queue key's policy that
says "this key is for SQS" (some audit checklists ask for it, and the project's source
document prescribes it): `rules: {SQK202: warning}`. If you add the grant, scope it (SQK205).

## Example
```yaml
QueueKey:
  Type: AWS::KMS::Key          # no KeyPolicy: AWS's default policy
Queue:
  Type: AWS::SQS::Queue
  Properties:
    KmsMasterKeyId: !GetAtt QueueKey.Arn
```

## Use instead
```yaml
        - Effect: Allow
          Principal: {Service: sqs.amazonaws.com}
          Action: ["kms:GenerateDataKey", "kms:Decrypt"]
          Resource: "*"
          Condition:
            StringEquals: {"aws:SourceAccount": !Ref AWS::AccountId}
```

## Options
None. Off by default: turn it on with `rules: {SQK202: warning}` (or `error`, `note`) in
`.sqs-kms-lint.yaml`. Suppress one finding with
`# sqs-kms-lint: ignore SQK202 -- reason` on its line or the line above, or with the resource
Metadata `sqs-kms-lint: {ignore: [SQK202]}` in CloudFormation.

## References
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
- https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
- https://docs.aws.amazon.com/kms/latest/developerguide/iam-policies.html
- https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-services.html
"""

from collections.abc import Iterator

from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.lookup import keys_in_use
from sqs_kms_lint.model import THIS_ACCOUNT, Unit
from sqs_kms_lint.policy import DECRYPT, GENERATE_DATA_KEY, Request, grants, key_policy, service

FIX = (
    '{"Sid": "AllowSQSToUseTheKey", "Effect": "Allow", "Principal": {"Service": "sqs.amazonaws.com"}, '
    '"Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*", '
    '"Condition": {"StringEquals": {"aws:SourceAccount": "ACCOUNT_ID"}}}'
)


@rule("SQK202", "key-policy-missing-sqs-grant", "warning", opt_in=True)
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for key, queues in keys_in_use(unit):
        document, where = key_policy(key)
        if document is None:
            continue
        verdicts = []
        for queue in queues:  # for each queue's own account: a key of another account may serve it
            caller = queue.account or key.account or THIS_ACCOUNT
            verdicts.append(
                grants(
                    document,
                    service("sqs.amazonaws.com"),
                    (GENERATE_DATA_KEY, DECRYPT),
                    Request(caller_account=caller, source_account=caller),
                )
            )
        if verdicts and all(granted is False for granted, _, _ in verdicts):
            _, missing, deny = verdicts[0]
            denied = f", and statement {deny.sid or 'without Sid'} denies it" if deny is not None else ""
            yield ctx.report(
                key,
                f"key '{key.name}' (used by {', '.join(repr(q.name) for q in queues[:3])}) does not grant "
                f"sqs.amazonaws.com {' and '.join(missing)}{denied}; add {FIX}, or switch this rule off if "
                "producers and consumers get kms permissions through their own IAM policies",
                at=where,
                related=[(deny.span, "this statement denies")] if deny is not None else [],
            )
