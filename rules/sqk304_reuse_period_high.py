"""An SSE-KMS queue's data key reuse period is above the team's maximum."""

from sqs_kms_lint.engine import rule


@rule("SQK304", "reuse-period-high", "warning", options={"max-reuse-period": None})
def check(unit, ctx):
    maximum = ctx.options["max-reuse-period"]
    if maximum is None:
        return
    for queue in unit.queues:
        period = queue.reuse_period
        if period is None or not queue.uses_kms():
            continue
        if period.every(lambda o: isinstance(o, int) and not isinstance(o, bool) and maximum < o <= 86400):
            yield ctx.report(
                queue,
                f"queue '{queue.name}' reuses data keys for {min(period.options)}s, above the limit of "
                f"{maximum}s set by max-reuse-period",
                at=period,
            )
