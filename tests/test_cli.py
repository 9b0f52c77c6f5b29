"""The command line as users run it: exit codes, formats, config, suppressions, baseline, discovery."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from sqs_kms_lint.cli import main
from sqs_kms_lint.engine import all_rules

from .conftest import FIXTURES

GOOD_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - {Effect: Allow, Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}, Action: "kms:*", Resource: "*"}
          - Effect: Allow
            Principal: {Service: sqs.amazonaws.com}
            Action: [kms:GenerateDataKey, kms:Decrypt]
            Resource: "*"
            Condition: {StringEquals: {"kms:CallerAccount": !Ref AWS::AccountId}}
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !GetAtt Key.Arn
"""
BARE_ALIAS = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: alias/orders
"""


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _lint(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_repo_exits_0(repo: Path, capsys) -> None:
    (repo / "template.yaml").write_text(GOOD_TEMPLATE)
    code, out, _ = _lint(capsys)
    assert code == 0
    assert out.strip() == "0 findings in 1 file checked."


def test_warning_fails_by_default_and_fail_on_error_passes(repo: Path, capsys) -> None:
    (repo / "template.yaml").write_text(BARE_ALIAS)
    code, out, _ = _lint(capsys, ".")
    assert code == 1
    assert out.startswith("template.yaml:6:7: SQK101 [warning] ")
    assert out.rstrip().endswith("1 finding (1 warning) in 1 file checked.")
    assert _lint(capsys, "--fail-on", "error")[0] == 0


def test_broken_yaml_beside_good_one_still_reports_the_good_ones_findings(repo: Path, capsys) -> None:
    shutil.copy(FIXTURES / "SQK000" / "bad.yaml", repo / "broken.yaml")
    (repo / "alias.yaml").write_text(BARE_ALIAS)
    code, out, _ = _lint(capsys, "--format", "json")
    found = {(f["file"], f["rule"], f["line"]) for f in json.loads(out)}
    assert found == {("broken.yaml", "SQK000", 10), ("alias.yaml", "SQK101", 6)}
    assert code == 1


def test_yaml_that_is_not_cloudformation_is_skipped_even_when_broken(repo: Path, capsys) -> None:
    (repo / "mkdocs.yml").write_text("nav: [a, b\n")
    (repo / "values.yaml").write_text("replicas: 3\n")
    code, out, _ = _lint(capsys)
    assert (code, out.strip()) == (0, "0 findings in 0 files checked.")  # neither is ours


def test_gitignore_skipped_dirs_and_outside_symlinks(repo: Path, capsys, tmp_path_factory) -> None:
    for folder in ("ignored", "node_modules", ".terraform", "kept"):
        (repo / folder).mkdir()
        (repo / folder / "t.yaml").write_text(BARE_ALIAS)
    (repo / ".gitignore").write_text("ignored/\n")
    outside = tmp_path_factory.mktemp("outside")
    (outside / "t.yaml").write_text(BARE_ALIAS)
    os.symlink(outside / "t.yaml", repo / "link.yaml")
    os.symlink(outside, repo / "linked-dir")
    code, out, _ = _lint(capsys, "--format", "json")
    assert {f["file"] for f in json.loads(out)} == {"kept/t.yaml"}


def test_config_exclude_and_rule_off_by_name(repo: Path, capsys) -> None:
    (repo / "a.yaml").write_text(BARE_ALIAS)
    (repo / "legacy").mkdir()
    (repo / "legacy" / "b.yaml").write_text(BARE_ALIAS)
    (repo / ".sqs-kms-lint.yaml").write_text("exclude: ['legacy/']\n")
    code, out, _ = _lint(capsys, "--format", "json")
    assert [f["file"] for f in json.loads(out)] == ["a.yaml"]
    (repo / ".sqs-kms-lint.yaml").write_text("rules:\n  kms-key-bare-alias: off\n")
    assert _lint(capsys)[0] == 0


def test_config_severity_and_option(repo: Path, capsys) -> None:
    (repo / "t.yaml").write_text(GOOD_TEMPLATE + "      KmsDataKeyReusePeriodSeconds: 600\n")
    assert _lint(capsys)[0] == 0
    (repo / ".sqs-kms-lint.yaml").write_text("rules:\n  SQK301: {severity: error, min-reuse-period: 900}\n")
    code, out, _ = _lint(capsys, "--fail-on", "error")
    assert code == 1
    assert "SQK301 [error]" in out and "below 900s" in out


def test_pyproject_section_is_read(repo: Path, capsys) -> None:
    (repo / "t.yaml").write_text(BARE_ALIAS)
    (repo / "pyproject.toml").write_text('[tool.sqs-kms-lint]\nrules = { SQK101 = "off" }\n')
    assert _lint(capsys)[0] == 0


@pytest.mark.parametrize(
    ("config", "path"),
    [
        ("colour: true\n", "(top level)"),
        ("rules:\n  SQK999: off\n", "rules"),
        ("rules:\n  SQK301: {min-reuse-period: soon}\n", "rules.SQK301"),
        (
            "rules:\n  SQK301: {max-speed: 3}\n",
            "rules.SQK301: Additional properties are not allowed ('max-speed'",
        ),
        ("rules:\n  SQK301: {min-reuse-period: -5}\n", "rules.SQK301.min-reuse-period"),
        ("rules:\n  SQK301: {min-reuse-period: true}\n", "rules.SQK301.min-reuse-period"),
        ("rules:\n  SQK101: loud\n", "rules.SQK101"),
        ("account-id: '12'\n", "account-id"),
        ("rules: [\n", "cannot read"),
    ],
)
def test_bad_config_is_exit_2_with_the_keys_path(repo: Path, capsys, config: str, path: str) -> None:
    (repo / ".sqs-kms-lint.yaml").write_text(config)
    code, out, err = _lint(capsys)
    assert code == 2
    assert path in err and "Traceback" not in err
    assert out == ""


def test_planned_rules_may_already_be_configured(repo: Path, capsys) -> None:
    (repo / "t.yaml").write_text(GOOD_TEMPLATE)
    (repo / ".sqs-kms-lint.yaml").write_text("rules:\n  SQK202: off\n  key-policy-public: warning\n")
    assert _lint(capsys)[0] == 0


def test_usage_errors_are_exit_2(repo: Path, capsys) -> None:
    assert _lint(capsys, "missing-dir")[0] == 2
    assert _lint(capsys, "--account-id", "abc")[0] == 2
    assert _lint(capsys, "--explain", "SQK999")[0] == 2
    assert _lint(capsys, "--format", "xml")[0] == 2
    with pytest.raises(SystemExit) as exit_:
        main(["--fail-on", "sometimes"])
    assert exit_.value.code == 2


def test_inline_suppression_with_reason_is_kept_in_sarif(repo: Path, capsys) -> None:
    (repo / "t.yaml").write_text(
        BARE_ALIAS.replace(
            "alias/orders", "alias/orders  # sqs-kms-lint: ignore SQK101 -- shared alias by design"
        )
    )
    code, out, _ = _lint(capsys)
    assert code == 0 and "1 suppressed" in out
    _, sarif, _ = _lint(capsys, "--format", "sarif")
    (result,) = json.loads(sarif)["runs"][0]["results"]
    assert result["suppressions"] == [{"justification": "shared alias by design", "kind": "inSource"}]


def test_suppression_on_the_line_above_and_by_name(repo: Path, capsys) -> None:
    text = BARE_ALIAS.replace(
        "      KmsMasterKeyId", "      # sqs-kms-lint: ignore kms-key-bare-alias\n      KmsMasterKeyId"
    )
    (repo / "t.yaml").write_text(text)
    assert _lint(capsys)[0] == 0


def test_resource_metadata_suppression(repo: Path, capsys) -> None:
    (repo / "t.yaml").write_text(
        BARE_ALIAS.replace(
            "    Properties:", "    Metadata:\n      sqs-kms-lint:\n        ignore: [SQK101]\n    Properties:"
        )
    )
    assert _lint(capsys)[0] == 0


def test_baseline_reports_only_new_findings(repo: Path, capsys) -> None:
    (repo / "t.yaml").write_text(BARE_ALIAS)
    assert _lint(capsys, "--write-baseline", "baseline.json")[0] == 1
    assert _lint(capsys, "--baseline", "baseline.json")[0] == 0
    # Lines moving does not make an old finding new.
    (repo / "t.yaml").write_text("# a comment\n\n" + BARE_ALIAS)
    assert _lint(capsys, "--baseline", "baseline.json")[0] == 0
    (repo / "u.yaml").write_text(BARE_ALIAS)
    code, out, _ = _lint(capsys, "--baseline", "baseline.json")
    assert code == 1 and out.startswith("u.yaml:6:7: SQK101")
    (repo / "bad.json").write_text("{}")
    assert _lint(capsys, "--baseline", "bad.json")[0] == 2


def test_output_file_and_github_format(repo: Path, capsys) -> None:
    (repo / "t.yaml").write_text(BARE_ALIAS)
    code, out, _ = _lint(capsys, "--format", "github", "--output", "report.txt")
    assert code == 1 and out == ""
    line = (repo / "report.txt").read_text()
    assert line.startswith("::warning file=t.yaml,line=6,col=7,endLine=6,title=SQK101 kms-key-bare-alias::")


def test_list_rules_and_explain_come_from_the_registry(capsys) -> None:
    code, out, _ = _lint(capsys, "--list-rules")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == [r.code for r in all_rules()]
    code, out, _ = _lint(capsys, "--explain", "reuse-period-low")
    assert code == 0 and out.startswith("# SQK301 reuse-period-low (warning)") and "## Options" in out


def test_python_dash_m_entry_point(repo: Path) -> None:
    import subprocess
    import sys

    (repo / "t.yaml").write_text(BARE_ALIAS)
    done = subprocess.run(
        [sys.executable, "-m", "sqs_kms_lint", "--no-color"], capture_output=True, text=True
    )
    assert done.returncode == 1 and "SQK101" in done.stdout


def test_paths_are_relative_to_the_repository_from_any_directory(repo: Path, capsys, monkeypatch) -> None:
    (repo / ".git").mkdir()
    (repo / "stacks" / "deep").mkdir(parents=True)
    (repo / "stacks" / "deep" / "t.yaml").write_text(BARE_ALIAS)
    from_root = json.loads(_lint(capsys, "--format", "json")[1])
    monkeypatch.chdir(repo / "stacks")
    from_sub = json.loads(_lint(capsys, "--format", "json", ".")[1])
    assert [f["file"] for f in from_sub] == [f["file"] for f in from_root] == ["stacks/deep/t.yaml"]
    assert [f["fingerprint"] for f in from_sub] == [f["fingerprint"] for f in from_root]


def test_exclude_applies_to_files_named_on_the_command_line(repo: Path, capsys) -> None:
    (repo / "legacy").mkdir()
    (repo / "legacy" / "t.yaml").write_text(BARE_ALIAS)
    (repo / ".sqs-kms-lint.yaml").write_text("exclude: ['legacy/']\n")
    code, out, _ = _lint(capsys, "legacy/t.yaml")
    assert (code, out.strip()) == (0, "0 findings in 0 files checked.")


MODULE_QUEUE = """\
variable "sse" {
  default = false
}

