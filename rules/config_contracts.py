"""EXP415 and EXP714: the keys and values the code reads from the run configuration YAML."""
from __future__ import annotations

import functools

import libcst as cst
import yaml

from linter.facts.config_reads import ITEM, ConfigRead, ConfigReads
from linter.facts.hydra import CONFIG, HydraFacts, lookup, merge_trees
from linter.facts.run_config import RunConfig, get_path
from linter.facts.memo import callee_names
from linter.parsing.cst_helpers import INVALID, dotted_name, evaluated
from linter.findings import Location
from linter.rule import Invalid, Report, Rule, Valid
from linter.testing import patched


from linter.profiles import EIGHT_FILE_PROFILES as EIGHT_FILE
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


_HYDRA_PROPOSED = "config/runs/proposed-mlp-synthetic.yaml"
_SCHEDULE = ("    best = 0.0\n    if cfg.training.schedule.type == \"linear\":\n"
             "        print(\"decay over\", int(cfg.training.schedule.total_steps), \"steps\")\n")


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
    `update`), and configurations merged with unknown data.

    Hydra bundles: each read of the composed config is checked run by run against
    `config/config.yaml` composed with that run's `config/runs/<run_id>.yaml`: under `run`
    through a `run` group of the defaults list (or at the top level with
    `# @package _global_`), or at the top level when the code itself does
    `OmegaConf.merge(cfg, OmegaConf.load(<the run file>))`. A read inside
    `if cfg.x.type == "linear":` (or after `if sched is None: return`) is decided per run
    from the run's own values, so a key only the linear-schedule runs need is checked on
    exactly those runs. Reported only when some runs have the key and others lack it, or a
    decided branch leads the lacking runs to it; a key no run has at that place is a
    placement question left to EXP621. Keys the command line sets (`mode`, `results_dir`)
    and branches on anything else stay silent.

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
    profiles = EIGHT_FILE | {"hydra"}
    valid = (
        Valid(title="every key the code reads is in every run"),
        Valid(profile="hydra", title="hydra: every run config has every key the code reads"),
        Valid({_HYDRA_PROPOSED: patched("hydra", _HYDRA_PROPOSED, ("  lr: 0.01\n", "  lr: 0.01\n  schedule: {type: linear, total_steps: 100}\n")),
               "config/runs/comparative-1-mlp-synthetic.yaml": patched("hydra", "config/runs/comparative-1-mlp-synthetic.yaml", ("  lr: 0.01\n", "  lr: 0.01\n  schedule: {type: constant}\n")),
               "src/train.py": patched("hydra", "src/train.py", ("    best = 0.0\n", _SCHEDULE))},
              profile="hydra", title="hydra: only the linear-schedule run reads total_steps, and it has it"),
        Valid({"src/train.py": None}, title="no code, nothing read"),
        Valid(
            {"config/smoke_test.yaml": "runs:\n  - run_id: baseline\n    model: {name: baseline, hidden: 32}\n    dataset: {name: synthetic, num_samples: 64, num_features: 8}\n    training: {seed: 0, epochs: 1, batch_size: 32}\n  - run_id: proposed\n    model: {name: proposed, hidden: 32}\n    dataset: {name: synthetic, num_samples: 64, num_features: 8}\n    training: {seed: 0, epochs: 1, batch_size: 32}\n",
             "src/train.py": patched("experiment", "src/train.py", ('lr=float(run["training"]["lr"])', 'lr=float(run["training"].get("lr", 0.01))'))},
            title="a key read with .get and a default may be absent",
        ),
    )
    invalid = (
        Invalid(
            {_HYDRA_PROPOSED: patched("hydra", _HYDRA_PROPOSED, ("  lr: 0.01\n", "  lr: 0.01\n  warmup_epochs: 2\n")),
             "src/train.py": patched("hydra", "src/train.py", ("    best = 0.0\n", "    best = 0.0\n    warmup = int(cfg.training.warmup_epochs)\n"))},
            "src/train.py:36", profile="hydra",
            title="hydra: the comparative run config lacks training.warmup_epochs, which the proposed one has",
        ),
        Invalid(
            {_HYDRA_PROPOSED: patched("hydra", _HYDRA_PROPOSED, ("  lr: 0.01\n", "  lr: 0.01\n  schedule: {type: linear}\n")),
             "config/runs/comparative-1-mlp-synthetic.yaml": patched("hydra", "config/runs/comparative-1-mlp-synthetic.yaml", ("  lr: 0.01\n", "  lr: 0.01\n  schedule: {type: constant}\n")),
             "src/train.py": patched("hydra", "src/train.py", ("    best = 0.0\n", _SCHEDULE))},
            "src/train.py:37", profile="hydra",
            title="hydra: only the linear-schedule run reaches schedule.total_steps, and it lacks it",
        ),
        Invalid(
            {"config/full_experiment.yaml": "runs:\n  - run_id: baseline\n    model: {name: baseline, hidden: 32}\n    dataset: {name: synthetic, num_samples: 4096, num_features: 8}\n    training: {seed: 0, epochs: 20, batch_size: 32}\n  - run_id: proposed\n    model: {name: proposed, hidden: 32}\n    dataset: {name: synthetic, num_samples: 4096, num_features: 8}\n    training: {seed: 0, epochs: 20, batch_size: 32, lr: 0.01}\n"},
            "src/train.py:30",
            title="the full experiment's baseline run has no training.lr",
        ),
    )

    def check(self, bundle):
        if getattr(bundle.profile, "name", bundle.profile) == "hydra":
            yield from self.check_hydra(bundle)
            return
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


    def check_hydra(self, bundle):
        """Reads of the composed Hydra config, checked run by run (config.yaml + config/runs/<id>.yaml)."""
        hydra = bundle.fact(HydraFacts)
        if hydra.config is None or not hydra.run_configs:
            return
        facts = bundle.fact(ConfigReads)
        by_node = {id(r.node): r for r in facts.reads}
        called: dict[int, bool] = {}  # id(function) -> _called_unconditionally, which scans every call
        cache: dict[int, dict | None] = {}
        reported: set = set()
        for read in facts.reads:
            root = read.root
            if id(root) not in cache:
                cache[id(root)] = _run_trees(bundle, hydra, root)
            trees = cache[id(root)]
            if trees is None or read.style not in _REQUIRED_STYLES:
                continue
            if read.default or read.guarded or not read.keys or not all(isinstance(k, str) for k in read.keys):
                continue
            if ITEM in read.keys or facts.written(None, read.keys) or _on_command_line(read.keys, hydra):
                continue
            conditions = _branch_conditions(bundle, read, by_node, called) if read.branch else []
            if conditions is None:
                continue  # inside a branch we cannot decide per run
            missing_runs = []
            for run_id, tree in trees.items():
                status, depth = lookup(tree, read.keys)
                if status != "missing":
                    continue
                # the parent must be a mapping of this run (a misplaced read is EXP621's), and a read
                # through `.get` (soft) fails only when every step before the last one is present
                parent_status, parent = lookup(tree, read.keys[:depth])
                if parent_status != "ok" or not isinstance(parent, dict) or (read.soft and depth != len(read.keys) - 1):
                    continue
                if not all(_holds(tree, c, hydra) for c in conditions):
                    continue
                missing_runs.append((run_id, depth))
            if not missing_runs:
                continue
            # certain only when other runs have the key (these runs lack it) or a decided branch
            # leads exactly these runs to the read; a key no run has is a placement or
            # composition question (EXP621), not this one's
            if not conditions and len(missing_runs) == len(trees):
                continue
            if not conditions and not any(lookup(tree, read.keys)[0] == "ok" for tree in trees.values()):
                continue
            if any(depth == 0 or (depth == 1 and read.keys[0] == "run") for _, depth in missing_runs):
                continue
            key = (read.path, read.keys)
            if key in reported:
                continue
            reported.add(key)
            depth = missing_runs[0][1]
            missing = _dotted(read.keys[: depth + 1])
            labels = [r for r, _ in missing_runs]
            related = []
            for run_id in labels:
                parsed = bundle.yaml(f"config/runs/{run_id}.yaml")
                inner = tuple(read.keys[1:depth]) if read.keys[0] == "run" and not hydra.runs_global else tuple(read.keys[:depth])
                line = (parsed.line_of(inner) if inner else 1) if parsed is not None else None
                related.append(Location(f"config/runs/{run_id}.yaml", line or 1))
            at = _where(bundle, read.path, read.node)
            error = "ConfigAttributeError" if read.style == "attribute" else "ConfigKeyError"
            yield Report(read.path, f"{error} at run time: {at} reads {_dotted(read.keys)}, but the composed config of "
                                    f"{_quote_runs(labels)} has no {missing}; add it to {'that run config' if len(labels) == 1 else 'those run configs'} "
                                    f"or read it with .get and a default.", node=read.node, related=tuple(related))


