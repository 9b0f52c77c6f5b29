"""KmsDataKeyReusePeriodSeconds that is not an integer between 60 and 86400.

## What it does
Reports a `KmsDataKeyReusePeriodSeconds` (`kms_data_key_reuse_period_seconds`) whose resolved
value is not an integer in the range 60..86400: too small (`30`), too large (`100000`), or not
an integer at all (`300.5`, `5m`). The finding points at the attribute. SQK301 and SQK304 stay
silent on such a value; unresolved parameters and variables are not reported.

## Why is this bad?
AWS accepts only whole seconds from 60 (1 minute) to 86,400 (24 hours), as the CloudFormation
reference states. SQS rejects anything else, so the stack create or update fails; the Terraform
provider validates the argument with `IntBetween(60, 86400)` and stops at plan time. A value
outside the range usually comes from a unit mix-up (minutes, hours, milliseconds).

## Example
```yaml
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !GetAtt QueueKey.Arn
      KmsDataKeyReusePeriodSeconds: 30
```

## Use instead
```yaml
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !GetAtt QueueKey.Arn
      KmsDataKeyReusePeriodSeconds: 300   # AWS default; any integer 60..86400 is accepted
```

## Options
None. Change its severity with `rules: {SQK302: {severity: warning}}` or switch it off with
`rules: {SQK302: off}` in `.sqs-kms-lint.yaml`; suppress one finding with
`# sqs-kms-lint: ignore SQK302 -- reason` on its line or the line above.

## References
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sqs_queue
"""

from collections.abc import Iterator
from typing import Any

from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.model import ABSENT, Unit, valid_reuse_period


def _invalid(content: Any) -> bool:
    return content is not ABSENT and not valid_reuse_period(content)


@rule("SQK302", "reuse-period-out-of-range", "error", precision="very-high")
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for queue in unit.queues:
        period = queue.reuse_period
        if period is not None and period.every(_invalid):
            yield ctx.report(
                queue,
                f"queue '{queue.name}' has {queue.setting('reuse_period', period, ' ')}: AWS accepts only an "
                "integer from 60 to 86400 seconds and rejects the request",
                at=period,
            )
