"""EXP401-EXP409, EXP412-EXP414: contracts between the files of a bundle.

Each rule is a small query over facts extracted once per bundle: the files each module
writes and reads (``linter.facts.io``), the keys of the results it writes and reads
(``linter.facts.json_keys``), and the command lines, prints and figures of the modules
(``linter.facts.calls``).
"""
from __future__ import annotations

import re

from linter.facts.io import ONE, FileAccess, FileIO, is_root_hole, relative_to_root, root_offsets, rooted
from linter.findings import Location, Severity
from linter.rule import Invalid, Report, Rule, Valid
from linter.testing import patched

from linter.profiles import EIGHT_FILE_PROFILES
TRAIN, EVALUATE, MAIN = "src/train.py", "src/evaluate.py", "src/main.py"
# Files a run leaves for evaluate.py: data, not figures, configs or logs.
RESULT_SUFFIXES = (".json", ".jsonl", ".csv", ".tsv", ".npy", ".npz", ".pkl", ".pickle", ".parquet", ".pt", ".pth", ".ckpt")
# What a write whose file name is unknown could still produce.
_API_SUFFIXES = {
    "np.save": (".npy",), "numpy.save": (".npy",), "np.savez": (".npz",), "np.savez_compressed": (".npz",),
    "to_csv": (".csv", ".tsv"), "to_parquet": (".parquet",), "to_pickle": (".pkl", ".pickle"),
    "torch.save": (".pt", ".pth", ".ckpt", ".pkl", ".bin", ".tar"),
}


def location(bundle, path: str, node) -> Location:
    parsed = bundle.python(path)
    span = parsed.span(node) if parsed else None
    if span is None:
        return Location(path)
    return Location(path, span[0], span[1] + 1)


def where_text(loc: Location) -> str:
    return f"{loc.path}:{loc.line}" if loc.line else loc.path


def _could_produce(write: FileAccess, suffix: str) -> bool:
    """Could this write, whose name we may not know, create a file ending in ``suffix``?"""
    if write.figure:
        return False
    if write.pattern.name_has_constant:
        return write.pattern.name_meets(_suffix_pattern(write, suffix))
    allowed = _API_SUFFIXES.get(write.api)
    return allowed is None or suffix in allowed


def _suffix_pattern(write: FileAccess, suffix: str):
    from linter.facts.paths import Hole, PathPattern

    return PathPattern.of(Hole("*"), suffix)


# -- EXP401 ---------------------------------------------------------------------------------------
_WRITES_HISTORY = '''"""Train one run."""
import json
from pathlib import Path


def save(results: dict, results_dir: str, run_id: str) -> None:
    run_dir = Path(results_dir) / run_id
    run_dir.mkdir(parents=True, exist_ok=True)
    with open(run_dir / "history.json", "w") as handle:
        json.dump(results, handle)
'''

_READS_OS_JOIN = '''"""Evaluate all runs."""
import glob
import json
import os


def load(results_dir: str) -> list:
    found = []
    for path in sorted(glob.glob(os.path.join(results_dir, "*", "results.json"))):
        with open(path) as handle:
            found.append(json.load(handle))
    return found
'''

_READS_CONSTANT = '''"""Evaluate all runs."""
import json
from pathlib import Path

RESULTS_FILE = "metrics.json"


def load(results_dir: str) -> dict:
    out = {}
    for run_dir in Path(results_dir).iterdir():
        target = run_dir / RESULTS_FILE
        if target.exists():
            out[run_dir.name] = json.loads(target.read_text())
    return out
'''

_WRITES_FSTRING = '''"""Train one run."""
import json
import os


def save(results: dict, results_dir: str, run_id: str) -> None:
    os.makedirs(os.path.join(results_dir, run_id), exist_ok=True)
    with open(f"{results_dir}/{run_id}/results.json", "w") as handle:
        json.dump(results, handle)
'''

_WRITES_HELPER = '''"""Train one run."""
import json
from pathlib import Path


def write_json(data: dict, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data))


def save(results: dict, results_dir: str, run_id: str) -> None:
    write_json(results, Path(results_dir).joinpath(run_id, "results.json"))
'''

_WRITES_UNKNOWN = '''"""Train one run."""
import json


def save(results: dict, destination: str) -> None:
    with open(destination, "w") as handle:
        json.dump(results, handle)


def main(args) -> None:
    save({"acc": 1.0}, args.output_file)
'''


# Directory contracts, laid over the minimal experiment bundle (train writes
# {results_dir}/{run_id}/results.json; main passes the same --results-dir to train and evaluate).
_EVAL_ROOT_JOIN = '''"""Evaluate the runs."""
import argparse
import json
import os


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--results-dir", required=True)
    args = parser.parse_args()
    with open(os.path.join(args.results_dir, "results.json")) as handle:
        print(json.dumps(json.load(handle)))


if __name__ == "__main__":
    main()
'''

_EVAL_ROOT_CONSTANT = '''"""Evaluate the runs."""
import argparse
import json
from pathlib import Path

RESULTS_FILE = "results.json"


def load(results_dir: Path) -> dict:
    path = results_dir / RESULTS_FILE
    return json.loads(path.read_text())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--results-dir", required=True)
    args = parser.parse_args()
    print(load(Path(args.results_dir)))


if __name__ == "__main__":
    main()
'''

_EVAL_LISTDIR = '''"""Evaluate the runs."""
import argparse
import json
import os


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--results-dir", required=True)
    args = parser.parse_args()
    for name in sorted(os.listdir(args.results_dir)):
        path = os.path.join(args.results_dir, name, "results.json")
        if os.path.isfile(path):
            with open(path) as handle:
                print(name, json.load(handle))


if __name__ == "__main__":
    main()
'''

_TRAIN_ROOT_FSTRING = ("    run_dir = results_dir / run[\"run_id\"]\n", "    run_dir = results_dir\n"), \
    ("    with open(run_dir / \"results.json\", \"w\") as handle:", "    with open(f\"{results_dir}/results.json\", \"w\") as handle:")
_MAIN_PER_RUN = ("            \"--results-dir\", str(results_dir),\n", "            \"--results-dir\", str(results_dir / run[\"run_id\"]),\n")

# Hydra: evaluate opens files under results_dir that only a training run could leave.
_HYDRA_EVAL_CHECKPOINT = '''"""Evaluate the saved checkpoints: `python -m src.evaluate results_dir=<dir> run_ids='["a"]'`."""
import json
import sys
from pathlib import Path

import torch


def main() -> None:
    args = dict(word.split("=", 1) for word in sys.argv[1:])
    results_dir = Path(args["results_dir"])
    for run_id in json.loads(args["run_ids"]):
        checkpoint = results_dir / run_id / "best_model.pt"
        state = torch.load(checkpoint, map_location="cpu")
        print(json.dumps({"run_id": run_id, "tensors": len(state)}))


if __name__ == "__main__":
    main()
'''

_HYDRA_EVAL_HYDRA_CONFIG = '''"""Evaluate the runs from the configuration Hydra saved for each of them."""
import json
import sys
from pathlib import Path

from omegaconf import OmegaConf


def main() -> None:
    args = dict(word.split("=", 1) for word in sys.argv[1:])
    results_dir = Path(args["results_dir"])
    for run_id in json.loads(args["run_ids"]):
        cfg = OmegaConf.load(results_dir / run_id / ".hydra" / "config.yaml")
        print(json.dumps({"run_id": run_id, "lr": float(cfg.training.lr)}))


if __name__ == "__main__":
    main()
'''


