"""EXP601-EXP610: the Hydra prompt's contract (seed 004, criteria 2, 3, 6, 8, 9).

The entry point composes `config/config.yaml`, main only launches training, the mode
switches WandB/Optuna/epochs, train logs to WandB and writes no results file, evaluate
takes `run_ids` as JSON and writes the documented files, data and models cache in
`.cache/`, and every run config has the documented sections.
"""
from __future__ import annotations

import re

import libcst as cst

from linter.facts.hydra import CONFIG, HydraFacts, prompt_requires
from linter.findings import Severity
from linter.facts.memo import callee_names, code
from linter.parsing.cst_helpers import call_name, keyword_arg, positional_args, string_value
from linter.rule import Invalid, Report, Rule, Valid
from linter.testing import patched

from .hydra_startup import HydraRule, _config_line, _head, command_words, example_config, example_main, launch, nodes_holding
def main_py(args: str = 'config_path="../config", config_name="config", version_base=None', extra: str = "") -> str:
    return example_main(launch() + extra, args=args)


class HydraMainConfig(HydraRule):
    """## What it does
    Checks that `src/main.py` is a `@hydra.main` entry point, and that every
    `@hydra.main` names `config_name="config"` with a `config_path` that reaches
    `config/` from the declaring file (`"../config"` from `src/`).

    ## Why is this bad?
    `config_path` is relative to the file that declares `@hydra.main`, not to the working
    directory: `"../../config"` or `"config"` from `src/` finds no primary config and Hydra
    stops. Without `config_name`, Hydra composes an empty config, so `run=<id>` is
    rejected ("Could not override 'run'"). Without Hydra at all, `run=... results_dir=...
    mode=...` are not parsed.

    ## Use instead
    `@hydra.main(config_path="../config", config_name="config", version_base=None)`.
    """

    code = "EXP601"
    name = "hydra-main-config"
    summary = "@hydra.main does not compose config/config.yaml."
    invalid = (
        Invalid({"src/main.py": main_py('config_path="../../config", config_name="config", version_base=None')}, "src/main.py:9", profile="hydra", title="config_path goes above the bundle"),
        Invalid({"src/main.py": main_py('config_path="../config", version_base=None')}, "src/main.py:9", profile="hydra", title="no config_name"),
    )

    def check(self, bundle):
        facts = bundle.fact(HydraFacts)
        for main in facts.mains:
            if main.call is None:
                yield Report(main.path, "A bare @hydra.main has no config_path or config_name, so config/config.yaml is never composed; write @hydra.main(config_path=\"../config\", config_name=\"config\", version_base=None).", node=main.decorator)
                continue
            if main.config_name_known and main.config_name is None:
                yield Report(main.path, "@hydra.main has no config_name, so Hydra composes an empty config and rejects run=<run_id> (\"Could not override 'run'\"); add config_name=\"config\".", node=main.decorator)
            elif main.config_name_known and main.config_name not in ("config", "config.yaml"):
                if f"config/{main.config_name.removesuffix('.yaml')}.yaml" not in bundle.files:
                    yield Report(main.path, f"@hydra.main names config_name={main.config_name!r}, but the bundle's primary config is config/config.yaml; use config_name=\"config\".", node=main.decorator)
            if main.config_path_known:
                target = main.config_dir
                if main.config_path is None and main.config_name is not None:
                    yield Report(main.path, "@hydra.main has no config_path, so Hydra has no config directory and cannot find config.yaml; add config_path=\"../config\" (relative to this file).", node=main.decorator)
                elif target is not None and target != "config":
                    yield Report(main.path, f"config_path={main.config_path!r} is resolved relative to {main.path}, not the working directory, so it points at {target!r} and Hydra finds no primary config; use config_path=\"../config\".", node=main.decorator)
        if "src/main.py" in bundle.files and bundle.index("src/main.py") is not None and not any(m.path == "src/main.py" for m in facts.mains):
            text = bundle.text("src/main.py") or ""
            if not re.search(r"""(partition|split)\(\s*["']=["']""", text):
                yield Report("src/main.py", "src/main.py is not a @hydra.main entry point and parses no key=value words, so the documented `python -m src.main run=<run_id> results_dir=<dir> mode=<mode>` is not understood; decorate main with @hydra.main(config_path=\"../config\", config_name=\"config\").", line=1)


