"""Terraform expressions, evaluated offline into the contents a value may take.

Literals, string templates, `var.*` (defaults, `terraform.tfvars`, `*.auto.tfvars`, a module call's
arguments), `local.*`, references to keys, aliases, queues and IAM holders of the module,
`data.aws_caller_identity.*.account_id`, `data.aws_iam_policy_document.*.json`, conditionals (a known
condition picks its branch, an unknown one keeps both), operators and arithmetic on known values,
`jsonencode`, `try`/`can` and a table of pure functions, heredocs. Anything else (remote module outputs,
other data sources, `count.index`, `each.*`, for expressions, splats) is unknown, and unknown silences the
rules that need it. Each expression kind and each function is a small function in a dispatch table.

An expression comes as tree-sitter's nodes (`tf_sitter.Expression`, what most files give: the `_node*`
methods) or as python-hcl2's Lark tree (a file tree-sitter's reader declines: `_EXPRESSIONS`); both give
the same contents, which tests/test_tf_sitter.py checks on every Terraform file of fixtures and tests.
"""

from __future__ import annotations

import itertools
import json
import re
from bisect import bisect_left
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..model import THIS_ACCOUNT, UNKNOWN, ResourceRef, Span
from ..values import MAX_OPTIONS, Budget, Options, combinations, concatenate, merge_branches, single
from . import tf_sitter
from .hcl import Attribute, Block, _name, _trees, is_tree, parse_body
from .located import DecodeError, decode_json
from .resource_types import TERRAFORM_ATTRIBUTES, TERRAFORM_KINDS
from .scalars import json_in_string, to_int

if TYPE_CHECKING:
    from lark import Tree

_PLACEHOLDER = "__sqs_kms_lint_reference_"


_MAX_DEPTH = 60
# Integers beyond this many digits are unknown, written or computed: far beyond any attribute, and Python
# will not even print one past 4,300 digits.
_MAX_DIGITS = 300
_TOO_BIG = 10**_MAX_DIGITS
# A heredoc's interpolation is parsed on its own: that costs as much as this many evaluation steps.
_PARSE_STEPS = 50


_INTERPOLATION = re.compile(r"\$\{([^{}]*)\}")
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
# The trees a reference path is made of (besides a bare identifier).
_PATH_TREES = frozenset(("expr_term", "get_attr_expr_term", "index_expr_term"))


