"""What Hydra does with a bundle at start-up, read statically (never run).

Computed once per bundle (``bundle.fact(HydraFacts)``): the ``@hydra.main`` entry
points with their decorator arguments, the primary config and its defaults list,
where the run configs land in the composed config, whether Hydra changes the working
directory, and a key tree of the composed config to check reads and writes against.
Every rule modelled here is proved against the real hydra-core and omegaconf in
tests/test_hydra_real.py.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import field
from typing import Any

import libcst as cst
import yaml

from ..parsing.cst_helpers import call_name, dotted_name, keyword_arg, string_value
from ..records import dataclass

CONFIG = "config/config.yaml"
# The unbounded value: a node whose keys we cannot know (an interpolation, a missing file).
UNKNOWN = object()


@dataclass
class DefaultsEntry:
    group: str | None  # None for a plain config name or _self_
    option: Any  # the selected option (str, None, "???") or the plain name
    line: int
    raw: str
    override: bool = False
    optional: bool = False
    package: str | None = None  # "group@package: option"


@dataclass
class HydraMain:
    path: str
    function: cst.FunctionDef
    decorator: cst.Decorator
    call: cst.Call | None  # None for a bare @hydra.main
    config_path: str | None
    config_path_known: bool  # a literal (or absent), so we can resolve it
    config_name: str | None
    config_name_known: bool
    version_base: str | None
    version_base_given: bool
    version_base_known: bool
    param: str | None  # the name the composed config is bound to

    @property
    def config_dir(self) -> str | None:
        """The bundle directory config_path points at, relative to the declaring file."""
        if not self.config_path_known or self.config_path is None:
            return None
        if self.config_path.startswith("/") or self.config_path.startswith("pkg://") or ":" in self.config_path:
            return None
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(self.path), self.config_path))
        return joined

    @property
    def changes_directory(self) -> bool:
        """Hydra's own default for hydra.job.chdir from version_base (verified on hydra-core 1.3)."""
        if not self.version_base_given:
            return True  # no version_base: 1.1 defaults, chdir on (with a warning)
        if not self.version_base_known:
            return False
        if self.version_base is None:
            return False  # version_base=None: the installed version's defaults, chdir off
        return _version_tuple(self.version_base) < (1, 2)


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split(".")[:2]:
        if not piece.isdigit():
            return (9, 9)
        parts.append(int(piece))
    return tuple(parts)


def _literal(expr: cst.BaseExpression | None) -> tuple[bool, Any]:
    """(known, value) of a str / None literal."""
    if expr is None:
        return True, None
    if isinstance(expr, cst.Name) and expr.value == "None":
        return True, None
    value = string_value(expr)
    if value is not None:
        return True, value
    if isinstance(expr, (cst.Float, cst.Integer)):
        return True, expr.value
    return False, None


def _hydra_mains(bundle, path: str) -> list[HydraMain]:
    index = bundle.index(path)
    if index is None:
        return []
    # `from hydra import main` binds a bare name; accept it only then.
    bare_main = any(
        isinstance(n.module, (cst.Name, cst.Attribute)) and dotted_name(n.module) == "hydra"
        and not isinstance(n.names, cst.ImportStar)
        and any(dotted_name(a.name) == "main" and a.asname is None for a in n.names)
        for n in index.of(cst.ImportFrom)
    )
    out = []
    for function in index.of(cst.FunctionDef):
        for decorator in function.decorators:
            node = decorator.decorator
            call = node if isinstance(node, cst.Call) else None
            name = dotted_name(call.func if call else node)
            if name != "hydra.main" and not (name == "main" and bare_main):
                continue
            args = call.args if call else ()
            positional = [a.value for a in args if a.keyword is None and not a.star]
            cp_expr = keyword_arg(call, "config_path") if call else None
            if cp_expr is None and positional:
                cp_expr = positional[0]
            cn_expr = keyword_arg(call, "config_name") if call else None
            if cn_expr is None and len(positional) > 1:
                cn_expr = positional[1]
            vb_expr = keyword_arg(call, "version_base") if call else None
            if vb_expr is None and len(positional) > 2:
                vb_expr = positional[2]
            cp_known, cp = _literal(cp_expr)
            cn_known, cn = _literal(cn_expr)
            vb_known, vb = _literal(vb_expr)
            params = function.params.params
            out.append(HydraMain(
                path, function, decorator, call, cp, cp_known, cn, cn_known,
                None if vb is None else str(vb), vb_expr is not None, vb_known,
                params[0].name.value if params else None,
            ))
    return out


