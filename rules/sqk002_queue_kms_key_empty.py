"""KmsMasterKeyId is present but empty or blank."""

from sqs_kms_lint.engine import rule


@rule("SQK002", "queue-kms-key-empty", "error", precision="very-high")
def check(unit, ctx):
    for queue in unit.queues:
        if queue.kms_key is not None and queue.kms_key.every(lambda o: isinstance(o, str) and not o.strip()):
            yield ctx.report(
                queue,
                f"queue '{queue.name}' has an empty KmsMasterKeyId: it is not encrypted with the key you meant; "
                "set a key ARN or remove the attribute",
                at=queue.kms_key,
            )