class ResultsFileMismatch(Rule):
    """## What it does
    Checks that `src/evaluate.py` reads the files the training run writes, in three ways.
    Paths are evaluated statically: string literals, f-strings (holes are wildcards),
    `os.path.join`, `Path(a, "b")`, `p / "x"`, `joinpath`, module constants, names
    assigned once, a helper's path parameter at each call of the helper, and globs
    (`glob("*/results.json")`, `Path.glob`/`rglob`, a loop over `os.listdir`/`iterdir`).
    A hole labelled like the results directory (`args.results_dir`, `cfg.results_dir`, a
    `results_dir` parameter) is the root every path is compared from.

    1. The name: evaluate reads a result file (`open`, `json.load`, `pd.read_csv`,
       `np.load`, a glob) that no module writes, while train writes a file of the same type
       under another name (`history.json` against `results.json`). 8-file bundles.
    2. The folder: both sides spell the same name, but train writes it one folder deeper
       or higher than evaluate looks (`{results_dir}/{run_id}/results.json` against
       `{results_dir}/results.json`). `src/main.py`'s `--results-dir` argument to each
       module is followed, so a train started with `--results-dir {results_dir}/{run_id}`
       writes its root files into the per-run folder. 8-file bundles.
    3. Nothing writes it: evaluate opens a file under the results directory (a checkpoint
       `best_model.pt`, `config.yaml`, `metrics.json`) that no module writes; all profiles,
       Hydra included. Files Hydra (`.hydra/`) and WandB write, and bundles whose evaluate
       downloads run files, are left alone. When the code handles the missing file (an
       `exists()` test, `try/except FileNotFoundError`), the finding is a warning.

    When a part of a path is not statically known the rule stays silent.

    ## Why is this bad?
    The runs finish, then evaluation globs for `results.json` while training wrote
    `history.json` (or wrote it one folder away): it finds nothing, and the experiment
    produces no comparison. The reviewer rejects such bundles, and the failure only shows
    after the full runs.

    ## Use instead
    Write and read the same path, ideally through one module constant, relative to the
    `--results-dir` main.py passes; save every file evaluation loads.
    """

    code = "EXP401"
    name = "results-file-mismatch"
    summary = "evaluate.py reads a results file no module writes there (another name, another folder, or nothing)."
    profiles = EIGHT_FILE_PROFILES | {"hydra"}
    valid = (
        Valid(title="the minimal bundle: train writes {results_dir}/{run_id}/results.json, evaluate globs */results.json"),
        Valid({"src/evaluate.py": _READS_OS_JOIN, "src/train.py": _WRITES_FSTRING + "\n\nif __name__ == '__main__':\n    save({}, 'out', 'a')\n"}, title="f-string write, os.path.join glob read"),
        Valid({"src/evaluate.py": _READS_OS_JOIN, "src/train.py": _WRITES_HELPER}, title="a helper's path parameter, filled in by its caller with joinpath"),
        Valid({"src/evaluate.py": _READS_OS_JOIN, "src/train.py": _WRITES_UNKNOWN}, title="train's path is not statically known: silent"),
        Valid({"src/evaluate.py": _EVAL_LISTDIR}, title="os.listdir(results_dir) + os.path.join(results_dir, name, \"results.json\") reads the per-run folders train writes"),
        Valid(
            {"src/main.py": patched("experiment", MAIN, _MAIN_PER_RUN), "src/train.py": patched("experiment", TRAIN, *_TRAIN_ROOT_FSTRING)},
            title="main passes --results-dir {results_dir}/{run_id} to train, which writes f\"{results_dir}/results.json\": the per-run folder evaluate globs",
        ),
        Valid({"src/evaluate.py": _HYDRA_EVAL_HYDRA_CONFIG}, profile="hydra", title="Hydra itself writes .hydra/config.yaml in a run's output folder"),
        Valid(
            {"src/evaluate.py": _HYDRA_EVAL_CHECKPOINT, "src/train.py": patched("hydra", TRAIN, ("    wandb.finish()\n", "    run_dir = Path(cfg.results_dir) / cfg.run_id\n    run_dir.mkdir(parents=True, exist_ok=True)\n    torch.save({}, run_dir / \"best_model.pt\")\n    wandb.finish()\n"))},
            profile="hydra",
            title="train saves the checkpoint evaluate loads",
        ),
    )
    invalid = (
        Invalid({"src/train.py": _WRITES_HISTORY, "src/evaluate.py": _READS_OS_JOIN}, ["src/evaluate.py:9", "src/train.py:9"], title="train writes history.json, evaluate globs for results.json"),
        Invalid({"src/train.py": _WRITES_HISTORY.replace("history.json", "results.json"), "src/evaluate.py": _READS_CONSTANT}, ["src/evaluate.py:5", "src/train.py:9"], title="a module constant names the file evaluate reads"),
        Invalid(
            {
                "src/train.py": _WRITES_HISTORY.replace('run_dir / "history.json"', 'Path(results_dir, run_id, "final_metrics.json")'),
                "src/evaluate.py": 'import json\nfrom pathlib import Path\n\n\ndef load(results_dir: str) -> list:\n    return [json.loads(p.read_text()) for p in Path(results_dir).rglob("results.json")]\n',
            },
            ["src/evaluate.py:6", "src/train.py:9"],
            title="Path(a, b, name) write, rglob read",
        ),
        Invalid({"src/evaluate.py": _EVAL_ROOT_JOIN}, ["src/evaluate.py:11", "src/train.py:55"], title="train writes {results_dir}/{run_id}/results.json, evaluate reads os.path.join(results_dir, \"results.json\") at the root"),
        Invalid({"src/evaluate.py": _EVAL_ROOT_CONSTANT}, ["src/evaluate.py:6", "src/train.py:55"], title="the root read through a module constant and Path / name, assigned once"),
        Invalid(
            {"src/main.py": patched("experiment", MAIN, _MAIN_PER_RUN)},
            ["src/evaluate.py:16", "src/train.py:55"],
            title="main passes --results-dir {results_dir}/{run_id} to train, which adds {run_id} again: results land two folders deep, evaluate globs */results.json",
        ),
        Invalid(
            {"src/train.py": patched("experiment", TRAIN, *_TRAIN_ROOT_FSTRING)},
            ["src/evaluate.py:16", "src/train.py:55"],
            title="train writes f\"{results_dir}/results.json\" at the root, evaluate globs the per-run folders",
        ),
        Invalid({"src/evaluate.py": _HYDRA_EVAL_CHECKPOINT}, "src/evaluate.py:13", profile="hydra", title="Hydra: evaluate loads best_model.pt, which no module saves"),
        Invalid(
            {"src/evaluate.py": _HYDRA_EVAL_CHECKPOINT.replace("        state = torch.load(checkpoint, map_location=\"cpu\")\n", "        if not checkpoint.exists():\n            continue\n        state = torch.load(checkpoint, map_location=\"cpu\")\n")},
            "src/evaluate.py:13",
            profile="hydra",
            title="the same read behind an exists() check: a warning, the read is dead code",
        ),
    )

    def check(self, bundle):
        facts = bundle.fact(FileIO)
        if EVALUATE not in bundle.files:
            return
        reported: set = set()
        if bundle.profile.name in EIGHT_FILE_PROFILES:
            for report, access in self._other_name_written(bundle, facts):
                reported.add(id(access.node))
                reported.add((report.path, location(bundle, report.path, report.node).line))
                yield report
        yield from _never_written(bundle, facts, reported)
        if bundle.profile.name in EIGHT_FILE_PROFILES:
            yield from _directory_mismatch(bundle, facts, reported)

    def _other_name_written(self, bundle, facts):
        writes = [w for w in facts.writes() if not w.figure]
        evaluate_reads = [r for r in facts.reads(EVALUATE) if r.pattern.suffix in RESULT_SUFFIXES and r.pattern.name_has_constant]
        bundle_names = {p.rsplit("/", 1)[-1] for p in bundle.files}
        unmatched: list[FileAccess] = []
        for read in evaluate_reads:
            if "://" in str(read.pattern):
                continue
            if any(_fnmatch(read.pattern.name_glob, n) for n in bundle_names):
                continue
            suffix = read.pattern.suffix
            if any(w.pattern.name_meets(read.pattern) if w.pattern.name_has_constant else _could_produce(w, suffix) for w in writes):
                continue
            unmatched.append(read)
        if not unmatched:
            return
        reported_writes: dict[int, tuple[FileAccess, list]] = {}
        seen_reads: set[tuple[str, int]] = set()
        for read in unmatched:
            candidates = [
                w for w in writes
                if w.path != EVALUATE and w.pattern.suffix == read.pattern.suffix and w.pattern.name_has_constant
                and not any(w.pattern.name_meets(r.pattern) for r in facts.reads(EVALUATE) if r.pattern.name_has_constant)
            ]
            if not candidates:
                continue
            read_path, read_node = read.where()
            read_loc = location(bundle, read_path, read_node)
            if (read_loc.path, read_loc.line or 0, read.pattern.name_glob) in seen_reads:
                continue
            seen_reads.add((read_loc.path, read_loc.line or 0, read.pattern.name_glob))
            cand_locs = [location(bundle, *w.where()) for w in candidates]
            written = ", ".join(f"`{w.pattern.name_glob}` ({where_text(l)})" for w, l in zip(candidates, cand_locs))
            yield Report(
                read_path,
                f"{where_text(read_loc)} reads `{read.pattern.name_glob}` but no module writes a file of that name, while {written} is written instead; "
                f"evaluation will find nothing: write and read the same file name.",
                node=read_node,
                related=tuple(cand_locs),
            ), read
            for w in candidates:
                reported_writes.setdefault(id(w.where()[1]), (w, []))[1].append((read, read_loc))
        for write, reads in reported_writes.values():
            wpath, wnode = write.where()
            wloc = location(bundle, wpath, wnode)
            read_locs = [loc for _, loc in reads]
            wanted = ", ".join(f"`{r.pattern.name_glob}` ({where_text(l)})" for r, l in reads)
            yield Report(
                wpath,
                f"{where_text(wloc)} writes `{write.pattern.name_glob}`, which src/evaluate.py never reads: it looks for {wanted}; "
                f"write and read the same file name.",
                node=wnode,
                related=tuple(read_locs),
            ), write


def _fnmatch(pattern: str, name: str) -> bool:
    import fnmatch

    return fnmatch.fnmatchcase(name, pattern)




# Real reads (they fail when the file is missing); exists/is_file and globs do not fail.
_FAILING_READS = {"open", "read_text", "read_bytes", "pd.read_csv", "pandas.read_csv", "pd.read_json", "pd.read_parquet", "pd.read_pickle",
                  "np.load", "numpy.load", "np.loadtxt", "np.genfromtxt", "torch.load", "OmegaConf.load", "omegaconf.OmegaConf.load", "joblib.load"}
