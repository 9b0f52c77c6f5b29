"""Key policy has no Allow for sqs.amazonaws.com with GenerateDataKey and Decrypt.

## What it does
Reads the key policy of each customer managed key that at least one queue in the unit uses
and looks for an Allow whose principal includes the service principal `sqs.amazonaws.com`
and whose actions cover both `kms:GenerateDataKey` (also `kms:GenerateDataKey*`, `kms:*`,
`*`) and `kms:Decrypt`. The message names the missing action(s). A key with no explicit
policy has AWS's default policy, which has no such grant, so the rule fires; the finding
then lands on the key resource, otherwise on `KeyPolicy` / `policy`.

## Why is this bad?
This rule enforces the layout that the project's source document prescribes, not an AWS
requirement. AWS does not need a grant to `sqs.amazonaws.com` for
producers and consumers: SQS calls KMS with their credentials, so they need
`kms:GenerateDataKey` / `kms:Decrypt` either in the key policy or in their own IAM
policies, and in the second case the key policy only has to enable IAM, as the default
policy does. What the grant gives you is one visible place in the key policy that says
"this key is for SQS". AWS services that send to the queue (SNS, EventBridge, S3) need a
grant to their own service principal; that is SQK203, not this rule.

If your team grants producers and consumers directly, switch this rule off
(`rules: {SQK202: off}`). If you add the grant, scope it (see SQK205).

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
None. Switch it off with `rules: {SQK202: off}` in `.sqs-kms-lint.yaml`, or change its
severity with `rules: {SQK202: {severity: note}}`. Suppress one finding with
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


@rule("SQK202", "key-policy-missing-sqs-grant", "warning")
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