_INTERP = re.compile(r"\$\{")


def _defaults(yaml_file) -> list[DefaultsEntry]:
    node = yaml_file.node_at(("defaults",))
    if not isinstance(node, yaml.SequenceNode):
        return []
    out = []
    for item in node.value:
        line = item.start_mark.line + 1
        if isinstance(item, yaml.ScalarNode):
            out.append(DefaultsEntry(None, item.value, line, item.value))
        elif isinstance(item, yaml.MappingNode) and len(item.value) == 1:
            key, value = item.value[0]
            if not isinstance(key, yaml.ScalarNode):
                continue
            raw_key = key.value.strip()
            override = raw_key.startswith("override ")
            optional = raw_key.startswith("optional ")
            group = raw_key.split(" ", 1)[1].strip() if (override or optional) else raw_key
            package = None
            if "@" in group:
                group, package = group.split("@", 1)
            if isinstance(value, yaml.ScalarNode):
                option: Any = None if value.tag.endswith(":null") else value.value
            else:
                option = UNKNOWN
            out.append(DefaultsEntry(group, option, line, f"{raw_key}: {getattr(value, 'value', '...')}", override, optional, package))
    return out


def global_package(text: str | None) -> bool:
    """A run file that starts with `# @package _global_` merges at the top level."""
    if not text:
        return False
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            if re.match(r"#\s*@package\s+_global_\b", stripped):
                return True
            continue
        return False
    return False


def prompt_requires(bundle, *tokens: str) -> bool:
    """Whether the reviewer prompt asks for this (always, when no prompt was given)."""
    text = getattr(bundle.context, "instructions", None)
    return text is None or all(token in text for token in tokens)


