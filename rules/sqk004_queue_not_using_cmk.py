"""Queue encrypted with SSE-SQS or the AWS managed key instead of a customer managed key.

## What it does
Off by default. When enabled, reports a queue that is encrypted but not with a customer managed
KMS key: a queue using SSE-SQS (explicitly, or by leaving both `SqsManagedSseEnabled` and
`KmsMasterKeyId` unset), or a queue whose `KmsMasterKeyId` is the AWS managed key for SQS
(`alias/aws/sqs`, its alias ARN, or its key ARN when known). An unencrypted queue is SQK001's.

## Why is this bad?
It often is not: SSE-SQS is AWS's default and a sound one, which is why this rule is opt-in.
Teams turn it on when policy or compliance requires keys they control. Only a customer managed
key gives you a key policy you write (a second access check on top of IAM and the queue
policy), the ability to revoke access by disabling the key, and your own rotation settings.
SSE-SQS uses keys that SQS owns, so no KMS calls for it appear in your CloudTrail at all.
The AWS managed key `alias/aws/sqs` is in your account but its key policy cannot be changed,
so AWS services that send to queues (SNS, EventBridge, S3 notifications) cannot be granted use
of it, and AWS documents that a queue using it cannot invoke a Lambda function in another
account.

## Example
```yaml
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: alias/aws/sqs
```

## Use instead
```yaml
Resources:
  QueueKey:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !GetAtt QueueKey.Arn
```

## Options
Enabled by the top-level setting `require-cmk: true` in `.sqs-kms-lint.yaml`, which turns it on
with severity `error`. Once enabled, `rules: {SQK004: {severity: warning}}` changes the severity
and `rules: {SQK004: off}` switches it off again; suppress one finding with
`# sqs-kms-lint: ignore SQK004 -- reason` on its line or the line above.

## References
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
- https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#customer-cmk
- https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-cmk
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-key.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key
"""

from collections.abc import Iterator

from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.lookup import queue_key_lookups
from sqs_kms_lint.model import ABSENT, Unit


@rule("SQK004", "queue-not-using-cmk", "error", opt_in=True)
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for queue in unit.queues:
        if queue.kms_key is not None:
            lookups = queue_key_lookups(unit, queue)
            if lookups and all(lookup.aws_managed for lookup in lookups):
                yield ctx.report(
                    queue,
                    f"queue '{queue.name}' uses the AWS managed key alias/aws/sqs: its policy cannot be changed; "
                    "use a customer managed key (require-cmk is on)",
                    at=queue.kms_key,
                )
            continue
        sse = queue.sqs_managed_sse
        # true and unset (AWS's default) both mean SSE-SQS: a conditional between them is SSE-SQS
        if (
            sse is not None
            and sse.known
            and all(o is True or (o is ABSENT and not queue.live) for o in sse.options)
        ):
            yield ctx.report(
                queue,
                f"queue '{queue.name}' uses SSE-SQS, not a customer managed key (require-cmk is on)",
                at=sse,
            )
        elif sse is None and not queue.live:
            yield ctx.report(
                queue,
                f"queue '{queue.name}' sets no {queue.word('kms_key')}, so it gets SSE-SQS, not a customer managed "
                "key (require-cmk is on)",
            )
