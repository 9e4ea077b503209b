"""EXP620-EXP626: what actually breaks a Hydra bundle in its first second.

Each rule models one of Hydra's or OmegaConf's real rules, read statically from the
bundle; tests/test_hydra_real.py composes the same fixtures with the real hydra-core and
omegaconf to prove that what is flagged fails there and what passes composes.
"""
from __future__ import annotations

import re

import libcst as cst

from linter.facts.hydra import (
    CONFIG, UNKNOWN, HydraFacts, HydraMain, attribute_chain, lookup, merge_trees, missing_paths,
)
from linter.facts.config_reads import ITEM, ConfigReads
from linter.facts.memo import callee_names, code
from linter.parsing.cst_helpers import call_name, keyword_arg, positional_args, string_value
from linter.parsing.walk import walk
from linter.findings import Location
from linter.rule import Invalid, Report, Rule, Valid

HYDRA = frozenset({"hydra"})


class HydraRule(Rule):
    """Base of the Hydra-profile rules (EXP6xx): the profile, and the minimal hydra bundle as the clean example."""

    profiles = HYDRA
    valid = (Valid(profile="hydra"),)


_ARGS = 'config_path="../config", config_name="config", version_base=None'
_LAUNCH = '    subprocess.run([sys.executable, "-m", "src.train", f"run={cfg.run}", f"results_dir={cfg.results_dir}", f"mode={cfg.mode}"], check=True{cwd})\n'
LAUNCH_IMPORTS = "import subprocess\nimport sys\n\nimport hydra\nfrom hydra.utils import get_original_cwd\n"


def example_main(body: str, imports: str = LAUNCH_IMPORTS, args: str = _ARGS) -> str:
    """A src/main.py for rule examples: `imports`, then `@hydra.main(args) def main(cfg):` running `body`."""
    return f'"""Launch one run."""\n{imports}\n\n@hydra.main({args})\ndef main(cfg):\n{body}\n\nif __name__ == "__main__":\n    main()\n'


def launch(cwd: bool = True) -> str:
    """The line of the minimal main.py that starts `python -m src.train run=... results_dir=... mode=...`."""
    return _LAUNCH.replace("{cwd}", ", cwd=get_original_cwd()" if cwd else "")


_EXAMPLE_KEYS = ("run: null", "results_dir: ./results", "mode: full")


def example_config(*defaults: str, drop: tuple[str, ...] = (), wandb: str = "  entity: e\n  project: p\n  mode: online\n") -> str:
    """A config/config.yaml for rule examples: the defaults list, run/results_dir/mode (minus `drop`), and wandb."""
    keys = "".join(k + "\n" for k in _EXAMPLE_KEYS if k.split(":")[0] not in drop)
    return "defaults:\n" + "".join(f"  - {d}\n" for d in defaults) + keys + "wandb:\n" + wandb
_METHODS = frozenset({"get", "items", "keys", "values", "pop", "copy", "setdefault", "update", "__contains__"})
_SUBPROCESS = frozenset({
    "subprocess.run", "subprocess.Popen", "subprocess.call", "subprocess.check_call",
    "subprocess.check_output", "run", "Popen", "call", "check_call", "check_output",
})


def _code(bundle, path: str, node: cst.CSTNode) -> str:
    index = bundle.index(path)
    try:
        return code(index, node) if index is not None else ""
    except Exception:  # pragma: no cover - defensive
        return ""


def nodes_holding(index, source: str, word: str, comment: re.Pattern) -> set[int] | None:
    """ids of the nodes whose code may hold ``word`` (letters, digits and _), so that a
    rule searching code text generates only those (``code_for_node`` is a code generation).

    Adjacent word characters are one token, so the word sits inside one name, string or
    comment: the nodes are the names and strings holding it, and their ancestors. None: any
    node may, because a comment matches ``comment`` (the pattern searched for, after a #)."""
    marked: set[int] = set()
    if word not in source:
        return marked
    if comment.search(source):
        return None
    for kind in (cst.Name, cst.SimpleString, cst.FormattedStringText):
        for node in index.of(kind):
            if word not in node.value:
                continue
            marked.add(id(node))
            for ancestor in index.ancestors(node):
                if id(ancestor) in marked:
                    break  # its own ancestors are marked already
                marked.add(id(ancestor))
    return marked


def _config_line(bundle, keys: tuple = ()) -> int:
    parsed = bundle.yaml(CONFIG)
    if parsed is None:
        return 1
    return parsed.line_of(keys) or 1


def _fmt(keys: tuple) -> str:
    return ".".join(str(k) for k in keys)


# What _ConfigFlow.events() acts on: calls, assignments and (config) reads.
_EVENT_NODES = (cst.Call, cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Attribute, cst.Subscript)


def _module_functions(index) -> dict[str, cst.FunctionDef]:
    out = {}
    for function in index.of(cst.FunctionDef):
        out.setdefault(function.name.value, function)
    return out


