"""AWS's string-typed scalars: CloudFormation and the AWS CLI write booleans and numbers as strings."""

from __future__ import annotations

import re
from typing import Any


def to_bool(content: Any) -> Any:
    """CloudFormation and the AWS CLI accept "true"/"false" strings for booleans."""
    if isinstance(content, str) and content.strip().lower() in ("true", "false"):
        return content.strip().lower() == "true"
    return content


def to_int(content: Any) -> Any:
    """Numbers may be written as strings; a non-integer stays as written so rules can say so."""
    if isinstance(content, str) and re.fullmatch(r"\s*-?\d+\s*", content):
        return int(content)
    if isinstance(content, float) and content.is_integer():
        return int(content)
    return content
