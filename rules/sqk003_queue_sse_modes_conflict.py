"""SqsManagedSseEnabled is true and KmsMasterKeyId is set: AWS rejects the pair."""

from sqs_kms_lint.engine import rule


@rule("SQK003", "queue-sse-modes-conflict", "error", precision="very-high")
def check(unit, ctx):
    for queue in unit.queues:
        if queue.sqs_managed_sse is not None and queue.sqs_managed_sse.every(lambda o: o is True) and queue.uses_kms():
            yield ctx.report(
                queue,
                f"queue '{queue.name}' sets both SqsManagedSseEnabled: true and KmsMasterKeyId: AWS rejects the "
                "request (only one type of SSE at a time); remove SqsManagedSseEnabled to use the KMS key",
                at=queue.sqs_managed_sse,
            )
