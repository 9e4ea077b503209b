"""The config-read fact: every access spelling and every flow it follows, and what it refuses to guess."""
from __future__ import annotations

import textwrap

import pytest

from linter.bundle import Bundle
from linter.facts.config_reads import ITEM, ConfigReads
from linter.source import from_text
from linter.testing import example_bundle
from linter.rule import Valid


def facts(files: dict[str, str]) -> tuple[Bundle, ConfigReads]:
    files = {p: textwrap.dedent(t).lstrip("\n") for p, t in files.items()}
    bundle = Bundle({p: from_text(p, t) for p, t in files.items()}, origin="<test>")
    return bundle, bundle.fact(ConfigReads)


def table(bundle: Bundle, fact: ConfigReads) -> list[tuple]:
    """(path:line, keys, style) per read."""
    out = []
    for r in fact.reads:
        line = bundle.python(r.path).span(r.node)[0]
        out.append((f"{r.path}:{line}", r.keys, r.style))
    return out


def one(fact: ConfigReads, keys: tuple):
    found = [r for r in fact.reads if r.keys == keys]
    assert len(found) == 1, (keys, [r.keys for r in fact.reads])
    return found[0]


LOAD = """
import yaml
with open("config/smoke_test.yaml") as handle:
    cfg = yaml.safe_load(handle)
"""


def test_subscript_chain_is_one_read_with_its_key_path():
    b, f = facts({"src/train.py": LOAD + 'lr = cfg["training"]["lr"]\n'})
    assert table(b, f) == [("src/train.py:4", ("training", "lr"), "subscript")]
    r = f.reads[0]
    assert r.root.loader == "yaml" and r.root.source == "file" and r.root.file == "config/smoke_test.yaml"
    assert not r.default and not r.guarded and not r.soft and not r.branch
    assert r.run_list is None and r.entry_keys == ("training", "lr")


def test_attribute_reads_only_on_omegaconf_objects():
    b, f = facts({"src/train.py": """
        import yaml
        from omegaconf import OmegaConf
        cfg = OmegaConf.load("config/config.yaml")
        lr = cfg.training.lr
        plain = yaml.safe_load(open("x.yaml"))
        plain.training
        cfg.get("seed", 0)
    """})
    assert table(b, f) == [
        ("src/train.py:4", ("training", "lr"), "attribute"),
        ("src/train.py:7", ("seed",), "get"),
    ]
    assert f.reads[0].root.loader == "omegaconf" and f.reads[0].root.file == "config/config.yaml"


def test_get_with_and_without_default_getattr_and_pop():
    b, f = facts({"src/train.py": LOAD + """
epochs = cfg.get("epochs", 10)
name = cfg.get("name")
seed = getattr(cfg, "seed", 0)
must = getattr(cfg, "must")
gone = cfg.pop("tmp")
"""})
    assert [(k, s) for _, k, s in table(b, f)] == [
        (("epochs",), "get"), (("name",), "get"), (("seed",), "getattr"), (("must",), "getattr"), (("tmp",), "pop"),
    ]
    assert [r.default for r in f.reads] == [True, True, True, False, False]


def test_in_check_and_hasattr_are_guards_and_guard_reads_of_the_same_path():
    b, f = facts({"src/train.py": LOAD + """
def pick(cfg):
    if "scheduler" in cfg:
        return cfg["scheduler"]
    return None

pick(cfg)
ok = hasattr(cfg, "extra")
"""})
    styles = {(r.keys, r.style): r for r in f.reads}
    assert styles[(("scheduler",), "in")].guarded
    assert styles[(("scheduler",), "subscript")].guarded
    assert styles[(("extra",), "in")].guarded


def test_try_except_keyerror_guards():
    _, f = facts({"src/train.py": LOAD + """
try:
    warm = cfg["warmup"]
except KeyError:
    warm = 0
"""})
    assert one(f, ("warmup",)).guarded


