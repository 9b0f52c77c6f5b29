"""SSE-KMS queue whose data key reuse period is below min-reuse-period (default 300 s).

## What it does
Reports a queue encrypted with a KMS key whose `KmsDataKeyReusePeriodSeconds`
(`kms_data_key_reuse_period_seconds`) is below the option `min-reuse-period`. The message
estimates KMS calls per hour per principal at the queue's period and at `min-reuse-period`,
using AWS's formula for SQS: within each reuse period a producing principal causes one
GenerateDataKey and one Decrypt, a consuming principal one Decrypt, so for P producers and
C consumers: calls/h = 3600 / period x (2P + C). Example: at 60 s a producer causes 120 calls/h
and a consumer 60; at 300 s, 24 and 12. A value outside 60..86400 is left to SQK302.

## Why is this bad?
- Cost: KMS bills requests beyond the free tier, and the calls grow in inverse proportion to
  the period: 60 s costs five times the calls of the 300 s default. SQS counts every distinct
  IAM identity as a separate principal, and AWS warns that real numbers can exceed the
  formula because SQS is distributed.
- Throttling: these calls count against your account's KMS request quota for symmetric
  cryptographic operations, shared with every other KMS user in the account and Region. The
  quota differs by Region and is adjustable; past it, SQS answers sends and receives with
  `KMS.ThrottlingException` (`KmsThrottled` in the SDKs).
- Trade-off: AWS notes that a shorter period gives better security but more KMS calls; a
  longer period means fewer calls while one data key protects messages for longer. Pick the
  period on purpose and record the reason.

## Example
```yaml
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !GetAtt QueueKey.Arn
      KmsDataKeyReusePeriodSeconds: 60
```

## Use instead
```yaml
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !GetAtt QueueKey.Arn
      KmsDataKeyReusePeriodSeconds: 300
```

## Options
- `min-reuse-period` (integer, default `300`): periods below it are reported, e.g.
  `rules: {SQK301: {min-reuse-period: 120}}` in `.sqs-kms-lint.yaml`.
- `severity` (default `warning`) and `off`: `rules: {SQK301: {severity: error}}`,
  `rules: {SQK301: off}`. Suppress one finding with `# sqs-kms-lint: ignore SQK301 -- reason`.

## References
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html
- https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html
- https://docs.aws.amazon.com/kms/latest/developerguide/throttling.html
- https://aws.amazon.com/kms/pricing/
"""

from collections.abc import Iterator

from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.model import Unit, valid_reuse_period


def calls_per_hour(period: int) -> tuple[str, str]:
    """KMS calls per hour per producer (GenerateDataKey + Decrypt) and per consumer (Decrypt) at `period`."""
    per_period = 3600 / period
    return f"{round(2 * per_period, 1):g}", f"{round(per_period, 1):g}"


@rule("SQK301", "reuse-period-low", "warning", options={"min-reuse-period": 300})
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    minimum = ctx.options["min-reuse-period"]
    for queue in unit.queues:
        period = queue.reuse_period
        if period is None or not queue.uses_kms():
            continue
        if period.every(lambda o: valid_reuse_period(o) and o < minimum):
            worst = min(period.options)
            producer, consumer = calls_per_hour(worst)
            producer_at_min, consumer_at_min = calls_per_hour(minimum)
            yield ctx.report(
                queue,
                f"queue '{queue.name}' reuses data keys for {worst}s, below {minimum}s: {producer} KMS calls/h "
                f"per producer and {consumer} per consumer, against {producer_at_min} and {consumer_at_min} at "
                f"{minimum}s (calls/h = 3600/period x (2P + C)); more calls cost more and risk KMS.ThrottlingException",
                at=period,
            )
