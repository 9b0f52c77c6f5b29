"""Our YAML loader (linter/parsers/yaml_located.py) against cfn-lint's, which it replaces: the same values,
types, marks and errors on every YAML file of the repository and on the odd corners of YAML.

The oracle is the decoder as it stood (tests/yaml_reference.py: cfn-lint's loader). Each text is decoded
three ways: by the oracle, by our loader, and by our loader with its one pass over the events made to
build nothing, so that PyYAML's constructor with cfn-lint's rules (`_ExactLoader`, where odd documents
go) is held to the oracle on every text as well.
"""

from __future__ import annotations

import datetime
import random
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from sqs_kms_lint.parsers import located, yaml_located
from sqs_kms_lint.parsers.located import DecodeError, decode_yaml

from .conftest import ROOT
from .yaml_reference import Refusal, decode_yaml_with_cfn_lint, decoded, first_difference

YAML_FILES = sorted(
    path.relative_to(ROOT).as_posix()
    for folder in ("fixtures", "tests")
    for path in (ROOT / folder).rglob("*")
    if path.suffix in (".yaml", ".yml", ".template") and path.is_file()
)

_read = yaml_located._read


def _unbuilt(*args: Any) -> Any:
    """The one pass checks the limits, but leaves the document to _ExactLoader."""
    _read(*args)
    return yaml_located._UNBUILT


@pytest.fixture
def decoders(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Callable[[str], Any]]]:
    def exact(text: str) -> Any:
        with monkeypatch.context() as patch:
            patch.setattr(yaml_located, "_read", _unbuilt)
            return decode_yaml(text)

    return [("ours", decode_yaml), ("ours, built by _ExactLoader", exact)]


def assert_as_cfn_lint(text: str, decoders: list[tuple[str, Callable[[str], Any]]]) -> Any:
    """Decode `text` every way; each must give what cfn-lint's loader gave. Returns that."""
    expected = decoded(decode_yaml_with_cfn_lint, text)
    for name, decode in decoders:
        found = first_difference(expected, decoded(decode, text))
        assert found is None, f"{name}: {found}"
    return expected


@pytest.mark.parametrize("path", YAML_FILES)
def test_every_yaml_file_decodes_as_cfn_lint_decoded_it(
    path: str, decoders: list[tuple[str, Callable[[str], Any]]]
) -> None:
    assert_as_cfn_lint((ROOT / path).read_text("utf-8"), decoders)


def test_there_are_yaml_files_to_compare() -> None:
    assert len(YAML_FILES) > 40


HEAD = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n"

