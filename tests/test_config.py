"""Every `[tool.exp-lint]` key, valid and invalid, end to end through the command line;
defaults < file < command line; `--config FILE`."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from linter.config import KEYS
from linter.testing import minimal_files

from conftest import run_cli, write_bundle

PROBE = '''
"""A test plugin whose one rule reports what configuration delivered to it."""
import json

from linter import hookimpl
from linter.config import import_map
from linter.findings import Severity
from linter.rule import Invalid, Option, Report, Rule, Valid


class OptionProbe(Rule):
    """## What it does
    Reports the options it received.

    ## Why is this bad?
    It is not; it is a probe.

    ## Use instead
    Nothing.
    """

    code = "XOP001"
    name = "option-probe"
    summary = "Reports its options."
    severity = Severity.WARNING
    options = {
        "limit": Option(3, "an integer"),
        "ratio": Option(0.5, "a float"),
        "strict": Option(False, "a boolean"),
        "label": Option("x", "a string"),
        "paths": Option(["src/model.py"], "a list"),
    }
    valid = (Valid(),)
    invalid = (Invalid({}, "src/model.py:1"),)

    def check(self, bundle):
        data = {
            "opts": self.opts,
            "import_map": import_map(self.settings, self.plugins),
            "run_variations": bundle.context.run_variations,
            "runs": bundle.context.runs,
        }
        yield Report("src/model.py", "PROBE " + json.dumps(data, sort_keys=True), line=1)


@hookimpl
def exp_lint_rules():
    return [OptionProbe]


@hookimpl
def exp_lint_import_map():
    return {"probe_pkg": "probe-dist"}
'''


@pytest.fixture(scope="module")
def probe_env(tmp_path_factory):
    """An installed plugin without pip: a module and its dist-info with an entry point."""
    site = tmp_path_factory.mktemp("probe-site")
    (site / "exp_lint_probe.py").write_text(PROBE, encoding="utf-8")
    info = site / "exp_lint_probe-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: exp-lint-probe\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[exp_lint]\nprobe = exp_lint_probe\n", encoding="utf-8")
    return {"PYTHONPATH": str(site)}


def bundle_with(tmp_path: Path, table: str = "", extra: dict | None = None, name: str = "b") -> Path:
    files = minimal_files("experiment")
    files["src/model.py"] += "\n# TODO: tune the width\n"
    files["src/train.py"] += "\n# TODO: log more\n"
    files.update(extra or {})
    if table:
        files["pyproject.toml"] += "\n[tool.exp-lint]\n" + textwrap.dedent(table)
    return write_bundle(tmp_path / name, files)


def findings(result) -> list[dict]:
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["results"][0]["findings"]


def rules_of(result) -> list[str]:
    return sorted({f["rule"] for f in findings(result)})


def probe(result) -> dict:
    (row,) = [f for f in findings(result) if f["rule"] == "XOP001"]
    return json.loads(row["message"].split("PROBE ", 1)[1])


def error_of(result) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


# -- select / extend-select / ignore --------------------------------------------------------------
def test_select(tmp_path):
    assert rules_of(run_cli(str(bundle_with(tmp_path, 'select = ["EXP1"]')), "--format", "json")) == []
    assert rules_of(run_cli(str(bundle_with(tmp_path, 'select = ["todo-marker"]')), "--format", "json")) == ["EXP202"]
    assert "select must be a list of strings, not an integer" in error_of(run_cli(str(bundle_with(tmp_path, "select = 3"))))
    assert "'NOPE1' matches no rule" in error_of(run_cli(str(bundle_with(tmp_path, 'select = ["NOPE1"]'))))


def test_extend_select(tmp_path):
    assert rules_of(run_cli(str(bundle_with(tmp_path, 'select = ["EXP1"]\nextend-select = ["EXP20"]')), "--format", "json")) == ["EXP202"]
    assert "extend-select must be a list of strings" in error_of(run_cli(str(bundle_with(tmp_path, "extend-select = [1]"))))
    assert "'EXP999' matches no rule" in error_of(run_cli(str(bundle_with(tmp_path, 'extend-select = ["EXP999"]'))))


def test_ignore(tmp_path):
    result = run_cli(str(bundle_with(tmp_path, 'ignore = ["todo-marker"]')), "--format", "json")
    assert rules_of(result) == [] and result.returncode == 0
    assert "ignore must be a list of strings, not a table" in error_of(run_cli(str(bundle_with(tmp_path, "ignore = {a = 1}"))))
    assert "'todo_marker' matches no rule" in error_of(run_cli(str(bundle_with(tmp_path, 'ignore = ["todo_marker"]'))))


# -- per-file-ignores ------------------------------------------------------------------------------
def test_per_file_ignores(tmp_path):
    result = run_cli(str(bundle_with(tmp_path, 'per-file-ignores = { "src/model.py" = ["EXP202"] }')), "--format", "json")
    assert [(f["rule"], f["path"]) for f in findings(result)] == [("EXP202", "src/train.py")]
    result = run_cli(str(bundle_with(tmp_path, 'per-file-ignores = { "src/*.py" = ["EXP2"] }')), "--format", "json")
    assert findings(result) == [] and result.returncode == 0
    assert "per-file-ignores must be a table, not an array" in error_of(run_cli(str(bundle_with(tmp_path, 'per-file-ignores = ["src/model.py"]'))))
    assert "per-file-ignores.'src/model.py' must be a list of strings" in error_of(
        run_cli(str(bundle_with(tmp_path, 'per-file-ignores = { "src/model.py" = 2 }'))))
    assert "matches no rule" in error_of(run_cli(str(bundle_with(tmp_path, 'per-file-ignores = { "src/model.py" = ["E501"] }'))))


def test_per_file_ignores_also_cover_suppression_findings(tmp_path):
    extra = {"src/preprocess.py": minimal_files("experiment")["src/preprocess.py"] + "X = 1  # exp-lint: ignore\n"}
    assert "EXP901" in rules_of(run_cli(str(bundle_with(tmp_path, 'ignore = ["EXP202"]', extra)), "--format", "json"))
    result = run_cli(str(bundle_with(tmp_path, 'ignore = ["EXP202"]\nper-file-ignores = { "src/preprocess.py" = ["EXP901"] }', extra)), "--format", "json")
    assert rules_of(result) == []


# -- profile ----------------------------------------------------------------------------------------
def test_profile(tmp_path):
    result = run_cli(str(bundle_with(tmp_path, 'profile = "base"')), "--format", "json")
    assert json.loads(result.stdout)["results"][0]["profile"] == "base"
    assert "unknown profile 'nope'" in error_of(run_cli(str(bundle_with(tmp_path, 'profile = "nope"'))))
    assert "profile must be a string, not a boolean" in error_of(run_cli(str(bundle_with(tmp_path, "profile = true"))))


# -- severity ----------------------------------------------------------------------------------------
def test_severity(tmp_path):
    result = run_cli(str(bundle_with(tmp_path, 'severity = { todo-marker = "warning" }')), "--format", "json")
    assert result.returncode == 0 and {f["severity"] for f in findings(result)} == {"warning"}
    assert "must be 'error' or 'warning', not 'fatal'" in error_of(run_cli(str(bundle_with(tmp_path, 'severity = { EXP202 = "fatal" }'))))
    assert "severity must be a table" in error_of(run_cli(str(bundle_with(tmp_path, 'severity = "warning"'))))
    assert "'EXP777' matches no rule" in error_of(run_cli(str(bundle_with(tmp_path, 'severity = { EXP777 = "warning" }'))))


# -- options ------------------------------------------------------------------------------------------
def test_options_are_validated_and_delivered(tmp_path, probe_env):
    table = 'options = { XOP001 = { limit = 7, ratio = 2, strict = true, label = "y", paths = ["a", "b"] } }'
    delivered = probe(run_cli(str(bundle_with(tmp_path, table)), "--format", "json", env=probe_env))["opts"]
    assert delivered == {"limit": 7, "ratio": 2.0, "strict": True, "label": "y", "paths": ["a", "b"]}
    defaults = probe(run_cli(str(bundle_with(tmp_path)), "--format", "json", env=probe_env))["opts"]
    assert defaults == {"limit": 3, "ratio": 0.5, "strict": False, "label": "x", "paths": ["src/model.py"]}
    by_name = probe(run_cli(str(bundle_with(tmp_path, "options = { option-probe = { limit = 1 } }")), "--format", "json", env=probe_env))
    assert by_name["opts"]["limit"] == 1


@pytest.mark.parametrize("table,needle", [
    ("options = { XOP001 = { limit = \"7\" } }", "option 'limit' must be int, got str"),
    ("options = { XOP001 = { strict = 1 } }", "option 'strict' must be bool, got int"),
    ("options = { XOP001 = { limit = true } }", "option 'limit' must be int, got bool"),
    ("options = { XOP001 = { colour = 1 } }", "XOP001 has no option 'colour' (options: label, limit, paths, ratio, strict)"),
    ("options = { XOP001 = 3 }", "options.XOP001 must be a table"),
    ("options = { EXP202 = { limit = 1 } }", "EXP202 has no option 'limit' (options: none)"),
    ("options = { EXP2 = { limit = 1 } }", "must name exactly one rule"),
    ("options = [1]", "options must be a table"),
    # a rule that does not run still has its options checked: a typo must not wait for the day it runs
    ("ignore = [\"XOP001\"]\noptions = { XOP001 = { colour = 1 } }", "XOP001 has no option 'colour'"),
])
def test_invalid_options(tmp_path, probe_env, table, needle):
    assert needle in error_of(run_cli(str(bundle_with(tmp_path, table)), env=probe_env))


# -- import-map ---------------------------------------------------------------------------------------
def test_import_map(tmp_path, probe_env):
    got = probe(run_cli(str(bundle_with(tmp_path, 'import-map = { cv2 = "opencv-python-headless", "my.pkg" = "my-dist" }')), "--format", "json", env=probe_env))
    assert got["import_map"]["cv2"] == "opencv-python-headless" and got["import_map"]["my.pkg"] == "my-dist"
    assert got["import_map"]["probe_pkg"] == "probe-dist"  # plugins' tables are kept
    over = probe(run_cli(str(bundle_with(tmp_path, 'import-map = { probe_pkg = "mine" }')), "--format", "json", env=probe_env))
    assert over["import_map"]["probe_pkg"] == "mine"  # configuration wins over plugins
    listed = probe(run_cli(str(bundle_with(tmp_path, 'import-map = { gym = ["gymnasium", "gym"] }')), "--format", "json", env=probe_env))
    assert listed["import_map"]["gym"] == ["gymnasium", "gym"]
    assert "import-map value for 'cv2' must be a distribution name or a list of them, not 3" in error_of(run_cli(str(bundle_with(tmp_path, "import-map = { cv2 = 3 }"))))
    assert "not 'opencv python'" in error_of(run_cli(str(bundle_with(tmp_path, 'import-map = { cv2 = "opencv python" }'))))
    assert "not []" in error_of(run_cli(str(bundle_with(tmp_path, "import-map = { cv2 = [] }"))))
    assert "import-map key '2cv' is not an import name" in error_of(run_cli(str(bundle_with(tmp_path, 'import-map = { 2cv = "x" }'))))


# -- placeholder-patterns -------------------------------------------------------------------------------
def test_placeholder_patterns(tmp_path):
    extra = {"config/smoke_test.yaml": minimal_files("experiment")["config/smoke_test.yaml"] + "note: FILL_ME_IN\n"}
    plain = run_cli(str(bundle_with(tmp_path, 'ignore = ["EXP202"]', extra)), "--format", "json")
    assert rules_of(plain) == []
    result = run_cli(str(bundle_with(tmp_path, 'ignore = ["EXP202"]\nplaceholder-patterns = ["FILL_ME_[A-Z]+"]', extra)), "--format", "json")
    assert [(f["rule"], f["path"]) for f in findings(result)] == [("EXP201", "config/smoke_test.yaml")]
    assert "is not a regular expression" in error_of(run_cli(str(bundle_with(tmp_path, 'placeholder-patterns = ["(unclosed"]'))))
    assert "placeholder-patterns must be a list of strings" in error_of(run_cli(str(bundle_with(tmp_path, "placeholder-patterns = [1]"))))


# -- disable-plugins ---------------------------------------------------------------------------------------
def test_disable_plugins_only_from_config_file(tmp_path, probe_env):
    bundle = bundle_with(tmp_path)
    assert "XOP001" in rules_of(run_cli(str(bundle), "--format", "json", env=probe_env))
    config = tmp_path / "exp-lint.toml"
    config.write_text('disable-plugins = ["probe"]\n', encoding="utf-8")
    assert "XOP001" not in rules_of(run_cli(str(bundle), "--config", str(config), "--format", "json", env=probe_env))
    assert "disable-plugins is read from --config FILE or --disable-plugin only" in error_of(
        run_cli(str(bundle_with(tmp_path, 'disable-plugins = ["probe"]')), env=probe_env))
    config.write_text("disable-plugins = 1\n", encoding="utf-8")
    assert "disable-plugins must be a list of strings" in error_of(run_cli(str(bundle), "--config", str(config)))


# -- run-variations / runs -------------------------------------------------------------------------------------
@pytest.mark.parametrize("key,field", [("run-variations", "run_variations"), ("runs", "runs")])
def test_run_lists(tmp_path, probe_env, key, field):
    got = probe(run_cli(str(bundle_with(tmp_path, f'{key} = ["baseline", "proposed, with comma"]')), "--format", "json", env=probe_env))
    assert got[field] == ["baseline", "proposed, with comma"]
    flag = "--" + key
    cli = probe(run_cli(str(bundle_with(tmp_path, f'{key} = ["a"]')), flag, "b,c", "--format", "json", env=probe_env))
    assert cli[field] == ["b", "c"]  # the command line wins
    assert f"{key} must be a list of strings" in error_of(run_cli(str(bundle_with(tmp_path, f"{key} = [1, 2]"))))


# -- the table itself ------------------------------------------------------------------------------------------
def test_unknown_key_is_named_and_exits_2(tmp_path):
    assert "unknown key 'extend-ignore'" in error_of(run_cli(str(bundle_with(tmp_path, 'extend-ignore = ["EXP202"]'))))


def test_tool_table_must_be_a_table(tmp_path):
    files = minimal_files("experiment")
    files["pyproject.toml"] += '\n[tool]\nexp-lint = "strict"\n'
    assert "[tool.exp-lint] must be a table" in error_of(run_cli(str(write_bundle(tmp_path / "t", files))))


def test_every_key_has_a_test_here():
    source = Path(__file__).read_text(encoding="utf-8")
    for key in KEYS:
        assert f"{key} = " in source or f"{{key}} = " in source, key


# -- precedence and --config --------------------------------------------------------------------------------------
def test_command_line_beats_the_file(tmp_path):
    bundle = bundle_with(tmp_path, 'ignore = ["EXP202"]\nprofile = "base"')
    assert rules_of(run_cli(str(bundle), "--format", "json", "--profile", "experiment")) == []
    again = run_cli(str(bundle), "--format", "json", "--extend-select", "EXP202", "--profile", "experiment")
    assert rules_of(again) == ["EXP202"]  # the command line re-enables what the file ignored
    bundle = bundle_with(tmp_path, 'select = ["EXP202"]', name="c")
    assert rules_of(run_cli(str(bundle), "--format", "json", "--ignore", "EXP202")) == []
    assert rules_of(run_cli(str(bundle), "--format", "json", "--select", "EXP1")) == []


def test_config_file_replaces_the_bundle_table(tmp_path):
    bundle = bundle_with(tmp_path, 'ignore = ["EXP202"]')
    bare = tmp_path / "exp-lint.toml"
    bare.write_text('select = ["EXP202"]\nper-file-ignores = { "src/train.py" = ["EXP202"] }\n', encoding="utf-8")
    result = run_cli(str(bundle), "--config", str(bare), "--format", "json")
    assert [(f["rule"], f["path"]) for f in findings(result)] == [("EXP202", "src/model.py")]
    pyproject_style = tmp_path / "pyproject.toml"
    pyproject_style.write_text('[project]\nname = "x"\n[tool.exp-lint]\nignore = ["EXP202"]\n', encoding="utf-8")
    assert run_cli(str(bundle), "--config", str(pyproject_style)).returncode == 0


@pytest.mark.parametrize("content,needle", [
    (None, "cannot read config file"),
    ("select = [", "is not valid TOML"),
    ("[tool.ruff]\nline-length = 1\n", "has no [tool.exp-lint] table"),
    ("colour = 1\n", "unknown key 'colour'"),
])
def test_bad_config_files(tmp_path, content, needle):
    config = tmp_path / "conf.toml"
    if content is not None:
        config.write_text(content, encoding="utf-8")
    assert needle in error_of(run_cli(str(bundle_with(tmp_path)), "--config", str(config)))
