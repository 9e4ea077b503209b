"""Cross-file contracts (EXP401-EXP414) on the seeds and on the README's broken bundle."""
from __future__ import annotations

import json

from conftest import ROOT, SEEDS, needs_shared, run_cli

MY_RULES = ("EXP401", "EXP402", "EXP403", "EXP407", "EXP408", "EXP409", "EXP412", "EXP413", "EXP414")


def _findings(*args: str) -> list[dict]:
    result = run_cli(*args, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["results"][0]["findings"]


@needs_shared(SEEDS)
def test_seed_000_history_json_against_results_json():
    seed = next(SEEDS.glob("000_*.txt"))
    findings = [f for f in _findings(str(seed)) if f["rule"] == "EXP401"]
    where = sorted((f["path"], f["line"]) for f in findings)
    assert where == [("src/evaluate.py", 85), ("src/train.py", 172)]
    reader = next(f for f in findings if f["path"] == "src/evaluate.py")
    assert "history.json" in reader["message"] and "src/train.py:172" in reader["message"]
    assert reader["related"][0]["path"] == "src/train.py" and reader["related"][0]["line"] == 172
    assert run_cli(str(seed)).returncode == 1


@needs_shared(SEEDS)
def test_seed_002_has_no_contract_errors():
    seed = next(SEEDS.glob("002_*.txt"))
    errors = [f for f in _findings(str(seed)) if f["rule"] in MY_RULES and f["severity"] == "error"]
    assert errors == []


def test_readme_broken_bundle_mismatch_is_caught():
    findings = _findings(str(ROOT / "fixtures" / "examples" / "broken-bundle"))
    where = sorted((f["path"], f["line"]) for f in findings if f["rule"] == "EXP401")
    assert where == [("src/evaluate.py", 16), ("src/train.py", 58)]


def _log_findings(log_id: str, *rules: str) -> list[tuple[str, str, int, str]]:
    from conftest import CORPUS

    findings = _findings(str(CORPUS / "logs" / f"{log_id}.txt"))
    return sorted((f["rule"], f["path"], f["line"], f["severity"]) for f in findings if f["rule"] in rules)


@needs_shared(SEEDS.parent / "corpus")
def test_hydra_checkpoint_never_saved_and_yaml_read_as_json():
    found = _log_findings("airas-20251023-035154-matsuzawa__validate_experiment_code__37161ab3c2", "EXP401", "EXP419")
    # best_model.pt is loaded behind `if not model_path.exists(): return`: a warning; config.yaml
    # is written with OmegaConf.save and parsed with json.load: an error
    assert found == [("EXP401", "src/evaluate.py", 126, "warning"), ("EXP419", "src/evaluate.py", 99, "error")]


@needs_shared(SEEDS.parent / "corpus")
def test_hydra_config_yaml_nobody_writes():
    found = _log_findings("20251017-matsuzawa__validate_experiment_code__7e02675ac9", "EXP401", "EXP419")
    assert found == [("EXP401", "src/evaluate.py", 92, "error")]


@needs_shared(SEEDS.parent / "corpus")
def test_hydra_cache_with_fallback_is_silent():
    # evaluate reads run_dir/config.json when present, else takes the WandB config and writes
    # the file itself: nothing fails at run time
    assert _log_findings("airas-20251106-143430-matsuzawa__validate_experiment_code__1e77c0b61e", "EXP401", "EXP419") == []