class Evaluator:
    """Evaluates HCL expressions of one module to the list of contents they may take (None: unknown).

    Every expression evaluated spends a step of the unit's budget (shared by its modules; past it, every
    value is unknown), and so do the contents and the size of what strings, functions, tuples and objects
    produce. Locals, variable defaults, resource names and module outputs are evaluated once and
    remembered, so that a chain that refers to its previous link twice stays linear."""

    def __init__(
        self,
        blocks: list[Block],
        variables: dict[str, Any],
        account: str | None,
        prefix: str = "",
        budget: Budget | None = None,
    ) -> None:
        self.account = account or THIS_ACCOUNT
        self.prefix = prefix  # "module.name." inside a called module: resource addresses are unit-wide
        self.modules: dict[
            str, tuple[Evaluator, dict[str, Attribute]]
        ] = {}  # name -> (its evaluator, outputs)
        self.resources: dict[str, Block] = {}
        self.data: dict[str, Block] = {}
        self.variables: dict[str, Attribute | None] = {}  # name -> its default
        self.locals: dict[str, Attribute] = {}
        for block in blocks:
            if block.type == "resource" and len(block.labels) == 2:
                self.resources[".".join(block.labels)] = block
            elif block.type == "data" and len(block.labels) == 2:
                self.data[".".join(block.labels)] = block
            elif block.type == "variable" and block.labels:
                self.variables[block.labels[0]] = block.attributes.get("default")
            elif block.type == "locals":
                self.locals.update(block.attributes)
        self.given = variables  # values from tfvars files or a module call (UNKNOWN when not knowable)
        self.budget = budget if budget is not None else Budget()
        self._active: set[str] = set()  # locals and names being evaluated (cycle guard)
        self._values: dict[str, Any] = {}  # "local.x", "var.x", an address's name, "output.x" -> options
        self._absent: dict[int, bool] = {}  # block id -> never created
        self.incomplete = False  # a file of the module did not parse: a missing resource may be in it
        self.file: str | None = None  # the file of the expression being evaluated (objects' places)

    def one(self, expression: Any, depth: int = 0) -> Any:
        return single(self.options(expression, depth))

    def attribute(self, attribute: Attribute, depth: int = 0) -> Options:
        """The options of an attribute's expression, knowing the file it is written in (an object built
        there, a policy statement say, then knows its place: `Placed`)."""
        outer, self.file = self.file, attribute.span.file or self.file
        try:
            return self.options(attribute.expression, depth)
        finally:
            self.file = outer

    def options(self, tree: Any, depth: int = 0) -> Options:
        """The contents `tree` may take, or None when not knowable offline. An expression Terraform would
        reject (coalesce of nothing, a missing map key, an index past the end) raises TerraformError
        inside, so that `try`/`can` can see it; at the top it is unknown."""
        if depth:
            return self._options(tree, depth)
        try:
            return self._options(tree, depth)
        except TerraformError:
            return None

    def _options(self, tree: Any, depth: int) -> Options:
        if type(tree) is tf_sitter.Expression:
            return self._node(tree.node, tree.source, depth)
        if depth > _MAX_DEPTH or not is_tree(tree) or not self.budget.spend():
            return None
        evaluate = _EXPRESSIONS.get(tree.data)
        return evaluate(self, tree, _trees(tree), depth) if evaluate is not None else None

    def _term(self, tree: Tree, parts: list[Tree], depth: int) -> Options:
        return self.options(parts[0], depth + 1) if len(parts) == 1 else None

    def _literal(self, tree: Tree, parts: list[Tree], depth: int) -> Options:
        text = str(tree.children[0])
        if tree.data == "int_lit":
            return [int(text)] if len(text.strip().lstrip("-")) <= _MAX_DIGITS else None
        if tree.data == "float_lit":
            return [float(text)]
        return [{"true": True, "false": False, "null": None}[text]]

    def _heredoc_term(self, tree: Tree, parts: list[Tree], depth: int) -> Options:
        token = tree.children[0]
        line = getattr(token, "line", None)
        return self._placed_heredoc(str(token), tree.data.endswith("trim"), line, depth)

    def _placed_heredoc(self, token: str, trim: bool, line: int | None, depth: int) -> Options:
        found = self._heredoc(token, trim, depth)
        if found is None or self.file is None or not line:
            return found
        # Where its body starts, for the JSON readers (a policy's statements): its lines are the file's
        # as long as no interpolation added or removed one.
        text = _heredoc_text(token) or ""
        body = (self.file, line + 1, trim, text.count("\n"))
        return [_placed_text(o, body) if isinstance(o, str) else o for o in found]

    def _tuple(self, tree: Tree, parts: list[Tree], depth: int) -> Options:
        return self._made([[self._nested(p, depth) for p in parts]])

    def _object_term(self, tree: Tree, parts: list[Tree], depth: int) -> Options:
        made = self._object(parts, depth)
        meta = tree.meta
        if self.file is not None and not meta.empty:
            made = PlacedDict(made, Span(self.file, meta.line, meta.column, meta.end_line, meta.end_column))
        return self._made([made])

    def _made(self, options: Options) -> Options:
        """Options just built, charged by their size: their parts may be shared (a local used twice), so
        a structure can be far larger than the work that built it. None when the budget runs out."""
        return options if options is None or self.budget.spend_size(options) else None

    def _reference_term(self, tree: Tree, parts: list[Tree], depth: int) -> Options:
        path = self.reference_path(tree, depth)
        return self._reference(path, depth) if path is not None else None

    def _conditional_term(self, tree: Tree, parts: list[Tree], depth: int) -> Options:
        return self._conditional(parts, depth) if len(parts) == 3 else None

    def _unary(self, tree: Tree, parts: list[Tree], depth: int) -> Options:
        operand = self.options(parts[0], depth + 1) if parts else None
        return self._made(_each([operand], _negate if str(tree.children[0]) == "-" else _not))

    def _conditional(self, parts: list[Tree], depth: int) -> list[Any] | None:
        return _choose(
            self.options(parts[0], depth + 1), lambda branch: self.options(parts[branch], depth + 1)
        )

    def _policy_document(self, block: Block, depth: int) -> dict | None:
        """`data "aws_iam_policy_document"` as the IAM JSON it renders (None when it merges other documents)."""
        if any(name in block.attributes for name in ("source_policy_documents", "override_policy_documents")):
            return None
        if any(True for _ in block.children("dynamic")) or any(
            True for statement in block.children("statement") for _ in statement.children("dynamic")
        ):
            return None  # statements or conditions generated by a dynamic block: not knowable offline

        def attribute(owner: Block, name: str) -> Any:
            return (
                single(self.attribute(owner.attributes[name], depth + 1))
                if name in owner.attributes
                else None
            )

        statements = []
        for statement in block.children("statement"):
            rendered: dict[str, Any] = {"Effect": attribute(statement, "effect") or "Allow"}
            if "sid" in statement.attributes:
                rendered["Sid"] = attribute(statement, "sid")
            for name, key in (
                ("actions", "Action"),
                ("not_actions", "NotAction"),
                ("resources", "Resource"),
                ("not_resources", "NotResource"),
            ):
                if name in statement.attributes:
                    rendered[key] = attribute(statement, name)
            for block_type, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
                principals: dict[str, Any] = {}
                for principal in statement.children(block_type):
                    kind, identifiers = attribute(principal, "type"), attribute(principal, "identifiers")
                    if kind == "*":
                        principals["*"] = "*"
                    elif isinstance(kind, str) and isinstance(identifiers, list):
                        principals.setdefault(kind, []).extend(identifiers)
                    else:
                        principals[str(kind)] = UNKNOWN
                if principals:
                    rendered[key] = "*" if "*" in principals else principals
            conditions: dict[str, dict[str, Any]] = {}
            for condition in statement.children("condition"):
                test, variable = attribute(condition, "test"), attribute(condition, "variable")
                if isinstance(test, str) and isinstance(variable, str):
                    conditions.setdefault(test, {})[variable] = attribute(condition, "values")
                else:
                    conditions.setdefault("?", {})["?"] = UNKNOWN  # a condition we cannot read
            if conditions:
                rendered["Condition"] = UNKNOWN if "?" in conditions else conditions
            statements.append(PlacedDict(rendered, statement.span))
        document = {"Version": attribute(block, "version") or "2012-10-17", "Statement": statements}
        return PlacedDict(document, block.span)

    def _nested(self, tree: Any, depth: int) -> Any:
        return single(self.options(tree, depth + 1))

    def _object(self, elements: list[Tree], depth: int) -> dict:
        result: dict[str, Any] = {}
        for element in elements:
            pieces = _trees(element)
            if len(pieces) != 2:
                continue
            key_tree = pieces[0]
            inner = _trees(key_tree)
            bare = inner[0] if inner else None
            bare_parts = _trees(bare) if bare is not None and bare.data == "expr_term" else None
            if bare_parts and bare_parts[0].data == "identifier":
                key: Any = _name(bare_parts[0])
            elif bare is not None and bare.data == "keyword":  # (`in = 1`: a name like any other)
                key = _name(bare)
            else:
                key = self.one(inner[0], depth + 1) if inner else _name(key_tree)
            if isinstance(key, str):
                result[key] = self._nested(pieces[1], depth)
        return result

    def _string(self, tree: Tree, parts: list[Tree], depth: int) -> Options:
        pieces: list[list[Any] | None] = []
        for part in parts:
            child = part.children[0] if part.children else None
            if isinstance(child, str):  # (a token)
                text, kind = str(child), getattr(child, "type", "")
                if kind == "ESCAPED_INTERPOLATION":
                    text = text[1:]
                elif kind == "ESCAPED_DIRECTIVE":
                    text = text[1:]
                else:
                    text = _unescape(text)
                pieces.append([text])
            elif child is not None and child.data == "interpolation":
                inner = _trees(child)
                pieces.append(self.options(inner[0], depth + 1) if inner else None)
            else:
                return None  # %{ if } / %{ for } directives
        return concatenate(pieces, whole_piece=True, budget=self.budget)

    def _heredoc(self, token: str, trim: bool, depth: int) -> list[Any] | None:
        text = _heredoc_text(token)
        if text is None:
            return None
        if trim:
            lines = text.split("\n")
            indent = min((len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()), default=0)
            text = "\n".join(ln[indent:] for ln in lines)
        if "%{" in text.replace("%%{", ""):
            return None
        pieces: list[list[Any] | None] = []
        references: dict[str, ResourceRef] = {}
        position = 0
        for found in _INTERPOLATION.finditer(text):
            pieces.append([text[position : found.start()]])
            options = self._expression_text(found.group(1), depth)
            if options is not None and len(options) == 1 and isinstance(options[0], ResourceRef):
                # a generated value inside JSON text: a placeholder that JSON readers turn back
                placeholder = f"{_PLACEHOLDER}{len(references)}__"
                references[placeholder] = options[0]
                options = [placeholder]
            pieces.append(options)
            position = found.end()
        pieces.append([text[position:]])
        results = concatenate(pieces, whole_piece=True, budget=self.budget)
        if results is None or not references:
            return results
        return [Template(r, references) if isinstance(r, str) else r for r in results]

    def _expression_text(self, source: str, depth: int) -> list[Any] | None:
        """An interpolation inside a heredoc (the grammar keeps heredocs as one token)."""
        key = f"${{{source}}}"
        if key not in self._values:
            if not self.budget.spend(_PARSE_STEPS):
                return None
            try:
                attribute = parse_body(f"x = {source}\n", "").attributes.get("x")
            except DecodeError:
                attribute = None
            self._values[key] = attribute.expression if attribute is not None else None
        expression = self._values[key]
        return self.options(expression, depth + 1) if expression is not None else None

    def reference_path(self, tree: Tree, depth: int) -> list[Any] | None:
        """`a.b[0].c` as ["a", "b", 0, "c"] (an index we cannot know is UNKNOWN)."""
        if type(tree) is tf_sitter.Expression:
            parts = tf_sitter.children(tree.node)
            if not parts or parts[0].type in ("operation", "conditional"):
                return None
            return self._node_path(parts, tree.source, depth)
        data = tree.data
        if data == "identifier":
            return [_name(tree)]
        if data not in _PATH_TREES:  # (before its child trees: most expressions are no reference)
            return None
        parts = _trees(tree)
        if data == "expr_term":
            return self.reference_path(parts[0], depth) if len(parts) == 1 else None
        if len(parts) != 2:
            return None
        head = self.reference_path(parts[0], depth)
        if head is None:
            return None
        step = parts[1]
        if step.data == "get_attr":
            inner = _trees(step)
            return head + [_name(inner[0]) if inner else ""]
        if step.data == "short_index":
            digits = str(step.children[-1])
            return head + [int(digits) if len(digits) <= _MAX_DIGITS else UNKNOWN]
        if step.data == "braces_index":
            inner = _trees(step)
            index = self.one(inner[0], depth + 1) if inner else UNKNOWN
            return head + [index]
        return None

    def _reference(self, path: list[Any], depth: int) -> list[Any] | None:
        root = path[0]
        if root == "var" and len(path) >= 2:
            name = str(path[1])
            if name in self.given:
                return _walk([self.given[name]], path[2:])
            default = self.variables.get(name)
            return _walk(self._once(f"var.{name}", default, depth), path[2:]) if default is not None else None
        if root == "local" and len(path) >= 2:
            name = str(path[1])
            if name not in self.locals:
                return None
            return _walk(self._once(f"local.{name}", self.locals[name], depth), path[2:])
        if root == "data" and len(path) >= 4:
            if path[1] == "aws_caller_identity" and path[3] == "account_id":
                return [self.account]
            block = self.data.get(f"{path[1]}.{path[2]}")
            if (
                path[1] == "aws_iam_policy_document"
                and path[3] in ("json", "minified_json")
                and block is not None
            ):
                document = self._policy_document(block, depth)
                return None if document is None else self._made([document])
            return None
        if root == "module" and len(path) >= 3 and path[1] in self.modules:
            child, outputs = self.modules[str(path[1])]
            output = outputs.get(str(path[2]))
            if output is None:
                return None
            return _walk(child._once(f"output.{path[2]}", output, depth), path[3:])
        if isinstance(root, str) and root in TERRAFORM_KINDS and len(path) >= 3:
            return self._resource_attribute(root, path, depth)
        return None  # remote module outputs, count, each, path, self, other resources: not ours to know

    def _resource_attribute(self, resource_type: str, path: list[Any], depth: int) -> list[Any] | None:
        address = f"{resource_type}.{path[1]}"
        rest = [p for p in path[2:] if isinstance(p, str)]  # an instance index of count/for_each is ignored
        if not rest:
            return None
        kind = TERRAFORM_KINDS[resource_type]
        attribute = TERRAFORM_ATTRIBUTES[kind].get(rest[0])
        if attribute is None:
            return None
        block = self.resources.get(address)
        if block is None:
            return None if self.incomplete else [ResourceRef(None, self.prefix + address, attribute)]
        if address not in self._active:
            self._active.add(address)
            try:
                absent = self.never_created(block)
            finally:
                self._active.discard(address)
            if absent:  # `count = 0`: `aws_kms_key.this[0].arn` is an error (try() falls back)
                raise TerraformError(f"{address} has no instances")
        if attribute == "name" and kind in ("alias", "queue") and "name" in block.attributes:
            name = single(self._once(address, block.attributes["name"], depth))
            if isinstance(name, str):
                return [name]
        return [ResourceRef(kind, self.prefix + address, attribute)]

    def _once(self, key: str, attribute: Attribute, depth: int) -> Options:
        """The options of an expression that many references share (a local, a variable's default, a
        resource's name, a module output), evaluated once; None while it is being evaluated (it refers
        back to itself). One that fails fails each time it is used."""
        if key not in self._values:
            if key in self._active:
                return None
            self._active.add(key)
            try:
                self._values[key] = self.attribute(attribute, depth + 1)
            except TerraformError:
                self._values[key] = _FAILED
            finally:
                self._active.discard(key)
        found = self._values[key]
        if found is _FAILED:
            raise TerraformError(f"{key} fails")
        return found

    def never_created(self, block: Block) -> bool:
        """`count = 0` or an empty `for_each`: the resource is not there at all (decided once a block)."""
        if id(block) not in self._absent:
            self._absent[id(block)] = self._never_created(block)
        return self._absent[id(block)]

    def _never_created(self, block: Block) -> bool:
        if "count" in block.attributes:
            count = self.one(block.attributes["count"].expression)
            return count == 0 and not isinstance(count, bool)
        if "for_each" in block.attributes:
            each = self.one(block.attributes["for_each"].expression)
            return isinstance(each, (dict, list)) and not each
        return False

    def _call(self, tree: Tree, parts: list[Tree], depth: int) -> Options:
        name = _name(parts[0]) if parts else ""
        arguments_tree = next((p for p in parts[1:] if p.data == "arguments"), None)
        arguments = _trees(arguments_tree) if arguments_tree is not None else []
        if arguments_tree is not None and any(
            isinstance(c, str) and getattr(c, "type", "") == "ELLIPSIS" for c in arguments_tree.children
        ):
            return None  # `f(list...)`: the list's elements are the arguments, not known here
        return self._apply(name, arguments, lambda argument: self.options(argument, depth + 1))

    def _apply(self, name: str, arguments: list[Any], evaluate: Callable[[Any], Options]) -> Options:
        """A function called with `arguments`, each evaluated by `evaluate` when the function needs it."""
        if name == "try":  # the first argument that evaluates without an error
            for argument in arguments:
                try:
                    return evaluate(argument)
                except TerraformError:
                    continue
            raise TerraformError("no argument of try() evaluates")
        if name == "can":
            try:
                found = evaluate(arguments[0]) if len(arguments) == 1 else None
            except TerraformError:
                return [False]
            return None if found is None or any(_unknown(o) for o in found) else [True]
        if name == "jsonencode" and len(arguments) == 1:
            # The structure itself, not its text: readers of policies and redrive policies take both.
            value = single(evaluate(arguments[0]))
            return None if value is UNKNOWN else [value]
        function = _FUNCTIONS.get(name)
        if function is None:
            return None
        return self._made(_each([evaluate(a) for a in arguments], function))

    def _binary(self, tree: Tree, parts: list[Tree], depth: int) -> Options:
        if len(parts) != 2 or parts[1].data != "binary_term":
            return None
        term = _trees(parts[1])
        # (hcl2's postlexer merges the newline or comment before an operator into its token)
        operator = str(next(c for c in term[0].children if isinstance(c, str))).split() if term else []
        apply = _OPERATORS.get(operator[-1] if operator else "")
        if apply is None:
            return None
        # an unknown operand stays in: `false && x` is false whatever x is
        left, right = self.options(parts[0], depth + 1), self.options(term[-1], depth + 1)
        return self._made(_each([left or [UNKNOWN], right or [UNKNOWN]], apply))

    # -- expressions as tree-sitter read them (tf_sitter) -----------------------------------------------

    def _node(self, node: Any, source: tf_sitter.Source, depth: int) -> Options:
        """An `expression` node of tree-sitter's tree: its operators parsed by precedence, its terms read."""
        if depth > _MAX_DEPTH or not self.budget.spend():
            return None
        items = tf_sitter.flatten(node)
        if len(items) == 2 and items[0][0] == "term":  # (most expressions: one term)
            return self._node_term(items[0][1], source, depth)
        return self._operation(tf_sitter.operations(items), source, depth)

    def _operation(self, tree: Any, source: tf_sitter.Source, depth: int) -> Options:
        if tree is None or depth > _MAX_DEPTH or not self.budget.spend():
            return None
        kind = tree[0]
        if kind == "term":
            return self._node_term(tree[1], source, depth + 1)
        if kind == "?":
            return _choose(
                self._operation(tree[1], source, depth + 1),
                lambda branch: self._operation(tree[branch + 1], source, depth + 1),
            )
        if kind == "unary":
            operand = self._operation(tree[2], source, depth + 1)
            return self._made(_each([operand], _negate if tree[1] == "-" else _not))
        apply = _OPERATORS.get(tree[1])
        if apply is None:
            return None
        # an unknown operand stays in: `false && x` is false whatever x is
        left, right = self._operation(tree[2], source, depth + 1), self._operation(tree[3], source, depth + 1)
        return self._made(_each([left or [UNKNOWN], right or [UNKNOWN]], apply))

    def _node_term(self, parts: list[Any], source: tf_sitter.Source, depth: int) -> Options:
        """A value, a collection, a call, a parenthesised expression, a reference; then accesses."""
        base = parts[0]
        kind = base.type
        if kind == "(" and len(parts) == 3:
            return self._node(parts[1], source, depth + 1)
        if kind == "variable_expr" or len(parts) > 1:
            path = self._node_path(parts, source, depth)
            return self._reference(path, depth) if path is not None else None
        children = tf_sitter.children(base)
        if len(children) != 1 and kind != "function_call":
            return None
        inner = children[0]
        inner_kind = inner.type
        if kind == "literal_value":
            if inner_kind == "string_lit":
                return self._node_string(inner, source, depth)
            if inner_kind == "numeric_lit":
                text = source.text(inner)
                if text.isdigit():
                    return [int(text)] if len(text) <= _MAX_DIGITS else None
                return [float(text)] if _DECIMAL.fullmatch(text) else None  # (not `0x1F`: HCL has none)
            if inner_kind == "bool_lit":
                return [source.text(inner) == "true"]
            if inner_kind == "null_lit":
                return [None]
            return None
        if kind == "template_expr":
            if inner_kind == "quoted_template":
                return self._node_string(inner, source, depth)
            if inner_kind == "heredoc_template":
                token = tf_sitter.heredoc_token(inner, source)
                if token is None:
                    return None
                return self._placed_heredoc(token, token.startswith("<<-"), source.start(inner)[0], depth)
            return None
        if kind == "collection_value":
            if inner_kind == "tuple":
                return self._made(
                    [
                        [
                            single(self._node(element, source, depth + 1))
                            for element in tf_sitter.children(inner)
                            if element.type == "expression"
                        ]
                    ]
                )
            if inner_kind == "object":
                made = self._node_object(inner, source, depth)
                if self.file is not None:
                    span = source.span(inner)
                    made = PlacedDict(
                        made, Span(self.file, span.line, span.column, span.end_line, span.end_column)
                    )
                return self._made([made])
            return None
        if kind == "function_call":
            return self._node_call(children, source, depth)
        return None  # for expressions, ...: not known

    def _node_object(self, node: Any, source: tf_sitter.Source, depth: int) -> dict:
        result: dict[str, Any] = {}
        for element in tf_sitter.children(node):
            if element.type != "object_elem":
                continue
            pieces = tf_sitter.children(element)
            if len(pieces) != 3 or pieces[0].type != "expression" or pieces[2].type != "expression":
                continue
            key_parts = tf_sitter.children(pieces[0])
            if len(key_parts) == 1 and key_parts[0].type == "variable_expr":
                key: Any = source.text(key_parts[0])  # (a bare name is the key itself)
            else:
                key = single(self._node(pieces[0], source, depth + 1))
            if isinstance(key, str):
                result[key] = single(self._node(pieces[2], source, depth + 1))
        return result

    def _node_string(self, node: Any, source: tf_sitter.Source, depth: int) -> Options:
        pieces = tf_sitter.string_pieces(node, source)
        if pieces is None:
            return None  # %{ if } / %{ for } directives
        parts: list[list[Any] | None] = []
        for kind, what in pieces:
            if kind == "text":
                text = _literal_text(what)
                if text is None:
                    return None
                parts.append([text])
            else:
                parts.append(self._node(what, source, depth + 1))
        return concatenate(parts, whole_piece=True, budget=self.budget)

    def _node_call(self, parts: list[Any], source: tf_sitter.Source, depth: int) -> Options:
        if len(parts) < 3 or parts[0].type != "identifier":
            return None
        arguments = []
        if parts[2].type == "function_arguments":
            for argument in tf_sitter.children(parts[2]):
                if argument.type == "expression":
                    arguments.append(argument)
                elif argument.type != ",":
                    return None  # `f(list...)`: the list's elements are the arguments, not known here
        name = source.text(parts[0])
        return self._apply(name, arguments, lambda argument: self._node(argument, source, depth + 1))

    def _node_path(self, parts: list[Any], source: tf_sitter.Source, depth: int) -> list[Any] | None:
        """`a.b[0].c` as ["a", "b", 0, "c"] (an index we cannot know is UNKNOWN), from a term's parts."""
        base = parts[0]
        if base.type == "variable_expr":
            path: list[Any] = [source.text(base)]
            rest = parts[1:]
        elif base.type == "(" and len(parts) >= 3 and parts[2].type == ")":
            inner = tf_sitter.children(parts[1])
            if not inner or inner[0].type in ("operation", "conditional") or depth > _MAX_DEPTH:
                return None
            found = self._node_path(inner, source, depth + 1)
            if found is None:
                return None
            path, rest = found, parts[3:]
        else:
            return None
        for step in rest:
            kind = step.type
            if kind == "get_attr":
                path.append(source.text(step.children[-1]))
            elif kind == "index" and step.child_count == 1:
                index = step.children[0]
                if index.type == "new_index":
                    inner = [c for c in tf_sitter.children(index) if c.type == "expression"]
                    path.append(single(self._node(inner[0], source, depth + 1)) if inner else UNKNOWN)
                elif index.type == "legacy_index":
                    digits = source.text(index)[1:]
                    path.append(int(digits) if digits.isdigit() and len(digits) <= _MAX_DIGITS else UNKNOWN)
                else:
                    return None
            else:
                return None  # (splats)
        return path


