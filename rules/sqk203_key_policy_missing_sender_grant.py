"""SNS, EventBridge or S3 sends to the queue, but the key policy does not grant that service.

## What it does
Finds AWS services that send to a queue inside the unit: an SNS subscription with protocol
`sqs` (`AWS::SNS::Subscription`, `aws_sns_topic_subscription`), an EventBridge rule target
(`AWS::Events::Rule` Targets, `aws_cloudwatch_event_target`), an S3 bucket notification
(`QueueConfigurations`, the `queue` block of `aws_s3_bucket_notification`), or a snapshot's
`senders`. Dead-letter deliveries count too: the queue named by an SNS subscription's
`RedrivePolicy` (any protocol: SNS itself moves the messages it failed to deliver there),
by an EventBridge target's or event bus's `DeadLetterConfig` (`dead_letter_config`), and the
queues of
CDK's `Custom::S3BucketNotifications` (`NotificationConfiguration.QueueConfigurations[].QueueArn`),
which every CDK app with S3 notifications synthesises. When the queue uses a customer managed key, the key policy must give the sender's
service principal (`sns.amazonaws.com`, `events.amazonaws.com`, `s3.amazonaws.com`) both
`kms:GenerateDataKey` and `kms:Decrypt`. An Allow with conditions counts unless they name a
different source ARN or account; an explicit Deny wins. A key with no explicit policy has
AWS's default policy, which grants no service principal, so the rule fires. The finding
lands on the key policy (or the key resource), with the sender as related location. The
AWS managed key is left to SQK204.

## Why is this bad?
The service calls KMS as its own service principal, not as an identity of your account, so
the account statement of the default policy (IAM delegation) does not cover it: only the key
policy can. SQS refuses the delivery with `KMS.AccessDeniedException`, and no error reaches
the code that caused the event: SNS moves the message to the subscription's dead-letter
queue if one is set, else discards it; EventBridge does not retry permission errors and
sends the event to the target's dead-letter queue or drops it; S3 notifications are lost.
You see it only in delivery logs and failure metrics (`FailedInvocations`, ...).

## Example
```yaml
Subscription:
  Type: AWS::SNS::Subscription
  Properties:
    TopicArn: !Ref Topic
    Protocol: sqs
    Endpoint: !GetAtt Queue.Arn
QueueKey:
  Type: AWS::KMS::Key          # default policy: account root only
```

## Use instead
```yaml
        - Effect: Allow
          Principal: {Service: sns.amazonaws.com}
          Action: ["kms:GenerateDataKey", "kms:Decrypt"]
          Resource: "*"
          Condition:
            ArnEquals: {"aws:SourceArn": !Ref Topic}
```
The queue policy must also let the service call `sqs:SendMessage`; this rule does not check it.

## Options
None. Change its severity with `rules: {SQK203: {severity: warning}}` or switch it off with
`rules: {SQK203: off}` in `.sqs-kms-lint.yaml`. Suppress one finding with
`# sqs-kms-lint: ignore SQK203 -- reason` on its line or the line above, or with the resource
Metadata `sqs-kms-lint: {ignore: [SQK203]}` in CloudFormation.

## References
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-least-privilege-policy.html
- https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html
- https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-event-delivery.html
- https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html
"""

from collections.abc import Iterator

from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.lookup import sender_targets
from sqs_kms_lint.model import Unit
from sqs_kms_lint.policy import DECRYPT, GENERATE_DATA_KEY, Request, arn_account, grants, key_policy, service


@rule("SQK203", "key-policy-missing-sender-grant", "error")
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for sender, queue, lookups in sender_targets(unit):
        if not lookups or any(lookup.key is None or lookup.aws_managed for lookup in lookups):
            continue
        source = sender.source_arn.single if sender.source_arn is not None else None
        # The sender's account is its ARN's, when the ARN says (an S3 bucket's does not).
        request = Request(source_arn=source, source_account=arn_account(source))
        verdicts = []
        for lookup in lookups:  # every branch of the queue's key must refuse the service
            assert lookup.key is not None
            document, where = key_policy(lookup.key)
            granted, missing, deny = grants(
                document, service(sender.service), (GENERATE_DATA_KEY, DECRYPT), request
            )
            verdicts.append((lookup.key, where, granted, missing, deny))
        if not all(granted is False for _, _, granted, _, _ in verdicts):
            continue
        key, where, _, missing, deny = verdicts[0]
        denied = f" (statement {deny.sid or 'without Sid'} denies it)" if deny is not None else ""
        yield ctx.report(
            key,
            f"'{sender.name}' {sender.delivers()} queue '{queue.name}' through {sender.service}, but key '{key.name}' "
            f"does not grant {sender.service} {' and '.join(missing)}{denied}: deliveries are dropped "
            f'silently; add an Allow for {{"Service": "{sender.service}"}} with kms:GenerateDataKey and '
            "kms:Decrypt, scoped by aws:SourceArn",
            at=where,
            related=[(sender, f"{sender.service} {sender.delivers()} queue '{queue.name}' from here")],
        )