class MainRunsEvaluate(HydraRule):
    """## What it does
    Reports a `src/main.py` that runs the evaluation (imports `evaluate` or starts
    `python -m src.evaluate`).

    ## Why is this bad?
    The pipeline runs `src.evaluate` itself, once, after every run has finished and
    with all run ids; evaluating inside each training run duplicates work on partial
    results, and the prompt forbids it.

    ## Use instead
    Let main launch training only.
    """

    code = "EXP602"
    name = "main-runs-evaluate"
    summary = "src/main.py calls the evaluation."
    invalid = (Invalid({"src/main.py": main_py(extra='    subprocess.run([sys.executable, "-m", "src.evaluate", f"results_dir={cfg.results_dir}"], check=True)\n')}, "src/main.py:12", profile="hydra"),)

    def check(self, bundle):
        index = bundle.index("src/main.py")
        if index is None:
            return
        for node in index.of(cst.ImportFrom):
            module = node.module
            text = bundle.python("src/main.py").module.code_for_node(node)
            if re.search(r"\bevaluate\b", text) and (node.relative or "src" in text):
                yield Report("src/main.py", "src/main.py imports the evaluation; the pipeline runs src.evaluate separately after all runs, so main must only launch training.", node=node)
                return
        callees = callee_names(index)
        for call in index.of(cst.Call):
            words = command_words(index, call) if callees[id(call)] in ("subprocess.run", "subprocess.Popen", "subprocess.call", "subprocess.check_call", "subprocess.check_output") else None
            if words and any(_head(w) == "src.evaluate" for w in words):
                yield Report("src/main.py", "src/main.py starts src.evaluate; the pipeline runs the evaluation separately after all runs, so main must only launch training.", node=call)
                return


def _blank(bundle, path: str) -> bool:
    """An empty or comment-only file: EXP103 reports it; the contract rules stay quiet."""
    text = bundle.text(path) or ""
    return not any(l.strip() and not l.strip().startswith("#") for l in text.splitlines())


_TRIAL_TEST = re.compile(r"""["']trial["']|trial_mode|is_trial""")
# A comment that could make a node's code match _TRIAL_TEST.
_TRIAL_COMMENT = re.compile(r"""#[^\r\n]*?(?:["']trial["']|trial_mode|is_trial)""")


