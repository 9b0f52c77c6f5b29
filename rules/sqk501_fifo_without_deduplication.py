"""FIFO queue without ContentBasedDeduplication.

## What it does
Reports a FIFO queue (`FifoQueue: true`, `fifo_queue = true`) that does not enable
`ContentBasedDeduplication` (`content_based_deduplication`). The finding points at
`ContentBasedDeduplication` when it is set to false, else at the queue.

Not reported, because no `SendMessage` of a producer of yours reaches them:
- a queue that only receives redriven messages: it is the dead-letter target of a queue
  (`RedrivePolicy`) or of an SNS subscription in the unit, and no sender in the unit
  delivers to it otherwise (SQS moves a message to a FIFO dead-letter queue with its
  deduplication ID);
- a queue whose senders in the unit are all SNS subscriptions: only a FIFO topic can deliver
  to a FIFO queue, and it passes its own deduplication ID on.
When a FIFO queue (or one of unknown type) or a subscription of the unit redrives to a target the
unit cannot resolve, a FIFO queue that no sender of the unit delivers to may be that target: the
rule stays silent on it. (A standard queue's dead-letter queue is standard, so its unresolved
target silences nothing.)

## Why is this bad?
Every message sent to a FIFO queue needs a deduplication ID. With content-based deduplication
SQS derives it from a SHA-256 hash of the message body; without it, each `SendMessage` must
carry a `MessageDeduplicationId` or SQS fails the call with an error. Producers that were
written for standard queues (or generic libraries) often omit it, and the failure appears
only at run time.

This applies to every FIFO queue, whatever its encryption. The project's source document ties
the requirement to SSE-KMS; that is wrong: AWS documents it for all FIFO queues, and
encryption plays no part in it.

It is a note, not a warning: producers that set `MessageDeduplicationId` themselves are a valid
design, and invisible to a static linter (content-based deduplication treats two messages
with the same body as duplicates within the 5-minute deduplication interval, which is not
always what you want). Read it as "check that every producer sets the ID". If they do, switch
the rule off or suppress it for that queue.

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
None. Change its severity with `rules: {SQK501: {severity: warning}}` or switch it off with
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
from sqs_kms_lint.lookup import find_queue
from sqs_kms_lint.model import ABSENT, Queue, Unit


def _reached(unit: Unit) -> tuple[set[str], set[str], set[str]]:
    """Names of the queues that redrive reaches, that an SNS subscription delivers to, and that any
    other sender delivers to."""
    redriven: set[str] = set()
    by_sns: set[str] = set()
    by_others: set[str] = set()
    for queue in unit.queues:
        target = queue.redrive_target
        found = find_queue(unit, target.single) if target is not None else None
        if found is not None:
            redriven.add(found.name)
    for sender in unit.senders:
        found = find_queue(unit, sender.queue.single) if sender.queue is not None else None
        if found is None:
            continue
        if sender.dead_letter:
            redriven.add(found.name)
        elif sender.service == "sns.amazonaws.com":
            by_sns.add(found.name)
        else:
            by_others.add(found.name)
    return redriven, by_sns, by_others


def _unresolved_redrive(unit: Unit) -> bool:
    """Some queue or subscription redrives to a queue the unit cannot name."""
    # a dead-letter queue has its source's type: a standard queue's unresolved target is not FIFO
    targets = [q.redrive_target for q in unit.queues if not q.is_standard()]
    targets += [s.queue for s in unit.senders if s.dead_letter]
    return any(t is not None and find_queue(unit, t.single) is None for t in targets)


@rule("SQK501", "fifo-without-deduplication", "note", tags=("security", "reliability"))
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    fifo_queues: list[Queue] = []
    for queue in unit.queues:
        dedup = queue.content_based_deduplication
        if queue.is_fifo() and (dedup is None or dedup.every(lambda o: o is False or o is ABSENT)):
            fifo_queues.append(queue)
    if not fifo_queues:
        return
    redriven, by_sns, by_others = _reached(unit)
    unresolved = _unresolved_redrive(unit)
    for queue in fifo_queues:
        # reached only by redrive, or by FIFO topics that pass their deduplication ID on; or it may be
        # the dead-letter queue that the unit cannot name
        if queue.name not in by_others and (queue.name in redriven | by_sns or unresolved):
            continue
        dedup = queue.content_based_deduplication
        yield ctx.report(
            queue,
            f"FIFO queue '{queue.name}' has no {queue.word('content_based_deduplication')}: every SendMessage "
            "must carry a MessageDeduplicationId or it fails (check that every producer sets one)",
            at=dedup if dedup is not None else queue.fifo,
        )
