"""A file that is IaC by extension or content cannot be parsed."""

from sqs_kms_lint.engine import rule


@rule("SQK000", "file-unparseable", "error", tags=("security", "correctness"), precision="very-high")
def check(unit, ctx):
    for error in unit.errors:
        yield ctx.report(None, error.message, at=error.span)
