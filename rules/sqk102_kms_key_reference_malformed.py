"""KmsMasterKeyId is not a key ID, key ARN, alias name or alias ARN."""

from sqs_kms_lint.arns import parse_kms_ref
from sqs_kms_lint.engine import rule


def _malformed(content):
    return not (isinstance(content, str) and not content.strip()) and parse_kms_ref(content).kind == "malformed"


@rule("SQK102", "kms-key-reference-malformed", "error", precision="very-high")
def check(unit, ctx):
    for queue in unit.queues:
        if queue.kms_key is not None and queue.kms_key.every(_malformed):
            shown = queue.kms_key.single
            yield ctx.report(
                queue,
                f"queue '{queue.name}' has KmsMasterKeyId '{shown}', which is no key ID, key ARN, alias name "
                "(alias/...) or alias ARN: SQS cannot resolve it",
                at=queue.kms_key,
            )