# ---------------------------------------------------------------------------------------
# Following the composed config through a @hydra.main function (shared by EXP621/EXP622)
# ---------------------------------------------------------------------------------------
class _ConfigFlow:
    """Walks a function in document order, tracking the name bound to Hydra's config.

    Yields events: ("read", node, keys, tree), ("write", node, keys, tree, locked),
    ("merge", node, other_expr, tree, locked). Stops tracking when the name is rebound
    to anything but `OmegaConf.merge(name, ...)`.
    """

    def __init__(self, bundle, path: str, facts: HydraFacts) -> None:
        self.bundle = bundle
        self.path = path
        self.facts = facts
        self.index = bundle.index(path)
        self.functions = _module_functions(self.index) if self.index else {}
        self._tests: dict[int, str] = {}  # id(test expression) -> its code, for _guarded
        # Per function, what events() walks: a function called from several places is walked
        # once per call, with the same nodes each time.
        self._walks: dict[int, list[tuple[cst.CSTNode, bool]]] = {}
        self._run_loads: dict[int, set[str]] = {}

    def run_loads(self, function: cst.FunctionDef) -> set[str]:
        """Names bound to OmegaConf.load(<a path naming the run>) in the function."""
        names = self._run_loads.get(id(function))
        if names is not None:
            return names
        names = self._run_loads[id(function)] = set()
        for node in self.index.of(cst.Assign):
            if len(node.targets) == 1 and type(node.targets[0].target) is cst.Name and self.is_run_load(node.value) \
                    and any(a is function for a in self.index.ancestors(node)):
                names.add(node.targets[0].target.value)
        return names

    def is_run_load(self, expr: cst.BaseExpression) -> bool:
        if isinstance(expr, cst.Call) and call_name(expr) in ("OmegaConf.load", "omegaconf.OmegaConf.load"):
            args = positional_args(expr)
            text = _code(self.bundle, self.path, args[0]) if args else ""
            return bool(re.search(r"\brun", text))
        return False

    def events(self, function: cst.FunctionDef, param: str, tree, depth: int = 0, seen=None):
        seen = set() if seen is None else seen
        if function.name.value in seen or depth > 2:
            return
        seen = seen | {function.name.value}
        locked = True
        run_names = self.run_loads(function)
        for node, opened in self._walk(function):
            kind = type(node)
            if kind is cst.Call:
                name = call_name(node)
                args = positional_args(node)
                if name in ("OmegaConf.set_struct", "omegaconf.OmegaConf.set_struct") and len(args) == 2 and isinstance(args[0], cst.Name) and args[0].value == param:
                    flag = args[1]
                    if isinstance(flag, cst.Name) and flag.value in ("False", "True"):
                        locked = flag.value == "True"
                    else:
                        locked = False
                    continue
                if name in ("OmegaConf.merge", "omegaconf.OmegaConf.merge") and args and isinstance(args[0], cst.Name) and args[0].value == param:
                    for other in args[1:]:
                        if self.is_run_load(other) or (isinstance(other, cst.Name) and other.value in run_names):
                            yield ("merge", node, other, tree, locked and not opened)
                            tree = merge_trees(tree, self.facts.run_union())
                    continue
                callee = node.func.value if isinstance(node.func, cst.Name) else None
                if callee in self.functions and depth < 2:
                    target = self.functions[callee]
                    params = [p.name.value for p in target.params.params]
                    for i, arg in enumerate(node.args):
                        if isinstance(arg.value, cst.Name) and arg.value.value == param and not arg.star:
                            if arg.keyword is not None:
                                sub = arg.keyword.value
                            elif i < len(params):
                                sub = params[i]
                            else:
                                continue
                            yield from self.events(target, sub, tree, depth + 1, seen)
            if kind is cst.Assign or kind is cst.AnnAssign or kind is cst.AugAssign:
                targets = [t.target for t in node.targets] if kind is cst.Assign else [node.target]
                for target in targets:
                    if isinstance(target, cst.Name) and target.value == param:
                        value = node.value
                        if isinstance(value, cst.Call) and call_name(value) in ("OmegaConf.merge", "omegaconf.OmegaConf.merge"):
                            margs = positional_args(value)
                            if margs and isinstance(margs[0], cst.Name) and margs[0].value == param:
                                continue  # checked, and the tree extended, when the walk reaches the call
                        return  # rebound to something we do not follow
                    chain = attribute_chain(target)
                    if chain and chain[0] == param and chain[1]:
                        yield ("write", node, chain[1], tree, locked and not opened)
            if kind is cst.Attribute or kind is cst.Subscript:
                chain = attribute_chain(node)
                if not chain or chain[0] != param or not chain[1]:
                    continue
                parent = self.index.parent(node)
                if isinstance(parent, (cst.Attribute, cst.Subscript)) and (
                    (isinstance(parent, cst.Attribute) and parent.value is node) or (isinstance(parent, cst.Subscript) and parent.value is node)):
                    continue  # not the outermost part of the chain
                keys = chain[1]
                if isinstance(parent, cst.Call) and parent.func is node and keys[-1] in _METHODS:
                    keys = keys[:-1]
                    if not keys:
                        continue
                if self._is_target(node) or self._guarded(node, keys):
                    continue
                yield ("read", node, keys, tree)

    def _walk(self, function: cst.FunctionDef) -> list[tuple[cst.CSTNode, bool]]:
        """The nodes of the function's body that events() acts on, in document order, each
        with whether it is inside a `with open_dict(...)` body; those inside a `try` body are
        left out (what it does is guarded)."""
        found = self._walks.get(id(function))
        if found is not None:
            return found
        index, body = self.index, function.body
        nodes = [node for kind in _EVENT_NODES for node in index.below(body, kind)]
        nodes.sort(key=index.position)
        guarded = [index.run(t.body) for t in index.below(body, cst.Try)]
        opened = [index.run(w.body) for w in index.below(body, cst.With) if any(
            type(item.item) is cst.Call and call_name(item.item) in ("open_dict", "omegaconf.open_dict", "OmegaConf.open_dict")
            for item in w.items)]
        found = self._walks[id(function)] = []
        for node in nodes:
            at = index.position(node)
            if not any(first <= at <= last for first, last in guarded):
                found.append((node, any(first <= at <= last for first, last in opened)))
        return found

    def _is_target(self, node) -> bool:
        parent = self.index.parent(node)
        while isinstance(parent, (cst.Attribute, cst.Subscript, cst.SubscriptElement, cst.Index)):
            node, parent = parent, self.index.parent(parent)
        if isinstance(parent, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign)):
            return getattr(parent, "target", None) is node
        return isinstance(parent, cst.Del)

    def _guarded(self, node, keys) -> bool:
        for ancestor in self.index.ancestors(node):
            if type(ancestor) in (cst.If, cst.IfExp, cst.While):
                test = self._tests.get(id(ancestor.test))
                if test is None:
                    test = self._tests[id(ancestor.test)] = _code(self.bundle, self.path, ancestor.test)
                if "hasattr" in test or " in " in test or ".get(" in test or "select(" in test or any(f'"{k}"' in test or f"'{k}'" in test for k in keys):
                    return True
            if type(ancestor) is cst.BooleanOperation:
                return True  # `cfg.a if ... or cfg.b`: a fallback is likely
            if isinstance(ancestor, cst.Call) and call_name(ancestor) in ("getattr", "hasattr", "OmegaConf.select"):
                return True
            if type(ancestor) is cst.Try:
                return True
            if isinstance(ancestor, cst.FunctionDef):
                break
        return False


