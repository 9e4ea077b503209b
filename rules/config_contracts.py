"""EXP415 and EXP714: the keys and values the code reads from the run configuration YAML."""
from __future__ import annotations

import re

import yaml

from linter.facts.config_reads import ITEM, ConfigRead
from linter.facts.run_config import RunConfig, get_path
from linter.findings import Location
from linter.rule import Invalid, Report, Rule, Valid
from linter.testing import patched


EIGHT_FILE = frozenset({"base", "experiment", "derived"})
_REQUIRED_STYLES = ("subscript", "attribute", "getattr", "pop")


def code_location(bundle, read_path: str, node) -> tuple[str, int | None]:
    parsed = bundle.python(read_path)
    span = parsed.span(node) if parsed is not None else None
    return read_path, (span[0] if span else None)


def _where(bundle, path: str, node) -> str:
    p, line = code_location(bundle, path, node)
    return f"{p}:{line}" if line else p


def _relative(keys: tuple) -> tuple:
    if ITEM in keys:
        return keys[len(keys) - keys[::-1].index(ITEM):]
    return keys


def _set_by_code(facts, read: ConfigRead) -> bool:
    rel = _relative(read.keys)
    for w in facts.writes:
        wrel = _relative(w.keys)
        if len(wrel) <= len(rel) and rel[: len(wrel)] == wrel:
            return True
    return False


def _missing(data, keys: tuple) -> tuple | None:
    """The shortest prefix of ``keys`` absent from ``data``; None if present or not checkable."""
    node = data
    for i, key in enumerate(keys):
        if key == ITEM or isinstance(key, int):
            return None
        if not isinstance(node, dict):
            return None
        if key not in node:
            return keys[: i + 1]
        node = node[key]
    return None


def _dotted(keys: tuple) -> str:
    return ".".join(str(k) for k in keys)


def _quote_runs(labels: list[str]) -> str:
    shown = ", ".join(f"'{l}'" for l in labels[:4]) + (f" and {len(labels) - 4} more" if len(labels) > 4 else "")
    return ("run " if len(labels) == 1 else "runs ") + shown


