"""AWS's string-typed scalars: CloudFormation and the AWS CLI write booleans and numbers as strings."""

from __future__ import annotations

import json
import re
from typing import Any

from ..model import ABSENT, UNKNOWN


def to_bool(content: Any) -> Any:
    """CloudFormation and the AWS CLI accept "true"/"false" strings for booleans."""
    if isinstance(content, str) and content.strip().lower() in ("true", "false"):
        return content.strip().lower() == "true"
    return content


def to_int(content: Any) -> Any:
    """Numbers may be written as strings; a non-integer stays as written so rules can say so."""
    # (digits beyond what any AWS integer attribute takes stay a string: SQK302 says it is out of range)
    if isinstance(content, str) and re.fullmatch(r"\s*-?\d{1,18}\s*", content):
        return int(content)
    if isinstance(content, float) and content.is_integer():
        return int(content)
    return content


def json_in_string(text: str) -> Any:
    """A JSON document written as a string (policies, RedrivePolicy), or UNKNOWN when it is not one."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return UNKNOWN


def sent_bool(content: Any) -> Any:
    """The AWS provider sends a boolean queue attribute on create only when it is true (false is AWS's
    default anyway): a false written in Terraform reaches AWS as nothing."""
    content = to_bool(content)
    return ABSENT if content is False else content


def sent_string(content: Any) -> Any:
    """The AWS provider sends a string queue attribute only when it is not empty."""
    return ABSENT if content == "" else content
