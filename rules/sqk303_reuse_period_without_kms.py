"""A data key reuse period is set on a queue with no KMS key."""

from sqs_kms_lint.engine import rule
from sqs_kms_lint.model import is_set


@rule("SQK303", "reuse-period-without-kms", "warning")
def check(unit, ctx):
    for queue in unit.queues:
        # A live queue reports the attribute itself; only an author's template shows intent.
        if queue.live or not is_set(queue.reuse_period) or queue.kms_key is not None:
            continue
        yield ctx.report(
            queue,
            f"queue '{queue.name}' sets KmsDataKeyReusePeriodSeconds but no KmsMasterKeyId: AWS ignores the "
            "period (SSE-SQS or no encryption); was a KMS key meant to be set?",
            at=queue.reuse_period,
        )