class MissingConfigKey(Rule):
    """## What it does
    Follows the run configuration from where the code loads it (`yaml.safe_load`,
    `OmegaConf.load`) through assignments, run lists (`for run in cfg["runs"]`,
    `next(r for r in cfg["runs"] if ...)`) and function parameters across files, and checks
    that every key the code reads without a default (`run["training"]["lr"]`,
    `cfg.training.lr`) exists in every run entry of `config/smoke_test.yaml` and
    `config/full_experiment.yaml` that reaches that code. The run list is the one the code
    reads (`cfg["runs"]`, `cfg["experiments"]`, ...), not a fixed key. When `main` dumps
    each run entry to a file of its own and `train` loads that file, `train`'s top-level
    reads are checked against each entry.

    Stays silent where the flow is not certain: reads with a default (`.get(k, d)`,
    `getattr(o, k, d)`), reads guarded by `"k" in cfg`, `hasattr` or `try/except KeyError`,
    reads inside a branch whose test depends on the configuration or a parameter (a key only
    one method's runs need), keys the code itself sets (`cfg["x"] = ...`, `setdefault`,
    `update`), and configurations merged with unknown data. Hydra configurations are left
    to the EXP6xx rules.

    ## Why is this bad?
    A missing key raises `KeyError` (or OmegaConf's `ConfigAttributeError`) when the run
    reaches that line: often after the dataset download, sometimes only in the full
    experiment whose YAML was written separately from the smoke test.

    ## Use instead
    Add the key to every run entry of both YAML files, or read it with `.get("key", default)`.
    """

    code = "EXP415"
    name = "missing-config-key"
    summary = "The code reads a config key without a default that a run entry of the YAML lacks."
    profiles = EIGHT_FILE
    valid = (
        Valid(title="every key the code reads is in every run"),
        Valid({"src/train.py": None}, title="no code, nothing read"),
        Valid(
            {"config/smoke_test.yaml": "runs:\n  - run_id: baseline\n    model: {name: baseline, hidden: 32}\n    dataset: {name: synthetic, num_samples: 64, num_features: 8}\n    training: {seed: 0, epochs: 1, batch_size: 32}\n  - run_id: proposed\n    model: {name: proposed, hidden: 32}\n    dataset: {name: synthetic, num_samples: 64, num_features: 8}\n    training: {seed: 0, epochs: 1, batch_size: 32}\n",
             "src/train.py": patched("experiment", "src/train.py", ('lr=float(run["training"]["lr"])', 'lr=float(run["training"].get("lr", 0.01))'))},
            title="a key read with .get and a default may be absent",
        ),
    )
    invalid = (
        Invalid(
            {"config/full_experiment.yaml": "runs:\n  - run_id: baseline\n    model: {name: baseline, hidden: 32}\n    dataset: {name: synthetic, num_samples: 4096, num_features: 8}\n    training: {seed: 0, epochs: 20, batch_size: 32}\n  - run_id: proposed\n    model: {name: proposed, hidden: 32}\n    dataset: {name: synthetic, num_samples: 4096, num_features: 8}\n    training: {seed: 0, epochs: 20, batch_size: 32, lr: 0.01}\n"},
            "src/train.py:30",
            title="the full experiment's baseline run has no training.lr",
        ),
    )

    def check(self, bundle):
        rc = bundle.fact(RunConfig)
        facts = rc.facts
        found: dict[tuple, dict] = {}
        for read in facts.reads:
            if read.style not in _REQUIRED_STYLES or read.default or read.guarded or read.soft or read.branch:
                continue
            if _set_by_code(facts, read):
                continue
            targets = rc.targets(bundle, read)
            if not targets:
                continue
            for yaml_path, label, data, keys, where in targets:
                if label is None and ITEM in read.keys and keys == read.keys[: read.keys.index(ITEM)]:
                    missing = _missing(data, keys)  # the run list itself
                else:
                    missing = _missing(data, keys)
                if missing is None:
                    continue
                full = (where + missing) if label is not None else missing
                group = found.setdefault((_dotted(missing), label is None), {"read": read, "files": {}, "keys": missing, "where": []})
                group["files"].setdefault(yaml_path, [])
                if label is not None and label not in group["files"][yaml_path]:
                    group["files"][yaml_path].append(label)
                group["where"].append((yaml_path, where))
        for (dotted, top), group in sorted(found.items(), key=lambda kv: (kv[1]["read"].path, kv[1]["read"].order, kv[0])):
            read = group["read"]
            at = _where(bundle, read.path, read.node)
            parts = []
            for yaml_path, labels in sorted(group["files"].items()):
                parts.append(f"{_quote_runs(labels)} in {yaml_path}" if labels else yaml_path)
            related = []
            for yaml_path, where in group["where"]:
                parsed = bundle.yaml(yaml_path)
                line = parsed.line_of(where) if parsed is not None and where else None
                related.append(Location(yaml_path, line))
            related = tuple(sorted(set(related), key=lambda l: (l.path, l.line or 0)))
            if top:
                message = (f"KeyError at run time: {at} reads {read.dotted if ITEM not in read.keys else _dotted(read.keys[:read.keys.index(ITEM)])} "
                           f"but {' and '.join(parts)} has no top-level {dotted}; add it or read it with .get and a default.")
            else:
                has = "has" if all(len(l) <= 1 for l in group["files"].values()) and len(parts) == 1 else "have"
                message = (f"KeyError at run time: {at} reads {read.dotted} but {' and '.join(parts)} {has} no {dotted}; "
                           "add it or use .get with a default.")
            yield Report(read.path, message, node=read.node, related=related)


# ---------------------------------------------------------------------------------------------
# EXP714

_NUMERIC_KW = frozenset({
    "lr", "learning_rate", "weight_decay", "momentum", "eps", "epsilon", "alpha", "beta", "beta1", "beta2",
    "gamma", "tau", "temperature", "dropout", "p", "label_smoothing", "max_norm", "clip_value", "eta_min",
    "min_lr", "max_lr", "base_lr", "initial_lr", "final_lr", "dampening", "rho", "lambd", "lr_decay",
    "initial_accumulator_value", "smoothing", "margin", "threshold", "factor", "warmup_ratio", "noise_std",
    "std", "mean", "scale", "sigma", "l2", "l1", "lam", "lambda_", "weight", "coef", "tol",
})
# YAML 1.1 (PyYAML) needs a dot in the mantissa and a sign in the exponent; YAML 1.2 does not.
_SCI = re.compile(r"[-+]?(?:[0-9][0-9_]*\.?[0-9_]*|\.[0-9_]+)[eE][-+]?[0-9]+")
_PYYAML_FLOAT = re.compile(r"[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?")


def float_as_string(value, node) -> bool:
    """A plain scalar PyYAML loads as a string although YAML 1.2 and Python read it as a number."""
    return (
        isinstance(value, str)
        and isinstance(node, yaml.ScalarNode)
        and not node.style
        and bool(_SCI.fullmatch(value))
        and not _PYYAML_FLOAT.fullmatch(value)
    )


def numeric_uses(read: ConfigRead) -> list[str]:
    out = []
    for use in read.uses:
        if use in ("arith", "compare"):
            out.append(use)
        elif use.startswith("kw:") and use[3:] in _NUMERIC_KW:
            out.append(use)
    return out


