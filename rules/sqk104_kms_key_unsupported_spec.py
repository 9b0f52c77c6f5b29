"""The key a queue uses is not a symmetric encryption key."""

from sqs_kms_lint.engine import rule
from sqs_kms_lint.keyref import queue_key_lookups


def _unsupported(key):
    if key is None:
        return None
    if key.key_spec is not None and key.key_spec.every(lambda o: isinstance(o, str) and o != "SYMMETRIC_DEFAULT"):
        return f"KeySpec {key.key_spec.single}", key.key_spec
    if key.key_usage is not None and key.key_usage.every(lambda o: isinstance(o, str) and o != "ENCRYPT_DECRYPT"):
        return f"KeyUsage {key.key_usage.single}", key.key_usage
    return None


@rule("SQK104", "kms-key-unsupported-spec", "error", precision="very-high")
def check(unit, ctx):
    for queue in unit.queues:
        lookups = queue_key_lookups(unit, queue)
        verdicts = [_unsupported(lookup.key) for lookup in lookups]
        if lookups and all(verdicts):
            what, where = verdicts[0]
            key = lookups[0].key
            yield ctx.report(
                queue,
                f"queue '{queue.name}' uses key '{key.name}' with {what}: SQS needs a symmetric encryption key "
                "(SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT) and answers KMS.InvalidKeyUsageException",
                at=queue.kms_key,
                related=[(where, f"key '{key.name}' has {what} here")],
            )
