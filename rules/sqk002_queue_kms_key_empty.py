"""KmsMasterKeyId that is present but empty or blank.

## What it does
Reports a queue whose `KmsMasterKeyId` (`kms_master_key_id`) is set to an empty string or to
whitespace only, after parameters, variables and locals are resolved. The finding points at
the attribute. A value the linter cannot resolve (a parameter or variable without default,
an import, a data source) is unknown, and the rule stays silent.

## Why is this bad?
An empty value names no key, so the queue does not get the KMS key the author meant. Depending
on how the tool passes the empty string, the request is rejected or the queue ends up with
SSE-SQS or no SSE at all, and nothing at deploy time tells you that the customer managed key
is not in use. The empty value nearly always comes from wiring: a parameter default of `""`,
a Terraform variable left blank, or an `Fn::If` branch that was meant to hold a key ARN.

## Example
```yaml
Parameters:
  QueueKeyArn:
    Type: String
    Default: ""
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !Ref QueueKeyArn
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
If no customer managed key is wanted, remove `KmsMasterKeyId`: the queue then gets SSE-SQS.

## Options
None. Change its severity with `rules: {SQK002: {severity: warning}}` or switch it off with
`rules: {SQK002: off}` in `.sqs-kms-lint.yaml`; suppress one finding with
`# sqs-kms-lint: ignore SQK002 -- reason` on its line or the line above.

## References
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
- https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sqs_queue
"""

from collections.abc import Iterator

from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.model import Unit, is_blank


@rule("SQK002", "queue-kms-key-empty", "error", precision="very-high")
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for queue in unit.queues:
        if queue.kms_key is not None and queue.kms_key.every(is_blank):
            yield ctx.report(
                queue,
                f"queue '{queue.name}' has an empty {queue.word('kms_key')}: it is not encrypted with the key you "
                "meant; "
                "set a key ARN or remove the attribute",
                at=queue.kms_key,
            )