def _describe(use: str) -> str:
    if use == "arith":
        return "does arithmetic with it"
    if use == "compare":
        return "compares it with a number"
    return f"passes it as {use[3:]}="


_RAW_LR = patched("experiment", "src/train.py", ('lr=float(run["training"]["lr"])', 'lr=run["training"]["lr"]'))


class YamlFloatAsString(Rule):
    """## What it does
    Finds numbers in scientific notation without a dot (`1e-3`, `5e-4`) or without an
    exponent sign (`1.0e3`) in a YAML file the code loads with PyYAML, where the code uses
    the value as a number (an optimizer's `lr=`/`weight_decay=`, arithmetic, a `<`/`>`
    comparison) without `float(...)` around it.

    PyYAML follows YAML 1.1, whose float pattern needs a dot in the mantissa and a sign in
    the exponent, so it loads `1e-3` as the string `"1e-3"` (`1.0e-3` is a float).
    OmegaConf (Hydra) adds its own float resolver that reads `1e-3` as a float, so
    configurations loaded with OmegaConf are not reported.

    ## Why is this bad?
    `torch.optim.Adam(params, lr="1e-3")` raises `TypeError: '<=' not supported between
    instances of 'float' and 'str'`; `"1e-3" * 0.1` raises too, and `"5e-4" * 2` silently
    repeats the string.

    ## Use instead
    Write `1.0e-3` (or `0.001`) in the YAML, or convert in the code: `float(cfg["lr"])`.
    """

    code = "EXP714"
    name = "yaml-float-as-string"
    summary = "A YAML number like 1e-3 loads as a string under PyYAML and reaches numeric code."
    profiles = frozenset({"base", "experiment", "derived", "hydra"})
    valid = (
        Valid(title="the values are plain decimals"),
        Valid({"config/smoke_test.yaml": patched("experiment", "config/smoke_test.yaml", ("lr: 0.01", "lr: 1e-2"))},
              title="the code converts with float(...)"),
        Valid({"config/smoke_test.yaml": patched("experiment", "config/smoke_test.yaml", ("lr: 0.01", "lr: 1.0e-2")),
               "src/train.py": _RAW_LR},
              title="1.0e-2 is a float under YAML 1.1"),
        Valid({"config/runs/proposed-mlp-synthetic.yaml": patched("hydra", "config/runs/proposed-mlp-synthetic.yaml", ("lr: 0.01", "lr: 1e-2")),
               "src/train.py": patched("hydra", "src/train.py", ("lr = float(cfg.training.lr)", "lr = cfg.training.lr * 1.0"))},
              profile="hydra", title="OmegaConf reads 1e-2 as a float"),
    )
    invalid = (
        Invalid(
            {"config/smoke_test.yaml": patched("experiment", "config/smoke_test.yaml", ("lr: 0.01", "lr: 1e-2")),
             "src/train.py": _RAW_LR},
            ["config/smoke_test.yaml:14", "config/smoke_test.yaml:27"],
            title="lr: 1e-2 reaches torch.optim.Adam(lr=...) as a string",
        ),
    )

    def check(self, bundle):
        rc = bundle.fact(RunConfig)
        reported: set = set()
        for read in rc.facts.reads:
            if read.root.loader != "yaml":
                continue
            uses = numeric_uses(read)
            if not uses:
                continue
            targets = rc.targets(bundle, read)
            if not targets:
                continue
            for yaml_path, label, data, keys, where in targets:
                found, value = get_path(data, keys)
                if not found:
                    continue
                parsed = bundle.yaml(yaml_path)
                node = parsed.node_at(where + keys) if parsed is not None else None
                if not float_as_string(value, node):
                    continue
                key = (yaml_path, node.start_mark.line)
                if key in reported:
                    continue
                reported.add(key)
                path, line = code_location(bundle, read.path, read.use_nodes[uses[0]])
                run = f" (run '{label}')" if label is not None else ""
                yield Report(
                    yaml_path,
                    f"TypeError at run time: PyYAML loads {_dotted(keys)}: {value} in {yaml_path}{run} as the string "
                    f"'{value}', and {path}:{line} {_describe(uses[0])} without float(); write {_fixed(value)} or wrap the read in float().",
                    node=node,
                    related=(Location(path, line),),
                )


def _fixed(value: str) -> str:
    mantissa, _, exponent = value.lower().partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    if exponent and exponent[0] not in "+-":
        exponent = "+" + exponent
    return f"{mantissa}e{exponent}"


RULES = (MissingConfigKey, YamlFloatAsString)
