"""A queue encrypted with SSE-SQS or the AWS managed key rather than a customer managed key."""

from sqs_kms_lint.arns import parse_kms_ref
from sqs_kms_lint.engine import rule


@rule("SQK004", "queue-not-using-cmk", "error", opt_in=True)
def check(unit, ctx):
    for queue in unit.queues:
        if queue.kms_key is not None:
            if queue.kms_key.every(lambda o: parse_kms_ref(o).is_aws_managed):
                yield ctx.report(
                    queue,
                    f"queue '{queue.name}' uses the AWS managed key alias/aws/sqs: its policy cannot be changed; "
                    "use a customer managed key (require-cmk is on)",
                    at=queue.kms_key,
                )
            continue
        sse = queue.sqs_managed_sse
        if sse is not None and sse.every(lambda o: o is True):
            yield ctx.report(
                queue, f"queue '{queue.name}' uses SSE-SQS, not a customer managed key (require-cmk is on)", at=sse
            )
        elif sse is None and not queue.live:
            yield ctx.report(
                queue,
                f"queue '{queue.name}' sets no KmsMasterKeyId, so it gets SSE-SQS, not a customer managed key "
                "(require-cmk is on)",
            )