class TrialModeSettings(HydraRule):
    """## What it does
    Checks that `mode=trial` (or `trial_mode=true`, where the prompt documents that flag)
    really shrinks the run: some branch on the trial mode sets WandB to `"disabled"`, sets
    Optuna's trials to 0 or switches Optuna off (when Optuna is used, or the branch sets
    `n_trials` at all), and cuts epochs or batches.

    ## Why is this bad?
    The pipeline runs every bundle in trial mode first, to see that it starts. Without
    these switches the trial logs to WandB, searches hyper-parameters and trains in full.

    ## Use instead
    `if cfg.mode == "trial": cfg.wandb.mode = "disabled"; cfg.optuna.n_trials = 0;
    cfg.training.epochs = 1`.
    """

    code = "EXP603"
    name = "trial-mode-settings"
    summary = "mode=trial does not disable WandB, zero Optuna trials, or cut epochs."
    valid = (
        Valid(profile="hydra"),
        Valid({"src/train.py": patched("hydra", "src/train.py", ("cfg.optuna.n_trials = 0", "cfg.optuna.enabled = False"))},
              profile="hydra", title="Optuna switched off by a flag"),
    )
    invalid = (
        Invalid({"src/train.py": '"""Train."""\nimport optuna\n\n\ndef main(cfg):\n    for epoch in range(cfg.training.epochs):\n        print(epoch)\n'}, "src/main.py:16", profile="hydra", title="the only trial check just validates the mode"),
        Invalid({"src/train.py": patched("hydra", "src/train.py", ("cfg.optuna.n_trials = 0", "cfg.optuna.n_trials = 2"))},
                "src/train.py:59", profile="hydra", title="the trial branch still runs Optuna trials"),
    )

    def check(self, bundle):
        flag = "mode" in bundle.fact(HydraFacts).cli_main
        if not flag and not (getattr(bundle.context, "instructions", None) and prompt_requires(bundle, "trial_mode=true")):
            return  # this prompt version documents neither mode=trial|full nor trial_mode=true
        switch = "mode == \"trial\"" if flag else "trial_mode"
        if _blank(bundle, "src/main.py") or _blank(bundle, "src/train.py"):
            return
        texts = []
        branches = []  # (path, node, text) of every branch on the trial switch
        uses_optuna = False
        for path, index in bundle.modules():
            if not path.startswith("src/"):
                continue
            source = bundle.text(path) or ""
            uses_optuna = uses_optuna or bool(re.search(r"^\s*(import|from)\s+optuna", source, re.M))
            maybe = nodes_holding(index, source, "trial", _TRIAL_COMMENT)  # every match holds "trial"
            for node in index.of(cst.If, cst.IfExp, cst.BooleanOperation):
                test = node.test if isinstance(node, (cst.If, cst.IfExp)) else node.left
                if maybe is not None and id(test) not in maybe:
                    continue
                if not _TRIAL_TEST.search(code(index, test)):
                    continue
                texts.append(code(index, node.body if isinstance(node, (cst.If, cst.IfExp)) else node))
                branches.append((path, node, texts[-1]))
                if isinstance(node, cst.If):
                    texts.append(code(index, test))
            for assign in index.of(cst.Assign):
                if maybe is not None and id(assign.value) not in maybe:
                    continue
                value = code(index, assign.value)
                if _TRIAL_TEST.search(value):
                    texts.append(code(index, assign))
        if not branches:
            where = "src/main.py" if "src/main.py" in bundle.files else "src/train.py"
            yield Report(where, f"Nothing checks {switch}, so a trial run logs to WandB, runs every Optuna trial and trains every epoch; branch on it and set wandb.mode=disabled, optuna.n_trials=0, epochs=1 there.", line=1)
            return
        joined = "\n".join(texts)
        missing = []
        if "disabled" not in joined:
            missing.append("WandB is not set to \"disabled\"")
        if (uses_optuna or "n_trials" in joined) and not re.search(r"trials\W*(=|:|\W)\s*0\b|trials=0|optuna[\w.\"'\[\]]*\s*[=:]\s*(false|none|0)\b", joined, re.I):
            missing.append("Optuna's n_trials is not set to 0")
        if not re.search(r"epoch|batch|step|break|max_|limit|subset|select|\[:", joined, re.I):
            missing.append("epochs/batches are not cut")
        if missing:
            # the branch that sets Optuna's trials (to the wrong value), else one in train.py, else the first
            path, node, _ = next((b for b in branches if "n_trials" in b[2] and any("Optuna" in m for m in missing)), None) \
                or next((b for b in branches if b[0] == "src/train.py"), branches[0])
            yield Report(path, f"In trial mode {', '.join(missing)}; the trial run must disable WandB, skip Optuna and run one epoch (or 1-2 batches).", node=node)


class WandbLogging(HydraRule):
    """## What it does
    Checks that the training code calls `wandb.init` and logs metrics with `.log(...)`.

    ## Why is this bad?
    The evaluation reads every metric back from WandB (`run.history()`,
    `run.summary`); without `wandb.init`/`wandb.log` there is nothing to evaluate.

    ## Use instead
    `wandb.init(entity=cfg.wandb.entity, project=cfg.wandb.project, id=cfg.run_id,
    mode=cfg.wandb.mode)` and `wandb.log({...})` every step or epoch.
    """

    code = "EXP604"
    name = "wandb-logging"
    summary = "Training never initialises WandB or logs metrics to it."
    invalid = (Invalid({"src/train.py": '"""Train without WandB."""\n\n\ndef main():\n    print("training")\n'}, "src/train.py:1", profile="hydra"),)

    def check(self, bundle):
        inits, logs = [], []
        for path, index in bundle.modules():
            if not path.startswith("src/") or path == "src/evaluate.py":
                continue
            callees = callee_names(index)
            for call in index.of(cst.Call):
                name = callees[id(call)] or ""
                if name.endswith("wandb.init") or name == "init" and "wandb" in (bundle.text(path) or ""):
                    inits.append(call)
                elif name.endswith(".log") and name != "math.log" and not name.startswith(("np.", "numpy.", "torch.", "logging.", "logger.", "math.")):
                    logs.append(call)
        target = "src/train.py"
        if _blank(bundle, target):
            return
        if not inits:
            yield Report(target, "Training never calls wandb.init, so no run reaches WandB and the evaluation has nothing to read; initialise WandB in src/train.py.", line=1)
        elif not logs:
            yield Report(target, "Training calls wandb.init but never logs a metric (.log(...)), so run.history() is empty; log every step or epoch with wandb.log.", line=1)