def _is_hydra_root(root) -> bool:
    return root.loader == "hydra" and root.file == CONFIG


def _run_trees(bundle, hydra, root) -> dict | None:
    """run id -> the config a root holds for that run, when the composition is known: Hydra's
    own (a `run` group that reaches the run files, or `_global_` run files), or the code's
    `OmegaConf.merge(cfg, OmegaConf.load(<config/runs/{cfg.run}.yaml>))`."""
    if _is_hydra_root(root):
        if hydra.group_reaches_runs():
            return {run_id: hydra.composed(run_id) for run_id in sorted(hydra.run_configs)}
        return None
    if root.loader != "omegaconf" or len(root.parts) != 2:
        return None
    first, second = root.parts
    primary = hydra.primary()
    parsed = bundle.python(root.path)
    def run_load(part) -> bool:
        if part.loader != "omegaconf" or part.file is not None or parsed is None:
            return False
        text = parsed.module.code_for_node(part.node)
        return "run" in text
    if _is_hydra_root(first) and run_load(second):
        return {run_id: merge_trees(primary, data) for run_id, data in sorted(hydra.run_configs.items())}
    if run_load(first) and _is_hydra_root(second):
        return {run_id: merge_trees(data, primary) for run_id, data in sorted(hydra.run_configs.items())}
    return None