# Files Hydra and WandB write on their own in a run's directory.
_TOOL_FILES = {"config.yaml", "overrides.yaml", "hydra.yaml", "wandb-summary.json", "wandb-metadata.json", "output.log", "requirements.txt", "config.json"}
_CONTRACT_SUFFIXES = RESULT_SUFFIXES + (".yaml", ".yml")
_FILE_ERRORS = {"FileNotFoundError", "OSError", "IOError", "Exception", "BaseException", "EnvironmentError"}
_EXISTS_CALLS = {"exists", "is_file", "isfile", "isdir", "is_dir"}


def _has_exists_test(expr) -> bool:
    from linter.parsing.walk import iter_type

    for call in iter_type(expr, cst.Call):
        func = call.func
        name = func.attr.value if isinstance(func, cst.Attribute) else dotted_name(func)
        if name in _EXISTS_CALLS:
            return True
    return False


def _guarded(index, node) -> bool:
    """Does the code handle a missing file around ``node`` (exists() test, try/except)?"""
    from linter.parsing.walk import iter_type

    child = node
    for ancestor in index.ancestors(node):
        if isinstance(ancestor, cst.If) and child is ancestor.body and _has_exists_test(ancestor.test):
            return True
        if isinstance(ancestor, cst.IfExp) and child is ancestor.body and _has_exists_test(ancestor.test):
            return True
        if isinstance(ancestor, cst.Try) and child is ancestor.body:
            for handler in ancestor.handlers:
                caught = handler.type
                names = [] if caught is None else [dotted_name(e.value) for e in caught.elements] if isinstance(caught, cst.Tuple) else [dotted_name(caught)]
                if (caught is None or any(n in _FILE_ERRORS for n in names)) and not any(r.exc is None for r in iter_type(handler.body, cst.Raise)):
                    return True
        if isinstance(ancestor, (cst.FunctionDef, cst.Module)):
            # `if not path.exists(): return` (or continue) before the read
            for test in iter_type(ancestor, cst.If):
                if _has_exists_test(test.test) and not list(iter_type(test.body, cst.Raise)) and list(iter_type(test.body, (cst.Return, cst.Continue, cst.Break))):
                    return True
            if isinstance(ancestor, cst.FunctionDef):
                break
        child = ancestor
    return False


def _downloads(bundle) -> bool:
    """Does evaluate fetch files itself (WandB run files, artifacts, wandb.restore)?"""
    for call in _calls(bundle, EVALUATE):
        method = _method(call)
        if method in ("download", "restore", "use_artifact", "hf_hub_download", "snapshot_download", "urlretrieve"):
            return True
    return False


def _hydra_output_subdir_moved(bundle) -> bool:
    """Does config/config.yaml move Hydra's `.hydra` folder (hydra.output_subdir)?"""
    config = bundle.yaml("config/config.yaml")
    data = getattr(config, "data", None) if config is not None else None
    hydra = data.get("hydra") if isinstance(data, dict) else None
    if not isinstance(hydra, dict) or "output_subdir" not in hydra:
        return False
    return hydra["output_subdir"] not in (None, ".hydra")


def _never_written(bundle, facts, reported: set[int]):
    """EXP401, second form: evaluate opens a file under the results directory that nothing writes."""
    writes = [w for w in facts.writes() if not w.figure]
    if _downloads(bundle):
        return
    index = bundle.index(EVALUATE)
    seen: set[tuple[int, str]] = set()
    globbed = {str(r.pattern) for r in facts.reads(EVALUATE) if r.api in ("glob", "rglob")}
    for read in facts.reads(EVALUATE):
        if id(read.node) in reported or read.api not in _FAILING_READS or str(read.pattern) in globbed:
            continue  # a file a glob found exists
        name = read.pattern.known_name
        if name is None or read.pattern.suffix not in _CONTRACT_SUFFIXES:
            continue
        if rooted(facts, bundle, read) is None:
            continue
        segments = [("".join(t for t in seg if isinstance(t, str))) for seg in read.pattern.segments()]
        if any(seg in (".hydra", "wandb", "files") for seg in segments):
            continue
        if name in _TOOL_FILES and (bundle.profile.name == "hydra" and _hydra_output_subdir_moved(bundle) or name not in ("config.yaml", "config.json")):
            continue
        suffix = read.pattern.suffix
        if any(w.pattern.name_meets(read.pattern) if w.pattern.name_has_constant else _could_produce(w, suffix) for w in writes):
            continue
        read_path, read_node = read.where()
        loc = location(bundle, read_path, read_node)
        if (loc.line or 0, name) in seen or (read_path, loc.line) in reported:
            continue
        seen.add((loc.line or 0, name))
        reported.add(id(read.node))
        handled = _guarded(index, read.node) or (read.via is not None and _guarded(bundle.index(read.via[0]), read.via[1]))
        path_text = _root_text(read.pattern)
        if handled:
            yield Report(
                read_path,
                f"{where_text(loc)} reads `{path_text}`, but no module of the bundle writes a file named `{name}`, so the code that handles a missing file always runs "
                f"and this read is dead; write the file in src/train.py or drop the read.",
                node=read_node,
                severity=Severity.WARNING,
            )
        else:
            yield Report(
                read_path,
                f"FileNotFoundError in evaluation: {where_text(loc)} reads `{path_text}`, but no module of the bundle writes a file named `{name}`; "
                f"write it in src/train.py or stop reading it.",
                node=read_node,
            )


def _root_text(pattern) -> str:
    from linter.facts.paths import Hole

    out = []
    for i, token in enumerate(pattern.tokens):
        if isinstance(token, Hole):
            out.append("<results_dir>" if i == 0 and is_root_hole(token) else "*" if token.label == "*" else "{" + token.label + "}")
        else:
            out.append(token)
    return "".join(out)


def _describe(dirs: tuple[str, ...], name: str) -> str:
    parts = ["<results_dir>"] + [("<run_id>" if d == ONE else d) for d in dirs] + [name]
    return "/".join(parts)


def _directory_mismatch(bundle, facts, reported: set[int]):
    """EXP401, third form: same file name, but train writes it one folder deeper (or higher)."""
    reads = [r for r in facts.reads(EVALUATE) if r.pattern.known_name is not None or r.api == "glob" or r.api in ("glob", "rglob")]
    by_name: dict[str, list[FileAccess]] = {}
    for read in reads:
        if id(read.node) in reported or not read.pattern.name_has_constant or read.pattern.suffix not in RESULT_SUFFIXES:
            continue
        by_name.setdefault(read.pattern.name_glob, []).append(read)
    if not by_name:
        return  # before root_offsets, which evaluates every list of main.py
    offsets = root_offsets(bundle, facts.evaluators)
    if TRAIN not in offsets or EVALUATE not in offsets:
        return
    train_writes = [w for w in facts.writes(TRAIN) if not w.figure and w.pattern.name_has_constant]
    for name, name_reads in sorted(by_name.items()):
        writers = [w for w in train_writes if w.pattern.name_meets(name_reads[0].pattern)]
        all_writers = [w for w in facts.writes() if not w.figure and (not w.pattern.name_has_constant or w.pattern.name_meets(name_reads[0].pattern)) and w.path != TRAIN]
        if not writers or all_writers or any(not w.figure and not w.pattern.name_has_constant and _could_produce(w, name_reads[0].pattern.suffix) for w in facts.writes(TRAIN)):
            continue
        w_rel = [rooted(facts, bundle, w) for w in writers]
        r_rel = [rooted(facts, bundle, r) for r in name_reads]
        if any(x is None for x in w_rel + r_rel):
            continue
        w_full = [offsets[TRAIN] + dirs for dirs, _ in w_rel]
        r_full = [offsets[EVALUATE] + dirs for dirs, _ in r_rel]
        if any(_dirs_compatible(w, r) for w in w_full for r in r_full):
            continue
        read = name_reads[0]
        read_path, read_node = read.where()
        read_loc = location(bundle, read_path, read_node)
        write = writers[0]
        wpath, wnode = write.where()
        wloc = location(bundle, wpath, wnode)
        wanted = _describe(r_full[0], r_rel[0][1])
        written = _describe(w_full[0], w_rel[0][1])
        yield Report(
            read_path,
            f"Evaluation finds no results: {where_text(read_loc)} reads `{wanted}` but {where_text(wloc)} writes `{written}` "
            f"(paths relative to the --results-dir main.py passes); read and write the same folder.",
            node=read_node,
            related=(wloc,),
        )
        yield Report(
            wpath,
            f"{where_text(wloc)} writes `{written}`, but src/evaluate.py looks for `{wanted}` ({where_text(read_loc)}) "
            f"(paths relative to the --results-dir main.py passes); read and write the same folder.",
            node=wnode,
            related=(read_loc,),
        )


def _dirs_compatible(written: tuple[str, ...], read: tuple[str, ...]) -> bool:
    if len(written) != len(read):
        return False
    return all(a == b or ONE in (a, b) for a, b in zip(written, read))



# -- EXP419 ---------------------------------------------------------------------------------------
_FORMAT_NAMES = {
    "json": "JSON", "yaml": "YAML", "torch": "a torch.save archive", "npy": "a NumPy .npy array", "npz": "a NumPy .npz archive",
    "numpy": "NumPy", "csv": "CSV", "parquet": "Parquet", "pickle": "a pickle",
}
_READERS = {"json": "json.load", "yaml": "yaml.safe_load / OmegaConf.load", "torch": "torch.load", "npy": "np.load", "npz": "np.load",
            "csv": "pd.read_csv", "parquet": "pd.read_parquet", "pickle": "pickle.load"}


