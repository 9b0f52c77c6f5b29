"""KmsMasterKeyId is an alias name instead of an alias ARN or key ARN."""

from sqs_kms_lint.arns import parse_kms_ref
from sqs_kms_lint.engine import rule


def _bare_alias(content):
    ref = parse_kms_ref(content)
    return ref.kind == "alias-name" and not ref.is_aws_managed


@rule("SQK101", "kms-key-bare-alias", "warning", precision="very-high")
def check(unit, ctx):
    for queue in unit.queues:
        if queue.kms_key is not None and queue.kms_key.every(_bare_alias):
            shown = queue.kms_key.single if isinstance(queue.kms_key.single, str) else "an alias name"
            yield ctx.report(
                queue,
                f"queue '{queue.name}' names its key by the alias name '{shown}': it resolves in the caller's "
                "account and region and breaks when the alias moves; use the key ARN or the alias ARN",
                at=queue.kms_key,
            )
