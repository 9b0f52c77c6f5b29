"""FIFO-only attributes (deduplication, throughput limit) set on a standard queue.

## What it does
Reports `ContentBasedDeduplication`, `DeduplicationScope` or `FifoThroughputLimit`
(`content_based_deduplication`, `deduplication_scope`, `fifo_throughput_limit`) on a queue
that is not FIFO (no `FifoQueue: true`). The finding points at the attribute.

## Why is this bad?
These attributes exist only for FIFO queues: content-based deduplication and the
high-throughput settings have no meaning on a standard queue, which offers at-least-once
delivery without deduplication. SQS rejects them on a standard queue
(`ContentBasedDeduplication` is known to fail with `InvalidAttributeName` even when false),
and the Terraform provider stops at plan time with "content-based deduplication can only be
set for FIFO queue". Their presence usually means the author wanted a FIFO queue and forgot
`FifoQueue: true`; the queue type cannot be changed after creation, so that needs a new queue.

## Example
```yaml
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: orders
      ContentBasedDeduplication: true
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
If a standard queue is what you want, delete the FIFO-only attributes instead.

## Options
None. Change its severity with `rules: {SQK503: {severity: warning}}` or switch it off with
`rules: {SQK503: off}` in `.sqs-kms-lint.yaml`; suppress one finding with
`# sqs-kms-lint: ignore SQK503 -- reason` on its line or the line above.

## References
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/high-throughput-fifo.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sqs_queue
"""

from collections.abc import Iterator

from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.model import Unit, is_set


@rule(
    "SQK503",
    "fifo-attributes-on-standard-queue",
    "error",
    tags=("security", "reliability"),
    precision="very-high",
)
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for queue in unit.queues:
        if not queue.is_standard():
            continue
        for attribute, value in (
            ("content_based_deduplication", queue.content_based_deduplication),
            ("deduplication_scope", queue.deduplication_scope),
            ("fifo_throughput_limit", queue.fifo_throughput_limit),
        ):
            if is_set(value):
                yield ctx.report(
                    queue,
                    f"standard queue '{queue.name}' sets {queue.word(attribute)}, which only FIFO queues accept: "
                    "AWS rejects the request",
                    at=value,
                )