class TrainWritesResults(HydraRule):
    """## What it does
    Reports `src/train.py` writing a `results.json` file or printing JSON to stdout.

    ## Why is this bad?
    In the Hydra pipeline WandB is the only channel for metrics; the prompt forbids
    result files and stdout JSON dumps in `train.py`, and the evaluation does not read them.

    ## Use instead
    Log with `wandb.log` and store final values in `wandb.summary`.
    """

    code = "EXP605"
    name = "train-writes-results"
    summary = "src/train.py writes results.json or prints JSON."
    invalid = (Invalid({"src/train.py": 'import json\n\n\ndef report(metrics):\n    with open("results.json", "w") as f:\n        json.dump(metrics, f)\n'}, "src/train.py:5", profile="hydra"),)

    def check(self, bundle):
        index = bundle.index("src/train.py")
        if index is None or not prompt_requires(bundle, "results.json"):
            return
        callees = callee_names(index)
        for call in index.of(cst.Call):
            name = callees[id(call)] or ""
            args = positional_args(call)
            if name == "print" and args and isinstance(args[0], cst.Call) and call_name(args[0]) == "json.dumps":
                yield Report("src/train.py", "src/train.py prints a JSON dump to stdout, which the Hydra prompt forbids; log the values to WandB (wandb.log / wandb.summary) instead.", node=call)
            elif args and any("results.json" in (_head(a) or string_value(a) or "") for a in args) and name.split(".")[-1] in ("open", "Path", "write_text", "dump", "join"):
                yield Report("src/train.py", "src/train.py writes results.json, which the Hydra prompt forbids (metrics go to WandB only); log them with wandb.log / wandb.summary instead.", node=call)
        for binop in index.of(cst.BinaryOperation):
            if isinstance(binop.operator, cst.Divide) and string_value(binop.right) == "results.json":
                yield Report("src/train.py", "src/train.py writes results.json, which the Hydra prompt forbids (metrics go to WandB only); log them with wandb.log / wandb.summary instead.", node=binop)


class WandbConfigSection(HydraRule):
    """## What it does
    Checks that `config/config.yaml` has `wandb.entity` and `wandb.project`.

    ## Why is this bad?
    Training and evaluation both address runs as `{entity}/{project}/{run_id}`; without
    them the runs land in a default project the evaluation never reads.

    ## Use instead
    A `wandb:` section with `entity`, `project` and `mode`.
    """

    code = "EXP606"
    name = "wandb-config-section"
    summary = "config/config.yaml lacks wandb.entity or wandb.project."
    invalid = (Invalid({"config/config.yaml": example_config("_self_", wandb="  mode: online\n")}, "config/config.yaml:6", profile="hydra"),)

    def check(self, bundle):
        facts = bundle.fact(HydraFacts)
        if facts.config is None:
            return
        wandb_cfg = facts.config.get("wandb")
        missing = [k for k in ("entity", "project") if not isinstance(wandb_cfg, dict) or wandb_cfg.get(k) in (None, "")]
        if missing:
            yield Report(CONFIG, f"config/config.yaml has no wandb.{' or wandb.'.join(missing)}, so runs are not logged where the evaluation looks for them; add them under `wandb:`.", line=_config_line(bundle, ("wandb",)))


