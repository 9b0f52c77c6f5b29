"""Identity policy allows receiving from an SSE-KMS queue but not kms:Decrypt on its key.

## What it does
Reads the IAM identity policies in the unit (`AWS::IAM::Policy`, `AWS::IAM::ManagedPolicy`,
inline `Policies` of roles and users, `aws_iam_role_policy`, `aws_iam_policy` with its
attachments, a snapshot's `identity_policies`). For each identity allowed
`sqs:ReceiveMessage` (also `sqs:Receive*`, `sqs:*`, `*`) on a queue encrypted with a KMS key
in the unit, it looks for an Allow of `kms:Decrypt` whose Resource matches that key's ARN.
The rule fires only when the identity policy is what decides: the key policy relies on IAM
(it grants the key's account root, as AWS's default policy does) or the key is in another
account. It stays silent when the key policy names the principal itself. The finding lands
on the statement that grants `sqs:ReceiveMessage`. Unknown keys, queues or policies are not
guessed at.

## Why is this bad?
SQS decrypts messages for a consumer with the consumer's own credentials, so the consumer
needs `kms:Decrypt` on the queue's key. When the key policy delegates to IAM, that
permission must come from the consumer's IAM policies; for a key in another account it must
come from both the key policy and the consumer's IAM policies. Without it `ReceiveMessage`
fails with `KMS.AccessDeniedException`: the consumer processes nothing while messages age
toward the end of the retention period. Name the key by its key ARN in `Resource`: an alias
ARN there does not grant access to the key.

## Example
```yaml
ConsumerPolicy:
  Type: AWS::IAM::Policy
  Properties:
    PolicyName: consume
    Roles: [!Ref ConsumerRole]
    PolicyDocument:
      Statement:
        - Effect: Allow
          Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage"]
          Resource: !GetAtt Queue.Arn
```

## Use instead
```yaml
        - Effect: Allow
          Action: kms:Decrypt
          Resource: !GetAtt QueueKey.Arn
```

## Options
None. Change its severity with `rules: {SQK403: {severity: warning}}` or switch it off with
`rules: {SQK403: off}` in `.sqs-kms-lint.yaml`. Suppress one finding with
`# sqs-kms-lint: ignore SQK403 -- reason` on its line or the line above, or with the resource
Metadata `sqs-kms-lint: {ignore: [SQK403]}` in CloudFormation.

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


@rule("SQK403", "consumer-missing-decrypt", "error")
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for gap in gaps(unit, "sqs:ReceiveMessage", ("kms:Decrypt",)):
        yield ctx.report(
            gap.identity,
            f"'{gap.identity.name}' lets its holders receive from queue '{gap.queue.name}' but not kms:Decrypt on "
            f"its key '{gap.key.name}', whose policy leaves that to IAM: every ReceiveMessage fails with "
            "KMS.AccessDeniedException; allow kms:Decrypt on the key's ARN",
            at=gap.statement.span,
            related=[
                (gap.queue.kms_key or gap.queue, f"queue '{gap.queue.name}' is encrypted with the key here")
            ],
        )