def _flows(bundle):
    facts = bundle.fact(HydraFacts)
    if facts.config is None:
        return
    for main in facts.mains:
        if main.param is None or main.config_dir != "config" or main.config_name not in ("config", "config.yaml"):
            continue
        flow = _ConfigFlow(bundle, main.path, facts)
        if flow.index is None:
            continue
        yield main, flow, facts


# ---------------------------------------------------------------------------------------
class RunConfigsReachCode(HydraRule):
    """## What it does
    Checks that `run=<run_id>` really selects the pipeline's `config/runs/<run_id>.yaml`
    (or `config/run/<run_id>.yaml`, where an older prompt says so): either through a `run`
    config group in the defaults list of `config/config.yaml`, or through a `run` key that
    the code uses to load the file itself.

    ## Why is this bad?
    Hydra names a config group after its directory. A defaults entry `- runs: ...` is only
    selected by `runs=<id>`, so the documented `run=<id>` leaves it unset (or is rejected);
    an entry `- run: ...` looks in `config/run/`, which does not exist when the pipeline
    writes `config/runs/`; and when the pipeline writes `config/run/`, Hydra treats `run` as
    a group, so a plain `run:` key with no defaults entry makes Hydra reject `run=<id>`
    ("No match in the defaults list"). Without any of these, no run's parameters reach
    the code at all.

    ## Use instead
    Keep `run: null` in `config/config.yaml` and load
    `Path(get_original_cwd()) / "config" / "runs" / f"{cfg.run}.yaml"` in the code, or (when
    the pipeline writes `config/run/`) put `- run: ???` in the defaults list.
    """

    code = "EXP620"
    name = "hydra-run-config-unreachable"
    summary = "run=<id> does not select the pipeline's run config file."
    invalid = (
        Invalid({"config/config.yaml": example_config("runs: ???", "_self_")},
                "config/config.yaml:2", profile="hydra", title="a `runs` group is never selected by run=<id>"),
        Invalid({"config/config.yaml": example_config("run: ???", "_self_", drop=("run",))},
                "config/config.yaml:2", profile="hydra", title="a `run` group looks in config/run/, but the runs are in config/runs/"),
    )

    def check(self, bundle):
        facts = bundle.fact(HydraFacts)
        if facts.config is None or not facts.run_ids:
            return
        group_dir = facts.run_dir.rsplit("/", 1)[-1]
        entry = facts.run_group
        if entry is not None:
            line = entry.line
            if isinstance(entry.option, str) and "${" in entry.option:
                return  # an interpolation fails before anything else: EXP625
            if entry.group == "runs":
                yield Report(CONFIG, f"The defaults list selects a `runs` group, but the command line passes run=<run_id>, which only a group named `run` answers, so the run config is never loaded; {self._fix(facts)}", line=line)
            elif group_dir != "run":
                yield Report(CONFIG, f"The defaults entry `run` makes Hydra look for config/run/<run_id>.yaml, but the pipeline writes the run configs to {facts.run_dir}/, so run=<run_id> finds no such option and Hydra stops at start-up; keep `run: null` and load {facts.run_dir}/<run_id>.yaml in the code.", line=line)
            return
        loads = _self_loads(bundle)
        if group_dir == "run":
            yield Report(CONFIG, "The pipeline writes the run configs to config/run/, so Hydra treats `run` as a config group and rejects run=<run_id> (\"No match in the defaults list\") because config/config.yaml has no `- run: ???` defaults entry; add it to the defaults list.",
                         line=_config_line(bundle, ("run",)), related=_entry_points(bundle, facts))
            return
        if "run" not in facts.primary():
            return  # the override itself is rejected: EXP623
        if not loads:
            yield Report(CONFIG, f"No run config reaches the code: config/config.yaml has no run group and no module loads {facts.run_dir}/<run_id>.yaml, so every run uses the same parameters; {self._fix(facts)}", line=_config_line(bundle, ("run",)))
            return
        wrong = [(path, node, text) for path, node, text in loads if not _names_dir(text, group_dir)]
        if len(wrong) == len(loads):
            path, node, text = wrong[0]
            yield Report(path, f"This loads the run config from a directory other than {facts.run_dir}/, where the pipeline writes it, so the load fails with FileNotFoundError; point it at {facts.run_dir}/<run_id>.yaml.", node=node)

    @staticmethod
    def _fix(facts) -> str:
        if facts.run_dir == "config/run":
            return "use `- run: ???` in the defaults list."
        return "keep `run: null` in config/config.yaml and load config/runs/<run_id>.yaml in the code."


