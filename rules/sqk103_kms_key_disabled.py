"""The key a queue uses is disabled or pending deletion."""

from sqs_kms_lint.engine import rule
from sqs_kms_lint.keyref import queue_key_lookups

_UNUSABLE = {"Disabled": "KMS.DisabledException", "PendingDeletion": "KMS.InvalidStateException",
             "PendingReplicaDeletion": "KMS.InvalidStateException"}


def _unusable(key):
    """(why, the attribute that says so) when the key cannot be used, else None."""
    if key is None:
        return None
    if key.key_state is not None and key.key_state.every(lambda o: o in _UNUSABLE):
        state = key.key_state.single
        return f"in state {state} (SQS answers {_UNUSABLE.get(state, 'KMS.InvalidStateException')})", key.key_state
    if key.enabled is not None and key.enabled.every(lambda o: o is False):
        return "disabled (SQS answers KMS.DisabledException)", key.enabled
    return None


@rule("SQK103", "kms-key-disabled", "error")
def check(unit, ctx):
    for queue in unit.queues:
        lookups = queue_key_lookups(unit, queue)
        verdicts = [_unusable(lookup.key) for lookup in lookups]
        if lookups and all(verdicts):
            why, where = verdicts[0]
            key = lookups[0].key
            yield ctx.report(
                queue,
                f"queue '{queue.name}' uses key '{key.name}', which is {why}: every send and receive fails",
                at=queue.kms_key,
                related=[(where, f"key '{key.name}' is {why.split(' (')[0]} here")],
            )