# Each kind of expression tree: (evaluator, tree, its child trees, depth) -> the contents it may take.
_EXPRESSIONS: dict[str, Callable[[Evaluator, Tree, list[Tree], int], Options]] = {
    "expr_term": Evaluator._term,
    "int_lit": Evaluator._literal,
    "float_lit": Evaluator._literal,
    "literal_value": Evaluator._literal,
    "string": Evaluator._string,
    "heredoc_template": Evaluator._heredoc_term,
    "heredoc_template_trim": Evaluator._heredoc_term,
    "tuple": Evaluator._tuple,
    "object": Evaluator._object_term,
    "get_attr_expr_term": Evaluator._reference_term,
    "index_expr_term": Evaluator._reference_term,
    "identifier": Evaluator._reference_term,
    "function_call": Evaluator._call,
    "conditional": Evaluator._conditional_term,
    "binary_op": Evaluator._binary,
    "unary_op": Evaluator._unary,
}  # for expressions, splats, template directives, ...: not known


class TerraformError(Exception):
    """An expression Terraform would reject with these known values (`try` and `can` catch it)."""


_FAILED: Any = object()  # a local whose expression fails


def _unknown(content: Any) -> bool:
    """A content whose value is not known offline (anywhere inside it)."""
    if content is UNKNOWN or isinstance(content, (ResourceRef, Template)):
        return True
    if isinstance(content, dict):
        return any(_unknown(v) for v in content.values())
    if isinstance(content, list):
        return any(_unknown(v) for v in content)
    return False


