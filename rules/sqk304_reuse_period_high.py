"""Data key reuse period above the team's max-reuse-period (silent until that option is set).

## What it does
Reports a `KmsDataKeyReusePeriodSeconds` (`kms_data_key_reuse_period_seconds`) above the
option `max-reuse-period`. The option is unset by default, so the rule reports nothing until
a team sets its own ceiling (3600, for example). Values outside 60..86400 are left to SQK302.

## Why is this bad?
AWS allows a data key to be reused for up to 24 hours. The longer the period, the more
messages one data key protects and the fewer times SQS goes back to KMS, which also means
fewer KMS authorization checks and CloudTrail entries per principal. AWS describes the
trade-off: a shorter period gives better security but more KMS calls and cost (see SQK301 for
the low end). Many
teams set an upper bound in their security baseline; this rule enforces that bound in review
instead of in an audit.

## Example
With `rules: {SQK304: {max-reuse-period: 3600}}` in `.sqs-kms-lint.yaml`:
```yaml
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !GetAtt QueueKey.Arn
      KmsDataKeyReusePeriodSeconds: 86400
```

## Use instead
```yaml
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !GetAtt QueueKey.Arn
      KmsDataKeyReusePeriodSeconds: 3600
```

## Options
- `max-reuse-period` (integer, unset by default): periods above it are reported, e.g.
  `rules: {SQK304: {max-reuse-period: 3600}}` in `.sqs-kms-lint.yaml`.
- `severity` (default `warning`) and `off`: `rules: {SQK304: {severity: error}}`,
  `rules: {SQK304: off}`. Suppress one finding with `# sqs-kms-lint: ignore SQK304 -- reason`.

## References
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sqs_queue
"""

from collections.abc import Iterator

from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.model import Unit, valid_reuse_period


@rule("SQK304", "reuse-period-high", "warning", options={"max-reuse-period": None})
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    maximum = ctx.options["max-reuse-period"]
    if maximum is None:
        return
    for queue in unit.queues:
        period = queue.reuse_period
        if period is None or not queue.uses_kms():
            continue
        if period.every(lambda o: valid_reuse_period(o) and o > maximum):
            yield ctx.report(
                queue,
                f"queue '{queue.name}' reuses data keys for {min(period.options)}s, above the limit of "
                f"{maximum}s set by max-reuse-period",
                at=period,
            )
