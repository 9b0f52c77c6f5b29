"""KmsDataKeyReusePeriodSeconds is not an integer in 60..86400."""

from sqs_kms_lint.engine import rule


def _invalid(content):
    return not (isinstance(content, int) and not isinstance(content, bool) and 60 <= content <= 86400)


@rule("SQK302", "reuse-period-out-of-range", "error", precision="very-high")
def check(unit, ctx):
    for queue in unit.queues:
        period = queue.reuse_period
        if period is not None and period.every(_invalid):
            yield ctx.report(
                queue,
                f"queue '{queue.name}' has KmsDataKeyReusePeriodSeconds {period.single!r}: AWS accepts only an "
                "integer from 60 to 86400 seconds and rejects the request",
                at=period,
            )