def formats_compatible(written: str, read: str) -> bool:
    """Can a reader of format ``read`` parse a file written as ``written``?"""
    if written == read:
        return True
    if written == "json" and read == "yaml":
        return True  # YAML 1.2 is a superset of JSON; PyYAML reads json.dump output
    if read == "numpy" and written in ("npy", "npz"):
        return True
    return False


_TRAIN_SAVES_YAML = '''"""Train one run and keep its configuration beside the checkpoint."""
from pathlib import Path

import torch
from omegaconf import DictConfig, OmegaConf


def save(cfg: DictConfig, model: torch.nn.Module, results_dir: str, run_id: str) -> None:
    run_dir = Path(results_dir) / run_id
    run_dir.mkdir(parents=True, exist_ok=True)
    OmegaConf.save(cfg, run_dir / "config.yaml")
    torch.save(model.state_dict(), run_dir / "model.pt")
'''

_EVAL_READS_CONFIG = '''"""Evaluate one run from its saved configuration."""
import json
from pathlib import Path


def run_config(results_dir: str, run_id: str) -> dict:
    with open(Path(results_dir) / run_id / "config.yaml") as handle:
        return json.load(handle)
'''


class ResultsFormatMismatch(Rule):
    """## What it does
    Compares how a file is written with how `src/evaluate.py` reads it back, for files whose
    name both sides spell the same: `OmegaConf.save`/`yaml.dump` (YAML), `json.dump`/
    `json.dumps` (JSON), `torch.save`, `np.save`/`np.savez`, `pickle.dump`, `df.to_csv`
    against `json.load`, `yaml.safe_load`/`OmegaConf.load`, `torch.load`, `np.load`,
    `pickle.load`, `pd.read_csv`. The format of an `open()` handle is the serializer the
    `with` block hands it to. JSON read back with a YAML loader is accepted (YAML is a
    superset of JSON); a format the code does not show is never guessed.

    ## Why is this bad?
    The file exists and has the right name, so nothing looks wrong until evaluation runs:
    `json.load` on a YAML file raises `JSONDecodeError`, `json.load` on an `.npy` array
    raises `UnicodeDecodeError`, `torch.load` on a pickle raises "invalid magic number".

    ## Use instead
    Read a file with the library that wrote it: `OmegaConf.load(path)` (or
    `yaml.safe_load`) for `OmegaConf.save`, `np.load` for `np.save`, `json.load` for
    `json.dump`.
    """

    code = "EXP419"
    name = "results-format-mismatch"
    summary = "evaluate.py parses a file with another format than the one it is written in."
    profiles = EIGHT_FILE_PROFILES | {"hydra"}
    valid = (
        Valid(),
        Valid(profile="hydra"),
        Valid({"src/train.py": _TRAIN_SAVES_YAML, "src/evaluate.py": _EVAL_READS_CONFIG.replace("import json\n", "import yaml\n").replace("json.load(handle)", "yaml.safe_load(handle)")}, title="YAML written, YAML read"),
        Valid(
            {
                "src/train.py": _TRAIN_SAVES_YAML.replace("OmegaConf.save(cfg, run_dir / \"config.yaml\")", "(run_dir / \"config.yaml\").write_text(json.dumps(OmegaConf.to_container(cfg)))").replace("from pathlib", "import json\nfrom pathlib"),
                "src/evaluate.py": _EVAL_READS_CONFIG.replace("import json\n", "from omegaconf import OmegaConf\n").replace("with open(Path(results_dir) / run_id / \"config.yaml\") as handle:\n        return json.load(handle)", "return OmegaConf.load(Path(results_dir) / run_id / \"config.yaml\")"),
            },
            title="JSON text read back with a YAML loader: YAML is a superset of JSON",
        ),
    )
    invalid = (
        Invalid({"src/train.py": _TRAIN_SAVES_YAML, "src/evaluate.py": _EVAL_READS_CONFIG}, "src/evaluate.py:7", title="OmegaConf.save (YAML) read with json.load"),
        Invalid({"src/train.py": _TRAIN_SAVES_YAML, "src/evaluate.py": _EVAL_READS_CONFIG}, "src/evaluate.py:7", profile="hydra", title="the same in a Hydra bundle"),
        Invalid(
            {
                "src/train.py": _TRAIN_SAVES_YAML.replace("OmegaConf.save(cfg, run_dir / \"config.yaml\")", "np.save(run_dir / \"scores.npy\", np.zeros(3))").replace("import torch\n", "import numpy as np\nimport torch\n"),
                "src/evaluate.py": '''"""Evaluate one run."""\nimport json\nimport os\n\n\ndef scores(results_dir: str, run_id: str) -> list:\n    return json.loads(open(os.path.join(results_dir, run_id, "scores.npy")).read())\n''',
            },
            "src/evaluate.py:7",
            title="np.save read with json.loads",
        ),
    )

    def check(self, bundle):
        if EVALUATE not in bundle.files:
            return
        facts = bundle.fact(FileIO)
        writes = [w for w in facts.writes() if not w.figure and w.pattern.known_name is not None]
        seen: set[tuple[int, str]] = set()
        for read in facts.reads(EVALUATE):
            name = read.pattern.known_name
            if read.fmt is None or name is None:
                continue
            same = [w for w in writes if w.pattern.known_name == name]
            if not same or any(w.path == EVALUATE for w in same):
                continue
            known = [w for w in same if w.fmt is not None]
            if not known or len(known) != len(same) or any(formats_compatible(w.fmt, read.fmt) for w in known):
                continue
            read_path, read_node = read.where()
            loc = location(bundle, read_path, read_node)
            if (loc.line or 0, name) in seen:
                continue
            seen.add((loc.line or 0, name))
            write = known[0]
            wloc = location(bundle, *write.where())
            yield Report(
                read_path,
                f"{where_text(loc)} parses `{name}` as {_FORMAT_NAMES.get(read.fmt, read.fmt)}, but {where_text(wloc)} writes it as "
                f"{_FORMAT_NAMES.get(write.fmt, write.fmt)}: evaluation fails with a decode error; read it with {_READERS.get(write.fmt, 'the library that wrote it')}.",
                node=read_node,
                related=(wloc,),
            )


# -- EXP402 ---------------------------------------------------------------------------------------
_TRAIN_WRITES_DICT = '''"""Train one run."""
import json
from pathlib import Path


def save(history: list, best: float, results_dir: str, run_id: str) -> None:
    results = {"run_id": run_id, "history": history}
    results["best_val_metric"] = best
    run_dir = Path(results_dir) / run_id
    run_dir.mkdir(parents=True, exist_ok=True)
    with open(run_dir / "results.json", "w") as handle:
        json.dump(results, handle)
'''

_EVAL_READS_KEYS = '''"""Evaluate all runs."""
import json
from pathlib import Path


def load(results_dir: str) -> list:
    runs = []
    for path in sorted(Path(results_dir).glob("*/results.json")):
        with open(path) as handle:
            runs.append(json.load(handle))
    return runs


def best_scores(results_dir: str) -> dict:
    return {run["run_id"]: run[KEY] for run in load(results_dir)}
'''


_TRAIN_WRITES_CSV = '''"""Train one run and keep its learning curve as a CSV table."""
from pathlib import Path

import pandas as pd


def save_curve(losses: list, accuracies: list, results_dir: str, run_id: str) -> None:
    rows = []
    for epoch, (loss, acc) in enumerate(zip(losses, accuracies)):
        rows.append({"epoch": epoch, "train_loss": loss, "val_acc": acc})
    run_dir = Path(results_dir) / run_id
    run_dir.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(run_dir / "curve.csv", index=False)
'''

_EVAL_READS_CSV = '''"""Read every run's learning curve."""
from pathlib import Path

import pandas as pd


def final_accuracy(results_dir: str) -> dict:
    out = {}
    for path in sorted(Path(results_dir).glob("*/curve.csv")):
        frame = pd.read_csv(path)
        out[path.parent.name] = float(frame["COLUMN"].iloc[-1])
    return out
'''

_EVAL_FRAME_OF_RESULTS = '''"""Tabulate all runs."""
import json
from pathlib import Path

import pandas as pd


def best(results_dir: str) -> float:
    records = []
    for path in sorted(Path(results_dir).glob("*/results.json")):
        with open(path) as handle:
            records.append(json.load(handle))
    frame = pd.DataFrame(records)
    return float(frame["KEY"].max())
'''