def _each(arguments: list[list[Any] | None], function: Callable[..., Any]) -> list[Any] | None:
    """`function` over every combination of its arguments' options: None when an argument is unknown,
    when the function cannot tell (UNKNOWN), or when only some combinations fail; TerraformError when
    every combination fails."""
    if any(a is None for a in arguments):
        return None
    if combinations(arguments) > MAX_OPTIONS:
        return None
    results: list[Any] = []
    failures = 0
    for combination in itertools.product(*[a for a in arguments if a is not None]):
        try:
            result = function(*combination)
        except TerraformError:
            failures += 1
            continue
        except (
            TypeError,
            ValueError,
            IndexError,
            KeyError,
            AttributeError,
            ZeroDivisionError,
            OverflowError,
        ):
            return None  # a case we do not model
        if result is UNKNOWN:
            return None
        if not any(_same(result, r) for r in results):
            results.append(result)
    if failures:
        if results:
            return None
        raise TerraformError("the function fails on every value")
    return results


def _choose(conditions: Options, branch: Callable[[int], Options]) -> Options:
    """`c ? a : b`: the branch (1 or 2) a known condition picks (the other is not evaluated, as in
    Terraform); both when the condition is unknown."""
    taken = []
    for condition in conditions or [UNKNOWN]:
        decided = _as_bool(condition)
        if decided is None:
            taken = [1, 2]
            break
        taken.append(1 if decided else 2)
    return merge_branches((branch(chosen) for chosen in sorted(set(taken))), _same)


