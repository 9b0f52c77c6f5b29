"""An SSE-KMS queue's data key reuse period is below the team's minimum."""

from sqs_kms_lint.engine import rule


def calls_per_hour(period: int) -> str:
    """KMS calls per hour at `period`: one GenerateDataKey + Decrypt per producer, one Decrypt per consumer."""
    per_period = 3600 / period
    factor = f"{per_period:g}"
    return f"{factor} x (2P + C) calls/h ({2 * per_period:g} per producer, {factor} per consumer)"


def _valid(content):
    return isinstance(content, int) and not isinstance(content, bool) and 60 <= content <= 86400


@rule("SQK301", "reuse-period-low", "warning", options={"min-reuse-period": 300})
def check(unit, ctx):
    minimum = ctx.options["min-reuse-period"]
    for queue in unit.queues:
        period = queue.reuse_period
        if period is None or not queue.uses_kms():
            continue
        if period.every(lambda o: _valid(o) and o < minimum):
            worst = min(period.options)
            yield ctx.report(
                queue,
                f"queue '{queue.name}' reuses data keys for {worst}s, below {minimum}s: {calls_per_hour(worst)} "
                f"against {calls_per_hour(minimum)} at {minimum}s (P producers, C consumers); "
                "short periods cost KMS requests and risk KMS.ThrottlingException",
                at=period,
            )
