"""EXP410, EXP411, EXP418: the run variations the experiment must run, in the YAML and in the code."""
from __future__ import annotations

import re
import unicodedata
from typing import Any

import libcst as cst

from linter.facts.config_usage import ConfigUsage
from linter.facts.hydra import HydraFacts
from linter.facts.run_config import SUITES, RunConfig, get_path
from linter.findings import Location, Severity
from linter.parsing.cst_helpers import string_value
from linter.records import dataclass
from linter.rule import Invalid, Report, Rule, Valid
from linter.testing import minimal_files

_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "eps", "η": "eta", "θ": "theta", "λ": "lambda",
          "μ": "mu", "ρ": "rho", "σ": "sigma", "τ": "tau", "φ": "phi", "ω": "omega", "κ": "kappa", "ν": "nu", "ξ": "xi"}
_RUN_NOISE = {"smoke", "smoketest", "test", "full", "dummy", "synth", "synthetic", "quick", "debug", "trial", "tiny",
              "mini", "run", "exp", "experiment", "sanity"}
_VARIATION_NOISE = {"ours", "default", "the", "run", "variation"}
_ID_FIELDS = ("run_id", "id", "name", "run_name", "experiment_id", "variation", "run", "method", "experiment", "label",
              "variant", "tag")
_MODEL_FIELDS = ("name", "type", "arch", "architecture", "variant", "model_type", "class", "model_name")
_DYNAMIC = re.compile(r"getattr\(|from_pretrained\(|create_model\(|get_model\(|__dict__\[|import_module\(|eval\(|globals\(\)")


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NON_TOKEN = re.compile(r"[^0-9a-z]+")


def _text(value: str, camel: bool = True) -> str:
    if value.isascii():
        text = value  # no Greek letters, and NFKD leaves ASCII as it is
    else:
        out = []
        for ch in value:
            out.append(f" {_GREEK[ch.lower()]} " if ch.lower() in _GREEK else ch)
        text = unicodedata.normalize("NFKD", "".join(out))
        text = "".join(c for c in text if not unicodedata.combining(c))
    return (_CAMEL.sub(" ", text) if camel else text).lower()


def tokens(value: str, noise: set[str] = frozenset(), camel: bool = True) -> list[str]:
    return [t for t in _NON_TOKEN.split(_text(value, camel)) if t and t not in noise]


def _forms(variation: str) -> list[list[str]]:
    """Token lists of a variation: with and without camelCase splits and parenthesised remarks."""
    bare = re.sub(r"\([^)]*\)", " ", variation)
    forms = []
    for text in dict.fromkeys((variation, bare)):
        for camel in (True, False):
            form = tokens(text, _VARIATION_NOISE, camel)
            if form and form not in forms:
                forms.append(form)
    return forms


def matches(variation: str, run_name: str, context: frozenset[str] = frozenset()) -> bool:
    """Whether a run name plausibly is the variation: normalised tokens, lenient by design
    (a wrong match only hides a finding). ``context`` tokens (a dataset or environment
    several runs share and no variation names) are ignored in the run name."""
    for camel in (True, False):
        run = [t for t in tokens(run_name, _RUN_NOISE | _VARIATION_NOISE, camel) if t not in context]
        if run and _match_tokens(variation, run):
            return True
    return False


def _match_tokens(variation: str, run: list[str]) -> bool:
    run_compact = "".join(run)
    for form in _forms(variation):
        compact = "".join(form)
        if compact == run_compact:
            return True
        short, long = sorted((compact, run_compact), key=len)
        if len(short) >= 3 and short in long:
            return True
        if set(run) <= set(form) or set(form) <= set(run):
            return True
    return False


def context_tokens(names: list[str], variations: list[str]) -> frozenset[str]:
    """Tokens at least two run names share that no variation contains (e.g. `cifar10`, `wmt14`)."""
    counts: dict[str, int] = {}
    for name in set(names):
        for t in set(tokens(name, _RUN_NOISE)) | set(tokens(name, _RUN_NOISE, camel=False)):
            counts[t] = counts.get(t, 0) + 1
    named = {"".join(f) for v in variations for f in _forms(v)}
    return frozenset(t for t, c in counts.items() if c >= 2 and not any(t in n for n in named))