def _branch_conditions(bundle, read: ConfigRead, by_node: dict, called: dict | None = None) -> list | None:
    """The `if` tests that must hold (or fail) for the read to run, each (read, op, literal, want),
    decided by the composed config; None when reaching the read depends on anything else: an
    undecidable test, an earlier `if` that may return or raise, or a caller that calls the
    function only in some branch."""
    index = bundle.index(read.path)
    if index is None:
        return None
    out = []
    child = read.node
    function = None
    for ancestor in index.ancestors(read.node):
        if isinstance(ancestor, cst.If) and child is not ancestor.test:
            test = _decidable(ancestor.test, by_node, index)
            if test is None:
                return None
            out.append((*test, child is ancestor.body))
        elif type(ancestor) in (cst.IfExp, cst.While, cst.BooleanOperation, cst.CompFor, cst.Try, cst.Match):
            return None
        if isinstance(ancestor, (cst.IndentedBlock, cst.Module)):
            # an earlier `if` in the same block that may leave (return / raise / continue / break)
            for statement in ancestor.body:
                if statement is child:
                    break
                if isinstance(statement, cst.If):
                    exits_body, exits_else = _exits(statement.body), _exits(statement.orelse)
                    if not exits_body and not exits_else:
                        continue
                    test = _decidable(statement.test, by_node, index)
                    if test is None and not _involves_config(statement.test, by_node, index, read.node):
                        continue  # `if step < warmup: return ...`: runtime state, the same for every run
                    if test is None or (exits_body and exits_else):
                        return None
                    if isinstance(statement.orelse, cst.If):
                        return None
                    out.append((*test, not exits_body))
        if isinstance(ancestor, cst.FunctionDef):
            function = ancestor
        child = ancestor
    if function is not None:
        called = {} if called is None else called
        if id(function) not in called:
            called[id(function)] = _called_unconditionally(bundle, function)
        if not called[id(function)]:
            return None
    return out