resource "aws_sqs_queue" "this" {
  sqs_managed_sse_enabled = var.sse
}
"""


def _module_tree(base: Path) -> None:
    (base / "modules" / "queue").mkdir(parents=True)
    (base / "modules" / "queue" / "main.tf").write_text(MODULE_QUEUE)
    (base / "live").mkdir()
    (base / "live" / "main.tf").write_text(
        'module "a" {\n  source = "../modules/queue"\n}\n\nmodule "b" {\n  source = "../modules/queue"\n}\n'
    )


def test_a_module_linted_alone_and_by_its_callers_reports_each_place_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".git").mkdir()
    _module_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main([".", "--format", "json", "--fail-on", "never"]) == 0
    findings = json.loads(capsys.readouterr().out)
    assert [(f["rule"], f["file"], f["line"], f["column"]) for f in findings] == [
        ("SQK001", "modules/queue/main.tf", 6, 3)
    ]
    (finding,) = findings
    assert finding["message"].endswith("(also for module.a.aws_sqs_queue.this, module.b.aws_sqs_queue.this)")
    # the fingerprint does not depend on which callers exist
    assert main(["modules", "--format", "json", "--fail-on", "never"]) == 0
    (alone,) = json.loads(capsys.readouterr().out)
    assert alone["fingerprint"] == finding["fingerprint"]


def test_local_modules_without_git_are_read_within_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _module_tree(tmp_path)  # a source tarball: no .git anywhere above
    (tmp_path / "modules" / "queue" / "main.tf").write_text(MODULE_QUEUE.replace("false", "true"))
    (tmp_path / "live" / "main.tf").write_text(
        'module "a" {\n  source = "../modules/queue"\n  sse    = false\n}\n'
    )
    monkeypatch.chdir(tmp_path)
    assert main(["live", "--format", "json", "--fail-on", "never"]) == 0
    findings = json.loads(capsys.readouterr().out)
    assert [(f["rule"], f["file"], f["line"]) for f in findings] == [("SQK001", "live/main.tf", 3)]
    # run from inside the module's directory, the sibling is outside what the user pointed at
    monkeypatch.chdir(tmp_path / "live")
    assert main([".", "--format", "json", "--fail-on", "never"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_select_ignore_and_enable_on_the_command_line(repo: Path, capsys) -> None:
    (repo / "t.yaml").write_text(
        'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n'
        "  Key:\n    Type: AWS::KMS::Key\n"
        "  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      KmsMasterKeyId: alias/orders\n"
        "  P:\n    Type: AWS::SQS::Queue\n    Properties:\n      SqsManagedSseEnabled: false\n"
        "  R:\n    Type: AWS::SQS::Queue\n    Properties:\n      SqsManagedSseEnabled: true\n"
    )

    def rules(*argv: str) -> set[str]:
        code = main(["--format", "json", "--fail-on", "never", *argv, "."])
        out, _ = capsys.readouterr()
        assert code == 0
        return {f["rule"] for f in json.loads(out)}

    everything = rules()
    assert {"SQK001", "SQK101"} <= everything and "SQK004" not in everything
    assert rules("--select", "SQK001") == {"SQK001"}
    assert rules("--select", "queue-unencrypted,kms-key-bare-alias") == {"SQK001", "SQK101"}
    assert rules("--ignore", "SQK101") == everything - {"SQK101"}
    assert rules("--enable", "queue-not-using-cmk") >= everything | {"SQK004"}
    assert rules("--select", "SQK004") == {"SQK004"}  # an opt-in rule selected is on
    assert main(["--select", "SQK999", "."]) == 2


def test_the_configuration_is_found_upwards_to_the_repository_root(
    repo: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / ".git").mkdir()
    (repo / ".sqs-kms-lint.yaml").write_text("rules:\n  SQK101: off\n")
    (repo / "sub" / "deeper").mkdir(parents=True)
    (repo / "sub" / "deeper" / "t.yaml").write_text(BARE_ALIAS)
    assert _lint(capsys, "sub")[0] == 0  # from the root, naming a subdirectory
    monkeypatch.chdir(repo / "sub")
    assert _lint(capsys, "deeper")[0] == 0  # from inside it
    assert _lint(capsys, "deeper/t.yaml")[0] == 0  # a file named alone


def test_several_reports_from_one_run(repo: Path, capsys) -> None:
    (repo / "t.yaml").write_text(BARE_ALIAS)
    code, out, _ = _lint(capsys, "-f", "github", "-f", "sarif:out.sarif", "--format", "json:out.json", ".")
    assert code == 1 and out.startswith("::warning file=t.yaml")
    sarif = json.loads((repo / "out.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["SQK101"]
    assert [f["rule"] for f in json.loads((repo / "out.json").read_text())] == ["SQK101"]
    assert _lint(capsys, "-f", "text", "-f", "json", ".")[0] == 2  # two reports cannot share stdout
    assert _lint(capsys, "-f", "yaml", ".")[0] == 2
    code, out, _ = _lint(capsys, "-f", "json", "-o", "only.json", ".")
    assert (code, out) == (1, "") and json.loads((repo / "only.json").read_text())