def _entry_points(bundle, facts) -> tuple[Location, ...]:
    """Where `run=<run_id>` is received: the @hydra.main of src/main.py and src/train.py."""
    out = []
    for main in facts.mains:
        if main.path in ("src/main.py", "src/train.py") and main.config_dir == "config":
            span = bundle.python(main.path).span(main.decorator)
            out.append(Location(main.path, span[0] if span else None))
    return tuple(out)


def _names_dir(text: str, group_dir: str) -> bool:
    return bool(re.search(rf"""(["'/]){group_dir}(["'/])""", text))


_RUN_COMMENT = re.compile(r"""#[^\r\n]*?["'/]runs?["'/]""")


def _self_loads(bundle) -> list[tuple[str, cst.CSTNode, str]]:
    """(path, node, text) of expressions that build a run-config path: mention config and run(s)."""
    out = []
    for path, index in bundle.modules():
        if not path.startswith("src/"):
            continue
        maybe = nodes_holding(index, bundle.text(path) or "", "run", _RUN_COMMENT)  # both patterns need "run"
        callees = callee_names(index)
        for call in index.of(cst.Call):
            name = callees[id(call)] or ""
            if name.split(".")[-1] not in ("load", "safe_load", "open", "Path", "join", "read_text", "compose"):
                continue
            if maybe is not None and id(call) not in maybe:
                continue
            text = code(index, call)
            if re.search(r"""["'/]runs?["'/]""", text) and ("config" in text or "yaml" in text):
                out.append((path, call, text))
        for binop in index.of(cst.BinaryOperation):
            if isinstance(binop.operator, cst.Divide) and not isinstance(index.parent(binop), cst.BinaryOperation):
                if maybe is not None and id(binop) not in maybe:
                    continue
                text = code(index, binop)
                if re.search(r"""["']runs?["']""", text):
                    out.append((path, binop, text))
    return out