def _names(entry, key) -> list[str]:
    out = [str(key)] if isinstance(key, str) else []
    if isinstance(entry, dict):
        for f in _ID_FIELDS:
            v = entry.get(f)
            if isinstance(v, str):
                out.append(v)
    return out


def run_entries(bundle) -> dict[str, list[tuple[object, object, list[str]]]] | None:
    """Per suite: [(index, entry, names)] of the run list the code reads (or the only list of mappings)."""
    rc = bundle.fact(RunConfig)
    if not rc.suites:
        return None
    lists = [k for k in rc.facts.run_lists() if all(get_path(d, k)[0] for d in rc.suites.values())]
    if not lists:
        candidates = set()
        for data in rc.suites.values():
            for key, value in data.items():
                if (isinstance(value, list) and value and all(isinstance(e, dict) for e in value)) or (
                        isinstance(value, dict) and value and all(isinstance(e, dict) for e in value.values())):
                    candidates.add(key)
        if len(candidates) != 1:
            return None
        lists = [(candidates.pop(),)]
    if len(lists) != 1:
        return None
    out = {}
    for path, data in sorted(rc.suites.items()):
        found, container = get_path(data, lists[0])
        if isinstance(container, list):
            out[path] = [((*lists[0], i), e, _names(e, None)) for i, e in enumerate(container)]
        elif isinstance(container, dict):
            out[path] = [((*lists[0], k), e, _names(e, k)) for k, e in container.items()]
        else:
            out[path] = []
    return out


def _patched(profile: str, path: str, *pairs) -> str:
    text = minimal_files(profile)[path]
    for old, new in pairs:
        assert old in text, (path, old)
        text = text.replace(old, new)
    return text


_SMOKE_WITHOUT_PROPOSED = "runs:\n" + minimal_files("experiment")["config/smoke_test.yaml"].split("  - run_id: proposed")[0].split("runs:\n", 1)[1]


class RunVariationMissingInConfig(Rule):
    """## What it does
    Checks that every required run variation (from the log's `Run Variations` or
    `--run-variations`) appears as a run in both `config/smoke_test.yaml` and
    `config/full_experiment.yaml`. The run list is the one the code reads (`runs`,
    `experiments`, `variations`, ...). Names are compared by normalised tokens: case,
    punctuation, spaces, Greek letters (`α` = `alpha`), camelCase, parenthesised remarks
    (`FedMPQ-KD (ours)` = `fedmpq_kd`) and suffixes such as `-smoke`, `_smoke`, `dummy_`
    do not matter, and a run whose name holds all of the variation's tokens, or whose
    tokens are all in the variation's, counts (`cifar10-ase-linear` for `ase-linear`).

    ## Why is this bad?
    A variation missing from the smoke test is never exercised before the full run; one
    missing from the full experiment is never run at all, and its results are absent from
    the paper's comparison.

    ## Use instead
    Add a run for the variation to both YAML files (a lightweight one in the smoke test).
    """

    code = "EXP410"
    name = "run-variation-missing-in-config"
    summary = "A required run variation has no run in smoke_test.yaml or full_experiment.yaml."
    profiles = frozenset({"derived"})
    valid = (
        Valid(profile="derived", title="both variations run in both files"),
        Valid({"config/smoke_test.yaml": _patched("experiment", "config/smoke_test.yaml", ("run_id: baseline", "run_id: baseline-smoke"), ("run_id: proposed", "run_id: Proposed_SMOKE"))},
              profile="derived", title="suffixes and case do not matter"),
        Valid(profile="derived", run_variations=("Baseline (ours)", "proposed"), title="parenthesised remarks do not matter"),
    )
    invalid = (
        Invalid({"config/smoke_test.yaml": _SMOKE_WITHOUT_PROPOSED}, "config/smoke_test.yaml:1", profile="derived",
                title="the smoke test lacks the proposed variation"),
    )

    def check(self, bundle):
        variations = bundle.context.run_variations
        if not variations:
            return
        per_file = run_entries(bundle)
        if per_file is None:
            return
        for path in SUITES:
            if path not in per_file:
                continue
            names = [n for _, _, ns in per_file[path] for n in ns]
            context = context_tokens(names, variations)
            missing = [v for v in variations if not any(matches(v, n, context) for n in names)]
            if not missing:
                continue
            shown = ", ".join(f"'{v}'" for v in missing)
            have = ", ".join(f"'{n}'" for n in sorted({ns[0] for _, _, ns in per_file[path] if ns})) or "none"
            parsed = bundle.yaml(path)
            first = per_file[path][0][0][:-1] if per_file[path] else ()
            line = (parsed.line_of(first) if parsed is not None and first else None) or 1
            yield Report(
                path,
                f"{path} has no run for the required run variation{'s' if len(missing) > 1 else ''} {shown} "
                f"(its runs: {have}); add a run for each so the experiment runs every variation.",
                line=line,
            )


