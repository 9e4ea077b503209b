"""The three input forms load into the same bundle; bad input is a one-line error."""
from __future__ import annotations

import json
import os

import pytest

from linter.errors import InputError
from linter.loaders import load_input, load_text
from linter.testing import minimal_files
from linter.testing.logs import key_form, prompt_log

from conftest import CORPUS, SEEDS, needs_shared, write_bundle


def test_directory_and_json_forms_give_the_same_files(tmp_path):
    files = minimal_files("experiment")
    from_dir = load_input(str(write_bundle(tmp_path / "b", files)))
    keyed = load_text(json.dumps(key_form(files)), "k.json")
    nested = load_text(json.dumps({"files": files}), "f.json")
    assert {p: s.text for p, s in from_dir.files.items()} == files
    assert {p: s.text for p, s in keyed.files.items()} == files
    assert {p: s.text for p, s in nested.files.items()} == files


def test_hydra_run_configs_become_files():
    files = minimal_files("hydra")
    bundle = load_text(json.dumps(key_form(files)), "h.json")
    assert sorted(bundle.context.runs) == ["comparative-1-mlp-synthetic", "proposed-mlp-synthetic"]
    assert bundle.text("config/runs/proposed-mlp-synthetic.yaml") == files["config/runs/proposed-mlp-synthetic.yaml"]


def test_derived_log_gives_bundle_base_variations_and_answer():
    files, base = minimal_files("experiment"), minimal_files("base")
    answer = {"is_experiment_code_ready": False, "experiment_code_issue": "x"}
    text = prompt_log("derived", files, base=base, run_variations=["baseline", "proposed, with α=0.5"], answer=answer, llm="o3")
    bundle = load_text(text, "d.txt")
    assert bundle.context.validator == "derived"
    assert bundle.context.run_variations == ["baseline", "proposed, with α=0.5"]
    assert bundle.context.reviewer == answer
    assert bundle.text("src/train.py") == files["src/train.py"]
    assert bundle.context.base.text("src/preprocess.py") == base["src/preprocess.py"]


def test_hydra_log_run_yaml_is_dedented_like_the_pipeline_pastes_it():
    files = minimal_files("hydra")
    bundle = load_text(prompt_log("hydra", files), "h.txt")
    assert bundle.context.validator == "hydra"
    for path in ("config/runs/proposed-mlp-synthetic.yaml", "config/runs/comparative-1-mlp-synthetic.yaml"):
        assert bundle.text(path) == files[path]


@pytest.mark.parametrize(
    "text,reason",
    [
        ("{not json", "invalid JSON"),
        ('{"train_py": 3}', "expected the file's text as a string"),
        ('{"files": {"../../etc/passwd": "x"}}', "leaves the bundle root"),
        ('{"files": {"/etc/passwd": "x"}}', "absolute path"),
        ('{"run_configs": {"../x": "a: 1"}, "train_py": ""}', "cannot name a file"),
        ('{"hello": "world"}', "no bundle keys"),
        ("Input:\nno bundle here\nOutput:\n{}", "holds no bundle"),
        ("just some text", "neither a JSON bundle nor a saved prompt log"),
    ],
)
def test_bad_inputs_are_one_line_errors(text, reason):
    with pytest.raises(InputError) as info:
        load_text(text, "in")
    assert reason in str(info.value)
    assert "\n" not in str(info.value)


def test_unknown_json_keys_are_noted_not_fatal():
    bundle = load_text(json.dumps({"train_py": "x = 1\n", "notes": "hi"}), "in.json")
    assert [n.message for n in bundle.notes] == ["unknown key 'notes' in the JSON bundle was ignored"]


def test_link_out_of_the_bundle_is_not_followed(tmp_path):
    outside = tmp_path / "secret.py"
    outside.write_text("SECRET = 1\n")
    root = write_bundle(tmp_path / "b", minimal_files("experiment"))
    os.symlink(outside, root / "src" / "extra.py")
    bundle = load_input(str(root))
    assert "src/extra.py" not in bundle.files
    assert any(n.path == "src/extra.py" and "outside the bundle" in n.message for n in bundle.notes)


@needs_shared(SEEDS)
@pytest.mark.parametrize("name,validator", [("000", "derived"), ("001", "base"), ("002", "derived"), ("003", "base"), ("004", "hydra")])
def test_seed_logs_load(name, validator):
    path = next(SEEDS.glob(f"{name}_*.txt"))
    bundle = load_input(str(path))
    assert bundle.context.validator == validator
    assert "src/train.py" in bundle.files


@needs_shared(CORPUS)
def test_every_dev_corpus_log_loads():
    manifest = [json.loads(line) for line in (CORPUS / "manifest.jsonl").read_text().splitlines()]
    assert len(manifest) == 216
    for row in manifest:
        bundle = load_input(str(CORPUS / row["file"]))
        assert bundle.context.validator == row["validator"], row["id"]
        if row["validator"] == "derived":
            assert bundle.context.base is not None and bundle.context.run_variations, row["id"]
        if row["validator"] == "hydra":
            assert bundle.context.runs, row["id"]


def test_run_variations_with_an_invalid_escape_are_read_without_a_warning():
    import warnings

    text = prompt_log("derived", minimal_files("experiment"), base=minimal_files("base"), run_variations=["x"])
    text = text.replace("- Run Variations: ['x']", "- Run Variations: ['lr\\d', 'proposed']")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning would stop the parse
        bundle = load_text(text, "d.txt")
    assert bundle.context.run_variations == ["lr\\d", "proposed"]


def test_bundle_listings_follow_changes_to_its_files():
    from linter.bundle import Bundle
    from linter.source import from_text

    bundle = Bundle({"src/a.py": from_text("src/a.py", "x = 1\n")}, origin="<test>")
    assert bundle.paths("python") == ["src/a.py"] and [p for p, _ in bundle.modules()] == ["src/a.py"]
    bundle.paths("python").append("src/zzz.py")  # a caller's copy: the bundle's listing is unchanged
    assert bundle.paths("python") == ["src/a.py"]
    bundle.files.setdefault("src/b.py", from_text("src/b.py", "y = 2\n"))  # as the log loader adds run configs
    assert bundle.paths("python") == ["src/a.py", "src/b.py"] and [p for p, _ in bundle.modules()] == ["src/a.py", "src/b.py"]
    bundle.files = {"config/c.yaml": from_text("config/c.yaml", "a: 1\n")}
    assert bundle.paths("python") == [] and bundle.modules() == [] and bundle.paths() == ["config/c.yaml"]