class RunConfigPlacement(HydraRule):
    """## What it does
    Checks that where the run config lands in Hydra's composed config matches where the
    code reads it. Through a `run` group without `# @package _global_`, the run's keys
    land under `cfg.run.*`; with `_global_` (or when the code merges the loaded file into
    `cfg`) they land at the top level and `cfg.run` is the run id string.

    ## Why is this bad?
    Reading `cfg.model.name` when the model section sits at `cfg.run.model` (or
    `cfg.run.model` when `cfg.run` is the string `"<run_id>"`) raises
    `ConfigAttributeError` (or `AttributeError`) on the first access, before any training.

    ## Use instead
    Read the keys where they land (`cfg.run.model.name` for a nested group), or put
    `# @package _global_` as the first line of every run file.
    """

    code = "EXP621"
    name = "hydra-run-config-placement"
    summary = "The code reads run keys where Hydra does not put them (cfg.X vs cfg.run.X)."
    invalid = (
        Invalid({"src/main.py": example_main("    print(cfg.run.run_id)\n" + launch())},
            "src/main.py:11", profile="hydra", title="cfg.run is the run id string"),
        Invalid({"src/main.py": example_main(
            '    run_file = Path(get_original_cwd()) / "config" / "runs" / f"{cfg.run}.yaml"\n'
            '    merged = OmegaConf.merge(OmegaConf.load(run_file), cfg)\n'
            '    print(merged.run.run_id)\n',
            imports="from pathlib import Path\n\nimport hydra\nfrom hydra.utils import get_original_cwd\nfrom omegaconf import OmegaConf\n")},
            "src/main.py:13", profile="hydra", title="merging the run file under Hydra's config keeps cfg.run the id string"),
    )

    def check(self, bundle):
        facts = bundle.fact(HydraFacts)
        union = facts.run_union()
        if facts.config is None or not union:
            return
        nested = facts.group_reaches_runs() and not facts.runs_global
        tree = facts.composed()
        reported: set[tuple] = set()
        for read in bundle.fact(ConfigReads).reads:
            root = read.root
            if read.default or read.guarded or read.soft:
                continue
            keys = read.keys
            if not keys or ITEM in keys or not all(isinstance(k, str) for k in keys):
                continue
            if root.loader != "hydra" or root.file != CONFIG:
                report = self._merged_run(bundle, facts, tree, union, read)
                if report and (read.path, keys[:2]) not in reported:
                    reported.add((read.path, keys[:2]))
                    yield Report(read.path, report, node=read.node)
                continue
            param = root.node.name.value if isinstance(root.node, cst.Param) else "cfg"
            status, depth = lookup(tree, keys)
            report = None
            if status == "missing" and nested and keys[0] in union and keys[0] != "run":
                # at the top (depth 0), or inside an empty placeholder such as `model: {}`
                if lookup(union, keys)[0] in ("ok", "scalar") and (depth == 0 or lookup(tree, keys[:depth])[1] == {}):
                    report = f"`{param}.{_fmt(keys)}` does not exist: the run group puts the run config under `{param}.run`, so read `{param}.run.{_fmt(keys)}` (or start every run file with `# @package _global_`)."
            elif status == "scalar" and depth == 1 and keys[0] == "run" and len(keys) > 1 and keys[1] in union:
                if lookup(tree, ("run",))[1] is None:
                    report = f"`{param}.run` is None: config/config.yaml's own `run: null` comes after the run group in the defaults list and replaces it, so `{param}.{_fmt(keys)}` fails; drop `run: null` or list `_self_` before the group."
                else:
                    report = f"`{param}.run` is the run id string, not the run config, so `{param}.{_fmt(keys)}` raises; the run's keys are at the top level (`{param}.{_fmt(keys[1:])}`) once the code merges the run file."
            if report and (read.path, keys[:2]) not in reported:
                reported.add((read.path, keys[:2]))
                yield Report(read.path, report, node=read.node)

    @staticmethod
    def _merged_run(bundle, facts, tree, union, read) -> str | None:
        """`OmegaConf.merge(run_file, cfg).run.run_id`: Hydra's `run=<run_id>` string wins the merge."""
        keys, root = read.keys, read.root
        if root.source != "merge" or keys[0] != "run" or len(keys) < 2 or keys[1] not in union or "run" in union:
            return None
        hydra_at = [i for i, part in enumerate(root.parts) if part.loader == "hydra" and part.file == CONFIG]
        if not hydra_at or lookup(tree, ("run",))[0] != "ok" or not isinstance(lookup(tree, ("run",))[1], str):
            return None
        for part in root.parts[hydra_at[-1] + 1:]:
            later = bundle.yaml(part.file) if part.file else None
            if part.source != "file" or (later is not None and isinstance(later.data, dict) and "run" in later.data):
                return None  # a later part may bring its own `run` mapping
        chain = attribute_chain(read.node)
        name = chain[0] if chain else "cfg"
        return (f"`{name}.run` is the run id string: OmegaConf.merge keeps Hydra's `run=<run_id>` value, so "
                f"`{name}.{_fmt(keys)}` raises AttributeError; read `{name}.{_fmt(keys[1:])}`, where the merged run file puts it.")


class StructModeWrite(HydraRule):
    """## What it does
    Follows the config that `@hydra.main` passes in and reports merges and assignments
    that add keys it does not have, while it is still in struct mode: `OmegaConf.merge(cfg,
    run_cfg)` with a run file that has keys `config/config.yaml` lacks, or
    `cfg.wandb.mode = "disabled"` when `wandb` has no `mode`.

    ## Why is this bad?
    Hydra locks the composed config (struct mode): adding a key raises
    `ConfigKeyError: Key '...' is not in struct` at that line, in the first second of the run.

    ## Use instead
    Call `OmegaConf.set_struct(cfg, False)` first, wrap the change in
    `with open_dict(cfg):`, or declare the keys in `config/config.yaml`.
    """

    code = "EXP622"
    name = "hydra-struct-mode-write"
    summary = "A merge or assignment adds keys to Hydra's locked (struct) config."
    invalid = (
        Invalid({"src/train.py": None, "src/main.py": example_main(
            '    run_cfg = OmegaConf.load(f"{get_original_cwd()}/config/runs/{cfg.run}.yaml")\n'
            '    cfg = OmegaConf.merge(cfg, run_cfg)\n'
            '    print(cfg.run_id)\n',
            imports="import hydra\nfrom hydra.utils import get_original_cwd\nfrom omegaconf import OmegaConf\n")},
            "src/main.py:10", profile="hydra", with_rules=("EXP101",), title="merging the run file into the locked config"),
    )

    def check(self, bundle):
        for main, flow, facts in _flows(bundle):
            for event in flow.events(main.function, main.param, facts.composed()):
                kind = event[0]
                if kind == "merge":
                    _, node, other, tree, locked = event
                    if not locked:
                        continue
                    for run_id in sorted(facts.run_configs):
                        missing = missing_paths(tree, facts.run_configs[run_id])
                        if missing:
                            yield Report(flow.path, f"ConfigKeyError at run time: Hydra's config is in struct mode and has no `{_fmt(missing[0])}`, which run {run_id} brings in, so this merge fails; call OmegaConf.set_struct({main.param}, False) before it (or merge inside `with open_dict({main.param}):`).", node=node)
                            break
                elif kind == "write":
                    _, node, keys, tree, locked = event
                    if not locked:
                        continue
                    status, value = lookup(tree, keys[:-1])
                    if status == "missing":
                        yield Report(flow.path, f"ConfigAttributeError at run time: `{main.param}.{_fmt(keys[:value + 1])}` is not in Hydra's struct-mode config, so this assignment fails; declare it in config/config.yaml or open the config first (OmegaConf.set_struct({main.param}, False)).", node=node)
                    elif status == "ok" and isinstance(value, dict) and keys[-1] not in value:
                        yield Report(flow.path, f"ConfigAttributeError at run time: `{main.param}.{_fmt(keys)}` is not in Hydra's struct-mode config, so assigning it fails; declare `{_fmt(keys)}` in config/config.yaml or open the config first (OmegaConf.set_struct({main.param}, False)).", node=node)