def _involves_config(test, by_node: dict, index, at) -> bool:
    """Whether a test may depend on the configuration: a read, a local bound to one, or a
    parameter of the outermost function around ``at`` (which may carry configuration)."""
    if isinstance(test, cst.Comparison) and all(
            isinstance(t.operator, (cst.LessThan, cst.LessThanEqual, cst.GreaterThan, cst.GreaterThanEqual)) for t in test.comparisons):
        return False  # `step < warmup`: a runtime threshold, not a choice between runs
    functions = [a for a in index.ancestors(at) if isinstance(a, cst.FunctionDef)]
    outer_params = set()
    if functions:
        p = functions[-1].params
        outer_params = {x.name.value for x in (*p.posonly_params, *p.params, *p.kwonly_params)}
    stack = [test]
    while stack:
        node = stack.pop()
        if id(node) in by_node:
            return True
        if isinstance(node, cst.Name) and (node.value in outer_params or _assigned_read(node, by_node, index) is not None):
            return True
        stack.extend(node.children)
    return False


def _exits(block) -> bool:
    if block is None:
        return False
    if isinstance(block, cst.Else):
        block = block.body
    if isinstance(block, cst.If):
        return _exits(block.body) or _exits(block.orelse)
    body = block.body if isinstance(block, cst.IndentedBlock) else ()
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            if any(isinstance(s, (cst.Return, cst.Raise, cst.Continue, cst.Break)) for s in statement.body):
                return True
    return False


def _called_unconditionally(bundle, function: cst.FunctionDef) -> bool:
    """The @hydra.main function, or one that some call site calls outside any branch (so it
    runs for every run, as far as its caller does)."""
    if any("hydra" in (dotted_name(d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator) or "") for d in function.decorators):
        return True
    name = function.name.value
    for path, index in bundle.modules():
        callees = callee_names(index)
        for call in index.of(cst.Call):
            if (callees[id(call)] or "").split(".")[-1] != name:
                continue
            branched = False
            for ancestor in index.ancestors(call):
                if isinstance(ancestor, (cst.FunctionDef, cst.Lambda)):
                    branched = branched or isinstance(ancestor, cst.Lambda)
                    break
                if isinstance(ancestor, (cst.If, cst.IfExp, cst.While, cst.BooleanOperation, cst.Try, cst.Match, cst.CompFor)):
                    branched = True
                    break
            if not branched:
                return True
    return False


