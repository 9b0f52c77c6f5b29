"""FifoThroughputLimit perMessageGroupId without DeduplicationScope messageGroup.

## What it does
Reports a FIFO queue whose `FifoThroughputLimit` (`fifo_throughput_limit`) is
`perMessageGroupId` while its `DeduplicationScope` (`deduplication_scope`) is `queue` or unset
(AWS's default is `queue`). The finding points at `FifoThroughputLimit`.

## Why is this bad?
The SQS API reference states that the `perMessageGroupId` value is allowed only when
`DeduplicationScope` is `messageGroup`. High throughput for FIFO queues needs both settings
together (`DeduplicationScope: messageGroup` and `FifoThroughputLimit: perMessageGroupId`).
With only the throughput limit, the request is either refused or, at best, the queue runs at
normal FIFO throughput: the template asks for something the queue does not get.

## Example
```yaml
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: orders.fifo
      FifoQueue: true
      ContentBasedDeduplication: true
      FifoThroughputLimit: perMessageGroupId
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
      DeduplicationScope: messageGroup
      FifoThroughputLimit: perMessageGroupId
```
For normal FIFO throughput, use `FifoThroughputLimit: perQueue` (or leave both unset).

## Options
None. Change its severity with `rules: {SQK504: {severity: warning}}` or switch it off with
`rules: {SQK504: off}` in `.sqs-kms-lint.yaml`; suppress one finding with
`# sqs-kms-lint: ignore SQK504 -- reason` on its line or the line above.

## References
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/high-throughput-fifo.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/enable-high-throughput-fifo.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sqs_queue
"""

from collections.abc import Iterator

from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.model import Unit


@rule(
    "SQK504",
    "fifo-throughput-scope-mismatch",
    "error",
    tags=("security", "reliability"),
    precision="very-high",
)
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for queue in unit.queues:
        limit, scope = queue.fifo_throughput_limit, queue.deduplication_scope
        if not queue.is_fifo() or limit is None or not limit.every(lambda o: o == "perMessageGroupId"):
            continue
        if scope is None or scope.every(lambda o: o != "messageGroup"):
            yield ctx.report(
                queue,
                f"FIFO queue '{queue.name}' sets {queue.setting('fifo_throughput_limit', 'perMessageGroupId', ' ')} "
                f"without {queue.setting('deduplication_scope', 'messageGroup', ' ')}: AWS rejects the pair; set "
                f"{queue.setting('deduplication_scope', 'messageGroup')} for high throughput",
                at=limit,
            )