def merge_trees(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = merge_trees(base.get(key), value) if key in base else value
        return out
    return over


@dataclass
class HydraFacts:
    mains: list[HydraMain] = field(default_factory=list)
    config: dict | None = None  # config.yaml data (a mapping), if it loaded
    defaults: list[DefaultsEntry] = field(default_factory=list)
    run_dir: str = "config/runs"
    run_ids: list[str] = field(default_factory=list)
    run_configs: dict[str, dict] = field(default_factory=dict)  # run id -> data
    run_group: DefaultsEntry | None = None  # the defaults entry of group run/runs
    runs_global: bool = False  # run files carry `# @package _global_`
    chdir_setting: bool | None = None  # hydra.job.chdir in config.yaml
    run_dir_is_cwd: bool = False  # hydra.run.dir: "." keeps the working directory
    cli_main: tuple[str, ...] = ("run", "results_dir", "mode")  # keys the documented main call sets
    cli_evaluate: tuple[str, ...] | None = ("results_dir", "run_ids")  # None: no documented call

    @classmethod
    def compute(cls, bundle) -> "HydraFacts":
        facts = cls()
        for path in sorted(bundle.paths("python", prefix="src/")):
            facts.mains.extend(_hydra_mains(bundle, path))
        facts.run_dir = getattr(bundle.context, "run_dir", None) or "config/runs"
        cli = getattr(bundle.context, "hydra_cli", None)
        if cli is not None:
            facts.cli_main = tuple(cli.get("main", ()))
            facts.cli_evaluate = tuple(cli["evaluate"]) if "evaluate" in cli else None
        parsed = bundle.yaml(CONFIG)
        if parsed is not None and isinstance(parsed.data, dict):
            facts.config = parsed.data
            facts.defaults = _defaults(parsed)
            hydra_section = parsed.data.get("hydra")
            if isinstance(hydra_section, dict):
                job = hydra_section.get("job")
                if isinstance(job, dict) and isinstance(job.get("chdir"), bool):
                    facts.chdir_setting = job["chdir"]
                run = hydra_section.get("run")
                if isinstance(run, dict) and str(run.get("dir", "")).strip() in (".", "./"):
                    facts.run_dir_is_cwd = True
        ids = list(bundle.context.runs or [])
        for path in bundle.paths("yaml", prefix="config/runs/"):
            run_id = path[len("config/runs/"):-len(".yaml")]
            if run_id not in ids:
                ids.append(run_id)
        facts.run_ids = sorted(ids)
        texts = []
        for run_id in facts.run_ids:
            path = f"config/runs/{run_id}.yaml"
            data = bundle.yaml(path)
            if data is not None and isinstance(data.data, dict):
                facts.run_configs[run_id] = data.data
            texts.append(bundle.text(path))
        facts.runs_global = bool(texts) and all(global_package(t) for t in texts if t is not None)
        for entry in facts.defaults:
            if entry.group in ("run", "runs") and not entry.override:
                facts.run_group = entry
                break
        return facts

    # -- the composed config ------------------------------------------------------------
    @property
    def self_position(self) -> int:
        """Index of _self_ in the defaults list (implicitly last when absent)."""
        for i, entry in enumerate(self.defaults):
            if entry.group is None and entry.option == "_self_":
                return i
        return len(self.defaults)

    def primary(self) -> dict:
        data = dict(self.config or {})
        data.pop("defaults", None)
        data.pop("hydra", None)
        return data

    def run_union(self) -> dict:
        union: dict = {}
        for run_id in sorted(self.run_configs):
            union = merge_trees(union, self.run_configs[run_id])
        return union

    def group_reaches_runs(self) -> bool:
        """The defaults list loads the run file named by run=<id> from the pipeline's run dir."""
        entry = self.run_group
        return entry is not None and entry.group == "run" and self.run_dir == "config/run"

    def composed(self, run_id: str | None = None) -> dict:
        """The key tree Hydra composes for `run=<id>` (the union of all runs if no id)."""
        primary = self.primary()
        if not self.group_reaches_runs():
            if "run" in primary:
                primary["run"] = "<run id>"  # the override replaces whatever config.yaml held
            return primary
        run = self.run_configs.get(run_id) if run_id else self.run_union()
        run = run if isinstance(run, dict) else {}
        self_last = self.self_position > self.run_group_index()
        if self.runs_global:
            return merge_trees(run, primary) if self_last else merge_trees(primary, run)
        if "run" not in primary:
            primary["run"] = run
        elif isinstance(primary["run"], dict):
            own = primary["run"]
            primary["run"] = merge_trees(run, own) if self_last else merge_trees(own, run)
        elif not self_last:
            primary["run"] = run
        # else: config.yaml's own scalar `run:` comes after the group and replaces its content
        return primary

    def run_group_index(self) -> int:
        for i, entry in enumerate(self.defaults):
            if entry is self.run_group:
                return i
        return -1


def lookup(tree: Any, keys: tuple) -> tuple[str, Any]:
    """Follow keys: ("ok", value) | ("missing", depth) | ("scalar", depth) | ("unknown", depth)."""
    node = tree
    for depth, key in enumerate(keys):
        if node is UNKNOWN:
            return "unknown", depth
        if isinstance(node, dict):
            if key not in node:
                return "missing", depth
            node = node[key]
            continue
        if node is None:
            return "scalar", depth
        if isinstance(node, str) and "${" in node:
            return "unknown", depth
        return "scalar", depth
    return "ok", node


def missing_paths(tree: Any, over: Any, prefix: tuple = ()) -> list[tuple]:
    """Key paths of `over` that a struct merge into `tree` would reject."""
    out: list[tuple] = []
    if not isinstance(over, dict) or not isinstance(tree, dict):
        return out
    for key in over:
        if key not in tree:
            out.append(prefix + (key,))
        elif isinstance(tree[key], dict) and isinstance(over[key], dict):
            out.extend(missing_paths(tree[key], over[key], prefix + (key,)))
    return out


def attribute_chain(expr: cst.BaseExpression) -> tuple[str, tuple[str, ...]] | None:
    """`cfg.a.b` / `cfg["a"].b` -> ("cfg", ("a", "b")); None if not a plain chain."""
    keys: list[str] = []
    node = expr
    while True:
        if type(node) is cst.Attribute:
            keys.append(node.attr.value)
            node = node.value
        elif type(node) is cst.Subscript and len(node.slice) == 1 and type(node.slice[0].slice) is cst.Index:
            value = string_value(node.slice[0].slice.value)
            if value is None:
                return None
            keys.append(value)
            node = node.value
        elif isinstance(node, cst.Name):
            return node.value, tuple(reversed(keys))
        else:
            return None


def call_is(call: cst.Call, *names: str) -> bool:
    name = call_name(call)
    return name in names
