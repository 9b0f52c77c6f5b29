"""A FIFO queue without content-based deduplication."""

from sqs_kms_lint.engine import rule


@rule("SQK501", "fifo-without-deduplication", "warning", tags=("reliability",))
def check(unit, ctx):
    for queue in unit.queues:
        dedup = queue.content_based_deduplication
        if queue.is_fifo() and (dedup is None or dedup.every(lambda o: o is False)):
            yield ctx.report(
                queue,
                f"FIFO queue '{queue.name}' has no ContentBasedDeduplication: every SendMessage must carry a "
                "MessageDeduplicationId or it fails",
                at=queue.fifo,
            )
