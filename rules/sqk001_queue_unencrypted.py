"""A queue that is not encrypted at rest."""

from sqs_kms_lint.engine import rule
from sqs_kms_lint.model import is_set


@rule("SQK001", "queue-unencrypted", "error", precision="very-high")
def check(unit, ctx):
    for queue in unit.queues:
        sse_off = queue.sqs_managed_sse is not None and queue.sqs_managed_sse.every(lambda o: o is False)
        if queue.live:
            sse_on = queue.sqs_managed_sse is not None and queue.sqs_managed_sse.some(lambda o: o is True)
            if not sse_on and not is_set(queue.kms_key):
                where = queue.sqs_managed_sse if sse_off else None
                yield ctx.report(
                    queue, f"queue '{queue.name}' has neither a KMS key nor SSE-SQS: messages are stored unencrypted", at=where
                )
        elif sse_off and queue.kms_key is None:
            yield ctx.report(
                queue,
                f"queue '{queue.name}' sets SqsManagedSseEnabled: false and no KmsMasterKeyId: messages are stored "
                "unencrypted; remove SqsManagedSseEnabled (SSE-SQS is the default) or set a KMS key",
                at=queue.sqs_managed_sse,
            )