def _model_names(entry) -> list[str]:
    if not isinstance(entry, dict):
        return []
    model = entry.get("model")
    out = []
    if isinstance(model, str):
        out.append(model)
    elif isinstance(model, dict):
        for f in _MODEL_FIELDS:
            if isinstance(model.get(f), str):
                out.append(model[f])
                break
    for f in ("model_name", "architecture", "model_type"):
        if isinstance(entry.get(f), str):
            out.append(entry[f])
    return out


def _model_vocabulary(bundle) -> tuple[set[str], bool] | None:
    index = bundle.index("src/model.py")
    if index is None:
        return None
    text = bundle.text("src/model.py") or ""
    vocab: set[str] = set()
    for node in index.of(cst.ClassDef, cst.FunctionDef):
        vocab.add("".join(tokens(node.name.value)))
    for node in index.of(cst.Attribute):
        vocab.add("".join(tokens(node.attr.value)))
    for node in index.of(cst.SimpleString):
        value = string_value(node)
        if value is not None and len(value) < 80:
            vocab.add("".join(tokens(value)))
    vocab.discard("")
    return vocab, bool(_DYNAMIC.search(text))


def _proposed_run(run_id: str, samples: int, epochs: int, extra_training: str = "", extra_top: str = "") -> str:
    return (f"  - run_id: {run_id}\n    model:\n      name: proposed\n      hidden: 32\n    dataset:\n      name: synthetic\n"
            f"      num_samples: {samples}\n      num_features: 8\n    training:\n      seed: 0\n      epochs: {epochs}\n"
            f"      batch_size: 32\n      lr: 0.01\n{extra_training}{extra_top}")


def _suites(run_id: str, extra_training: str = "", extra_top: str = "") -> dict[str, str]:
    return {
        "config/smoke_test.yaml": minimal_files("experiment")["config/smoke_test.yaml"] + _proposed_run(run_id, 64, 1, extra_training, extra_top),
        "config/full_experiment.yaml": minimal_files("experiment")["config/full_experiment.yaml"] + _proposed_run(run_id, 4096, 20, extra_training, extra_top),
    }


_HYDRA_RUN = "config/runs/proposed-mlp-synthetic.yaml"
_HYDRA_RUNS = ("comparative-1-mlp-synthetic", "proposed-mlp-synthetic", "proposed-smoothing-mlp-synthetic")
_SPLAT_TRAIN = _patched("experiment", "src/train.py", ('lr=float(run["training"]["lr"]))', 'lr=float(run["training"]["lr"]), **run.get("optim", {}))'))


