"""Queue whose FIFO setting and name disagree (.fifo suffix missing or misplaced).

## What it does
Reports a queue with `FifoQueue: true` whose `QueueName` does not end in `.fifo`, and a queue
whose name ends in `.fifo` without `FifoQueue: true`. The finding points at the name. Names
AWS tools generate are taken into account, so they are not reported:
- CloudFormation: with `FifoQueue: true` and no `QueueName`, CloudFormation generates a
  unique name that ends in `.fifo`.
- Terraform: `name` is used as written; with `name_prefix` and `fifo_queue = true` the
  provider appends a unique suffix and `.fifo` itself.

## Why is this bad?
AWS requires the name of a FIFO queue to end in `.fifo`, and a standard queue name may contain
only letters, digits, hyphens and underscores, so the suffix is not allowed there. Either
mismatch makes queue creation fail (CloudFormation reports that a FIFO queue name must end
with the .fifo suffix; the Terraform provider rejects the name at plan time). A `.fifo` name on
a queue without `FifoQueue: true` also suggests the author expected ordering and
deduplication that a standard queue does not give.

## Example
```yaml
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: orders
      FifoQueue: true
      ContentBasedDeduplication: true
```

## Use instead
```yaml
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: orders.fifo   # or drop QueueName and let CloudFormation generate one
      FifoQueue: true
      ContentBasedDeduplication: true
```

## Options
None. Change its severity with `rules: {SQK502: {severity: warning}}` or switch it off with
`rules: {SQK502: off}` in `.sqs-kms-lint.yaml`; suppress one finding with
`# sqs-kms-lint: ignore SQK502 -- reason` on its line or the line above.

## References
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-queues.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sqs_queue
"""

from collections.abc import Iterator

from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.model import Unit


@rule("SQK502", "fifo-name-mismatch", "error", tags=("security", "reliability"), precision="very-high")
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for queue in unit.queues:
        name = queue.queue_name
        if name is None or not name.every(lambda o: isinstance(o, str)):
            continue
        if queue.is_fifo() and name.every(lambda o: not o.endswith(".fifo")):
            yield ctx.report(
                queue, f"FIFO queue name {name.shown()} does not end in '.fifo': AWS rejects it", at=name
            )
        elif queue.is_standard() and name.every(lambda o: o.endswith(".fifo")):
            yield ctx.report(
                queue,
                f"queue name {name.shown()} ends in '.fifo' but {queue.word('fifo')} is not true: AWS rejects it",
                at=name,
            )
