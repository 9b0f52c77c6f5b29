"""FifoQueue and the `.fifo` name suffix disagree."""

from sqs_kms_lint.engine import rule


def _name(content):
    return isinstance(content, str)


@rule("SQK502", "fifo-name-mismatch", "error", tags=("reliability",), precision="very-high")
def check(unit, ctx):
    for queue in unit.queues:
        name = queue.queue_name
        if name is None or not name.every(_name):
            continue
        if queue.is_fifo() and name.every(lambda o: not o.endswith(".fifo")):
            yield ctx.report(
                queue,
                f"FIFO queue name '{name.single}' does not end in '.fifo': AWS rejects it",
                at=name,
            )
        elif queue.is_standard() and name.every(lambda o: o.endswith(".fifo")):
            yield ctx.report(
                queue,
                f"queue name '{name.single}' ends in '.fifo' but FifoQueue is not true: AWS rejects it",
                at=name,
            )