class RunVariationNotImplemented(Rule):
    """## What it does
    Checks that each run variation is implemented by the code, in three ways.

    1. **Settings no code reads.** Runs of the same suite (the run entries of
       `config/full_experiment.yaml`, those of `config/smoke_test.yaml`, or the Hydra run
       files `config/runs/*.yaml`) that share a model and a dataset differ in the settings
       that make them variations. Every such setting (a key path such as
       `training.warm_start`) must be named somewhere in the bundle's Python code: as a
       string (`run["warm_start"]`, `.get("warm_start")`, `getattr(c, "warm_start")`,
       `"training.warm_start"`, an argparse flag `"--warm-start"`), an attribute
       (`cfg.training.warm_start`), a parameter or keyword of a bundle function
       (`train(**run)` binds by name), or an identifier. When the runs differ **only** in
       settings no code names, and no string in the code mentions what tells their names
       apart (so nothing dispatches on the run id or method), the runs execute the same
       computation: an error. When they still differ in something the code reads, the
       ignored setting is a warning (one per suite, listing the first settings).
    2. **Runs configured identically.** Two runs of `config/full_experiment.yaml` (or
       two Hydra run files) with exactly the same settings, only their names differing,
       and no code string naming what sets their names apart: an error. The smoke test
       may legitimately run stand-ins, so it is not checked for this.
    3. **Models model.py does not have** (derived bundles with `Run Variations`): the
       model a variation's runs select (`model.name`, `model.type`, `model: <name>`,
       `model_name`, `architecture`) must occur in `src/model.py` as a class, function,
       attribute or dispatch string (normalised tokens); silent when `model.py` builds
       models dynamically (`getattr`, `from_pretrained`, `timm.create_model`).

    Precision first, the rule stays silent when a setting may be read without being
    named: its mapping (or the run itself) is splatted into a call outside the bundle
    (`Net(**cfg.model)`, `TrainingArguments(**run["training"])`, `Adam(params,
    **run.get("optim", {}))`), into a bundle function taking `**kwargs`, passed to
    `hydra.utils.instantiate`, or something config-like of unknown origin (`**cfg`,
    `**params`) is splatted. Logging (`wandb.init(config=cfg)`), printing and saving do
    not count as reading. Descriptive keys are never reported: at a run's top level
    `run_id`, `id`, `name`, `description`, `notes`, `tags`, `method`, `variation`,
    `label`, `type`, ... when they hold a string (a `method:` mapping is configuration),
    and `description`/`notes`/`comment`/`purpose` anywhere. Runs on a different model or
    dataset are not compared (their settings differ for that reason). `seed` is a
    setting like any other.

    ## Why is this bad?
    A variation whose distinguishing setting no code reads runs exactly what another run
    runs: the comparison in the paper compares a method with itself, silently.

    ## Use instead
    Read the setting where the code builds what it controls (the search, the optimizer,
    the warm start) and make the computation depend on it; give every variation the
    setting that implements it.
    """

    code = "EXP411"
    name = "run-variation-not-implemented"
    summary = "A run variation is not implemented: the code never reads what distinguishes it, or it selects a missing model."
    profiles = frozenset({"experiment", "derived", "hydra"})
    valid = (
        Valid(profile="derived", title="both models are registered in MODELS"),
        Valid(profile="hydra", title="the Hydra runs differ in the model, which the code reads"),
        Valid(profile="derived", run_variations=("baseline", "proposed", "proposed-lr0.1"),
              files={"config/smoke_test.yaml": minimal_files("experiment")["config/smoke_test.yaml"] + "  - run_id: proposed-lr0.1\n    model:\n      name: proposed\n      hidden: 32\n    dataset:\n      name: synthetic\n      num_samples: 64\n      num_features: 8\n    training:\n      seed: 0\n      epochs: 1\n      batch_size: 32\n      lr: 0.1\n",
                     "config/full_experiment.yaml": minimal_files("experiment")["config/full_experiment.yaml"] + "  - run_id: proposed-lr0.1\n    model:\n      name: proposed\n      hidden: 32\n    dataset:\n      name: synthetic\n      num_samples: 4096\n      num_features: 8\n    training:\n      seed: 0\n      epochs: 20\n      batch_size: 32\n      lr: 0.1\n"},
              title="a learning-rate variation: the code reads training.lr"),
        Valid({**_suites("proposed-wd", extra_top="    optim:\n      weight_decay: 0.01\n"), "src/train.py": _SPLAT_TRAIN},
              title="the optim mapping is splatted into the optimizer, which reads weight_decay"),
        Valid(_suites("proposed-again", extra_top="    description: the proposed model once more\n"),
              title="runs that differ only in a description may be replicates the code tells apart by run_id"),
    )
    invalid = (
        Invalid(_suites("proposed-warm", extra_training="      warm_start: true\n"),
                ["config/full_experiment.yaml:41", "config/smoke_test.yaml:41"],
                title="the warm-start variation differs only in a setting no code reads"),
        Invalid({"config/full_experiment.yaml": minimal_files("experiment")["config/full_experiment.yaml"].replace("      lr: 0.01\n", "      lr: 0.01\n      schedule: constant\n", 1) + _proposed_run("proposed-cosine", 4096, 20, "      schedule: cosine\n").replace("lr: 0.01", "lr: 0.1")},
                "config/full_experiment.yaml:42", title="runs differ in lr (read) and in a schedule no code reads: a warning"),
        Invalid({"config/full_experiment.yaml": minimal_files("experiment")["config/full_experiment.yaml"] + _proposed_run("proposed-ensemble", 4096, 20)},
                "config/full_experiment.yaml:28", title="a run configured exactly like another, and nothing branches on its name"),
        Invalid({"config/runs/proposed-smoothing-mlp-synthetic.yaml": minimal_files("hydra")[_HYDRA_RUN].replace("run_id: proposed-mlp-synthetic", "run_id: proposed-smoothing-mlp-synthetic").replace("  lr: 0.01\n", "  lr: 0.01\n  label_smoothing: 0.1\n")},
                "config/runs/proposed-smoothing-mlp-synthetic.yaml:15", profile="hydra", runs=_HYDRA_RUNS,
                title="a Hydra run differs from another only in label_smoothing, which no code reads"),
        Invalid({"config/smoke_test.yaml": _patched("experiment", "config/smoke_test.yaml", ("name: proposed", "name: gated_mlp")),
                 "config/full_experiment.yaml": _patched("experiment", "config/full_experiment.yaml", ("name: proposed", "name: gated_mlp"))},
                ["config/full_experiment.yaml:17", "config/smoke_test.yaml:17"], profile="derived",
                title="the proposed runs select a model model.py does not have"),
    )

    def check(self, bundle):
        yield from self.unread_settings(bundle)
        if _profile(bundle) == "derived":
            yield from self.unimplemented_models(bundle)

    def unread_settings(self, bundle):
        sets = run_sets(bundle)
        if not sets:
            return
        usage = bundle.fact(ConfigUsage)
        if not usage.names:
            return  # no Python parsed: nothing to compare with
        for run_set in sets:
            runs = run_set.runs
            pairs = variation_pairs(runs)
            if runs[0][0] != "config/smoke_test.yaml":  # a smoke test may run stand-ins of the variations
                yield from self.identical_runs(bundle, usage, runs, pairs)
            unread = unread_paths(usage, runs)
            unread_set = set(unread)
            ignored = []  # (keys, pair) of differences that have no effect, the runs still differ otherwise
            for keys in unread:
                if not _differs(pairs, keys):
                    continue
                a, b = next((a, b) for a, b in pairs if _value(a[2], keys) != _value(b[2], keys))
                pair = _identical_pair(pairs, keys, unread_set, usage)
                if pair is None:
                    ignored.append((keys, a, b))
                    continue
                ra, rb, va, vb = pair
                path, line = _yaml_line(bundle, b if _value(b[2], keys) is not _MISSING else a, keys)
                dotted = ".".join(keys)
                near = _neighbours(bundle, usage, runs, keys)
                yield Report(path, f"Runs '{ra}' and '{rb}' {_where_text(bundle, path)} differ only in `{dotted}` ({_show(va)} vs "
                                   f"{_show(vb)}) and settings no code reads, and no code branches on their names, so they run "
                                   f"identically; {_fix(keys, near)}", line=line, related=tuple(near))
            if ignored:
                keys, a, b = ignored[0]
                path, line = _yaml_line(bundle, b if _value(b[2], keys) is not _MISSING else a, keys)
                names = ", ".join(f"`{'.'.join(k)}`" for k, _, _ in ignored[:3])
                more = f" and {len(ignored) - 3} more" if len(ignored) > 3 else ""
                dotted = ".".join(keys)
                near = _neighbours(bundle, usage, runs, keys)
                yield Report(path, f"Runs '{a[1]}' and '{b[1]}' {_where_text(bundle, path)} differ in `{dotted}` ({_show(_value(a[2], keys))} vs "
                                   f"{_show(_value(b[2], keys))}), but no code in the bundle reads {names}{more}, so those differences "
                                   f"have no effect; {_fix(keys, near)}",
                             line=line, related=tuple(near), severity=Severity.WARNING)

    def identical_runs(self, bundle, usage: ConfigUsage, runs, pairs):
        """Two runs with the same settings whose names the code never dispatches on."""
        for (path, a, da, wa), (_, b, db, wb) in pairs:
            if _differences(da, db):
                continue
            if _dispatched(usage, da, a, db, b):
                continue  # the code may branch on the run's name
            parsed = bundle.yaml(path)
            line = parsed.line_of(wb) if parsed is not None else None
            top = [k for k in _key_paths(runs) if k[0] not in _META_TOP and k[0] not in _META_ANY]
            related = _related(bundle, usage, runs, top[0] + ("",)) if top else ()
            yield Report(path, f"Runs '{a}' and '{b}' {_where_text(bundle, path)} have the same settings (only their names differ) and no code "
                               f"branches on the name, so they run identically; give each run the setting that implements its variation and read it in the code.",
                         line=line, related=related)
            return

    def unimplemented_models(self, bundle):
        variations = bundle.context.run_variations
        if not variations:
            return
        per_file = run_entries(bundle)
        vocab = _model_vocabulary(bundle)
        if per_file is None or vocab is None or vocab[1]:
            return
        words = vocab[0]
        reported: set = set()
        for variation in variations:
            for path in SUITES:
                all_names = [n for _, _, ns in per_file.get(path, []) for n in ns]
                context = context_tokens(all_names, variations)
                for where, entry, names in per_file.get(path, []):
                    if not any(matches(variation, n, context) for n in names):
                        continue
                    for model in _model_names(entry):
                        compact = "".join(tokens(model))
                        if not compact or compact in words or any(compact in w or (len(w) >= 4 and w in compact) for w in words):
                            continue
                        key = (path, where)
                        if key in reported:
                            continue
                        reported.add(key)
                        parsed = bundle.yaml(path)
                        node = parsed.node_at(where + ("model",)) if parsed is not None else None
                        line = node.start_mark.line + 1 if node is not None else parsed.line_of(where) if parsed else None
                        yield Report(
                            path,
                            f"run variation '{variation}' selects model '{model}' in {path}, but src/model.py has no class, "
                            f"function or dispatch string for it; implement it in src/model.py under that name.",
                            line=line,
                        )


