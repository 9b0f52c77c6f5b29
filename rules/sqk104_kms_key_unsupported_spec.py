"""Queue whose KMS key is not a symmetric encryption key (wrong KeySpec or KeyUsage).

## What it does
Follows the queue's `KmsMasterKeyId` to a key defined in the unit (or described in a snapshot)
and reports when the key is not a symmetric encryption key: its `KeySpec`
(`customer_master_key_spec`) is anything other than `SYMMETRIC_DEFAULT` (an RSA, ECC, SM2,
ML-DSA or HMAC key), or its `KeyUsage` (`key_usage`) is anything other than `ENCRYPT_DECRYPT`.
The finding lands on the queue's `KmsMasterKeyId`, with the key's `KeySpec` or `KeyUsage` as
related location.

## Why is this bad?
SQS encrypts messages with data keys from `GenerateDataKey`, which works only with symmetric
encryption KMS keys; AWS services integrated with KMS do not support asymmetric or HMAC keys.
An RSA key with `KeyUsage: ENCRYPT_DECRYPT` is still asymmetric. Every send fails and SQS
answers `KMS.InvalidKeyUsageException` (`KmsInvalidKeyUsage` in the SDKs). KeySpec and KeyUsage
cannot be changed after the key is created, so the fix is a new key.

## Example
```yaml
Resources:
  QueueKey:
    Type: AWS::KMS::Key
    Properties:
      KeySpec: RSA_2048
      KeyUsage: ENCRYPT_DECRYPT
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !GetAtt QueueKey.Arn
```

## Use instead
```yaml
Resources:
  QueueKey:
    Type: AWS::KMS::Key   # KeySpec SYMMETRIC_DEFAULT and KeyUsage ENCRYPT_DECRYPT are the defaults
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !GetAtt QueueKey.Arn
```

## Options
None. Change its severity with `rules: {SQK104: {severity: warning}}` or switch it off with
`rules: {SQK104: off}` in `.sqs-kms-lint.yaml`; suppress one finding with
`# sqs-kms-lint: ignore SQK104 -- reason` on its line or the line above.

## References
- https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html
- https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKey.html
- https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-key.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key
"""

from collections.abc import Iterator

from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.lookup import key_verdict
from sqs_kms_lint.model import Key, Unit, Value


def _unsupported(key: Key) -> tuple[str, Value] | None:
    if key.key_spec is not None and key.key_spec.every(
        lambda o: isinstance(o, str) and o != "SYMMETRIC_DEFAULT"
    ):
        return key.setting("key_spec", key.key_spec, " "), key.key_spec
    if key.key_usage is not None and key.key_usage.every(
        lambda o: isinstance(o, str) and o != "ENCRYPT_DECRYPT"
    ):
        return key.setting("key_usage", key.key_usage, " "), key.key_usage
    return None


@rule("SQK104", "kms-key-unsupported-spec", "error", precision="very-high")
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for queue in unit.queues:
        found = key_verdict(unit, queue, _unsupported)
        if found:
            key, (what, where) = found
            yield ctx.report(
                queue,
                f"queue '{queue.name}' uses key '{key.name}' with {what}: SQS needs a symmetric encryption key "
                "(SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT) and answers KMS.InvalidKeyUsageException",
                at=queue.kms_key,
                related=[(where, f"key '{key.name}' has {what} here")],
            )