def _literal_text(text: str) -> str | None:
    """A string's literal text as written, read as python-hcl2's lexer cuts it: `$${` and `%%{` escape a
    template sign, backslash escapes elsewhere; None when its lexer would not take it."""
    if "\\" not in text and "$${" not in text and "%%{" not in text:
        return text
    pieces = []
    position = 0
    while position < len(text):
        found = None
        if text[position] in "$%":
            found = tf_sitter.ESCAPED_INTERPOLATION.match(
                text, position
            ) or tf_sitter.ESCAPED_DIRECTIVE.match(text, position)
            if found is not None:
                pieces.append(found.group()[1:])
                position = found.end()
                continue
        found = tf_sitter.STRING_CHARS.match(text, position)
        if found is None:
            return None
        pieces.append(_unescape(found.group()))
        position = found.end()
    return "".join(pieces)


def _same(a: Any, b: Any) -> bool:
    """Terraform's equality on known values: no number equals a bool, a string never equals a number."""
    if a is b:
        return True  # (a shared part: no need to walk it)
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) or isinstance(b, (int, float)):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _as_bool(content: Any) -> bool | None:
    """A condition's value (Terraform converts "true"/"false"); None when unknown; null fails."""
    if content is None:
        raise TerraformError("a condition is null")
    if isinstance(content, bool):
        return content
    if isinstance(content, str) and not isinstance(content, Template) and content in ("true", "false"):
        return content == "true"
    if _unknown(content):
        return None
    raise TerraformError("a condition is not a bool")