# ---------------------------------------------------------------------------------------
_OVERRIDE = re.compile(r"^([A-Za-z_][\w.]*)=")


class OverrideKeyMissing(HydraRule):
    """## What it does
    Checks that every key set on a Hydra command line exists in `config/config.yaml`:
    `run`, `results_dir` and `mode` (the documented call), and the `key=value` words that
    `src/main.py` passes to the training subprocess.

    ## Why is this bad?
    Hydra rejects an override of a key the config does not have ("Could not override
    'results_dir'. To append to your config use +results_dir=...") and exits before any
    code runs.

    ## Use instead
    Declare the key in `config/config.yaml` (`results_dir: ./results`, `mode: full`,
    `run: null`), or pass it with a leading `+`.
    """

    code = "EXP623"
    name = "hydra-override-key-missing"
    summary = "A command-line override names a key config.yaml does not have."
    invalid = (
        Invalid({"config/config.yaml": example_config("_self_", drop=("results_dir",))},
                "config/config.yaml:1", profile="hydra", title="results_dir is not in config.yaml"),
    )

    def check(self, bundle):
        facts = bundle.fact(HydraFacts)
        if facts.config is None or not any(m.path == "src/main.py" for m in facts.mains):
            return
        primary = facts.primary()
        tree = facts.composed()
        for key in facts.cli_main:
            if key == "run" and (facts.run_group is not None or facts.run_dir == "config/run"):
                continue  # a group answers run= (config/run/ is one even without an entry): EXP620
            if key in primary or lookup(tree, tuple(key.split(".")))[0] != "missing":
                continue
            default = {"run": "null", "results_dir": "./results", "mode": "full"}.get(key, "...")
            yield Report(CONFIG, f"Hydra rejects the documented override {key}=... (\"Could not override '{key}'\") because config/config.yaml has no `{key}` key; add `{key}: {default}` to it.", line=1)
        tree = facts.composed()
        for path, index in bundle.modules():
            if not path.startswith("src/"):
                continue
            callees = callee_names(index)
            for call in index.of(cst.Call):
                if callees[id(call)] not in _SUBPROCESS:
                    continue
                words = command_words(index, call)
                if not words:
                    continue
                texts = [_head(e) for e in words]
                if not any(t and re.match(r"src\.(train|main)$", t) for t in texts):
                    continue
                for element, text in zip(words, texts):
                    match = _OVERRIDE.match(text or "")
                    if not match:
                        continue
                    keys = tuple(match.group(1).split("."))
                    if keys[0] in ("run", "results_dir", "mode", "hydra"):
                        continue
                    status, _ = lookup(tree, keys)
                    if status == "missing":
                        yield Report(path, f"Hydra rejects the override `{match.group(1)}=...` passed to the subprocess (\"Could not override\") because `{match.group(1)}` is not in the composed config; pass it as `+{match.group(1)}=...` or declare it in config/config.yaml.", node=element)


def _list_elements(expr) -> list | None:
    if isinstance(expr, (cst.List, cst.Tuple)):
        return [e.value for e in expr.elements]
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        left, right = _list_elements(expr.left), _list_elements(expr.right)
        if left is None and right is None:
            return None
        return (left or []) + (right or [])
    return None


def command_words(index, call: cst.Call) -> list | None:
    """The word expressions of a subprocess command: a list literal, or a name built from lists."""
    args = positional_args(call)
    if not args:
        return None
    words = _list_elements(args[0])
    if words is not None or not isinstance(args[0], cst.Name):
        return words
    name = args[0].value
    function = index.enclosing(call, cst.FunctionDef)
    if function is None:
        return None
    found: list | None = None
    for node in walk(function.body):
        if node is call:
            break
        if type(node) is cst.Assign and any(type(t.target) is cst.Name and t.target.value == name for t in node.targets):
            found = _list_elements(node.value)
        elif type(node) is cst.AnnAssign and type(node.target) is cst.Name and node.target.value == name and node.value is not None:
            found = _list_elements(node.value)
        elif type(node) is cst.AugAssign and type(node.target) is cst.Name and node.target.value == name and found is not None:
            found = found + (_list_elements(node.value) or [])
        elif type(node) is cst.Call and type(node.func) is cst.Attribute and type(node.func.value) is cst.Name \
                and node.func.value.value == name and node.func.attr.value in ("append", "extend") and found is not None:
            extra = positional_args(node)
            if extra:
                found = found + ([extra[0]] if node.func.attr.value == "append" else (_list_elements(extra[0]) or []))
    return found


