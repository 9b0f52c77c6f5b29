"""FIFO-only attributes set on a standard queue."""

from sqs_kms_lint.engine import rule
from sqs_kms_lint.model import is_set


@rule("SQK503", "fifo-attributes-on-standard-queue", "error", tags=("reliability",), precision="very-high")
def check(unit, ctx):
    for queue in unit.queues:
        if not queue.is_standard():
            continue
        for attribute, value in (
            ("ContentBasedDeduplication", queue.content_based_deduplication),
            ("DeduplicationScope", queue.deduplication_scope),
            ("FifoThroughputLimit", queue.fifo_throughput_limit),
        ):
            if is_set(value):
                yield ctx.report(
                    queue,
                    f"standard queue '{queue.name}' sets {attribute}, which only FIFO queues accept: AWS "
                    "rejects the request",
                    at=value,
                )