CASES = {
    # short-form tags: scalar, sequence and mapping forms, nested
    "ref": "A: !Ref Queue\nB: !Ref\nC: !Ref 12\nD: !Ref 'AWS::Region'",
    "condition": "A: !Condition IsProd\nB: !Condition [IsProd]",
    "sub": 'A: !Sub "arn:${AWS::Partition}:sqs"\nB: !Sub\n  - "${a}-${b}"\n  - {a: !Ref A, b: x}',
    "getatt": "A: !GetAtt Queue.Arn\nB: !GetAtt A.B.C\nC: !GetAtt [Queue, Arn]\nD: !GetAtt Queue\nE: !GetAtt ''",
    "getatt odd": "A: !GetAtt {}\nB: !GetAtt {Queue: Arn}\nC: !GetAtt []\nD: !GetAtt [!Ref X, y]",
    "join": 'A: !Join ["", [a, !Ref B, !GetAtt C.Arn]]\nB: !Join\n  - ","\n  - - x\n    - !Sub y',
    "if": "A: !If [IsProd, !Ref Key, !Ref AWS::NoValue]\nB: !If\n  - C\n  - {x: 1}\n  - !If [D, 1, 2]",
    "functions": (
        "A: !Equals [!Ref E, prod]\nB: !Select [0, !GetAZs '']\nC: !Split [',', !ImportValue X]\n"
        "D: !FindInMap [M, !Ref 'AWS::Region', K]\nE: !Base64 {'Fn::Sub': x}\nF: !Cidr [10.0.0.0/16, 6, 5]\n"
        "G: !And [!Not [!Condition C], !Or [!Equals [a, b], !Condition D]]\nH: !GetAZs"
    ),
    "transform": "A: !Transform {Name: 'AWS::Include', Parameters: {Location: 's3://b/k'}}",
    "unknown tags": "A: !Foo 1\nB: !Foo [1, yes, ~]\nC: !Foo {yes: no}\nD: !Fn::Sub x\nE: !foo-bar x",
    "tag content": "A: !Foo {a: 1, a: 2, A: 3}\nB: !Foo {~: 1, 1: 2, 1.0: 3}\nD: !Ref 2012-10-17\nE: !Sub [x, y: 1]",
    "duplicate under a tag": "C: !Sub [x, {a: 1, a: 2}]",
    "tag unhashable key": "A: !Foo {[1]: 2}",
    "block scalars": "A: !Sub |\n  line ${X}\n  two\nB: >-\n  folded\n  text\nC: |+\n  kept\n\nD: x",
    "non-specific tag": "A: ! 12\nB: ! '12'\nC: ! [1]\nD: ! {a: 1}",
    "verbatim tags": "A: !<tag:yaml.org,2002:str> 12\nB: !<!Ref> X",
    "tag on root": "!Ref X",
    "tag directive": "%TAG ! tag:example.com,2000:\n---\nA: !Ref x",
    "tag directive local": "%TAG !e! !Fn-\n---\nA: !e!Sub x",
    # anchors, aliases, merge keys
    "aliases": "a: &x {k: v}\nb: *x\nc: &s str\nd: [*s, *s]\n? *s\n: key\ne: &r !Ref X\nf: *r",
    "alias as unhashable key": "a: &x [1]\n? *x\n: v",
    "recursive alias": "a: &x [*x]",
    "recursive alias in mapping": "a: &x {b: *x}",
    "recursive alias under a tag": "a: &x !Sub [*x]",
    "undefined alias": "a: *nowhere",
    "duplicate anchor": "a: &x 1\nb: &x 2\nc: *x",
    "merge": "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n  z: 4",
    "merge list": "a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  <<: [*a, *b]\n  w: 0",
    "merge inline": "c:\n  <<: {x: 1}\n  <<: {y: 2}\n  x: 3",
    "merge nested": "a: &a {x: 1}\nb: &b {<<: *a, y: 2}\nc: {<<: *b, z: 3}",
    "merge scalar": "a: &a 1\nb: {<<: *a}",
    "merge list of scalars": "b: {<<: [1]}",
    "merge under a tag": "a: &a {x: 1}\nb: !Foo {<<: *a, y: 2}",
    "merge with duplicates": "a: &a {x: 1}\nb:\n  <<: *a\n  y: 1\n  y: 2",
    "merge key as a value": "a: <<\nb: [<<]",
    "value key": "=: a\nb: {=: c}\nc: =",
    # duplicate, null and unhashable keys
    "duplicate": "a: 1\nb: 2\na: 3\nb: 4",
    "duplicate nested": "a:\n  b:\n    c: 1\n    c: 2",
    "duplicate thrice": "a: 1\na: 2\na: 3",
    "duplicate equal numbers": "1: a\n1.0: b",
    "duplicate bool and int": "true: a\n1: b",
    "duplicate int": "1: a\n1: b",
    "duplicate quoted": "a: 1\n'a': 2",
    "null key": "~: 1",
    "null key word": "b: 1\nnull: 2",
    "empty key": "? \n: 1",
    "empty quoted key": "'': 1\nb: 2",
    "unhashable key": "? [1, 2]\n: a",
    "unhashable mapping key": "? {a: 1}\n: b",
    "tagged key": "!Ref X: 1",
    "odd keys": "2012-10-17: a\n1: b\nno: c\n1.5: d\n0x10: e\n.nan: f\n.NaN: g\n2012-10-17 10:00:00: h",
    # scalars as YAML 1.1 (PyYAML's SafeLoader) types them
    "timestamps": (
        "a: 2012-10-17\nb: 2001-12-14t21:59:43.10-05:00\nc: 2001-12-14 21:59:43.10 -5\n"
        "d: 2001-12-15T02:59:43.1Z\ne: 2002-12-14\nf: '2012-10-17'\ng: 2001-12-14 21:59:43.123456789"
    ),
    "bad date": "a: 2012-02-30",
    "integers": "a: 017\nb: 0x1F\nc: 0b101\nd: 1_000\ne: 190:20:30\nf: +12\ng: -0\nh: 0\ni: 09\nj: 0o17\nk: -0x1a",
    "floats": "a: 1.5\nb: .5\nc: 1e3\nd: 1.0e+3\ne: .inf\nf: -.Inf\ng: .nan\nh: 1_0.5\ni: 190:20:30.15\nj: 6.8523015e+5",
    "huge integer": "a: 9" + "9" * 5000,
    "bools": "a: yes\nb: Yes\nc: YES\nd: no\ne: on\nf: Off\ng: y\nh: n\ni: true\nj: True\nk: FALSE\nl: 'yes'\nm: yEs",
    "nulls": "a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: 'null'\ng: nULL",
    "explicit core tags": (
        "a: !!int '12'\nb: !!float 1\nc: !!bool yes\nd: !!null x\ne: !!str 12\nf: !!binary aGVsbG8=\n"
        "g: !!timestamp 2001-01-01\nh: !!str\ni: !!map {a: 1}\nj: !!seq [1]"
    ),
    "bad bool": "a: !!bool maybe",
    "bad binary": "a: !!binary '!!!'",
    "bad int": "a: !!int abc",
    "str tag on a mapping": "a: !!str {b: 1}",
    "map tag on a scalar": "a: !!map b",
    "null tag on a list": "a: !!null [1]",
    "set": "a: !!set {x, y}",
    "omap": "a: !!omap [x: 1, y: 2]",
    "pairs": "a: !!pairs [x: 1, x: 2]",
    "bad omap": "a: !!omap {x: 1}",
    "python tag": "a: !!python/object:os.system x",
    "unknown tag uri": "a: !<tag:example.com:x> y",
    "reserved resolution": "a: !!yaml x",
    # documents and streams
    "empty": "",
    "comments only": "# one\n# two\n",
    "blank lines": "\n\n   \n",
    "document marker only": "---\n",
    "document end": "---\na: 1\n...\n",
    "null document": "~",
    "scalar document": "just text",
    "list document": "- a\n- !Ref b",
    "two documents": "a: 1\n---\nb: 2",
    "two empty documents": "---\n---\n",
    "error in the second document": "a: 1\n---\nb: [",
    "version directive": "%YAML 1.1\n---\na: yes",
    # layout: line ends, BOM, tabs, lengths, characters
    "crlf": "a: 1\r\nb: x\r\nc:\r\n  - !Ref d\r\n  - e\r\n",
    "cr": "a: 1\rb: x\r",
    "bom": "\ufeffa: 1\nb: !Ref c",
    "bom and crlf": "\ufeffa: x\r\nb: y\r\n",
    "tabs": "a:\tb\nc: 'x\ty'\nd: \"\\t\"\ne: [1,\t2]",
    "tab indentation": "a:\n\tb: 1",
    "long string": "a: " + "x" * 100_000 + "\nb: !Ref c",
    "long quoted string": 'a: "' + "y " * 50_000 + '"\nb: c',
    "long key": "k" * 2000 + ": v",
    "non-ascii": "ключ: значение\nb: [ü, ß, 日本語]\nc: !Ref 名前\nd: 'é'",
    "astral characters": "a: 😀😀\nb: !Ref x\n😀: [😀, y]\nc: {😀: 😀}",
    "combining characters": "é: é\nb: x",
    "control character": "a: b\x00c",
    "escapes": 'a: "\\u263A \\x41 \\N \\_"\nb: "\\e"',
    "flow": "a: {b: [1, {c: d}], e: []}\nf: [{}, [], '']",
    "explicit keys": "? a\n: b\n? c\n? |\n  d\n: e",
    # syntax errors
    "unclosed list": "a: [",
    "mapping in a scalar": "a: b: c",
    "list then mapping": "- a\nb: c",
    "unterminated quote": "a: 'x",
    "reserved indicator": "a: @x",
    "bad indentation": "a:\n  b: 1\n c: 2",
    "two tags": "a: !Ref !Sub x",
    "undefined tag handle": "a: !e!x y",
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_odd_yaml_decodes_as_cfn_lint_decoded_it(
    text: str, decoders: list[tuple[str, Callable[[str], Any]]]
) -> None:
    assert_as_cfn_lint(text, decoders)
    assert_as_cfn_lint(HEAD + "Metadata:\n  " + text.replace("\n", "\n  "), decoders)


@pytest.mark.parametrize(
    "text",
    [
        HEAD + "Metadata: " + "[" * 151 + "]" * 151,
        HEAD + "Metadata:\n" + "".join(" " * i + "a:\n" for i in range(1, 200)),
        HEAD + "Metadata:\n" + "".join(f"  a{i}: &a{i} x\n  b{i}: *a{i}\n" for i in range(60)),
        HEAD
        + "Metadata:\n  l0: &l0 [x, x]\n"
        + "".join(f"  l{i}: &l{i} [*l{i - 1}, *l{i - 1}]\n" for i in range(1, 12)),
        HEAD + "Metadata:\n  L:\n" + "    - item\n" * 3000,
        HEAD + "Metadata:\n  a: [\n" + "    - item\n" * 3000,  # a syntax error beyond the node limit
        HEAD + "Metadata:\n  a: *nowhere\n  L:\n" + "    - item\n" * 3000,  # an error before the limit
        HEAD + "Metadata:\n  a: 1\n  a: 2\n  L: " + "[" * 151 + "]" * 151,
    ],
    ids=["deep flow", "deep block", "aliases", "amplification", "nodes", "syntax", "alias", "duplicate"],
)
def test_limits_refuse_as_before(
    text: str, decoders: list[tuple[str, Callable[[str], Any]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(located, "MAX_NODES", 2000)
    monkeypatch.setattr(located, "MAX_ALIASES", 50)
    assert isinstance(assert_as_cfn_lint(text, decoders), Refusal)


_PIECES = [
    *("!Ref ", "!GetAtt ", "!Sub ", "!If ", "!!str ", "!!int ", "!!set ", "!!binary ", "!"),
    *("&a ", "*a", "&b ", "*b", "<<: ", "<<: *a\n", "? ", ": ", "- ", "---\n", "%", "|", ">", "#", "@"),
    *("[", "]", "{", "}", ",", "'", '"', "\n", "\n  ", "\t", "\r\n", "\ufeff", "é", "😀"),
    *("~", "null", "yes", "0x1", "1.5", ".nan", "2012-10-17", "="),
]


def test_mutated_yaml_decodes_as_cfn_lint_decoded_it(
    decoders: list[tuple[str, Callable[[str], Any]]],
) -> None:
    """Fixtures and the cases above, with pieces of YAML syntax inserted, text cut out or repeated: a
    differential fuzz (16,000 such texts agreed when the loader was written; this keeps 300 of them)."""
    rng = random.Random(2026)
    seeds = [(ROOT / path).read_text("utf-8") for path in YAML_FILES if path.startswith("fixtures/")]
    seeds += CASES.values()
    for _ in range(300):
        text = rng.choice(seeds)
        for _ in range(rng.randint(1, 4)):
            at, choice = rng.randint(0, len(text)), rng.random()
            if choice < 0.5:
                text = text[:at] + rng.choice(_PIECES) + text[at:]
            elif choice < 0.8:
                text = text[:at] + text[at + rng.randint(1, 8) :]
            else:
                start = rng.randint(0, len(text))
                text = text[:at] + text[start : start + rng.randint(1, 30)] + text[at:]
        assert_as_cfn_lint(text, decoders)


def test_short_forms_become_long_forms_marked_at_the_tag() -> None:
    document = decode_yaml(
        "A: !GetAtt Q.Arn.Name\nB: !Ref Q\nC: !Condition IsProd\nD: !Sub [x, {a: 1}]\nE: !If [C, 1, 2]\n"
    )
    assert document == {
        "A": {"Fn::GetAtt": ["Q", "Arn.Name"]},
        "B": {"Ref": "Q"},
        "C": {"Condition": "IsProd"},
        "D": {"Fn::Sub": ["x", {"a": 1}]},
        "E": {"Fn::If": ["C", 1, 2]},
    }
    ref = document["B"]
    assert (ref.start_mark.line, ref.start_mark.column, ref.end_mark.column) == (1, 3, 9)
    assert type(ref["Ref"]) is str  # (the tagged scalar itself carries no marks, as with cfn-lint)
    key = next(iter(document))
    assert (key.start_mark.line, key.start_mark.column) == (0, 0)
    assert (
        type(document["D"]["Fn::Sub"]) is list and type(document["D"]["Fn::Sub"][1]) is yaml_located.YamlDict
    )


def test_scalars_are_typed_as_yaml_1_1() -> None:
    document = decode_yaml("a: yes\nb: 0755\nc: 2012-10-17\nd: '2012-10-17'\ne: 1e3\nf: ~\ng: on\nh: 0x10")
    assert document == {
        "a": True,
        "b": 493,
        "c": datetime.date(2012, 10, 17),
        "d": "2012-10-17",
        "e": "1e3",
        "f": None,
        "g": True,
        "h": 16,
    }


def test_columns_count_characters() -> None:
    document = decode_yaml("😀😀: [é, !Ref x]\n")
    key = next(iter(document))
    item, ref = document[key]
    assert (item.start_mark.column, ref.start_mark.column, ref.end_mark.column) == (5, 8, 14)


def test_errors_name_the_key_where_cfn_lint_did() -> None:
    with pytest.raises(DecodeError) as error:
        decode_yaml(HEAD + "Metadata:\n  a: 1\n  b: 2\n  a: 3\n")
    assert (error.value.message, error.value.line, error.value.column) == (
        "Duplicate found 'a' (line 6)",
        6,
        3,
    )
    with pytest.raises(DecodeError) as error:
        decode_yaml("a:\n  ~: 1\n")
    assert (error.value.message, error.value.line, error.value.column) == (
        "Null key '~' not supported (line 2)",
        2,
        3,
    )


def test_an_empty_file_is_an_empty_template() -> None:
    document = decode_yaml("# nothing\n")
    assert document == {} and (document.start_mark.line, document.start_mark.column) == (0, 0)


def test_a_template_is_decoded_without_cfn_lint() -> None:
    """Importing cfn-lint took 0.7 s of every run (it pulls in sympy and networkx)."""
    template = ROOT / "fixtures" / "SQK001" / "bad.yaml"
    code = (
        "import sys\n"
        "from sqs_kms_lint.cli import main\n"
        f"main(['--jobs', '1', '--fail-on', 'never', {str(template)!r}])\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'cfnlint', 'sympy', 'networkx'})\n"
        "print('loaded:', loaded)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT.parent)
    assert "loaded: []" in done.stdout, done.stdout + done.stderr


def test_the_first_difference_is_found() -> None:
    """The comparison itself: a difference in marks, type or value is reported."""
    same = decode_yaml("a: [x, 1]")
    assert first_difference(same, decode_yaml("a: [x, 1]")) is None
    assert first_difference(same, decode_yaml("a: [ x, 1]")) is not None  # marks
    assert first_difference(same, decode_yaml("a: [x, '1']")) is not None  # type
    assert first_difference(same, {"a": ["x", 1]}) is not None  # marks missing
    assert first_difference(Refusal("m", 1, 1), Refusal("m", 1, 2)) is not None