# ---------------------------------------------------------------------------------------------
# Distinguishing settings no code reads (EXP411, second check)

# Keys that describe a run rather than configure it: never reported (at the run's top level).
_META_TOP = frozenset({
    "run_id", "id", "name", "run_name", "description", "desc", "notes", "note", "comment", "comments", "tags",
    "tag", "title", "label", "method", "method_name", "variation", "variant", "variation_name", "experiment",
    "experiment_name", "experiment_id", "group", "purpose", "hypothesis", "display_name", "run", "type",
})
# Descriptive keys anywhere in a run.
_META_ANY = frozenset({"description", "desc", "notes", "note", "comment", "comments", "tags", "purpose", "hypothesis",
                       "display_name", "expected", "remarks", "info", "rationale"})
_MISSING = object()


@dataclass
class RunSet:
    """Runs compared with each other: one suite file's entries, or the Hydra run files."""

    runs: list[tuple[str, str, Any, tuple]]  # (yaml path, run label, data, yaml key prefix)


def _profile(bundle) -> str:
    return getattr(bundle.profile, "name", bundle.profile)


def run_sets(bundle) -> list[RunSet]:
    if _profile(bundle) == "hydra":
        facts = bundle.fact(HydraFacts)
        runs = [(f"config/runs/{rid}.yaml", rid, data, ()) for rid, data in sorted(facts.run_configs.items())]
        return [RunSet(runs)] if len(runs) >= 2 else []
    per_file = run_entries(bundle)
    out = []
    for path in SUITES:
        entries = (per_file or {}).get(path) or []
        runs = [(path, names[0] if names else str(where[-1]), entry, where) for where, entry, names in entries
                if isinstance(entry, dict)]
        if len(runs) >= 2:
            out.append(RunSet(runs))
    return out