def test_run_list_loop_next_and_enumerate():
    b, f = facts({"src/main.py": LOAD + """
for run in cfg["runs"]:
    print(run["run_id"])
for i, entry in enumerate(cfg["runs"]):
    entry["model"]["name"]
chosen = next(r for r in cfg["runs"] if r["run_id"] == "a")
chosen["training"]["lr"]
for key, value in cfg["sweeps"].items():
    value["seed"]
"""})
    keys = [k for _, k, _ in table(b, f)]
    assert ("runs", ITEM, "run_id") in keys
    assert ("runs", ITEM, "model", "name") in keys
    assert ("runs", ITEM, "training", "lr") in keys
    assert ("sweeps", ITEM, "seed") in keys
    assert f.run_lists() == [("runs",), ("sweeps",)]
    lr = one(f, ("runs", ITEM, "training", "lr"))
    assert lr.run_list == ("runs",) and lr.entry_keys == ("training", "lr") and lr.dotted == "training.lr"


def test_default_on_the_run_list_does_not_soften_entry_reads():
    _, f = facts({"src/main.py": LOAD + """
for run in cfg.get("runs", []):
    run["run_id"]
"""})
    assert not one(f, ("runs", ITEM, "run_id")).soft
    _, f = facts({"src/main.py": LOAD + 'cfg.get("training", {})["lr"]\n'})
    assert one(f, ("training", "lr")).soft


def test_parameters_within_a_file_positional_and_keyword():
    b, f = facts({"src/train.py": LOAD + """
def train(run, results_dir):
    return float(run["training"]["lr"])

def evaluate(out, *, run):
    return run["metric"]

for entry in cfg["runs"]:
    train(entry, "out")
    evaluate("x", run=entry)
"""})
    keys = [k for _, k, _ in table(b, f)]
    assert ("runs", ITEM, "training", "lr") in keys
    assert ("runs", ITEM, "metric") in keys
    assert one(f, ("runs", ITEM, "training", "lr")).function == "train"


def test_parameters_across_files_through_imports():
    b, f = facts({
        "src/train.py": LOAD + """
from .preprocess import make_loaders
from . import model
import src.evaluate as ev

run = next(r for r in cfg["runs"] if r["run_id"] == "x")
make_loaders(run)
model.build(run)
ev.score(run)
""",
        "src/preprocess.py": "def make_loaders(run):\n    return int(run['training']['batch_size'])\n",
        "src/model.py": "def build(cfg):\n    return cfg['model']['name']\n",
        "src/evaluate.py": "def score(run):\n    return run.get('metric', 'acc')\n",
    })
    got = {(p.split(":")[0], k) for p, k, _ in table(b, f)}
    assert ("src/preprocess.py", ("runs", ITEM, "training", "batch_size")) in got
    assert ("src/model.py", ("runs", ITEM, "model", "name")) in got
    assert ("src/evaluate.py", ("runs", ITEM, "metric")) in got


def test_returns_classes_and_self_attributes():
    b, f = facts({"src/train.py": """
import yaml

def load_config(path):
    with open(path) as handle:
        return yaml.safe_load(handle)

class Trainer:
    def __init__(self, cfg):
        self.cfg = cfg

    def fit(self):
        return self.cfg["training"]["epochs"]

    def run(self):
        self.helper(self.cfg)

    def helper(self, c):
        return c["seed"]

cfg = load_config("config/smoke_test.yaml")
Trainer(cfg).fit()
"""})
    keys = {k for _, k, _ in table(b, f)}
    assert ("training", "epochs") in keys and ("seed",) in keys
    assert f.reads[0].root.source == "file"


def test_hydra_main_parameter_and_merge():
    b, f = facts({"src/train.py": """
import hydra
from omegaconf import OmegaConf, DictConfig

@hydra.main(config_path="../config", config_name="config", version_base=None)
def main(cfg: DictConfig) -> None:
    run = OmegaConf.load(f"config/runs/{cfg.run}.yaml")
    cfg = OmegaConf.merge(cfg, run)
    print(cfg.training.lr)
"""})
    rows = {k: r for r in f.reads for k in [r.keys]}
    assert rows[("run",)].root.loader == "hydra" and rows[("run",)].root.file == "config/config.yaml"
    merged = rows[("training", "lr")].root
    assert merged.loader == "omegaconf" and merged.source == "merge"
    assert {p.loader for p in merged.parts} == {"hydra", "omegaconf"}