def _number(content: Any) -> int | float:
    if isinstance(content, bool) or content is None:
        raise TerraformError("not a number")
    if isinstance(content, (int, float)):
        return content
    if _unknown(content):
        raise _Unknowable
    converted = to_int(content)
    if isinstance(converted, int) and not isinstance(converted, bool):
        return converted
    try:
        return float(content)
    except (TypeError, ValueError):
        raise TerraformError("not a number") from None


class _Unknowable(ValueError):
    """An operand known only after apply: the result is unknown (caught as a case we do not model)."""


def _equal(a: Any, b: Any) -> Any:
    return UNKNOWN if _unknown(a) or _unknown(b) else _same(a, b)


def _logic(both: Callable[[bool, bool], bool], decisive: bool) -> Callable[[Any, Any], Any]:
    """`&&` / `||`: a known decisive operand decides even if the other is unknown (as cty does)."""

    def apply(a: Any, b: Any) -> Any:
        left, right = _as_bool(a), _as_bool(b)
        if left is decisive or right is decisive:
            return decisive
        return UNKNOWN if left is None or right is None else both(left, right)

    return apply


def _arithmetic(operate: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def apply(a: Any, b: Any) -> Any:
        result = operate(_number(a), _number(b))
        if isinstance(result, float) and result.is_integer():
            result = int(result)
        if isinstance(result, int) and abs(result) >= _TOO_BIG:
            return UNKNOWN  # far beyond any attribute: not worth a huge number
        return result

    return apply


def _divide(a: Any, b: Any) -> Any:
    if b == 0:
        raise TerraformError("division by zero")
    return a / b


def _modulo(a: Any, b: Any) -> Any:
    if b == 0:
        raise TerraformError("modulo by zero")
    return a % b


_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "==": _equal,
    "!=": lambda a, b: _equal(a, b) if _equal(a, b) is UNKNOWN else not _equal(a, b),
    "&&": _logic(lambda a, b: a and b, False),
    "||": _logic(lambda a, b: a or b, True),
    "+": _arithmetic(lambda a, b: a + b),
    "-": _arithmetic(lambda a, b: a - b),
    "*": _arithmetic(lambda a, b: a * b),
    "/": _arithmetic(_divide),
    "%": _arithmetic(_modulo),
    "<": _arithmetic(lambda a, b: a < b),
    ">": _arithmetic(lambda a, b: a > b),
    "<=": _arithmetic(lambda a, b: a <= b),
    ">=": _arithmetic(lambda a, b: a >= b),
}


