"""KmsMasterKeyId that is not a KMS key ID, key ARN, alias name or alias ARN.

## What it does
Reports a `KmsMasterKeyId` (`kms_master_key_id`) whose resolved value has none of the four
forms AWS KMS accepts:
- key ID: a UUID (`1234abcd-12ab-34cd-56ef-1234567890ab`) or a multi-Region key ID
  (`mrk-` followed by 32 hex digits);
- key ARN: `arn:PARTITION:kms:REGION:ACCOUNT:key/KEY-ID`;
- alias name: `alias/` followed by letters, digits and `:/_-`;
- alias ARN: `arn:PARTITION:kms:REGION:ACCOUNT:alias/NAME`.
Typical hits: `orders-key` (no `alias/`), the ARN of another service (an SNS topic, a secret),
a truncated or hand-edited ARN. Unknown values are not reported.

## Why is this bad?
SQS passes the value to AWS KMS when it needs a data key, so a value KMS cannot resolve may
deploy and then fail every `SendMessage` with a KMS error (typically `KMS.NotFoundException`),
or fail the deploy itself. Either way no message is encrypted with the intended key. A value in
none of the four forms is a typo or a wrong reference, never a different way to name a key.

## Example
```yaml
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: orders-key
```

## Use instead
```yaml
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !Sub arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:alias/orders-key
```

## Options
None. Change its severity with `rules: {SQK102: {severity: warning}}` or switch it off with
`rules: {SQK102: off}` in `.sqs-kms-lint.yaml`; suppress one finding with
`# sqs-kms-lint: ignore SQK102 -- reason` on its line or the line above.

## References
- https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id
- https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html
- https://docs.aws.amazon.com/kms/latest/developerguide/alias-about.html
- https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html
"""

from collections.abc import Iterator
from typing import Any

from sqs_kms_lint.arns import parse_kms_ref
from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.model import Unit, is_blank


def _malformed(content: Any) -> bool:
    return not is_blank(content) and parse_kms_ref(content).kind == "malformed"


@rule("SQK102", "kms-key-reference-malformed", "error", precision="very-high")
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for queue in unit.queues:
        if queue.kms_key is not None and queue.kms_key.every(_malformed):
            yield ctx.report(
                queue,
                f"queue '{queue.name}' has {queue.setting('kms_key', queue.kms_key, ' ')}, which is no key ID, "
                "key ARN, alias name (alias/...) or alias ARN: SQS cannot resolve it",
                at=queue.kms_key,
            )