def _key_paths(runs, prefix: tuple = ()) -> list[tuple]:
    """Every key path below ``prefix`` in any run (mappings only), in first-seen order."""
    seen: dict[tuple, None] = {}
    for _, _, data, _ in runs:
        found, node = get_path(data, prefix) if prefix else (True, data)
        if found and isinstance(node, dict):
            for key in node:
                if isinstance(key, str):
                    seen.setdefault(prefix + (key,), None)
    return list(seen)


def _is_section(runs, keys) -> bool:
    """A mapping in some run: `method: {name: ..., beta: ...}` configures, `method: proposed` names."""
    return any(isinstance(_value(data, keys), dict) for _, _, data, _ in runs)


def _value(data, keys):
    found, value = get_path(data, keys)
    return value if found else _MISSING


def _show(value) -> str:
    if value is _MISSING:
        return "absent"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    return text if len(text) <= 24 else text[:21] + "..."


def unread_paths(usage: ConfigUsage, runs) -> list[tuple]:
    """Key paths of the runs whose name no code mentions (the highest such key of a branch)."""
    out = []
    stack = list(reversed(_key_paths(runs)))
    while stack:
        keys = stack.pop()
        leaf = keys[-1]
        if leaf in _META_ANY or (len(keys) == 1 and leaf in _META_TOP and not _is_section(runs, keys)):
            continue
        if usage.named(leaf):
            stack.extend(reversed(_key_paths(runs, keys)))
            continue
        if not usage.consumed(keys):
            out.append(keys)
    return out