class ResultsKeyMismatch(Rule):
    """## What it does
    Checks that the keys `src/evaluate.py` reads from the loaded results
    (`data["best_val_acc"]`, `data["summary"]["test_acc"]`) are among the keys the
    writer stores, when the written dict is statically known: a dict literal, possibly
    grown with `d["k"] = v` or `d.update({...})` in the same function. Values are
    followed through assignments, `list.append`, loops, comprehensions, returns and
    parameters inside `src/evaluate.py`. `data.get("k")`, keys tested with `"k" in data`,
    keys evaluate sets itself, and dicts with `**other` or non-constant keys are not
    checked.

    Tables too: the columns of `pd.read_csv(path)` (or of `pd.DataFrame(records)` built
    from the loaded results) must be among those of the table train writes with
    `pd.DataFrame(rows).to_csv(path)` (rows: dict literals, appended in one function) or
    `csv.DictWriter(f, fieldnames=[...])`. Frames renamed in place, re-read with
    `names=`/`usecols=`/`index_col=`, or rebound are not checked.

    ## Why is this bad?
    Evaluation runs after every training run has finished; a `KeyError` there loses
    the comparison of the whole experiment. It happens when train's result dict is
    renamed (`best_val_metric`) and evaluate keeps the old name (`best_val_accuracy`).

    ## Use instead
    Read the keys train writes (or write the keys evaluate reads); use `.get(key,
    default)` for optional keys.
    """

    code = "EXP402"
    name = "results-key-mismatch"
    summary = "evaluate.py reads a key the results file does not have."
    profiles = EIGHT_FILE_PROFILES
    valid = (
        Valid(),
        Valid({"src/train.py": _TRAIN_WRITES_DICT, "src/evaluate.py": _EVAL_READS_KEYS.replace("KEY", '"best_val_metric"')}, title="a key added with results[\"k\"] = v"),
        Valid({"src/train.py": _TRAIN_WRITES_DICT.replace('"history": history}', '"history": history, **extra}').replace("run_id: str)", "run_id: str, extra: dict)"), "src/evaluate.py": _EVAL_READS_KEYS.replace("KEY", '"best_val_accuracy"')}, title="**extra: keys not statically known"),
        Valid({"src/train.py": _TRAIN_WRITES_CSV, "src/evaluate.py": _EVAL_READS_CSV.replace("COLUMN", "val_acc")}, title="a CSV column train writes through pd.DataFrame(rows).to_csv"),
        Valid({"src/train.py": _TRAIN_WRITES_CSV.replace('rows.append({"epoch": epoch, "train_loss": loss, "val_acc": acc})', 'rows.append(dict(zip(names, (epoch, loss, acc))))').replace("results_dir: str, run_id: str)", "results_dir: str, run_id: str, names: tuple)"), "src/evaluate.py": _EVAL_READS_CSV.replace("COLUMN", "val_accuracy")}, title="rows whose keys are not statically known: silent"),
        Valid({"src/train.py": _TRAIN_WRITES_DICT, "src/evaluate.py": _EVAL_FRAME_OF_RESULTS.replace("KEY", "best_val_metric")}, title="pd.DataFrame of the loaded results: a column per written key"),
        Valid({"src/train.py": _TRAIN_WRITES_CSV, "src/evaluate.py": _EVAL_READS_CSV.replace("COLUMN", "val_accuracy").replace("        frame = pd.read_csv(path)\n", "        frame = pd.read_csv(path)\n        frame.rename(columns={\"val_acc\": \"val_accuracy\"}, inplace=True)\n")}, title="columns renamed in place: not checked"),
    )
    invalid = (
        Invalid({"src/train.py": _TRAIN_WRITES_DICT, "src/evaluate.py": _EVAL_READS_KEYS.replace("KEY", '"best_val_accuracy"')}, "src/evaluate.py:15", title="renamed key"),
        Invalid({"src/train.py": _TRAIN_WRITES_CSV, "src/evaluate.py": _EVAL_READS_CSV.replace("COLUMN", "val_accuracy")}, "src/evaluate.py:11", title="pd.read_csv column that the written rows do not have"),
        Invalid({"src/train.py": _TRAIN_WRITES_DICT, "src/evaluate.py": _EVAL_FRAME_OF_RESULTS.replace("KEY", "best_val_accuracy")}, "src/evaluate.py:14", title="pd.DataFrame(records) of the loaded results, a column no result has"),
    )

    def check(self, bundle):
        from linter.facts.json_keys import JsonKeys

        facts = bundle.fact(JsonKeys)
        writes = [w for w in facts.writes if w.path != EVALUATE]
        reported: set[tuple[str, ...]] = set()
        for read in facts.reads:
            matching = [w for w in writes if any(w.pattern.name_meets(src) for src in read.sources)]
            if not matching or any(w.keys is None for w in matching):
                continue
            missing_at = _missing(read.keys, [w.keys for w in matching])
            if missing_at is None:
                continue
            chain = read.keys[: missing_at + 1]
            if chain in reported:
                continue
            reported.add(chain)
            locs = [location(bundle, w.path, w.node) for w in matching]
            available = sorted({k for tree in _level([w.keys for w in matching], read.keys[:missing_at]) for k in tree.keys})
            subscript = "".join(f'["{k}"]' for k in chain)
            if all(w.table for w in matching):
                yield Report(
                    EVALUATE,
                    f"KeyError in evaluation: src/evaluate.py reads the column `{chain[-1]}` of the table written at "
                    f"{', '.join(where_text(l) for l in locs)}, which has no such column (it has {', '.join(f'`{k}`' for k in available) or 'no columns'}); "
                    f"read a column train writes or write this one.",
                    node=read.node,
                    related=tuple(locs),
                )
                continue
            yield Report(
                EVALUATE,
                f"KeyError in evaluation: src/evaluate.py reads `{subscript}` from the results, but the dict written at "
                f"{', '.join(where_text(l) for l in locs)} has no key `{chain[-1]}` (it has {', '.join(f'`{k}`' for k in available) or 'no keys'}); "
                f"read a key train writes or write this one.",
                node=read.node,
                related=tuple(locs),
            )


def _level(trees, prefix):
    current = list(trees)
    for key in prefix:
        current = [t.keys[key] for t in current if key in t.keys and t.keys[key] is not None]
    return current


def _missing(keys, trees) -> int | None:
    """The depth at which ``keys`` leaves every (complete) written tree, or None."""
    current = list(trees)
    for depth, key in enumerate(keys):
        if not current or any(not t.complete for t in current):
            return None
        if not any(key in t.keys for t in current):
            return depth
        nxt = []
        for t in current:
            if key in t.keys:
                if t.keys[key] is None:
                    return None  # a value we cannot see into
                nxt.append(t.keys[key])
        current = nxt
    return None


# -- EXP414 ---------------------------------------------------------------------------------------
_HYDRA_EVAL_READS = '''"""Evaluate the runs from WandB."""
import wandb


def collect(entity: str, project: str, run_id: str) -> dict:
    run = wandb.Api().run(f"{entity}/{project}/{run_id}")
    history = run.history(keys=["epoch", "val_accuracy"])
    summary = run.summary
    return {"best": summary["BEST"], "final": float(history["val_accuracy"].iloc[-1])}
'''


class WandbMetricMismatch(Rule):
    """## What it does
    Checks that the metric keys `src/evaluate.py` reads from WandB are logged by the
    training code: every column of `run.history(keys=[...])` or subscript of a
    `run.history()` frame must be a key of some `wandb.log({...})`, and every
    `run.summary["k"]` must be logged or set with `wandb.summary["k"] = v` /
    `run.summary.update({...})`. f-string keys match as patterns. When a `wandb.log`
    payload is not statically known (a dict built elsewhere, `**metrics`), the rule is
    silent; `summary.get("k", default)` is never reported.

    ## Why is this bad?
    Evaluation runs after all training runs: a key typo (`val_acc` logged, `val_accuracy`
    read) gives an empty history column or a `KeyError` on the summary, and the whole
    comparison is lost.

    ## Use instead
    Read exactly the keys train logs, ideally from one shared list of metric names.
    """

    code = "EXP414"
    name = "wandb-metric-mismatch"
    summary = "evaluate.py reads a WandB metric train never logs."
    profiles = frozenset({"hydra"})
    valid = (
        Valid(profile="hydra"),
        Valid({"src/evaluate.py": _HYDRA_EVAL_READS.replace("BEST", "best_val_accuracy").replace('float(history["val_accuracy"].iloc[-1])', 'list(history["y_pred"]) if {"y_pred"}.issubset(history.columns) else []')}, profile="hydra", title="a column tested before use"),
    )
    invalid = (
        Invalid({"src/evaluate.py": _HYDRA_EVAL_READS.replace('keys=["epoch", "val_accuracy"]', 'keys=["epoch", "val_acc"]').replace("BEST", "best_val_accuracy")}, "src/evaluate.py:7", profile="hydra", title="history column never logged"),
        Invalid({"src/evaluate.py": _HYDRA_EVAL_READS.replace("BEST", "best_accuracy")}, "src/evaluate.py:9", profile="hydra", title="summary key never set"),
    )

    def check(self, bundle):
        import fnmatch

        from linter.facts.wandb_keys import HISTORY, WandbKeys

        facts = bundle.fact(WandbKeys)
        if not facts.logs or not facts.complete or not facts.logged:
            return
        history = [k for k in facts.logged if k.where == HISTORY]
        reported: set[tuple[str, str]] = set()
        for read in facts.reads:
            if read.key.startswith("_") or (read.key, read.where) in reported:
                continue
            pool = history if read.where == HISTORY else facts.logged
            if any(fnmatch.fnmatchcase(read.key, k.key) for k in pool):
                continue
            reported.add((read.key, read.where))
            locs = sorted({location(bundle, k.path, k.node) for k in pool}, key=lambda l: (l.path, l.line or 0, l.column or 0, l.end_line or 0, l.end_column or 0))[:3]
            names = ", ".join(sorted({f"`{k.key}`" for k in pool}))
            what = "logs with `wandb.log`" if read.where == HISTORY else "logs or sets in the run summary"
            yield Report(
                EVALUATE,
                f"src/evaluate.py reads the {read.where} metric `{read.key}`, but the training code never {what} a key of that name "
                f"(it has {names}); the evaluation gets an empty column or a KeyError: read a logged key or log this one.",
                node=read.node,
                related=tuple(locs),
            )