class RunIdsJson(HydraRule):
    """## What it does
    Checks that `src/evaluate.py` parses the `run_ids` argument with `json.loads`.

    ## Why is this bad?
    The pipeline passes `run_ids='["run-1", "run-2"]'`, a JSON list in one word;
    splitting on commas or using it as a single id evaluates the wrong runs.

    ## Use instead
    `run_ids = json.loads(args["run_ids"])`.
    """

    code = "EXP607"
    name = "run-ids-json"
    summary = "src/evaluate.py does not parse run_ids with json.loads."
    invalid = (Invalid({"src/evaluate.py": 'import sys\n\n\ndef main():\n    args = dict(w.partition("=")[::2] for w in sys.argv[1:])\n    run_ids = args["run_ids"].split(",")\n    print(run_ids)\n'}, "src/evaluate.py:6", profile="hydra"),)

    def check(self, bundle):
        facts = bundle.fact(HydraFacts)
        path = "src/evaluate.py"
        index = bundle.index(path)
        if index is None or _blank(bundle, path) or "run_ids" not in (facts.cli_evaluate or ()) or any(m.path == path for m in facts.mains):
            return
        module = bundle.python(path).module
        text = bundle.text(path) or ""
        if re.search(r"type\s*=\s*json\.loads", text):
            return
        for call in index.of(cst.Call):
            if call_name(call) in ("json.loads", "loads") and "run_ids" in module.code_for_node(call):
                return
            if call_name(call) in ("json.loads", "loads"):
                return  # parsed through a variable: stay silent rather than guess
        first = next((n for n in index.of(cst.Name, cst.SimpleString) if "run_ids" in (n.value if isinstance(n, cst.Name) else n.value)), None)
        if first is not None:
            yield Report(path, "src/evaluate.py never parses run_ids with json.loads, but the pipeline passes a JSON list (run_ids='[\"a\", \"b\"]'); use json.loads on it.", node=first)
        else:
            yield Report(path, "src/evaluate.py does not read run_ids, which the pipeline passes as a JSON list (run_ids='[\"a\", \"b\"]'); parse it with json.loads and evaluate those runs.", line=1)


class EvaluateOutputs(HydraRule):
    """## What it does
    Checks that `src/evaluate.py` writes `{results_dir}/{run_id}/metrics.json` and
    `{results_dir}/comparison/aggregated_metrics.json` with the keys `primary_metric`,
    `metrics`, `best_proposed`, `best_baseline` and `gap`, and saves figures as PDF named
    `<run_id>_<topic>.pdf` or `comparison_<topic>.pdf`.

    ## Why is this bad?
    The pipeline reads these exact files and keys to write the paper; figures with other
    names or formats are not picked up.

    ## Use instead
    Follow the output layout of the prompt (criterion 8).
    """

    code = "EXP608"
    name = "evaluate-outputs"
    summary = "src/evaluate.py does not write the documented files, keys or figure names."
    invalid = (
        Invalid({"src/evaluate.py": 'import matplotlib.pyplot as plt\n\n\ndef plot(out):\n    fig, ax = plt.subplots()\n    fig.savefig(out / "accuracy.png")\n'}, ["src/evaluate.py:1", "src/evaluate.py:6"], profile="hydra"),
        Invalid({"src/evaluate.py": patched("hydra", "src/evaluate.py", ('"metrics.json"', '"summary.json"'))},
                "src/evaluate.py:1", profile="hydra", title="only aggregated_metrics.json mentions metrics.json"),
    )

    def check(self, bundle):
        path = "src/evaluate.py"
        index = bundle.index(path)
        if index is None or _blank(bundle, path):
            return
        strings = set()
        for node in index.of(cst.SimpleString):
            value = string_value(node)
            if value is not None:
                strings.add(value)
        for node in index.of(cst.FormattedStringText):
            strings.add(node.value)
        blob = "\n".join(sorted(strings))
        # a per-run "metrics.json", not merely the tail of "aggregated_metrics.json"
        missing = [name for name in ("metrics.json", "aggregated_metrics.json")
                   if not re.search(rf"(?<![\w-]){re.escape(name)}", blob) and prompt_requires(bundle, "/" + name)]
        if prompt_requires(bundle, "best_proposed"):
            missing += [f"key {k!r}" for k in ("primary_metric", "best_proposed", "best_baseline", "gap") if k not in strings]
        if missing:
            yield Report(path, f"src/evaluate.py does not produce {', '.join(missing)}; write {{results_dir}}/{{run_id}}/metrics.json and {{results_dir}}/comparison/aggregated_metrics.json with primary_metric, metrics, best_proposed, best_baseline and gap.", line=1)
        callees = callee_names(index)
        for call in index.of(cst.Call):
            name = callees[id(call)] or ""
            if not name.endswith("savefig"):
                continue
            args = positional_args(call)
            if not args:
                continue
            target = args[0]
            while isinstance(target, cst.BinaryOperation) and isinstance(target.operator, cst.Divide):
                target = target.right
            text = _head(target) if isinstance(target, cst.FormattedString) else string_value(target)
            tail = _tail(target)
            if tail and re.search(r"\.(png|jpe?g|svg|eps)$", tail, re.I) and prompt_requires(bundle, ".pdf"):
                yield Report(path, f"This figure is saved as {tail.rsplit('.', 1)[-1].upper()}; the pipeline collects PDF figures only, so save it as .pdf.", node=call)
            elif text is not None and isinstance(target, cst.SimpleString) and text.endswith(".pdf") and not text.startswith("comparison_") and "/" not in text and prompt_requires(bundle, "comparison_{"):
                yield Report(path, f"The figure name {text!r} follows neither <run_id>_<topic>.pdf nor comparison_<topic>.pdf, so it can collide across runs; prefix it with the run id or 'comparison_'.", node=call)