def _head(expr) -> str | None:
    """The literal text of a string, or the literal prefix of an f-string."""
    value = string_value(expr)
    if value is not None:
        return value
    if isinstance(expr, cst.FormattedString):
        head = ""
        for part in expr.parts:
            if isinstance(part, cst.FormattedStringText):
                head += part.value
            else:
                break
        return head
    return None


# ---------------------------------------------------------------------------------------
class WorkingDirectoryChanged(HydraRule):
    """## What it does
    Finds `@hydra.main` programs that run with Hydra's working-directory change on (no
    `version_base` argument, `version_base` below "1.2", or `hydra.job.chdir: true`, and
    no `hydra.run.dir: .`) and then start `python -m src.<module>` without `cwd=`, or
    open `config/...` by a relative path.

    ## Why is this bad?
    Hydra then changes into `outputs/<date>/<time>/` before calling the function. A child
    `python -m src.train` started there cannot import `src` (ModuleNotFoundError), and
    `open("config/runs/x.yaml")` fails with FileNotFoundError. With `version_base=None` or
    "1.2"+ Hydra 1.3 does not change directory.

    ## Use instead
    Pass `cwd=hydra.utils.get_original_cwd()` to the subprocess, build paths from
    `get_original_cwd()`, or set `version_base=None` (or `hydra.job.chdir: false`).
    """

    code = "EXP624"
    name = "hydra-working-directory-changed"
    summary = "Hydra changes the working directory and the code still relies on the old one."
    invalid = (
        Invalid({"src/main.py": example_main(launch(cwd=False), imports="import subprocess\nimport sys\n\nimport hydra\n", args='config_path="../config", config_name="config"')},
            "src/main.py:10", profile="hydra", title="no version_base: Hydra changes directory"),
    )

    def check(self, bundle):
        facts = bundle.fact(HydraFacts)
        if facts.run_dir_is_cwd:
            return
        for main in facts.mains:
            active = facts.chdir_setting if facts.chdir_setting is not None else main.changes_directory
            if not active:
                continue
            index = bundle.index(main.path)
            why = "no version_base is given (Hydra 1.1 defaults)" if not main.version_base_given else (
                "hydra.job.chdir is true" if facts.chdir_setting else f"version_base={main.version_base!r}")
            calls = index.below(main.function, cst.Call)
            names = {c.func.value for c in calls if isinstance(c.func, cst.Name)}
            functions = _module_functions(index)
            for name in sorted(names):
                if name in functions and functions[name] is not main.function:
                    calls.extend(index.below(functions[name], cst.Call))
            if any(call_name(c) in ("os.chdir", "chdir") for c in calls):
                continue
            for call in calls:
                name = call_name(call)
                if name in _SUBPROCESS:
                    words = command_words(index, call)
                    if not words:
                        continue
                    heads = [_head(e) for e in words]
                    if "-m" in heads and any(h and h.startswith("src.") for h in heads):
                        if keyword_arg(call, "cwd") is None and keyword_arg(call, "env") is None:
                            yield Report(main.path, f"ModuleNotFoundError at run time: {why}, so Hydra changes into its output directory before {main.function.name.value}() runs, and `python -m src...` started there without cwd= cannot import src; pass cwd=hydra.utils.get_original_cwd().", node=call)
                elif name in ("open", "OmegaConf.load", "omegaconf.OmegaConf.load", "yaml.safe_load"):
                    args = positional_args(call)
                    head = _head(args[0]) if args else None
                    if head and re.match(r"^(\./)?config/", head):
                        yield Report(main.path, f"FileNotFoundError at run time: {why}, so Hydra changes into its output directory and the relative path {head!r} no longer exists there; build it from hydra.utils.get_original_cwd().", node=call)


# ---------------------------------------------------------------------------------------
class DefaultsListUnresolvable(HydraRule):
    """## What it does
    Checks each entry of the defaults list in `config/config.yaml`: no interpolation
    (`- runs: ${run}`), and every group option or config name (other than the run group,
    which the command line selects, and Hydra's own `hydra/...` groups) has its file in
    the bundle.

    ## Why is this bad?
    Hydra resolves the defaults list before anything else. An interpolation of a primary
    config value fails ("Error resolving interpolation"), and an entry whose file is not
    there raises `MissingConfigException`; either way no run starts.

    ## Use instead
    Select the run group with `- run: ???` and let `run=<run_id>` fill it; move other
    settings into `config/config.yaml` itself.
    """

    code = "EXP625"
    name = "hydra-defaults-unresolvable"
    summary = "A defaults-list entry cannot resolve (interpolation, missing file)."
    invalid = (
        Invalid({"config/config.yaml": example_config("_self_", "optimizer: adam")},
                "config/config.yaml:3", profile="hydra", title="a group option whose file is not in the bundle"),
        Invalid({"config/config.yaml": example_config("runs: ${run}", "_self_")},
                "config/config.yaml:2", profile="hydra", title="an interpolation in the defaults list"),
    )

    def check(self, bundle):
        facts = bundle.fact(HydraFacts)
        if facts.config is None:
            return
        for entry in facts.defaults:
            if isinstance(entry.option, str) and "${" in entry.option:
                yield Report(CONFIG, f"Hydra cannot resolve `{entry.raw}`: the defaults list may only interpolate other config groups, not keys of the primary config, so composition fails; use `- {entry.group}: ???` and select it on the command line.", line=entry.line)
                continue
            if entry.group is None:
                name = entry.option
                if name == "_self_" or not isinstance(name, str):
                    continue
                if f"config/{name}.yaml" not in bundle.files:
                    yield Report(CONFIG, f"MissingConfigException at start-up: the defaults list loads `{name}`, but config/{name}.yaml is not in the bundle; remove the entry or move its settings into config/config.yaml.", line=entry.line)
                continue
            if entry.group.startswith("hydra") or entry.group in ("run", "runs") or entry.optional:
                continue
            option = entry.option
            if option is None or option == "???" or not isinstance(option, str):
                continue
            if f"config/{entry.group}/{option}.yaml" not in bundle.files:
                yield Report(CONFIG, f"MissingConfigException at start-up: the defaults list selects `{entry.group}: {option}`, but config/{entry.group}/{option}.yaml is not in the bundle; remove the entry or move its settings into config/config.yaml.", line=entry.line)