# -- helpers over one module's syntax -----------------------------------------------------------------
import libcst as cst  # noqa: E402

from linter.parsing.cst_helpers import arg, dotted_name, keyword_arg, string_value  # noqa: E402


def _strings(bundle, path: str) -> list[tuple[str, cst.CSTNode]]:
    """Every plain string constant of a module (f-string text parts included)."""
    index = bundle.index(path)
    if index is None:
        return []
    out = []
    for node in index.of(cst.SimpleString):
        value = string_value(node)
        if value is not None:
            out.append((value, node))
    for node in index.of(cst.FormattedStringText):
        out.append((node.value, node))
    return out


def _calls(bundle, path: str) -> list[cst.Call]:
    index = bundle.index(path)
    return index.of(cst.Call) if index is not None else []


def _method(call: cst.Call) -> str | None:
    return call.func.attr.value if isinstance(call.func, cst.Attribute) else dotted_name(call.func)


def _strict_in_base(bundle) -> Severity:
    """Requirements the base validator lists explicitly: errors there, warnings in derived bundles."""
    return Severity.ERROR if bundle.profile.name in ("base", "hydra") else Severity.WARNING


# Older hydra prompts (Oct 2025) keep the 8-file "Structured Logging" criterion; current
# ones forbid stdout JSON in train.py (EXP605). Checked only when the prompt says so.
_HYDRA_JSON_LINES = "train.py prints JSON-formatted metrics with `run_id`"
_HYDRA_RUN_LOGS = "main.py redirects subprocess stdout/stderr to `{results_dir}/{run_id}/stdout.log`"


def _hydra_prompt_asks(bundle, phrase: str) -> bool:
    """A hydra bundle is held to an 8-file logging criterion only when its prompt states it."""
    if bundle.profile.name != "hydra":
        return True
    text = getattr(bundle.context, "instructions", None)
    return text is not None and phrase in text


def _first_line_node(bundle, path: str):
    index = bundle.index(path)
    return None if index is None else (index.module.body[0] if index.module.body else None)


# -- EXP403 ---------------------------------------------------------------------------------------
def _json_prints(bundle, path: str) -> list[tuple[cst.Call, cst.BaseExpression | None]]:
    """``print(json.dumps(X))`` (or ``sys.stdout.write(json.dumps(X))``): the call and X."""
    out = []
    for call in _calls(bundle, path):
        name = dotted_name(call.func)
        if name not in ("print", "sys.stdout.write", "tqdm.write", "tqdm.tqdm.write"):
            continue
        for a in call.args:
            value = a.value
            if isinstance(value, cst.Call) and dotted_name(value.func) in ("json.dumps", "dumps"):
                payload = value.args[0].value if value.args and value.args[0].keyword is None else None
                out.append((call, payload))
    return out


def _name_has_key(bundle, path: str, name: str, key: str, at: cst.CSTNode, depth: int) -> bool | None:
    """A dict variable assigned once in the printing function and only grown with constant keys."""
    index = bundle.index(path)
    scope = index.enclosing(at, cst.FunctionDef)
    if scope is None:
        return None
    values = []
    for node in index.of(cst.Assign, cst.AugAssign, cst.AnnAssign):
        if index.enclosing(node, cst.FunctionDef) is not scope:
            continue
        targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
        for target in targets:
            if isinstance(target, cst.Name) and target.value == name:
                if isinstance(node, cst.AugAssign):
                    return None
                values.append(node.value)
            elif isinstance(target, (cst.Tuple, cst.List)) and any(isinstance(e.value, cst.Name) and e.value.value == name for e in target.elements):
                return None
            elif isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name) and target.value.value == name:
                element = target.slice[0].slice if len(target.slice) == 1 else None
                k = string_value(element.value) if isinstance(element, cst.Index) else None
                if k is None or k == key:
                    return None if k is None else True
    for call in index.of(cst.Call):
        if isinstance(call.func, cst.Attribute) and isinstance(call.func.value, cst.Name) and call.func.value.value == name \
                and call.func.attr.value in ("update", "setdefault", "__setitem__") and index.enclosing(call, cst.FunctionDef) is scope:
            return None
    for node in index.of(cst.For, cst.With, cst.NamedExpr):
        if index.enclosing(node, cst.FunctionDef) is scope and name in {n.value for n in (
                [node.target] if isinstance(node, (cst.For, cst.NamedExpr)) else [i.asname.name for i in node.items if i.asname is not None])
                if isinstance(n, cst.Name)}:
            return None
    if len(values) != 1 or any(p.name.value == name for p in scope.params.params):
        return None
    return _dict_has_key(bundle, path, values[0], key, depth + 1)


def _dict_has_key(bundle, path: str, expr: cst.BaseExpression | None, key: str, depth: int = 0, at: cst.CSTNode | None = None) -> bool | None:
    """Does the dict ``expr`` certainly (True), certainly not (False) or maybe (None) hold ``key``?"""
    if expr is None or depth > 4:
        return None
    if isinstance(expr, cst.Dict):
        unknown = False
        for element in expr.elements:
            if isinstance(element, cst.StarredDictElement):
                unknown = True
                continue
            k = string_value(element.key)
            if k is None:
                unknown = True
            elif k == key:
                return True
        return None if unknown else False
    if isinstance(expr, cst.Name) and at is not None:
        return _name_has_key(bundle, path, expr.value, key, at, depth)
    if isinstance(expr, cst.Call) and dotted_name(expr.func) == "dict":
        if any(a.keyword is not None and a.keyword.value == key for a in expr.args):
            return True
        return None if any(a.keyword is None for a in expr.args) else False
    return None


class StructuredStdoutMissing(Rule):
    """## What it does
    Checks that `src/train.py` prints its metrics as JSON lines with
    `print(json.dumps({...}))` and that the printed dicts carry a `"run_id"` key, as the
    generation prompt's "Structured Logging" section requires.

    ## Why is this bad?
    The pipeline collects each run's stdout (`{results_dir}/{run_id}/stdout.log`) and
    parses its JSON lines; without them, or without `run_id`, the numbers cannot be
    attributed to a run. The base validator lists this requirement explicitly, so it is
    an error for base bundles and a warning for derived ones (nothing crashes). Hydra
    bundles are checked (as errors) only when the reviewer prompt lists the criterion, as
    the October 2025 hydra prompts did; the current hydra prompt forbids stdout JSON in
    `train.py` instead (EXP605).

    ## Use instead
    `print(json.dumps({"run_id": run_id, "epoch": epoch, "val_acc": acc}))`.
    A dict built elsewhere (a variable, `**metrics`) is not checked.
    """

    code = "EXP403"
    name = "structured-stdout-missing"
    summary = "train.py does not print JSON lines with a run_id."
    profiles = EIGHT_FILE_PROFILES | {"hydra"}
    valid = (
        Valid(),
        Valid({"src/train.py": 'import json\n\n\ndef report(metrics: dict) -> None:\n    print(json.dumps(metrics), flush=True)\n'}, title="a dict passed in: not statically known"),
    )
    invalid = (
        Invalid({"src/train.py": 'def report(run_id: str, acc: float) -> None:\n    print(f"{run_id}: accuracy {acc:.3f}")\n'}, "src/train.py:1", title="no JSON line at all"),
        Invalid({"src/train.py": 'import json\n\n\ndef report(acc: float) -> None:\n    print(json.dumps({"epoch": 1, "acc": acc}))\n'}, "src/train.py:5", profile="base", title="JSON without run_id (an error for base bundles)"),
        Invalid({"src/train.py": 'from rich.console import Console\n\nconsole = Console()\n\n\ndef report(run_id: str, acc: float) -> None:\n    console.print_json(data={"run_id": run_id, "acc": acc})\n'}, "src/train.py:7", title="rich print_json instead of print(json.dumps(...))"),
    )

    def check(self, bundle):
        if TRAIN not in bundle.files or bundle.index(TRAIN) is None or not _hydra_prompt_asks(bundle, _HYDRA_JSON_LINES):
            return
        prints = _json_prints(bundle, TRAIN)
        severity = _strict_in_base(bundle)
        if not prints:
            rich = next((c for c in _calls(bundle, TRAIN) if _method(c) == "print_json"), None)
            if rich is not None:
                yield Report(TRAIN, "src/train.py prints its metrics with `print_json` (rich), which adds colour codes and line breaks, instead of `print(json.dumps({...}))`: the pipeline parses plain JSON lines with a `run_id` field; use `print(json.dumps(...))`.", node=rich, severity=severity)
                return
            yield Report(TRAIN, "src/train.py never prints `json.dumps(...)`: the pipeline expects JSON lines on stdout with the run's metrics and a `run_id` field; add `print(json.dumps({\"run_id\": run_id, ...}))`.", line=1, severity=severity)
            return
        verdicts = [_dict_has_key(bundle, TRAIN, payload, "run_id", at=call) for call, payload in prints]
        if any(v is not False for v in verdicts):
            return
        yield Report(TRAIN, "The JSON lines src/train.py prints have no `run_id` field: the pipeline cannot attribute the metrics to a run; add `\"run_id\": run_id` to the printed dict.", node=prints[0][0], severity=severity)


