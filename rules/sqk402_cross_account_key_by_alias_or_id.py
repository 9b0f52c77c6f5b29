"""Queue names a key in another account by alias name or bare key ID instead of its ARN.

## What it does
Reports a queue whose `KmsMasterKeyId` is an alias name (`alias/orders`) or a bare key ID
(a UUID or `mrk-` ID) when the unit shows that the key lives in another account than the
queue: the alias or key ID matches a key (a snapshot's key with its `Aliases`, a key
resource) whose ARN names a different account. `alias/aws/sqs` is never reported: it always
means the queue's own account. The finding lands on the queue's `KmsMasterKeyId`, with the
key as related location. SQK101 may report the same alias name as well. When either account
is unknown, the rule stays silent.

## Why is this bad?
KMS resolves alias names and key IDs in the caller's own account and Region; aliases exist
per account and Region. To use a key in another account you must give its key ARN or alias
ARN. SQS resolves the value in the queue's account, so it either finds nothing and answers
`KMS.NotFoundException`, or, worse, finds a key of the same alias name in its own account
and encrypts with a key you did not mean.

## Example
```yaml
Queue:
  Type: AWS::SQS::Queue
  Properties:
    KmsMasterKeyId: alias/shared-orders   # key lives in 222222222222
```

## Use instead
```yaml
Queue:
  Type: AWS::SQS::Queue
  Properties:
    KmsMasterKeyId: arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab
```
The alias ARN (`arn:aws:kms:us-east-1:222222222222:alias/shared-orders`) also works, but
follows the alias if it is moved to another key.

## Options
None. Change its severity with `rules: {SQK402: {severity: warning}}` or switch it off with
`rules: {SQK402: off}` in `.sqs-kms-lint.yaml`. Suppress one finding with
`# sqs-kms-lint: ignore SQK402 -- reason` on its line or the line above, or with the resource
Metadata `sqs-kms-lint: {ignore: [SQK402]}` in CloudFormation.

## References
- https://docs.aws.amazon.com/kms/latest/developerguide/alias-using.html
- https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html
"""

from collections.abc import Iterator

from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.lookup import foreign_key
from sqs_kms_lint.model import Unit


@rule("SQK402", "cross-account-key-by-alias-or-id", "error", precision="very-high")
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for queue in unit.queues:
        found = foreign_key(unit, queue)
        if found is None:
            continue
        key, ref = found
        form = "alias name" if ref.kind == "alias-name" else "bare key ID"
        yield ctx.report(
            queue,
            f"queue '{queue.name}' (account {queue.account}) names key '{key.name}' of account {key.account} by "
            f"{form}: AWS resolves it in the queue's own account (KMS.NotFoundException); use the key ARN "
            f"{key.arn or '(arn:aws:kms:REGION:ACCOUNT:key/ID)'} or the alias ARN",
            at=queue.kms_key,
            related=[(key, f"key '{key.name}' lives in account {key.account}")],
        )
