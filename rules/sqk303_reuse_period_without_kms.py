"""Data key reuse period set on a queue that has no KMS key.

## What it does
Reports `KmsDataKeyReusePeriodSeconds` (`kms_data_key_reuse_period_seconds`) on a queue that
has no `KmsMasterKeyId`: a queue using SSE-SQS (explicitly or by default) or no server-side
encryption. The finding points at the reuse period.

## Why is this bad?
The reuse period only tells SQS how long it may reuse a data key before calling AWS KMS again
for the queue's KMS key. Without a KMS key there is nothing to call, so the setting has no
effect (the Terraform provider even drops it from the diff for such queues). A reuse period
on its own usually means the key was meant to be there: it was removed from a copied block,
sits behind a condition that resolved the other way, or was set on the wrong resource.

## Example
```yaml
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      SqsManagedSseEnabled: true
      KmsDataKeyReusePeriodSeconds: 900
```

## Use instead
```yaml
Resources:
  QueueKey:
    Type: AWS::KMS::Key
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !GetAtt QueueKey.Arn
      KmsDataKeyReusePeriodSeconds: 900
```
If SSE-SQS is what you want, delete `KmsDataKeyReusePeriodSeconds` instead.

A Terraform module whose key is an optional input (`kms_master_key_id = var.kms_key`, default `null`, or
a conditional that leaves it `null`) is not reported when linted with its own defaults, nor for a caller
that passes no key and no period: the period is there for the callers who pass a key. A caller (or a
tfvars file) that passes a period and no key is reported, on its argument. CloudFormation's equivalents
(a key parameter defaulting to `""`, `!If` with `AWS::NoValue`) write the key too and were never
reported. A plan is one configuration: a queue planned without a key but with a period is reported.

## Options
None. Change its severity with `rules: {SQK303: {severity: error}}` or switch it off with
`rules: {SQK303: off}` in `.sqs-kms-lint.yaml`; suppress one finding with
`# sqs-kms-lint: ignore SQK303 -- reason` on its line or the line above.

## References
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sqs_queue
"""

from collections.abc import Iterator

from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.model import Unit, is_set


@rule("SQK303", "reuse-period-without-kms", "warning")
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for queue in unit.queues:
        # A live queue reports the attribute itself; only an author's template shows intent.
        if queue.live or not is_set(queue.reuse_period) or queue.kms_key is not None:
            continue
        if queue.optional_key_unset:  # (a module's optional key input: the period is for the callers' keys)
            continue
        yield ctx.report(
            queue,
            f"queue '{queue.name}' sets {queue.word('reuse_period')} but no {queue.word('kms_key')}: AWS ignores "
            "the period (SSE-SQS or no encryption); was a KMS key meant to be set?",
            at=queue.reuse_period,
        )
