"""A file that is infrastructure code (by extension or content) but cannot be parsed.

## What it does
Reports a file that the linter recognises as IaC but cannot read: a CloudFormation or SAM
template (YAML or JSON), a Terraform `*.tf` or `*.tf.json` file, a Terraform plan JSON, or a
raw AWS JSON document. The finding points at the line and column the parser reports. Every
other file is still linted. A snapshot that is valid JSON but does not match the snapshot
JSON Schema also gets SQK000, naming the path of the schema error instead of a traceback.
A YAML or JSON file that is not IaC at all is skipped silently and never reported.

## Why is this bad?
A file the linter cannot read is a file it cannot check. Without this finding a broken template
would produce no findings, which looks exactly like a clean result. CloudFormation, Terraform
and the AWS CLI reject the same file, so the error only moves later, into a pipeline or a deploy.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: [orders
```

## Use instead
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: orders
```

## Options
None. Change its severity with `rules: {SQK000: {severity: warning}}` or switch it off with
`rules: {SQK000: off}` (or `file-unparseable: off`) in `.sqs-kms-lint.yaml`. A file that is
broken on purpose (a test input, say) is better left out with `exclude: [glob]`, because an
inline `# sqs-kms-lint: ignore SQK000 -- reason` needs a file whose comments can be read.

## References
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html
- https://developer.hashicorp.com/terraform/language/syntax/configuration
- https://developer.hashicorp.com/terraform/language/syntax/json
- https://developer.hashicorp.com/terraform/internals/json-format
- https://docs.aws.amazon.com/cli/latest/reference/sqs/get-queue-attributes.html
- https://docs.aws.amazon.com/cli/latest/reference/kms/describe-key.html
"""

from collections.abc import Iterator

from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.model import Unit


@rule("SQK000", "file-unparseable", "error", tags=("security", "correctness"), precision="very-high")
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for error in unit.errors:
        yield ctx.report(None, error.message, at=error.span)
