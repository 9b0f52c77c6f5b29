"""The key a queue names does not exist in the unit where it must."""

from sqs_kms_lint.engine import rule
from sqs_kms_lint.keyref import queue_key_lookups


@rule("SQK105", "kms-key-not-found", "error")
def check(unit, ctx):
    for queue in unit.queues:
        lookups = queue_key_lookups(unit, queue)
        if lookups and all(lookup.missing for lookup in lookups):
            related = [(lookup.alias, f"alias '{lookup.alias.name}' is defined here") for lookup in lookups if lookup.alias]
            yield ctx.report(
                queue,
                f"queue '{queue.name}' names a KMS key that does not exist: {lookups[0].missing}; "
                "SQS answers KMS.NotFoundException",
                at=queue.kms_key,
                related=related[:1],
            )