def test_writes_setdefault_update_and_omegaconf_update():
    b, f = facts({"src/train.py": LOAD + """
cfg["device"] = "cpu"
cfg.setdefault("seed", 0)
cfg.update({"out": "x"})
cfg["training"].update(other)
"""})
    got = [(w.keys, w.style, w.whole) for w in f.writes]
    assert (("device",), "subscript", False) in got
    assert (("seed",), "setdefault", False) in got
    assert (("out",), "update", False) in got
    assert (("training",), "update", True) in got
    assert f.written(None, ("device",)) and f.written(None, ("training", "anything"))
    assert not f.written(None, ("lr",))


def test_uses_numeric_builtins_keywords_arithmetic_compare_and_aliases():
    b, f = facts({"src/train.py": LOAD + """
import torch
a = float(cfg["a"])
opt = torch.optim.Adam([], lr=cfg["lr"], weight_decay=cfg["wd"])
b = cfg["b"] * 2
if cfg["c"] > 0.5:
    pass
d = cfg["d"]
torch.optim.SGD([], lr=d)
e = cfg["e"]
f = e + 1
"""})
    assert one(f, ("a",)).uses == ("float",)
    assert one(f, ("lr",)).uses == ("kw:lr",)
    assert one(f, ("wd",)).uses == ("kw:weight_decay",)
    assert one(f, ("b",)).uses == ("arith",)
    assert one(f, ("c",)).uses == ("compare",)
    assert one(f, ("d",)).uses == ("kw:lr",)
    assert one(f, ("e",)).uses == ("arith",)
    call = one(f, ("d",)).use_nodes["kw:lr"]
    assert b.python("src/train.py").span(call)[0] == 12


def test_branch_flag_for_config_dependent_tests_and_calls_made_there():
    _, f = facts({"src/train.py": LOAD + """
import sys

def kd_loss(run):
    return run["kd"]["alpha"]

for run in cfg["runs"]:
    if run["method"] == "kd":
        kd_loss(run)
        run["kd"]["temperature"]
    if len(sys.argv) > 3:
        run["always"]
"""})
    assert one(f, ("runs", ITEM, "kd", "alpha")).branch
    assert one(f, ("runs", ITEM, "kd", "temperature")).branch
    assert not one(f, ("runs", ITEM, "always")).branch


def test_unknown_roots_and_broken_flows_record_nothing():
    _, f = facts({"src/train.py": """
import json
import yaml

cfg = json.load(open("config.json"))
cfg["lr"]

def train(run):
    return run["lr"]

train({"lr": 1})
loaded = yaml.safe_load(open("c.yaml"))
merged = {**loaded, "x": 1}
merged["y"]
other = helper(loaded)
other["z"]
loaded[some_key]["w"]
"""})
    assert f.reads == ()


def test_source_of_a_string_is_not_a_file():
    _, f = facts({"src/train.py": "import sys, yaml\ncfg = yaml.safe_load(sys.argv[1])\ncfg['lr']\n"})
    assert one(f, ("lr",)).root.source == "other"


def test_import_aliases_of_loaders():
    _, f = facts({"src/train.py": "from yaml import safe_load as sl\nwith open('a.yaml') as h:\n    c = sl(h)\nc['k']\n"})
    assert one(f, ("k",)).root.loader == "yaml"


def test_minimal_bundles_flow_through_main_train_preprocess_and_model():
    bundle = example_bundle(Valid())
    f = bundle.fact(ConfigReads)
    paths = {r.path for r in f.reads}
    assert {"src/main.py", "src/train.py", "src/preprocess.py", "src/model.py"} <= paths
    assert f.run_lists() == [("runs",)]
    lr = one(f, ("runs", ITEM, "training", "lr"))
    assert lr.uses == ("float",) and lr.function == "train"


def test_deterministic_order():
    bundle = example_bundle(Valid(profile="hydra"))
    first = [(r.path, r.keys, r.style, r.branch) for r in bundle.fact(ConfigReads).reads]
    again = example_bundle(Valid(profile="hydra"))
    assert first == [(r.path, r.keys, r.style, r.branch) for r in again.fact(ConfigReads).reads]
