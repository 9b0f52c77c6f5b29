"""FifoThroughputLimit perMessageGroupId without DeduplicationScope messageGroup."""

from sqs_kms_lint.engine import rule


@rule("SQK504", "fifo-throughput-scope-mismatch", "error", tags=("reliability",), precision="very-high")
def check(unit, ctx):
    for queue in unit.queues:
        limit, scope = queue.fifo_throughput_limit, queue.deduplication_scope
        if not queue.is_fifo() or limit is None or not limit.every(lambda o: o == "perMessageGroupId"):
            continue
        if scope is None or scope.every(lambda o: o != "messageGroup"):
            yield ctx.report(
                queue,
                f"FIFO queue '{queue.name}' sets FifoThroughputLimit perMessageGroupId without DeduplicationScope "
                "messageGroup: AWS rejects the pair; set DeduplicationScope: messageGroup for high throughput",
                at=limit,
            )
