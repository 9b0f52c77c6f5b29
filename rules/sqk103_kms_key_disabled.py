"""Queue whose KMS key is disabled or pending deletion.

## What it does
Follows the queue's `KmsMasterKeyId` through references and aliases defined in the unit (or a
`describe-key` document in a snapshot) to the key, and reports when that key is disabled
(`Enabled: false`, `is_enabled = false`, `KeyState: Disabled`) or scheduled for deletion
(`KeyState: PendingDeletion`). The finding lands on the queue's `KmsMasterKeyId`, with the
key's `Enabled` / `is_enabled` / `KeyState` attribute as related location. A key outside the
unit, or an unresolved reference, is not guessed at.

## Why is this bad?
SQS cannot get or decrypt data keys with a key KMS will not use. Sends fail: SQS answers
`KMS.DisabledException` for a disabled key and `KMS.InvalidStateException` for a key pending
deletion, and messages already in the queue cannot be decrypted for consumers either. A key
pending deletion is worse: when the waiting period ends, KMS deletes the key and everything
encrypted under it, including messages still in the queue, can no longer be decrypted. A
disabled key in a template is usually a leftover from testing or a key rotation done by hand.

## Example
```yaml
Resources:
  QueueKey:
    Type: AWS::KMS::Key
    Properties:
      Enabled: false
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !GetAtt QueueKey.Arn
```

## Use instead
```yaml
Resources:
  QueueKey:
    Type: AWS::KMS::Key
    Properties:
      Enabled: true
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !GetAtt QueueKey.Arn
```
For a key pending deletion, cancel the deletion (`aws kms cancel-key-deletion`) and enable
the key, or move the queue to another key before the waiting period ends.

## Options
None. Change its severity with `rules: {SQK103: {severity: warning}}` or switch it off with
`rules: {SQK103: off}` in `.sqs-kms-lint.yaml`; suppress one finding with
`# sqs-kms-lint: ignore SQK103 -- reason` on its line or the line above.

## References
- https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html
- https://docs.aws.amazon.com/kms/latest/developerguide/enabling-keys.html
- https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-key.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key
"""

from collections.abc import Iterator

from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.lookup import key_verdict
from sqs_kms_lint.model import Key, Unit, Value

_UNUSABLE = {
    "Disabled": "KMS.DisabledException",
    "PendingDeletion": "KMS.InvalidStateException",
    "PendingReplicaDeletion": "KMS.InvalidStateException",
}


def _unusable(key: Key) -> tuple[str, Value] | None:
    """(why, the attribute that says so) when the key cannot be used, else None."""
    if key.key_state is not None and key.key_state.every(lambda o: o in _UNUSABLE):
        state = key.key_state.single
        return (
            f"in state {state} (SQS answers {_UNUSABLE.get(state, 'KMS.InvalidStateException')})",
            key.key_state,
        )
    if key.enabled is not None and key.enabled.every(lambda o: o is False):
        return "disabled (SQS answers KMS.DisabledException)", key.enabled
    return None


@rule("SQK103", "kms-key-disabled", "error")
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for queue in unit.queues:
        found = key_verdict(unit, queue, _unusable)
        if found:
            key, (why, where) = found
            yield ctx.report(
                queue,
                f"queue '{queue.name}' uses key '{key.name}', which is {why}: every send and receive fails",
                at=queue.kms_key,
                related=[(where, f"key '{key.name}' is {why.split(' (')[0]} here")],
            )
