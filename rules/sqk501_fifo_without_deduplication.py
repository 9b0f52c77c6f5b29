"""FIFO queue without ContentBasedDeduplication.

## What it does
Reports a FIFO queue (`FifoQueue: true`, `fifo_queue = true`) that does not enable
`ContentBasedDeduplication` (`content_based_deduplication`). The finding points at
`ContentBasedDeduplication` when it is set to false, else at the queue.

## Why is this bad?
Every message sent to a FIFO queue needs a deduplication ID. With content-based deduplication
SQS derives it from a SHA-256 hash of the message body; without it, each `SendMessage` must
carry a `MessageDeduplicationId` or SQS fails the call with an error. Producers that were
written for standard queues (or generic libraries) often omit it, and the failure appears
only at run time.

This applies to every FIFO queue, whatever its encryption. The project's source document ties
the requirement to SSE-KMS; that is wrong: AWS documents it for all FIFO queues, and
encryption plays no part in it.

It is a warning, not an error, because explicit IDs are a valid design: content-based
deduplication treats two messages with the same body as duplicates within the 5-minute
deduplication interval, which is not always what you want. If every producer sets
`MessageDeduplicationId`, switch the rule off or suppress it for that queue.

## Example
```yaml
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: orders.fifo
      FifoQueue: true
```

## Use instead
```yaml
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: orders.fifo
      FifoQueue: true
      ContentBasedDeduplication: true
```

## Options
None. Change its severity with `rules: {SQK501: {severity: error}}` or switch it off with
`rules: {SQK501: off}` in `.sqs-kms-lint.yaml`; suppress one finding with
`# sqs-kms-lint: ignore SQK501 -- producers set MessageDeduplicationId`.

## References
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-exactly-once-processing.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sqs_queue
"""

from collections.abc import Iterator

from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.model import Unit


@rule("SQK501", "fifo-without-deduplication", "warning", tags=("security", "reliability"))
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for queue in unit.queues:
        dedup = queue.content_based_deduplication
        if queue.is_fifo() and (dedup is None or dedup.every(lambda o: o is False)):
            yield ctx.report(
                queue,
                f"FIFO queue '{queue.name}' has no ContentBasedDeduplication: every SendMessage must carry a "
                "MessageDeduplicationId or it fails",
                at=dedup if dedup is not None else queue.fifo,
            )