_IDENTITY_TOP = ("model", "dataset", "data", "task", "model_name", "dataset_name", "arch", "architecture", "backbone",
                 "env", "env_name", "environment", "benchmark", "network", "net")
_IDENTITY_SECTIONS = ("model", "dataset", "data", "task", "env", "environment", "network", "net", "backbone")
_IDENTITY_FIELDS = ("name", "type", "id", "arch", "architecture", "model_name", "dataset_name", "hf_id", "path",
                    "pretrained", "checkpoint", "hf_name", "model_id", "dataset_id")


def _identity(data) -> tuple:
    """What a run is run on (its model and dataset), so that runs are compared within one setting."""
    out = []
    for key in _IDENTITY_TOP:
        value = data.get(key, _MISSING) if isinstance(data, dict) else _MISSING
        if isinstance(value, dict):
            for field_name in _IDENTITY_FIELDS:
                inner = value.get(field_name, _MISSING)
                out.append(repr(inner) if not isinstance(inner, (dict, list)) else "")
        else:
            out.append(repr(value) if not isinstance(value, (dict, list)) else "")
    return tuple(out)


def variation_pairs(runs) -> list[tuple]:
    """Pairs of runs on the same model and dataset: their differences are the variation."""
    identities = [_identity(run[2]) for run in runs]
    out = []
    for i, a in enumerate(runs):
        for j in range(i + 1, len(runs)):
            if identities[i] == identities[j]:
                out.append((a, runs[j]))
    return out


def _differs(pairs, keys) -> bool:
    return any(_value(a[2], keys) != _value(b[2], keys) for a, b in pairs)


def _identical_pair(pairs, keys, unread: set, usage: ConfigUsage):
    """Two runs whose every non-descriptive difference is an unread key (one of them ``keys``)."""
    for (_, a, da, _), (_, b, db, _) in pairs:
        if _value(da, keys) == _value(db, keys):
            continue
        if all(p in unread for p in _differences(da, db)):
            return a, b, _value(da, keys), _value(db, keys)
    return None


def _differences(a, b, prefix: tuple = ()) -> list[tuple]:
    out = []
    for key in list(dict.fromkeys([*a.keys(), *b.keys()])):
        va, vb = a.get(key, _MISSING), b.get(key, _MISSING)
        section = isinstance(va, dict) or isinstance(vb, dict)
        if not isinstance(key, str) or key in _META_ANY or (not prefix and key in _META_TOP and not section):
            continue
        if va == vb:
            continue
        if isinstance(va, dict) and isinstance(vb, dict):
            out.extend(_differences(va, vb, prefix + (key,)))
        else:
            out.append(prefix + (key,))
    return [p for p in out]


def _meta_tokens(entry, label: str) -> list[str]:
    out = tokens(label, _RUN_NOISE, camel=False)
    for key in sorted(_META_TOP):
        value = entry.get(key) if isinstance(entry, dict) else None
        if isinstance(value, str) and len(value) <= 80:
            out.extend(tokens(value, _RUN_NOISE, camel=False))
    return out