# -- EXP407 ---------------------------------------------------------------------------------------
_REQUIRED_FLAGS = ("--smoke-test", "--full-experiment", "--results-dir")


class MainCliContract(Rule):
    """## What it does
    Checks that `src/main.py` accepts the documented command line:
    `--smoke-test`, `--full-experiment` and `--results-dir <path>` (argparse, click or
    any parser that names these options).

    ## Why is this bad?
    The workflow runs `uv run python -m src.main --smoke-test --results-dir <path>` and
    then `--full-experiment`; a parser that spells an option differently
    (`--results_dir`, `--smoke`) exits with "unrecognized arguments" before any run.

    ## Use instead
    ```python
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--smoke-test", action="store_true")
    mode.add_argument("--full-experiment", action="store_true")
    parser.add_argument("--results-dir", required=True)
    ```
    """

    code = "EXP407"
    name = "main-cli-contract"
    summary = "main.py lacks --smoke-test, --full-experiment or --results-dir."
    profiles = EIGHT_FILE_PROFILES
    valid = (Valid(),)
    invalid = (
        Invalid(
            {"src/main.py": 'import argparse\n\n\ndef main() -> None:\n    parser = argparse.ArgumentParser()\n    parser.add_argument("--smoke-test", action="store_true")\n    parser.add_argument("--full-experiment", action="store_true")\n    parser.add_argument("--results_dir", required=True)\n    parser.parse_args()\n    print("evaluate with python -m src.evaluate")\n'},
            "src/main.py:5",
            title="--results_dir instead of --results-dir",
        ),
    )

    def check(self, bundle):
        index = bundle.index(MAIN)
        if index is None:
            return
        texts = [value for value, _ in _strings(bundle, MAIN)]
        missing = [flag for flag in _REQUIRED_FLAGS if not any(flag == t or flag in t.split("/") or t.startswith(flag + "=") for t in texts)]
        if not missing:
            return
        anchor = next((c for c in index.of(cst.Call) if dotted_name(c.func) in ("argparse.ArgumentParser", "ArgumentParser")), None)
        options = ", ".join(f"`{m}`" for m in missing)
        yield Report(MAIN, f"src/main.py does not accept {options}: the workflow runs `python -m src.main --smoke-test|--full-experiment --results-dir <path>` and would stop with an argument error; add the option{'s' if len(missing) > 1 else ''}.", node=anchor, line=None if anchor is not None else 1)


# -- EXP408 ---------------------------------------------------------------------------------------
_MAIN_LOGS_IN_ROOT = '''"""Run the experiment, then evaluate it."""
import argparse
import os
import subprocess
import sys


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke-test", action="store_true")
    parser.add_argument("--full-experiment", action="store_true")
    parser.add_argument("--results-dir", required=True)
    args = parser.parse_args()
    for run_id in ("baseline", "proposed"):
        command = [sys.executable, "-m", "src.train", "--run-id", run_id, "--results-dir", args.results_dir]
        with open(os.path.join(args.results_dir, "stdout.log"), "w") as out, \\
                open(os.path.join(args.results_dir, "stderr.log"), "w") as err:
            subprocess.run(command, stdout=out, stderr=err, check=True)
    subprocess.run([sys.executable, "-m", "src.evaluate", "--results-dir", args.results_dir], check=True)


if __name__ == "__main__":
    main()
'''


class RunLogsNotCaptured(Rule):
    """## What it does
    Checks that `src/main.py` writes each run's output to `{results_dir}/{run_id}/stdout.log`
    and `stderr.log` as separate files, and does not merge the child's stderr into its
    stdout (`stderr=subprocess.STDOUT`). When the log file's directory is statically
    known (also through a helper's `log_dir` parameter, at each call of the helper), it
    must not be the results root itself (`{results_dir}/stdout.log`); any deeper folder
    (`results_dir / run_id`, `results_dir / "evaluation"`) is accepted; logs in the root
    are a warning (they are lost only when a second process writes there). Hydra bundles
    are checked only when the reviewer prompt states this criterion (older prompts).

    ## Why is this bad?
    The generation contract asks main.py to capture each run's stdout and stderr in two
    files while forwarding them to the console (a tee). The base validator rejects
    bundles that merge stderr or write only one log file, so this is an error for base
    bundles and a warning for derived ones.

    ## Use instead
    Open both files, start the run with `stdout=PIPE, stderr=PIPE`, and copy each line
    to its file and to `sys.stdout`/`sys.stderr` (one thread per stream).
    """

    code = "EXP408"
    name = "run-logs-not-captured"
    summary = "main.py does not write stdout.log and stderr.log per run."
    profiles = EIGHT_FILE_PROFILES | {"hydra"}
    valid = (Valid(),)
    invalid = (
        Invalid(
            {"src/main.py": 'import subprocess\nimport sys\n\n\ndef run(command: list, log_dir) -> int:\n    with open(log_dir / "stdout.log", "w") as out:\n        return subprocess.call(command, stdout=out, stderr=subprocess.STDOUT)\n\n\nif __name__ == "__main__":\n    print(sys.argv, "--smoke-test --full-experiment --results-dir src.evaluate")\n'},
            ["src/main.py:7", "src/main.py:6"],
            profile="base",
            title="stderr merged into stdout, no stderr.log",
        ),
        Invalid(
            {"src/main.py": patched("experiment", "src/main.py", ('str(results_dir)], results_dir / "evaluation")', 'str(results_dir)], results_dir)'))},
            "src/main.py:60",
            profile="base",
            title="the evaluation's logs written in the results root (through the helper's log_dir parameter)",
        ),
        Invalid(
            {"src/main.py": _MAIN_LOGS_IN_ROOT},
            ["src/main.py:16", "src/main.py:17"],
            title="every run's logs in the results directory itself (a warning outside base)",
        ),
    )

    def check(self, bundle):
        index = bundle.index(MAIN)
        if index is None or not _hydra_prompt_asks(bundle, _HYDRA_RUN_LOGS):
            return
        severity = _strict_in_base(bundle)
        for call in index.of(cst.Call):
            value = keyword_arg(call, "stderr")
            if value is not None and dotted_name(value) in ("subprocess.STDOUT", "STDOUT"):
                yield Report(MAIN, "src/main.py merges the run's stderr into its stdout (`stderr=subprocess.STDOUT`): the contract asks for separate `{results_dir}/{run_id}/stdout.log` and `stderr.log`; pipe stderr on its own and tee it to `stderr.log`.", node=value, severity=severity)
        texts = _strings(bundle, MAIN)
        for name in ("stdout.log", "stderr.log"):
            if any(name in value for value, _ in texts):
                continue
            other = "stderr.log" if name == "stdout.log" else "stdout.log"
            anchor = next((node for value, node in texts if other in value), None)
            yield Report(MAIN, f"src/main.py never writes `{name}`: each run's {name.split('.')[0]} must go to `{{results_dir}}/{{run_id}}/{name}` while still being forwarded to the console; add it to the tee.", node=anchor, line=None if anchor is not None else 1, severity=severity)
        yield from _logs_in_results_root(bundle, index, severity)


_ROOT_LABEL = re.compile(r"(results?|outputs?|out|save)_?(dir|root|path|folder)?")


def _is_root(dirs) -> str | None:
    """The label of a log directory that is the results root itself (``{results_dir}``)."""
    from linter.facts.paths import Hole

    if len(dirs) == 1 and len(dirs[0]) == 1 and isinstance(dirs[0][0], Hole) and _ROOT_LABEL.fullmatch(dirs[0][0].label):
        return dirs[0][0].label
    return None


def _logs_in_results_root(bundle, index, severity=None):
    """stdout.log / stderr.log whose directory is statically the results root, not a run folder."""
    from linter.facts.paths import Hole

    facts = bundle.fact(FileIO)
    evaluator = facts.evaluators.get(MAIN)
    sites: dict[int, tuple[cst.CSTNode, str, list[str], cst.CSTNode]] = {}
    for write in facts.writes(MAIN):
        name = write.pattern.name_glob
        if name not in ("stdout.log", "stderr.log") or write.via is not None:
            continue
        dirs = write.pattern.segments()[:-1]
        if not (len(dirs) == 1 and len(dirs[0]) == 1 and isinstance(dirs[0][0], Hole)) or evaluator is None:
            continue
        function = index.enclosing(write.node, cst.FunctionDef)
        params = [p.name.value for p in function.params.params] if function is not None else []
        param = dirs[0][0].label
        if param not in params:
            label = _is_root(dirs)
            if label is not None:
                sites.setdefault(id(write.node), (write.node, label, [], write.node))[2].append(name)
            continue
        position = params.index(param)
        for call in index.of(cst.Call):
            if type(call.func) is not cst.Name or call.func.value != function.name.value or any(a.star for a in call.args):
                continue
            value = arg(call, position, param)
            if value is None:
                continue
            label = _is_root(evaluator.evaluate(value, at=call).segments())
            if label is not None:
                sites.setdefault(id(call), (call, label, [], write.node))[2].append(name)
    for node, label, names, write_node in sites.values():
        loc = location(bundle, MAIN, node)
        via = "" if node is write_node else f" (through the log path built at {where_text(location(bundle, MAIN, write_node))})"
        files = " and ".join(f"`{n}`" for n in sorted(set(names)))
        yield Report(
            MAIN,
            f"{where_text(loc)} writes {files} directly in `{{{label}}}`{via}, not in a run's own folder: the contract keeps each "
            f"subprocess's logs in `{{results_dir}}/{{run_id}}/`, and logs in the root are overwritten by the next process that does the same; "
            f"pass a per-run subfolder such as `{label} / run_id`.",
            node=node,
            severity=Severity.WARNING,
        )


