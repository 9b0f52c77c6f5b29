"""Queue that sets SqsManagedSseEnabled true and a KmsMasterKeyId at the same time.

## What it does
Reports a queue that sets `SqsManagedSseEnabled: true` (`sqs_managed_sse_enabled = true`) and
also a `KmsMasterKeyId` (`kms_master_key_id`). The finding points at `SqsManagedSseEnabled`,
the setting to remove when a KMS key is intended.

## Why is this bad?
A queue has one type of server-side encryption at a time: SSE-SQS or SSE-KMS. The
CloudFormation reference states that only one server-side encryption option is supported
per queue, and SQS rejects a request that asks for both, so the stack create or update fails.
The Terraform provider declares the two arguments as conflicting and stops at plan time.
Either way the queue does not deploy, and the template does not say which encryption the
author wanted.

## Example
```yaml
Resources:
  QueueKey:
    Type: AWS::KMS::Key
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      SqsManagedSseEnabled: true
      KmsMasterKeyId: !GetAtt QueueKey.Arn
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
```
To keep SSE-SQS instead, remove `KmsMasterKeyId` (and any `KmsDataKeyReusePeriodSeconds`).

## Options
None. Change its severity with `rules: {SQK003: {severity: warning}}` or switch it off with
`rules: {SQK003: off}` in `.sqs-kms-lint.yaml`; suppress one finding with
`# sqs-kms-lint: ignore SQK003 -- reason` on its line or the line above.

## References
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-sse-existing-queue.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sqs_queue
"""

from collections.abc import Iterator

from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.model import Unit


@rule("SQK003", "queue-sse-modes-conflict", "error", precision="very-high")
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for queue in unit.queues:
        sse = queue.sqs_managed_sse
        # A key whose value is unknown (an import, a parameter) is still a key written beside SSE-SQS.
        if sse is not None and sse.every(lambda o: o is True) and queue.uses_kms():
            yield ctx.report(
                queue,
                f"queue '{queue.name}' sets both {queue.setting('sqs_managed_sse', True)} and "
                f"{queue.word('kms_key')}: AWS rejects the request (only one type of SSE at a time); remove "
                f"{queue.word('sqs_managed_sse')} to use the KMS key",
                at=sse,
            )