def _dispatched(usage: ConfigUsage, da, a: str, db, b: str) -> bool:
    """Whether the code may branch on what tells the two runs apart by name (run id, method, ...)."""
    ta, tb = set(_meta_tokens(da, a)), set(_meta_tokens(db, b))
    distinct = {t for t in ta ^ tb if len(t) >= 3 and not t.isdigit()}
    return not distinct or bool(distinct & usage.literal_tokens)


def _covered(path: tuple, unread: set) -> bool:
    return any(path[: len(u)] == u for u in unread)


def _yaml_line(bundle, run, keys) -> tuple[str, int | None]:
    path, _, _, where = run
    parsed = bundle.yaml(path)
    if parsed is None:
        return path, None
    node = parsed.node_at(where + keys)
    return path, (node.start_mark.line + 1) if node is not None else parsed.line_of(where + keys)


def _where_text(bundle, path: str) -> str:
    return "in config/runs/" if _profile(bundle) == "hydra" else f"in {path}"


def _fix(keys, near: list[Location]) -> str:
    """The fix, pointing at the first place the code uses the setting's neighbours (``_neighbours``)."""
    dotted = ".".join(keys)
    if near:
        return f"read `{dotted}` where the code uses its neighbours ({near[0].path}:{near[0].line}) and make the run depend on it."
    return f"read `{dotted}` in the code and make the run depend on it."


def _related(bundle, usage, runs, keys) -> tuple:
    return tuple(_neighbours(bundle, usage, runs, keys))


def _neighbours(bundle, usage: ConfigUsage, runs, keys) -> list[Location]:
    """Where the code handles the setting's neighbours (the parent section, else a sibling
    key): the first such place in src/train.py, then src/model.py, ...; at most one per file, two files."""
    candidates = [keys[-2]] if len(keys) > 1 else []
    siblings = [k[-1] for k in _key_paths(runs, keys[:-1]) if k != keys and k[-1] not in _META_ANY
                and (len(k) > 1 or k[-1] not in _META_TOP)]
    out: list[Location] = []
    for path in ("src/train.py", "src/model.py", "src/preprocess.py", "src/main.py", "src/evaluate.py"):
        for name in candidates + siblings:
            mention = usage.per_file.get((name, path))
            if mention is None:
                continue
            parsed = bundle.python(path)
            span = parsed.span(mention.node) if parsed is not None else None
            if span:
                out.append(Location(path, span[0]))
                break
        if len(out) == 2:
            break
    return out


class HydraRunConfigMissing(Rule):
    """## What it does
    For Hydra bundles, checks that every run id of the experiment (from the log's
    experiment runs or `--runs`) has its `config/runs/<run_id>.yaml`.

    ## Why is this bad?
    The pipeline launches `python -m src.main run=<run_id>`; without the file Hydra (or the
    code that loads it) fails before training.

    ## Use instead
    Write `config/runs/<run_id>.yaml` for each run, or drop the run id from the list.
    """

    code = "EXP418"
    name = "hydra-run-config-missing"
    summary = "A Hydra run id has no config/runs/<run_id>.yaml."
    profiles = frozenset({"hydra"})
    valid = (Valid(profile="hydra", title="every run id has its file"),)
    invalid = (
        Invalid({}, "config/runs/proposed-mlp-large.yaml", profile="hydra",
                runs=("comparative-1-mlp-synthetic", "proposed-mlp-synthetic", "proposed-mlp-large"),
                title="a run id without a run config file"),
    )

    def check(self, bundle):
        run_dir = (getattr(bundle.context, "run_dir", None) or "config/runs").rstrip("/")
        for run_id in bundle.context.runs or ():
            path = f"{run_dir}/{run_id}.yaml"
            # the loader places a log's run configs under config/runs/ whatever directory the prompt names
            if path not in bundle.files and f"config/runs/{run_id}.yaml" not in bundle.files:
                yield Report(path, f"{path} is missing: run '{run_id}' is listed for the experiment but has no run config; "
                                   f"write {path} with the run's parameters.")


RULES = (RunVariationMissingInConfig, RunVariationNotImplemented, HydraRunConfigMissing)