def _not(a: Any) -> Any:
    decided = _as_bool(a)
    return UNKNOWN if decided is None else not decided


def _negate(a: Any) -> Any:
    return -_number(a)


def _string_function(convert: Callable[[str], Any]) -> Callable[[Any], Any]:
    def apply(text: Any) -> Any:
        if _unknown(text):
            return UNKNOWN
        if not isinstance(text, str):
            raise TerraformError("not a string")
        return convert(text)

    return apply


def _coalesce(*values: Any) -> Any:
    """The first argument that is neither null nor an empty string; none is an error."""
    for value in values:
        if value is UNKNOWN:
            return UNKNOWN
        if value is not None and value != "":
            return value
    raise TerraformError("coalesce: no non-null, non-empty argument")


def _lookup(mapping: Any, key: Any, *default: Any) -> Any:
    if not isinstance(mapping, dict) or not isinstance(key, str) or len(default) > 1:
        return UNKNOWN
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise TerraformError(f"lookup: no key {key!r}")


def _contains(collection: Any, value: Any) -> Any:
    if not isinstance(collection, list) or _unknown(value):
        return UNKNOWN
    found = [_equal(item, value) for item in collection]
    if True in found:
        return True
    return UNKNOWN if UNKNOWN in found else False


def _length(collection: Any) -> Any:
    if isinstance(collection, (list, dict)):
        return len(collection)
    if isinstance(collection, str) and not _unknown(collection):
        return len(collection)
    if collection is None:
        raise TerraformError("length of null")
    return UNKNOWN


def _join(separator: Any, *lists: Any) -> Any:
    items = [item for each in lists for item in (each if isinstance(each, list) else [UNKNOWN])]
    if not isinstance(separator, str) or not all(map(_text, items)):
        return UNKNOWN
    return separator.join(str(item) for item in items)


def _format_call(template: Any, *arguments: Any) -> Any:
    if not isinstance(template, str) or _unknown(template) or not all(map(_text, arguments)):
        return UNKNOWN
    return _format(template, list(arguments))


def _merge(*values: Any) -> Any:
    merged: dict = {}
    for value in values:
        if value is None:
            continue
        if not isinstance(value, dict):
            return UNKNOWN
        merged.update(value)
    return merged


def _concat(*values: Any) -> Any:
    if not all(isinstance(v, list) for v in values):
        return UNKNOWN
    return [item for v in values for item in v]


def _element(collection: Any, index: Any) -> Any:
    if not isinstance(collection, list) or not isinstance(index, int) or isinstance(index, bool):
        return UNKNOWN
    if not collection:
        raise TerraformError("element of an empty list")
    return collection[index % len(collection)]


def _one(collection: Any) -> Any:
    if not isinstance(collection, list):
        return UNKNOWN
    if len(collection) > 1:
        raise TerraformError("one: more than one element")
    return collection[0] if collection else None


def _tostring(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not _unknown(value)):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return UNKNOWN


def _tobool(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    if _unknown(value):
        return UNKNOWN
    raise TerraformError("not a bool")


def _tonumber(value: Any) -> Any:
    return value if value is None else _number(value)


def _jsondecode(text: Any) -> Any:
    if not isinstance(text, str) or _unknown(text):
        return UNKNOWN
    decoded = json_in_string(text)
    if decoded is UNKNOWN:
        raise TerraformError("jsondecode: not JSON")
    return decoded


# Terraform functions on known values (try, can and jsonencode are Evaluator._call's own).
_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "lower": _string_function(str.lower),
    "upper": _string_function(str.upper),
    "trimspace": _string_function(str.strip),
    "tostring": _tostring,
    "tonumber": _tonumber,
    "tobool": _tobool,
    "jsondecode": _jsondecode,
    "join": _join,
    "format": _format_call,
    "coalesce": _coalesce,
    "concat": _concat,
    "merge": _merge,
    "lookup": _lookup,
    "contains": _contains,
    "length": _length,
    "element": _element,
    "one": _one,
}


def _walk(options: list[Any] | None, rest: list[Any]) -> list[Any] | None:
    """Attribute and index access into resolved data (`var.config.period`, `var.list[0]`)."""
    if options is None:
        return None
    results = []
    for option in options:
        for step in rest:
            if isinstance(option, dict) and isinstance(step, str) and step in option:
                option = option[step]
            elif isinstance(option, list) and isinstance(step, int) and 0 <= step < len(option):
                option = option[step]
            elif option is None or (
                isinstance(option, list) and isinstance(step, int) and not _unknown(option)
            ):
                raise TerraformError("attribute of null, or index past the end")
            else:
                return None  # a key a type constraint's optional() may fill, or an unknown
        results.append(option)
    return results


def _text(value: Any) -> bool:
    """A value a string function may print: text or a number (not null, a reference or unknown)."""
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


_VERB = re.compile(r"%(.?)", re.S)


