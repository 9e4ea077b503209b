"""EXP401-EXP409, EXP412-EXP414: contracts between the files of a bundle.

Each rule is a small query over facts extracted once per bundle: the files each module
writes and reads (``linter.facts.io``), the keys of the results it writes and reads
(``linter.facts.json_keys``), and the command lines, prints and figures of the modules
(``linter.facts.calls``).
"""
from __future__ import annotations

from linter.facts.io import FileIO, FileAccess
from linter.findings import Location, Severity
from linter.rule import Invalid, Report, Rule, Valid

EIGHT_FILE_PROFILES = frozenset({"base", "experiment", "derived"})
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


class ResultsFileMismatch(Rule):
    """## What it does
    Matches the result files `src/evaluate.py` reads (`open`, `json.load`, `pd.read_csv`,
    `np.load`, `glob("*/results.json")`, `Path.glob`/`rglob`, `Path.exists`) against the
    files the other modules write (`open(..., "w")`, `Path.write_text`, `np.save`,
    `torch.save`, `df.to_csv`, `shutil.copy`; figures from `savefig` do not count). Paths
    are evaluated statically: string literals, f-strings (holes are wildcards),
    `os.path.join`, `Path(a, "b")`, `p / "x"`, `joinpath`, module constants, names
    assigned once, and a helper's path parameter at each call of the helper. A read is
    reported when no write can produce its file name while `src/train.py` (or another
    module) writes a file of the same type under another name.

    ## Why is this bad?
    The runs finish, then evaluation globs for `results.json` while training wrote
    `history.json`: it finds nothing, and the experiment produces no comparison. The
    reviewer rejects such bundles, and the failure only shows after the full runs.

    ## Use instead
    Write and read the same file name, ideally through one module constant. When a path
    is not statically known the rule stays silent.
    """

    code = "EXP401"
    name = "results-file-mismatch"
    summary = "evaluate.py reads a results file that no module writes (another name is written)."
    profiles = EIGHT_FILE_PROFILES
    valid = (
        Valid(title="the minimal bundle: train writes {results_dir}/{run_id}/results.json, evaluate globs */results.json"),
        Valid({"src/evaluate.py": _READS_OS_JOIN, "src/train.py": _WRITES_FSTRING + "\n\nif __name__ == '__main__':\n    save({}, 'out', 'a')\n"}, title="f-string write, os.path.join glob read"),
        Valid({"src/evaluate.py": _READS_OS_JOIN, "src/train.py": _WRITES_HELPER}, title="a helper's path parameter, filled in by its caller with joinpath"),
        Valid({"src/evaluate.py": _READS_OS_JOIN, "src/train.py": _WRITES_UNKNOWN}, title="train's path is not statically known: silent"),
    )
    invalid = (
        Invalid({"src/train.py": _WRITES_HISTORY, "src/evaluate.py": _READS_OS_JOIN}, ["src/evaluate.py:9", "src/train.py:9"], title="train writes history.json, evaluate globs for results.json"),
        Invalid({"src/train.py": _WRITES_HISTORY.replace("history.json", "results.json"), "src/evaluate.py": _READS_CONSTANT}, ["src/evaluate.py:5", "src/train.py:9"], title="a module constant names the file evaluate reads"),
    )

    def check(self, bundle):
        facts = bundle.fact(FileIO)
        if EVALUATE not in bundle.files:
            return
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
                and not any(w.pattern.name_meets(r.pattern) for r in facts.reads(EVALUATE))
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
            )
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
            )


def _fnmatch(pattern: str, name: str) -> bool:
    import fnmatch

    return fnmatch.fnmatchcase(name, pattern)


RULES = (ResultsFileMismatch,)