def _tail(expr) -> str | None:
    if isinstance(expr, cst.FormattedString):
        last = expr.parts[-1] if expr.parts else None
        return last.value if isinstance(last, cst.FormattedStringText) else None
    return string_value(expr)


_HF_ENV = re.compile(r"HF_HOME|TRANSFORMERS_CACHE|HF_HUB_CACHE|HUGGINGFACE_HUB_CACHE")
_DS_ENV = re.compile(r"HF_HOME|HF_DATASETS_CACHE")
_TV_DATASETS = frozenset({"CIFAR10", "CIFAR100", "MNIST", "FashionMNIST", "SVHN", "STL10", "ImageNet", "KMNIST", "EMNIST", "Food101", "Flowers102", "OxfordIIITPet", "CelebA"})


class CacheDirectory(HydraRule):
    """## What it does
    Checks that datasets and pretrained models are cached under `.cache/`:
    `from_pretrained(...)` and `load_dataset(...)` pass `cache_dir=".cache/..."` (or the
    code sets `HF_HOME`), and torchvision datasets use a `root` under `.cache/`. Also
    reports a function that takes a `cache_dir` parameter but never uses it (and names
    no `.cache` path itself): the directory its callers pass is dropped.

    ## Why is this bad?
    The pipeline keeps `.cache/` between runs and machines; downloads elsewhere are
    repeated for every run and can fill the home directory of the runner.

    ## Use instead
    `load_dataset(name, cache_dir=".cache/datasets")`,
    `AutoModel.from_pretrained(name, cache_dir=".cache/models")`,
    `CIFAR10(root=".cache/data", download=True)`; use the `cache_dir` a function is given.
    """

    code = "EXP609"
    name = "cache-directory"
    summary = "A dataset or model download does not use .cache/."
    valid = (
        Valid(profile="hydra"),
        Valid({"src/preprocess.py": 'from pathlib import Path\n\nimport numpy as np\n\n\ndef load(cfg, cache_dir):\n    return np.load(Path(cache_dir) / cfg.dataset.name / "x.npy")\n'},
              profile="hydra", title="the cache_dir parameter locates the data"),
    )
    invalid = (
        Invalid({"src/preprocess.py": 'from datasets import load_dataset\n\n\ndef load(cfg):\n    return load_dataset(cfg.dataset.name)\n'}, "src/preprocess.py:5", profile="hydra"),
        Invalid({"src/preprocess.py": 'from pathlib import Path\n\nimport numpy as np\n\n\ndef load(cfg, cache_dir):\n    return np.load(Path(cfg.dataset.root) / "x.npy")\n'},
                "src/preprocess.py:6", profile="hydra", title="the cache_dir parameter is ignored"),
    )

    def check(self, bundle):
        if not prompt_requires(bundle, ".cache"):
            return
        everything = "\n".join(bundle.text(p) or "" for p in bundle.paths("python"))
        hf_env, ds_env = bool(_HF_ENV.search(everything)), bool(_DS_ENV.search(everything))
        for path, index in bundle.modules():
            if not path.startswith("src/"):
                continue
            module = bundle.python(path).module
            callees = callee_names(index)
            for call in index.of(cst.Call):
                name = callees[id(call)] or ""
                last = name.split(".")[-1]
                if last == "from_pretrained":
                    args = positional_args(call)
                    first = module.code_for_node(args[0]) if args else ""
                    if re.search(r"checkpoint|ckpt|output|save|results|best|local|path|dir", first, re.I):
                        continue  # a local directory: nothing is downloaded
                    yield from self._cache_kw(path, call, hf_env, "the pretrained weights")
                elif last == "load_dataset":
                    yield from self._cache_kw(path, call, ds_env, "the dataset")
                elif last in _TV_DATASETS:
                    root = keyword_arg(call, "root") or (positional_args(call)[0] if positional_args(call) else None)
                    value = _head(root) if root is not None else None
                    if value and ".cache" not in value and isinstance(root, (cst.SimpleString, cst.FormattedString)):
                        yield Report(path, f"{last} downloads to {value!r}, outside .cache/; use a root under .cache/ (e.g. \".cache/datasets\").", node=call)
            yield from self._unused_cache_params(path, index, module)

    @staticmethod
    def _unused_cache_params(path, index, module):
        """`def load(cfg, cache_dir): ... Path(cfg.dataset.root)`: the cache directory the caller passes is dropped."""
        for function in index.of(cst.FunctionDef):
            params = [p.name.value for p in (*function.params.params, *function.params.kwonly_params)]
            names = [p for p in params if _CACHE_PARAM.match(p)]
            if not names or _stub(function):
                continue
            body = module.code_for_node(function.body)
            if ".cache" in body:
                continue  # it caches under .cache/ by itself
            used = {n.value for n in index.below(function.body, cst.Name)}
            for name in names:
                if name not in used:
                    yield Report(path, f"{function.name.value}() takes {name} but never uses it, so whatever it loads does not go to the .cache/ directory its callers pass; use {name} for the data or model location.", node=function.name)

    def _cache_kw(self, path, call, env_set, what):
        kw = keyword_arg(call, "cache_dir")
        if kw is None:
            if not env_set:
                yield Report(path, f"{call_name(call)}() has no cache_dir, so {what} go to the default Hugging Face cache, not .cache/; pass cache_dir=\".cache/\".", node=call)
            return
        value = _head(kw) if isinstance(kw, (cst.SimpleString, cst.FormattedString)) else None
        if value is not None and ".cache" not in value and value.strip():
            yield Report(path, f"{call_name(call)}() caches {what} in {value!r}, not under .cache/; pass cache_dir=\".cache/\".", node=call)


