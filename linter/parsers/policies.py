"""Policy documents (key policies, identity policies) from resolved content, with statement spans."""

from __future__ import annotations

from typing import Any

from ..model import UNKNOWN, PolicyDocument, Span, Statement
from .located import span_of
from .scalars import json_in_string

_FIELDS = {
    "Sid": "sid",
    "Effect": "effect",
    "Principal": "principal",
    "NotPrincipal": "not_principal",
    "Action": "action",
    "NotAction": "not_action",
    "Resource": "resource",
    "NotResource": "not_resource",
    "Condition": "condition",
}


def _place(node: Any, file: str) -> Span | None:
    """Where a statement was written: a decoded template's marks, or the place an object built in
    Terraform (tf_eval.PlacedDict) knows."""
    placed = getattr(node, "span", None)
    return placed if isinstance(placed, Span) else span_of(node, file)


def build_policy(content: Any, node: Any, file: str, span: Span) -> PolicyDocument | None:
    """A PolicyDocument from a resolved object or JSON string; None when it is not a policy at all.

    `node` is the decoded source node when the policy was written as an object (a template's mapping, an
    object built in Terraform), so that each statement points at its own line; a policy given as a
    string points at `span` throughout.
    """
    if isinstance(content, str):
        content = json_in_string(content)
        node = None
    if not isinstance(content, dict):
        return None
    statements = content.get("Statement", UNKNOWN)
    if isinstance(statements, dict):
        statements = [statements]
        source_nodes: list[Any] = [node.get("Statement")] if isinstance(node, dict) else []
    else:
        source = node.get("Statement") if isinstance(node, dict) else None
        source_nodes = list(source) if isinstance(source, list) else []
    if not isinstance(statements, list):
        return PolicyDocument(span, [], known=False)
    document = PolicyDocument(span)
    aligned = len(source_nodes) == len(statements)
    for index, raw in enumerate(statements):
        if not isinstance(raw, dict):
            document.known = False
            continue
        where = (_place(source_nodes[index], file) if aligned else None) or span
        statement = Statement(span=where)
        for field_name, attribute in _FIELDS.items():
            if field_name in raw:
                setattr(statement, attribute, raw[field_name])
        document.statements.append(statement)
    return document
