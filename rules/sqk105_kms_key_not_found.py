"""Queue whose KMS key reference points at a key that does not exist.

## What it does
Reports a queue's `KmsMasterKeyId` when the key it names provably does not exist:
- it is a resource reference to nothing in the unit (`!Ref MissingKey`,
  `!GetAtt MissingKey.Arn`, `aws_kms_key.missing.arn`);
- it goes through an alias defined in the unit whose target (`TargetKeyId`,
  `target_key_id`) refers to a key resource the unit does not define;
- a raw snapshot lists its keys (and their aliases) and the queue's key is not among them.
The finding lands on the queue's `KmsMasterKeyId`, with the alias target as related location
when an alias is involved. A literal key ID or ARN outside the unit is not guessed at.

## Why is this bad?
In a template or module, a reference to an undeclared resource means the code does not say
what the author thinks: CloudFormation and Terraform refuse it before anything deploys, and
it usually marks a renamed or deleted key resource. For a live queue whose key is gone, every
send fails and SQS answers `KMS.NotFoundException` (`KmsNotFound` in the SDKs); if the key was
deleted, messages encrypted under it cannot be decrypted any more.

## Example
```yaml
Resources:
  QueueKey:
    Type: AWS::KMS::Key
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !GetAtt OrdersKey.Arn
```

## Use instead
```yaml
Resources:
  QueueKey:
    Type: AWS::KMS::Key
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !GetAtt QueueKey.Arn
```

## Options
None. Change its severity with `rules: {SQK105: {severity: warning}}` or switch it off with
`rules: {SQK105: off}` in `.sqs-kms-lint.yaml`; suppress one finding with
`# sqs-kms-lint: ignore SQK105 -- reason` on its line or the line above.

## References
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
- https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-ref.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-alias.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_alias
"""

from collections.abc import Iterator

from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.lookup import foreign_key, queue_key_lookups
from sqs_kms_lint.model import Unit


@rule("SQK105", "kms-key-not-found", "error")
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for queue in unit.queues:
        lookups = queue_key_lookups(unit, queue)
        # Another account's key named by alias or ID is SQK402's, which says why AWS will not find it.
        if lookups and all(lookup.missing for lookup in lookups) and foreign_key(unit, queue) is None:
            related = [
                (lookup.alias, f"alias '{lookup.alias.name}' is defined here")
                for lookup in lookups
                if lookup.alias
            ]
            yield ctx.report(
                queue,
                f"queue '{queue.name}' names a KMS key that does not exist: {lookups[0].missing}; "
                "SQS answers KMS.NotFoundException",
                at=queue.kms_key,
                related=related[:1],
            )