_CACHE_PARAM = re.compile(r"^(cache|cache_dir|cache_root|cache_path|cachedir)$")


def _stub(function: cst.FunctionDef) -> bool:
    """A body of only a docstring, pass, ... or raise: EXP2xx reports those."""
    body = function.body.body if isinstance(function.body, cst.IndentedBlock) else ()
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine) and all(
                isinstance(s, (cst.Pass, cst.Raise)) or (isinstance(s, cst.Expr) and isinstance(s.value, (cst.SimpleString, cst.ConcatenatedString, cst.Ellipsis)))
                for s in stmt.body):
            continue
        return False
    return True


class RunConfigSections(HydraRule):
    """## What it does
    Checks that every run config (`config/runs/<run_id>.yaml`) has the sections the prompt
    requires: `run_id`, `method`, `model`, `dataset`, `training` and `optuna`.

    ## Why is this bad?
    The code reads its parameters from these sections; a run without them falls back on
    defaults or fails when the section is read.

    ## Use instead
    Add the missing section to the run config (the pipeline writes these files; report
    the gap upstream if it is theirs).
    """

    code = "EXP610"
    name = "run-config-sections"
    summary = "A run config lacks a required section (run_id, method, model, dataset, training, optuna)."
    severity = Severity.WARNING
    invalid = (Invalid({"config/runs/proposed-mlp-synthetic.yaml": "run_id: proposed-mlp-synthetic\nmethod: proposed\nmodel:\n  name: proposed\n  hidden: 32\ndataset:\n  name: synthetic\n  num_samples: 64\n  num_features: 8\ntraining:\n  seed: 0\n  epochs: 1\n  batch_size: 8\n  lr: 0.01\n"},
                       "config/runs/proposed-mlp-synthetic.yaml:1", profile="hydra"),)

    def check(self, bundle):
        facts = bundle.fact(HydraFacts)
        if not prompt_requires(bundle, "optuna sections"):
            return
        for run_id in sorted(facts.run_configs):
            data = facts.run_configs[run_id]
            missing = [k for k in ("run_id", "method", "model", "dataset", "training", "optuna") if k not in data]
            if missing:
                yield Report(f"config/runs/{run_id}.yaml", f"Run config {run_id} has no {', '.join(missing)} section; the prompt requires run_id, method, model, dataset, training and optuna in every run config.", line=1)