# -- EXP409 ---------------------------------------------------------------------------------------
class EvaluateNotLaunched(Rule):
    """## What it does
    Checks that `src/main.py` launches the evaluation after the runs: a subprocess with
    `-m src.evaluate` (or `src/evaluate.py`), or an import of `src.evaluate` / `.evaluate`
    whose function it calls.

    ## Why is this bad?
    The generation contract says main.py "finally triggers evaluate.py". The workflow
    runs only `src.main`; if main never starts the evaluation, no comparison figures or
    numbers are produced.

    ## Use instead
    `subprocess.run([sys.executable, "-m", "src.evaluate", "--results-dir", str(results_dir)], check=True)`
    after the loop over runs.
    """

    code = "EXP409"
    name = "evaluate-not-launched"
    summary = "main.py never launches src.evaluate."
    profiles = EIGHT_FILE_PROFILES
    valid = (Valid(),)
    invalid = (
        Invalid(
            {"src/main.py": 'import argparse\nimport subprocess\nimport sys\n\n\ndef main() -> None:\n    parser = argparse.ArgumentParser()\n    parser.add_argument("--smoke-test", action="store_true")\n    parser.add_argument("--full-experiment", action="store_true")\n    parser.add_argument("--results-dir", required=True)\n    args = parser.parse_args()\n    subprocess.run([sys.executable, "-m", "src.train", "--results-dir", args.results_dir], check=True)\n    print("stdout.log stderr.log")\n'},
            "src/main.py:1",
        ),
    )

    def check(self, bundle):
        index = bundle.index(MAIN)
        if index is None or EVALUATE not in bundle.files:
            return
        for value, _ in _strings(bundle, MAIN):
            if "src.evaluate" in value or "evaluate.py" in value or value.strip() == "evaluate":
                return
        for node in index.of(cst.ImportFrom):
            module = dotted_name(node.module) if node.module is not None else ""
            if module in ("evaluate", "src.evaluate") or (node.relative and module == "evaluate"):
                return
            if node.relative and not module and not isinstance(node.names, cst.ImportStar):
                if any(isinstance(a.name, cst.Name) and a.name.value == "evaluate" for a in node.names):
                    return
            if module == "src" and not isinstance(node.names, cst.ImportStar):
                if any(isinstance(a.name, cst.Name) and a.name.value == "evaluate" for a in node.names):
                    return
        for node in index.of(cst.Import):
            for alias in node.names:
                if dotted_name(alias.name) in ("src.evaluate", "evaluate"):
                    return
        yield Report(MAIN, "src/main.py never launches the evaluation: after the runs it must start `python -m src.evaluate --results-dir <path>` (or call its main), otherwise no comparison is produced.", line=1)


# -- EXP412 / EXP413 --------------------------------------------------------------------------------
_RASTER = (".png", ".jpg", ".jpeg", ".svg", ".eps", ".tif", ".tiff", ".bmp", ".gif", ".webp")


class FigureFormat(Rule):
    """## What it does
    Checks the figures `src/evaluate.py` saves: a file name with a raster or other
    non-PDF extension (`.png`, `.jpg`, `.svg`) is an error; a PDF saved outside an
    `images/` directory is a warning. Names that are not statically known are skipped.

    ## Why is this bad?
    The generation contract requires every figure as `.pdf` under
    `{results_dir}/images/` ("Do not use .png or any other formats"); the paper step
    collects figures from there.

    ## Use instead
    `fig.savefig(os.path.join(results_dir, "images", "accuracy.pdf"), bbox_inches="tight")`.
    """

    code = "EXP412"
    name = "figure-format"
    summary = "evaluate.py saves a figure that is not a PDF under images/."
    profiles = EIGHT_FILE_PROFILES
    valid = (Valid(),)
    invalid = (
        Invalid({"src/evaluate.py": 'import os\n\nimport matplotlib.pyplot as plt\n\n\ndef save(results_dir: str) -> None:\n    plt.legend()\n    plt.tight_layout()\n    plt.savefig(os.path.join(results_dir, "images", "accuracy.png"))\n'}, "src/evaluate.py:9", title="a PNG figure"),
        Invalid({"src/evaluate.py": 'import os\n\nimport matplotlib.pyplot as plt\n\n\ndef save(results_dir: str) -> None:\n    plt.legend()\n    plt.tight_layout()\n    plt.savefig(os.path.join(results_dir, "figures", "accuracy.pdf"))\n'}, "src/evaluate.py:9", title="a PDF outside images/ (a warning)"),
    )

    def check(self, bundle):
        if EVALUATE not in bundle.files:
            return
        for fig in [w for w in bundle.fact(FileIO).writes() if w.figure and w.path == EVALUATE]:
            pattern = fig.pattern
            suffix = pattern.suffix
            path, node = fig.where()
            if suffix in _RASTER:
                yield Report(path, f"src/evaluate.py saves the figure `{pattern.name_glob}` as {suffix}: the contract accepts only PDF figures; save it as `.pdf`.", node=node)
            elif suffix == ".pdf":
                segments = pattern.segments()
                dirs = [seg for seg in segments[:-1]]
                if any(all(isinstance(t, str) for t in seg) and "".join(seg) == "images" for seg in dirs):  # type: ignore[arg-type]
                    continue
                if any(not all(isinstance(t, str) for t in seg) for seg in dirs[-1:]) or not dirs:
                    continue  # the directory is not statically known
                yield Report(path, f"src/evaluate.py saves `{pattern.name_glob}` under `{'/'.join(''.join(str(t) for t in s) for s in dirs)}`, not under `{{results_dir}}/images/` where the contract collects figures; save it there.", node=node, severity=Severity.WARNING)


class FigureQuality(Rule):
    """## What it does
    Checks that `src/evaluate.py`, when it saves figures, calls `legend()` and prevents
    overlapping labels with `tight_layout()` (or `bbox_inches="tight"` /
    a constrained layout).

    ## Why is this bad?
    The generation contract asks for legends in the figures and `plt.tight_layout()`
    before saving. A missing legend does not break a run, so this is a warning.

    ## Use instead
    `ax.legend()` and `fig.tight_layout()` before `fig.savefig(...)`. Seaborn plots with
    `hue=` draw their own legend and count.
    """

    code = "EXP413"
    name = "figure-quality"
    summary = "evaluate.py saves figures without a legend or tight_layout."
    severity = Severity.WARNING
    profiles = EIGHT_FILE_PROFILES
    valid = (Valid(),)
    invalid = (
        Invalid({"src/evaluate.py": 'import matplotlib.pyplot as plt\n\n\ndef save(path: str) -> None:\n    plt.plot([1, 2], [3, 4])\n    plt.savefig(path)\n'}, ["src/evaluate.py:6"], title="neither legend nor tight layout"),
    )

    def check(self, bundle):
        index = bundle.index(EVALUATE)
        if index is None:
            return
        calls = index.of(cst.Call)
        saves = [c for c in calls if _method(c) == "savefig"]
        if not saves:
            return
        methods = {_method(c) for c in calls}
        keywords = {a.keyword.value for c in calls for a in c.args if a.keyword is not None}
        tight = "tight_layout" in methods or "set_tight_layout" in methods or "constrained_layout" in keywords or "layout" in keywords
        tight = tight or any(string_value(keyword_arg(c, "bbox_inches")) == "tight" for c in calls)
        tight = tight or any("tight" in (string_value(keyword_arg(c, "bbox_inches")) or "") for c in calls) or "bbox_inches" in keywords and any(isinstance(keyword_arg(c, "bbox_inches"), cst.Name) for c in calls)
        legend = "legend" in methods or "hue" in keywords or "legend" in keywords or "add_legend" in methods
        missing = [what for what, ok in (("`legend()`", legend), ("`tight_layout()`", tight)) if not ok]
        if missing:
            yield Report(EVALUATE, f"src/evaluate.py saves figures without {' or '.join(missing)}: the contract asks for a legend in each figure and `plt.tight_layout()` before saving; add {' and '.join(missing)}.", node=saves[0])


RULES = (ResultsFileMismatch, ResultsKeyMismatch, ResultsFormatMismatch, StructuredStdoutMissing, MainCliContract, RunLogsNotCaptured, EvaluateNotLaunched, FigureFormat, FigureQuality, WandbMetricMismatch)
