"""Dead-letter queue whose type (FIFO or standard) differs from its source queue.

## What it does
Joins each queue's redrive policy (`RedrivePolicy.deadLetterTargetArn`, Terraform
`redrive_policy` or `aws_sqs_queue_redrive_policy`) to the dead-letter queue it names inside
the unit, and reports when one is FIFO and the other standard. The finding points at
`deadLetterTargetArn`. A target outside the unit, or an unresolved ARN, is not guessed at.

## Why is this bad?
AWS requires the dead-letter queue of a FIFO queue to be a FIFO queue, and the dead-letter
queue of a standard queue to be a standard queue. SQS rejects a redrive policy that mixes them,
so the queue's create or update fails. The queue type cannot be changed after creation, so
fixing it later means replacing the dead-letter queue.

## Example
```yaml
Resources:
  DeadLetters:
    Type: AWS::SQS::Queue
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      FifoQueue: true
      ContentBasedDeduplication: true
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt DeadLetters.Arn
        maxReceiveCount: 5
```

## Use instead
```yaml
Resources:
  DeadLetters:
    Type: AWS::SQS::Queue
    Properties:
      FifoQueue: true
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      FifoQueue: true
      ContentBasedDeduplication: true
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt DeadLetters.Arn
        maxReceiveCount: 5
```

## Options
None. Change its severity with `rules: {SQK505: {severity: warning}}` or switch it off with
`rules: {SQK505: off}` in `.sqs-kms-lint.yaml`; suppress one finding with
`# sqs-kms-lint: ignore SQK505 -- reason` on its line or the line above.

## References
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sqs_queue_redrive_policy
"""

from collections.abc import Iterator
from typing import Any

from sqs_kms_lint.arns import parse_queue_id
from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.lookup import find_queue
from sqs_kms_lint.model import Unit


def _target_is_fifo(unit: Unit, content: Any) -> bool | None:
    """True/False when the redrive target's type is known, else None."""
    target = find_queue(unit, content)
    if target is not None:
        return True if target.is_fifo() else False if target.is_standard() else None
    queue_id = parse_queue_id(content.strip()) if isinstance(content, str) else None
    # AWS requires a FIFO queue's name to end in .fifo and forbids it on a standard queue.
    return queue_id.name.endswith(".fifo") if queue_id is not None else None


@rule("SQK505", "dlq-type-mismatch", "error", tags=("security", "reliability"), precision="very-high")
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for queue in unit.queues:
        target = queue.redrive_target
        if target is None or not target.known:
            continue
        kinds = {_target_is_fifo(unit, content) for content in target.options}
        if queue.is_fifo() and kinds == {False}:
            yield ctx.report(
                queue,
                f"FIFO queue '{queue.name}' sends failed messages to a standard dead-letter queue: AWS requires "
                "the dead-letter queue of a FIFO queue to be FIFO",
                at=target,
            )
        elif queue.is_standard() and kinds == {True}:
            yield ctx.report(
                queue,
                f"standard queue '{queue.name}' sends failed messages to a FIFO dead-letter queue: AWS requires "
                "the dead-letter queue of a standard queue to be standard",
                at=target,
            )
