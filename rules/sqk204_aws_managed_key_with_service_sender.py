"""Queue uses the AWS managed key alias/aws/sqs, but an AWS service sends to it.

## What it does
Reports a queue whose `KmsMasterKeyId` is the AWS managed key for SQS (`alias/aws/sqs` or
its alias ARN `arn:aws:kms:REGION:ACCOUNT:alias/aws/sqs`) when an AWS service sends to that
queue inside the unit: an SNS subscription with protocol `sqs`, an EventBridge rule target,
an S3 bucket notification (CDK's `Custom::S3BucketNotifications` included), or a
snapshot's `senders`; and a queue that is the dead-letter queue of an SNS subscription
(`RedrivePolicy`) or of an EventBridge target or event bus (`DeadLetterConfig`). The finding lands on the queue's
`KmsMasterKeyId`, with the sender as related location. The managed key's own policy is not
judged by the other key policy rules: it is fixed.

## Why is this bad?
AWS writes and owns the policy of an AWS managed key, and you cannot change it. The policy
of `alias/aws/sqs` lets principals of your account use the key through SQS; it does not let
the service principals of SNS, EventBridge or S3 use it. AWS's guidance is explicit: for
these event sources to work with an encrypted queue you must create a customer managed key
and grant the service in its key policy. Until then every delivery fails with
`KMS.AccessDeniedException` and the message is lost unless the sender has a dead-letter
queue, with no error in your application. A dead-letter queue of SNS or EventBridge is
written by the service itself, so it needs a customer managed key for the same reason: with
the AWS managed key the failed messages it should keep are lost too.

## Example
```yaml
Queue:
  Type: AWS::SQS::Queue
  Properties:
    KmsMasterKeyId: alias/aws/sqs
Rule:
  Type: AWS::Events::Rule
  Properties:
    EventPattern: {source: ["com.example.orders"]}
    Targets: [{Id: orders, Arn: !GetAtt Queue.Arn}]
```

## Use instead
```yaml
Queue:
  Type: AWS::SQS::Queue
  Properties:
    KmsMasterKeyId: !GetAtt QueueKey.Arn   # customer managed key granting
                                           # events.amazonaws.com (see SQK203)
```
If you do not need a customer managed key, SSE-SQS (`SqsManagedSseEnabled: true`) involves
no KMS key policy at all.

## Options
None. Change its severity with `rules: {SQK204: {severity: warning}}` or switch it off with
`rules: {SQK204: off}` in `.sqs-kms-lint.yaml`. Suppress one finding with
`# sqs-kms-lint: ignore SQK204 -- reason` on its line or the line above, or with the resource
Metadata `sqs-kms-lint: {ignore: [SQK204]}` in CloudFormation.

## References
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-least-privilege-policy.html
- https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html
- https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
"""

from collections.abc import Iterator

from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.lookup import sender_targets
from sqs_kms_lint.model import Sender, Unit


def _lost(sender: Sender) -> str:
    if sender.dead_letter:
        return f"the messages '{sender.name}' failed to deliver, which it moves to this dead-letter queue, are lost"
    return f"deliveries from '{sender.name}' fail"


@rule("SQK204", "aws-managed-key-with-service-sender", "error", precision="very-high")
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for sender, queue, lookups in sender_targets(unit):
        if lookups and all(lookup.aws_managed for lookup in lookups):
            yield ctx.report(
                queue,
                f"queue '{queue.name}' is encrypted with the AWS managed key alias/aws/sqs, whose policy cannot "
                f"grant {sender.service}: {_lost(sender)}; use a customer managed key whose "
                f"policy allows {sender.service}",
                at=queue.kms_key,
                related=[(sender, f"{sender.service} {sender.delivers()} this queue from here")],
            )