# ---------------------------------------------------------------------------------------
class EvaluateCommandLine(HydraRule):
    """## What it does
    Checks that `src/evaluate.py` accepts the documented call
    `python -m src.evaluate results_dir=<dir> run_ids='["a", "b"]'`: key=value words.
    An argparse parser with `--results_dir` options or positional `results_dir` /
    `run_ids` arguments does not; a Hydra main needs `run_ids` in its config.

    ## Why is this bad?
    argparse exits with "unrecognized arguments: results_dir=..." for options, and with
    positional arguments it hands over the literal string `results_dir=/path`, so
    `json.loads("run_ids=[...]")` fails. A Hydra main rejects `run_ids=` when
    `config/config.yaml` has no `run_ids` key.

    ## Use instead
    Parse the `key=value` words yourself (`word.partition("=")`), or use Hydra with
    `run_ids: null` in the config.
    """

    code = "EXP626"
    name = "evaluate-command-line"
    summary = "src/evaluate.py does not accept results_dir=... run_ids='[...]'."
    invalid = (
        Invalid({"src/evaluate.py": (
            '"""Evaluate."""\nimport argparse\nimport json\n\n\ndef main():\n    parser = argparse.ArgumentParser()\n'
            '    parser.add_argument("--results_dir", required=True)\n    parser.add_argument("--run_ids", required=True)\n'
            '    args = parser.parse_args()\n    print(args.results_dir, json.loads(args.run_ids))\n\n\nif __name__ == "__main__":\n    main()\n')},
            "src/evaluate.py:8", profile="hydra", title="--results_dir options"),
        Invalid({"src/evaluate.py": (
            '"""Evaluate."""\nimport argparse\nimport json\n\n\ndef main():\n    parser = argparse.ArgumentParser()\n'
            '    parser.add_argument("results_dir")\n    parser.add_argument("run_ids")\n'
            '    args = parser.parse_args()\n    print(args.results_dir, json.loads(args.run_ids))\n\n\nif __name__ == "__main__":\n    main()\n')},
            "src/evaluate.py:8", profile="hydra", title="positional arguments"),
    )

    def check(self, bundle):
        path = "src/evaluate.py"
        index = bundle.index(path)
        if index is None:
            return
        text = bundle.text(path) or ""
        facts = bundle.fact(HydraFacts)
        if not facts.cli_evaluate:
            return  # the prompt documents no evaluate command line
        mains = [m for m in facts.mains if m.path == path]
        if mains:
            main = mains[0]
            if facts.config is not None and main.config_dir == "config" and main.config_name in ("config", "config.yaml"):
                if "run_ids" in (facts.cli_evaluate or ()) and "run_ids" not in facts.primary():
                    yield Report(path, "Hydra rejects the documented override run_ids='[...]' (\"Could not override 'run_ids'\") because config/config.yaml has no `run_ids` key; add `run_ids: null` there.", node=main.decorator)
            return
        if re.search(r"""(partition|split)\(\s*["']=["']""", text) or "sys.argv[" in text and "=" in text and "replace(" in text:
            return  # the code turns key=value words into something itself
        if "parse_known_args" in text:
            return
        callees = callee_names(index)
        for call in index.of(cst.Call):
            if not (callees[id(call)] or "").endswith("add_argument"):
                continue
            args = positional_args(call)
            names = [string_value(a) for a in args]
            names = [n for n in names if n]
            if not names:
                continue
            flat = [n.lstrip("-").replace("-", "_") for n in names]
            if not any(n in facts.cli_evaluate for n in flat):
                continue
            if names[0].startswith("-"):
                yield Report(path, f"argparse rejects the documented call `results_dir=... run_ids='[...]'` (\"unrecognized arguments\") because it expects the option {names[0]}; parse key=value words instead (e.g. word.partition('=')).", node=call)
            else:
                yield Report(path, f"The documented call passes `{flat[0]}=<value>`, so this positional argument receives the literal text '{flat[0]}=...' (and json.loads of run_ids fails); parse key=value words instead (e.g. word.partition('=')).", node=call)
            return


RULES = (RunConfigsReachCode, RunConfigPlacement, StructModeWrite, OverrideKeyMissing, WorkingDirectoryChanged, DefaultsListUnresolvable, EvaluateCommandLine)
