"""sqs-kms-lint: a static linter for the encryption at rest of AWS SQS queues."""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/sqs-kms-lint/sqs-kms-lint"