def _format(template: str, arguments: list[Any]) -> Any:
    """`format`'s `%s`, `%d`, `%v` and `%%` (UNKNOWN for the verbs and widths it does not compute, `%q`,
    `%03d`...); as in Terraform, a template that asks for more or fewer values than given is an error."""
    pieces = []
    used = position = 0
    for found in _VERB.finditer(template):
        pieces.append(template[position : found.start()])
        position = found.end()
        verb = found.group(1)
        if verb == "%":
            pieces.append("%")
            continue
        if verb not in ("s", "d", "v"):
            return UNKNOWN
        if used == len(arguments):
            raise TerraformError("format: not enough arguments")
        pieces.append(str(arguments[used]))
        used += 1
    if used != len(arguments):
        raise TerraformError("format: too many arguments")
    pieces.append(template[position:])
    return "".join(pieces)


_HEREDOC_OPENER = re.compile(r"<<-?([A-Za-z][A-Za-z0-9._-]*)\r?\n")


def _heredoc_text(token: str) -> str | None:
    """The text of a heredoc token, between its opening line and the line of its closing marker; None
    when the token is not one. Read from both ends rather than by one regular expression, which took
    quadratic time over a long run of blanks."""
    opened = _HEREDOC_OPENER.match(token)
    if opened is None:
        return None
    marker = opened.group(1)
    closing = token.rstrip("\r\n")
    if token[len(closing) :] not in ("", "\r", "\n", "\r\n", "\n\n", "\r\n\n") or not closing.endswith(
        marker
    ):
        return None
    start, end = opened.end(), len(closing) - len(marker)
    if end < start:
        return None
    while end > start and token[end - 1] in " \t":  # the closing line's indentation
        end -= 1
    for ending in "\n\r":  # and the line break before it
        if end > start and token[end - 1] == ending:
            end -= 1
    return token[start:end]


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    try:
        return json.loads('"' + text.replace('"', '\\"').replace('\\\\"', '\\"') + '"')
    except ValueError:
        return text


class PlacedDict(dict):
    """An object built from HCL (`{...}`, a policy document's `statement` block) that knows where it was
    written: a policy's statements then point at their own lines, not at `policy =`."""

    __slots__ = ("span",)

    def __init__(self, content: dict, span: Span) -> None:
        super().__init__(content)
        self.span = span


class PlacedText(str):
    """The text of a heredoc whose lines are the file's: `body` is (file, line of its first line, trimmed
    (`<<-`), its number of line breaks as written). A JSON reader places the objects it finds in it."""

    body: tuple[str, int, bool, int]


def _placed_text(text: str, body: tuple[str, int, bool, int]) -> str:
    if text.count("\n") != body[3]:  # (an interpolation added or removed lines: they no longer match)
        return text
    placed = Template(text, text.references) if isinstance(text, Template) else PlacedText(text)
    placed.body = body  # type: ignore[union-attr]
    return placed


class Template(str):
    """Heredoc text that holds generated values (`${aws_sqs_queue.dlq.arn}`) as placeholders: only a
    JSON reader may use it (`json_content`); anywhere else its value is unknown."""

    references: dict[str, ResourceRef]

    def __new__(cls, text: str, references: dict[str, ResourceRef]) -> Template:
        made = super().__new__(cls, text)
        made.references = references
        return made


def json_content(content: Any) -> Any:
    """A JSON document given as a structure (jsonencode) or as text (heredoc, string), with a heredoc's
    generated values put back where they stood alone in a JSON string (else UNKNOWN there). The objects
    of a heredoc whose lines are the file's know where they were written (PlacedDict)."""
    if not isinstance(content, str) or not content.strip():
        return content  # (an empty string is no document: readers say so)
    parsed = json_in_string(content)
    body = getattr(content, "body", None)
    if body is not None and parsed is not UNKNOWN:
        parsed = _placed_json(content, parsed, body)
    if not isinstance(content, Template):
        return parsed

    def restore(node: Any) -> Any:
        if isinstance(node, str) and _PLACEHOLDER in node:
            return content.references.get(node, UNKNOWN)
        if isinstance(node, PlacedDict):
            return PlacedDict({k: restore(v) for k, v in node.items()}, node.span)
        if isinstance(node, dict):
            return {k: restore(v) for k, v in node.items()}
        if isinstance(node, list):
            return [restore(v) for v in node]
        return node

    return restore(parsed)


def _placed_json(text: str, parsed: Any, body: tuple[str, int, bool, int]) -> Any:
    """`parsed` (the text's JSON) with each object placed where the heredoc writes it; as it is when the
    positions cannot be had (our decoder refuses what json.loads takes: a duplicate key)."""
    try:
        marked = decode_json(text)
    except DecodeError:
        return parsed
    file, first_line, trimmed, _ = body
    newlines = [found.start() for found in re.finditer("\n", text)]

    def place(node: Any, plain: Any) -> Any:
        if isinstance(plain, dict) and isinstance(node, dict):
            inner = {k: place(node.get(k), v) for k, v in plain.items()}
            start = getattr(node, "_start", None)
            if start is None:
                return inner
            brace = start - 1  # (where the object's opening brace is in the text)
            line = bisect_left(newlines, brace)
            column = brace - (newlines[line - 1] if line else -1)
            # a `<<-` heredoc's lines lost their common indentation: its columns are not the file's
            return PlacedDict(inner, Span(file, first_line + line, 1 if trimmed else column))
        if isinstance(plain, list) and isinstance(node, list) and len(node) == len(plain):
            return [place(n, p) for n, p in zip(node, plain, strict=True)]
        return plain

    return place(marked, parsed)


def tfvars(text: str, file: str = "", spans: dict[str, Span] | None = None) -> dict[str, Any]:
    """The literal values a tfvars file assigns (anything computed is left out); where each is assigned
    goes into `spans` when given."""
    try:
        body = parse_body(text, file)
    except DecodeError:
        return {}
    evaluator = Evaluator([], {}, None)
    values = {}
    for name, attribute in body.attributes.items():
        value = evaluator.one(attribute.expression)
        if value is not UNKNOWN:
            values[name] = value
            if spans is not None:
                spans[name] = attribute.span
    return values