_LIST_RUN_IDS = "config/config.yaml contains list of all experiment run_ids"


class ConfigListsRunIds(HydraRule):
    """## What it does
    Where the prompt says "config/config.yaml contains list of all experiment run_ids"
    (an older Hydra prompt), checks that every run id of the experiment appears in
    `config/config.yaml`.

    ## Why is this bad?
    That prompt asks for one primary config that names every run the pipeline will
    launch; a config that names only a default run (or none) does not meet it, and the
    reviewer rejects the bundle for it.

    ## Use instead
    List the run ids in `config/config.yaml`, e.g. `run_ids: [run-a, run-b]`, next to the
    run group that `run=<run_id>` selects.
    """

    code = "EXP630"
    name = "config-lists-run-ids"
    summary = "config/config.yaml does not list every run id, which the prompt requires."
    severity = Severity.WARNING
    valid = (
        Valid(profile="hydra"),
        Valid({"config/config.yaml": patched("hydra", "config/config.yaml", ("results_dir:", "run_ids: [proposed-mlp-synthetic, comparative-1-mlp-synthetic]\nresults_dir:"))},
              profile="hydra", instructions=_LIST_RUN_IDS, title="every run id is listed"),
    )
    invalid = (Invalid({}, "config/config.yaml:4", profile="hydra", instructions=_LIST_RUN_IDS, title="no run id is listed"),)

    def check(self, bundle):
        facts = bundle.fact(HydraFacts)
        text = bundle.text(CONFIG)
        if not text or not facts.run_ids or not getattr(bundle.context, "instructions", None) \
                or not prompt_requires(bundle, "list of all experiment run_ids"):
            return
        absent = [r for r in facts.run_ids if r not in text]
        if not absent:
            return
        # the run group entry or `run:` key (the YAML need not parse: EXP7xx reports that)
        line = next((i for i, l in enumerate(text.splitlines(), 1) if re.match(r"\s*(-\s*)?run\s*:", l)), 1)
        listed = len(facts.run_ids) - len(absent)
        yield Report(CONFIG, f"config/config.yaml names {listed} of the {len(facts.run_ids)} run ids (not {absent[0]!r}), but the prompt requires it to list every experiment run id; add them all (e.g. a `run_ids:` list).", line=line)


RULES = (HydraMainConfig, MainRunsEvaluate, TrialModeSettings, WandbLogging, TrainWritesResults, WandbConfigSection, RunIdsJson, EvaluateOutputs, CacheDirectory, RunConfigSections, ConfigListsRunIds)
