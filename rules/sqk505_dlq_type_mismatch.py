"""A queue's dead-letter queue is of the other type (FIFO vs standard)."""

from sqs_kms_lint.arns import parse_queue_id
from sqs_kms_lint.engine import rule
from sqs_kms_lint.model import ResourceRef


def _target_is_fifo(unit, content):
    """True/False when the redrive target's type is known, else None."""
    if isinstance(content, ResourceRef):
        target = next((q for q in unit.queues if q.name == content.name), None) if content.kind == "queue" else None
        if target is None:
            return None
        return True if target.is_fifo() else False if target.is_standard() else None
    if isinstance(content, str):
        queue_id = parse_queue_id(content.strip())
        if queue_id is not None:
            return queue_id.name.endswith(".fifo")
    return None


@rule("SQK505", "dlq-type-mismatch", "error", tags=("reliability",), precision="very-high")
def check(unit, ctx):
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
