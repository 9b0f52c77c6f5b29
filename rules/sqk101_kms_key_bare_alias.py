"""KmsMasterKeyId given as a bare alias name (alias/x) instead of an alias ARN or key ARN.

## What it does
Reports a queue whose `KmsMasterKeyId` (`kms_master_key_id`) is an alias name such as
`alias/orders`, after references are resolved. `alias/aws/sqs` is not reported here: it names
the AWS managed key, which SQK004 covers. A key ID, key ARN or alias ARN is not reported.

## Why is this bad?
SQS accepts an alias name, but it says little about which key is used. KMS resolves an alias
name in the account and Region of the caller when SQS asks it for a data key, so:
- the value does not say which account's key is meant, and it cannot name a key in another
  account at all (AWS looks the alias up in the queue's own account; see SQK402);
- IAM and key policies cannot grant access through it: an alias in a policy's `Resource`
  refers to the alias itself, not the key, so producers and consumers still need the key ARN
  (or `kms:ResourceAliases` conditions), which the template does not show;
- the alias can be repointed to another key with `UpdateAlias`, which silently changes the key
  new messages are encrypted with, without any change to the queue.
A key ARN pins the key; an alias ARN keeps the indirection but names account and Region.

## Example
```yaml
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: alias/orders
```

## Use instead
```yaml
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !Sub arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:alias/orders
```
Or the key ARN, for example `!GetAtt QueueKey.Arn` when the key is in the same template.

## Options
None. Change its severity with `rules: {SQK101: {severity: error}}` or switch it off with
`rules: {SQK101: off}` (or `kms-key-bare-alias: off`) in `.sqs-kms-lint.yaml`; suppress one
finding with `# sqs-kms-lint: ignore SQK101 -- reason` on its line or the line above.

## References
- https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id
- https://docs.aws.amazon.com/kms/latest/developerguide/alias-about.html
- https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_alias
"""

from collections.abc import Iterator
from typing import Any

from sqs_kms_lint.arns import parse_kms_ref
from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.model import Unit


def _bare_alias(content: Any) -> bool:
    ref = parse_kms_ref(content)
    return ref.kind == "alias-name" and not ref.is_aws_managed


@rule("SQK101", "kms-key-bare-alias", "warning", precision="very-high")
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for queue in unit.queues:
        if queue.kms_key is not None and queue.kms_key.every(_bare_alias):
            yield ctx.report(
                queue,
                f"queue '{queue.name}' names its key by the alias name {queue.kms_key.shown()}: it resolves in "
                "the caller's account and region and breaks when the alias moves; use the key ARN or the alias ARN",
                at=queue.kms_key,
            )
