"""Identity policy lets a principal send to an SSE-KMS queue without GenerateDataKey/Decrypt.

## What it does
Reads the IAM identity policies in the unit (`AWS::IAM::Policy`, `AWS::IAM::ManagedPolicy`,
inline `Policies` of roles and users, `aws_iam_role_policy`, `aws_iam_policy` with its
attachments, a snapshot's `identity_policies`). For each identity allowed `sqs:SendMessage`
(also `sqs:Send*`, `sqs:*`, `*`; it covers `SendMessageBatch` too) on a queue encrypted with
a KMS key in the unit, it looks for Allows of `kms:GenerateDataKey` (or
`kms:GenerateDataKey*`, `kms:*`) and `kms:Decrypt` whose Resource matches that key's ARN;
the message names the missing action(s). The rule fires only when the identity policy is
what decides: the key policy relies on IAM (it grants the key's account root, as AWS's
default policy does) or the key is in another account. It stays silent when the key policy
names the principal itself. The finding lands on the statement that grants
`sqs:SendMessage`. Unknown keys, queues or policies are not guessed at.

## Why is this bad?
SQS encrypts a producer's messages with the producer's own credentials: AWS lists
`kms:GenerateDataKey` and `kms:Decrypt` as the permissions a producer needs. When the key
policy delegates to IAM, they must come from the producer's IAM policies; for a key in
another account, from both the key policy and the producer's IAM policies. Without them
every `SendMessage` fails with `KMS.AccessDeniedException` and the message is not stored.
Name the key by its key ARN in `Resource`: an alias ARN there does not grant access to the
key.

## Example
```yaml
ProducerPolicy:
  Type: AWS::IAM::Policy
  Properties:
    PolicyName: produce
    Roles: [!Ref ProducerRole]
    PolicyDocument:
      Statement:
        - Effect: Allow
          Action: sqs:SendMessage
          Resource: !GetAtt Queue.Arn
```

## Use instead
```yaml
        - Effect: Allow
          Action: ["kms:GenerateDataKey", "kms:Decrypt"]
          Resource: !GetAtt QueueKey.Arn
```

## Options
None. Change its severity with `rules: {SQK404: {severity: warning}}` or switch it off with
`rules: {SQK404: off}` in `.sqs-kms-lint.yaml`. Suppress one finding with
`# sqs-kms-lint: ignore SQK404 -- reason` on its line or the line above, or with the resource
Metadata `sqs-kms-lint: {ignore: [SQK404]}` in CloudFormation.

## References
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
- https://docs.aws.amazon.com/kms/latest/developerguide/iam-policies.html
- https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
- https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
"""

from collections.abc import Iterator

from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.identity import gaps
from sqs_kms_lint.model import Unit


@rule("SQK404", "producer-missing-data-key", "error")
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for gap in gaps(unit, "sqs:SendMessage", ("kms:GenerateDataKey", "kms:Decrypt")):
        yield ctx.report(
            gap.identity,
            f"'{gap.identity.name}' lets its holders send to queue '{gap.queue.name}' but not "
            f"{' and '.join(gap.missing)} on its key '{gap.key.name}', whose policy leaves that to IAM: every "
            "SendMessage fails with KMS.AccessDeniedException; allow kms:GenerateDataKey and kms:Decrypt on the "
            "key's ARN",
            at=gap.statement.span,
            related=[
                (gap.queue.kms_key or gap.queue, f"queue '{gap.queue.name}' is encrypted with the key here")
            ],
        )