def _decidable(test, by_node: dict, index=None):
    """`cfg.x == "lit"`, `cfg.x != 3`, `cfg.x in ("a", "b")`, `x is None` (x = a read): (read, op, literal)."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return None
    read = by_node.get(id(test.left))
    if read is None and isinstance(test.left, cst.Name) and index is not None:
        read = _assigned_read(test.left, by_node, index)
    if read is None or read.root.loader not in ("hydra", "omegaconf") or ITEM in read.keys:
        return None
    target = test.comparisons[0]
    op = type(target.operator).__name__
    literal = _literal_value(target.comparator)
    if literal is _UNKNOWN or op not in ("Equal", "NotEqual", "In", "NotIn", "Is", "IsNot"):
        return None
    return read, op, literal


def _assigned_read(name: cst.Name, by_node: dict, index):
    """The read a local name was bound to by its only assignment in the function."""
    function = index.enclosing(name, cst.FunctionDef)
    found = []
    for node in index.of(cst.Assign):
        if index.enclosing(node, cst.FunctionDef) is not function:
            continue
        for target in node.targets:
            if isinstance(target.target, cst.Name) and target.target.value == name.value:
                found.append(node.value)
    if len(found) != 1:
        return None
    value = found[0]
    return by_node.get(id(value))


_UNKNOWN = object()


def _literal_value(expr):
    if isinstance(expr, (cst.Tuple, cst.List, cst.Set)):
        values = [_literal_value(e.value) for e in expr.elements]
        return _UNKNOWN if any(v is _UNKNOWN for v in values) else tuple(values)
    if isinstance(expr, cst.Name) and expr.value in ("None", "True", "False"):
        return {"None": None, "True": True, "False": False}[expr.value]
    if isinstance(expr, (cst.SimpleString, cst.Integer, cst.Float)):
        value = evaluated(expr)
        return _UNKNOWN if value is INVALID else value
    return _UNKNOWN


def _on_command_line(keys: tuple, hydra) -> bool:
    """A key the documented command line sets (`mode=`, `results_dir=`); `run.*` is the run's content."""
    return bool(keys) and keys[0] in hydra.cli_main and not (keys[0] == "run" and len(keys) > 1)


def _holds(tree, condition, hydra) -> bool:
    read, op, literal, want = condition
    if _on_command_line(read.keys, hydra):
        return True  # set on the command line: either way
    status, value = lookup(tree, read.keys)
    if status != "ok":
        if not read.default:
            return False  # the test itself fails first: that is the problem to report, not this read
        value = None
    if op == "Equal":
        result = value == literal
    elif op == "NotEqual":
        result = value != literal
    elif op == "In":
        result = isinstance(literal, tuple) and value in literal
    elif op == "NotIn":
        result = isinstance(literal, tuple) and value not in literal
    elif op == "Is":
        result = value is literal
    else:
        result = value is not literal
    return result == want


# ---------------------------------------------------------------------------------------------
# EXP714

_NUMERIC_KW = frozenset({
    "lr", "learning_rate", "weight_decay", "momentum", "eps", "epsilon", "alpha", "beta", "beta1", "beta2",
    "gamma", "tau", "temperature", "dropout", "p", "label_smoothing", "max_norm", "clip_value", "eta_min",
    "min_lr", "max_lr", "base_lr", "initial_lr", "final_lr", "dampening", "rho", "lambd", "lr_decay",
    "initial_accumulator_value", "smoothing", "margin", "threshold", "factor", "warmup_ratio", "noise_std",
    "std", "mean", "scale", "sigma", "l2", "l1", "lam", "lambda_", "weight", "coef", "tol",
})
_NUMBER_START = frozenset("+-.0123456789")


def float_as_string(value, node) -> bool:
    """A plain scalar PyYAML (YAML 1.1) loads as a string but YAML 1.2 resolves as a float.

    YAML 1.1's float pattern needs a dot in the mantissa and a sign in the exponent, YAML
    1.2's does not. ruamel.yaml's 1.2 resolver is the reference for the second half; it is
    imported only for the rare string that starts like a number.
    """
    if not (isinstance(value, str) and isinstance(node, yaml.ScalarNode) and not node.style):
        return False
    if not value or value[0] not in _NUMBER_START:
        return False
    return _yaml12_tag(value) == "tag:yaml.org,2002:float"


@functools.lru_cache(maxsize=None)
def _yaml12_resolver():
    from ruamel.yaml.resolver import VersionedResolver

    return VersionedResolver(version=(1, 2))


def _yaml12_tag(value: str) -> str:
    from ruamel.yaml.nodes import ScalarNode

    return _yaml12_resolver().resolve(ScalarNode, value, (True, False))


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
    configurations loaded with OmegaConf are not reported. What a YAML 1.2 reader makes
    of the value is decided by ruamel.yaml's YAML 1.2 resolver.

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
