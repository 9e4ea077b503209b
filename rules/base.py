"""EXP501-EXP504: the base bundle's contract: placeholders only in dataset and model spots,
complete core logic, and a model that is saved and loaded back."""
from __future__ import annotations

import io
import re
import tokenize

import libcst as cst
import yaml

from linter.limits import MAX_BUNDLE_PYTHON_BYTES
from linter.facts.memo import callee_names
from linter.parsing.cst_helpers import arg, string_value
from linter.parsing.recent import RecentParses
from linter.records import dataclass
from linter.rule import Invalid, Report, Rule, Valid

from .placeholders import ELISION, ELISION_NEEDLES, PLACEHOLDER, TODO, iter_stubs

BASE_ONLY = frozenset({"base"})
# Where a base bundle may hold dataset- and model-specific placeholders.
SPECIFIC_FILES = ("src/preprocess.py", "src/model.py")
# A placeholder token that names a dataset or model spot by itself (DATASET_PLACEHOLDER, MODEL_NAME_PLACEHOLDER).
SPECIFIC_TOKEN = re.compile(r"DATA|MODEL|ARCH|BACKBONE|TOKENI[SZ]ER|NETWORK|CHECKPOINT")
# YAML keys of dataset-, model- or variation-specific sections.
SPECIFIC_KEY = re.compile(
    r"data|model|arch|backbone|network|net$|encoder|decoder|tokeni[sz]er|pretrained|checkpoint|task|"
    r"num_classes|num_labels|vocab|image_size|input_(?:dim|size|shape)|method|algorithm|variant|variation|ablation",
    re.IGNORECASE,
)
# YAML keys that name or describe a run: a placeholder there stands for the run variation.
NAMING_KEYS = frozenset({"name", "run_id", "id", "run_name", "experiment", "experiment_name", "description", "desc", "title", "tag", "tags", "label"})


def token_is_specific(token: str) -> bool:
    return bool(SPECIFIC_TOKEN.search(token))


# -- Python tokens ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Hit:
    """A marker in a Python file: where, what, and in which kind of token."""

    line: int
    column: int  # 1-based
    end_column: int
    text: str
    where: str  # "comment" | "docstring" | "string" | "code"


def _text_tokens(text: str) -> tuple[tuple[int, int, str, str], ...]:
    """(line, 0-based column, text, kind) of the comments, strings and names of a Python
    source, tokenized once per text however many rules and patterns look at it."""
    return _RECENT_TOKENS.get(text, _tokens_of)


def _tokens_of(text: str) -> tuple[tuple[int, int, str, str], ...]:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return ()
    skipped = (tokenize.NL, tokenize.COMMENT)
    fstring_middle = getattr(tokenize, "FSTRING_MIDDLE", -1)
    out = []
    previous = tokenize.NEWLINE
    following = tokenize.NEWLINE  # type of the next token that is not NL or COMMENT, after index i
    follow_at = -1
    for i, tok in enumerate(tokens):
        if tok.type in (tokenize.COMMENT, tokenize.STRING, tokenize.NAME) or tok.type == fstring_middle:
            if tok.type == tokenize.COMMENT:
                where = "comment"
            elif tok.type == tokenize.NAME:
                where = "code"
            else:
                if follow_at <= i:
                    follow_at = i + 1
                    while follow_at < len(tokens) and tokens[follow_at].type in skipped:
                        follow_at += 1
                    following = tokens[follow_at].type if follow_at < len(tokens) else tokenize.NEWLINE
                statement = previous in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING)
                where = "docstring" if tok.type == tokenize.STRING and statement and following in (tokenize.NEWLINE, tokenize.ENDMARKER) else "string"
            out.append((tok.start[0], tok.start[1], tok.string, where))
        if tok.type not in skipped:
            previous = tok.type
    return tuple(out)


_RECENT_TOKENS = RecentParses(16, MAX_BUNDLE_PYTHON_BYTES)


def python_hits(text: str, pattern: re.Pattern) -> list[Hit]:
    """Matches of ``pattern`` in the comments, strings and names of a Python source."""
    hits: list[Hit] = []
    for start_line, start_column, string, where in _text_tokens(text):
        for offset, part in enumerate(string.split("\n")):
            for match in pattern.finditer(part):
                line = start_line + offset
                column = (start_column if offset == 0 else 0) + match.start() + 1
                hits.append(Hit(line, column, column + len(match.group(0)), match.group(0), where))
    return hits


def _may_hit(text: str, pattern: re.Pattern) -> bool:
    """False when ``python_hits(text, pattern)`` is surely empty, without tokenizing ``text``.

    A token (or a line of one) is a slice of ``text`` and starts and ends where the text has
    no word character across (a name cannot follow a number in code that parses), so the
    lookarounds and ``\b`` of TODO and ELISION see the same neighbours in both."""
    if pattern is TODO:
        return "TODO" in text or "FIXME" in text
    if pattern is ELISION:  # a substring test first: the phrase alternation costs ~1.5 ms a file
        folded = text.casefold()
        if not any(needle in folded for needle in ELISION_NEEDLES):
            return False
    return pattern.search(text) is not None


# -- YAML scalars --------------------------------------------------------------------------------
def yaml_placeholders(root: yaml.Node):
    """(key path, node, token) for every placeholder token in a YAML key or scalar value."""
    stack: list[tuple[yaml.Node, tuple]] = [(root, ())]
    seen: set[int] = set()
    out = []
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            for match in PLACEHOLDER.finditer(str(node.value)):
                out.append((path, node, match.group(0)))
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                name = key.value if isinstance(key, yaml.ScalarNode) else "?"
                if isinstance(key, yaml.ScalarNode):
                    for match in PLACEHOLDER.finditer(str(key.value)):
                        out.append((path, key, match.group(0)))
                stack.append((value, path + (name,)))
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                stack.append((value, path + (i,)))
    out.sort(key=lambda item: (item[1].start_mark.line, item[1].start_mark.column))
    return out


def yaml_spot_allowed(path: tuple, token: str) -> bool:
    """True when a YAML placeholder sits in a dataset-, model- or run-naming spot."""
    keys = [k for k in path if isinstance(k, str)]
    if any(SPECIFIC_KEY.search(k) for k in keys):
        return True
    if keys and keys[-1].lower() in NAMING_KEYS and len(keys) <= 2:
        return True  # run_id / name / description of a run: the run variation itself
    return False


def _section(path: tuple) -> str:
    keys = [str(k) for k in path if isinstance(k, str)]
    return ".".join(keys) if keys else "the top level"


class BasePlaceholderMisplaced(Rule):
    """## What it does
    In a base bundle, checks that placeholders sit only where a dataset or model is
    specific: anywhere in `src/preprocess.py` and `src/model.py`; in the YAML configs
    under dataset, model or variation keys (`dataset:`, `model:`, `method:`, ...) and in
    the run's name or description. A placeholder in `src/train.py`, `src/evaluate.py` or
    `src/main.py` code, or in a generic YAML section (`training`, `seed`, `optimizer`,
    ...), is reported; comments and docstrings that mention a placeholder are fine, and
    so is a dataset or model name placeholder in a string (`cfg.get("model",
    "MODEL_PLACEHOLDER")`). A stub in `src/preprocess.py` or `src/model.py` needs a
    comment or docstring saying it is a placeholder and what replaces it.

    ## Why is this bad?
    The base is the common core that every derived experiment reuses unchanged. The
    derive step replaces only dataset and model placeholders; a placeholder in the
    training settings, the seed or the training loop means the core itself is unfinished,
    and each derived experiment fills it differently, which breaks comparability.

    ## Use instead
    Give generic settings real values (`seed: 42`, `epochs: 100`, `lr: 0.001`) and keep
    `DATASET_PLACEHOLDER` / `MODEL_PLACEHOLDER` for the dataset and model spots, each with
    a comment such as `# PLACEHOLDER: replaced with the real dataset loader`.
    """

    code = "EXP501"
    name = "base-placeholder-misplaced"
    summary = "A base placeholder outside a dataset- or model-specific spot."
    profiles = BASE_ONLY
    invalid = (
        Invalid({"config/full_experiment.yaml": (
            "runs:\n  - run_id: baseline\n    model:\n      name: MODEL_PLACEHOLDER  # the real model\n      hidden: 32\n"
            "    dataset:\n      name: DATASET_PLACEHOLDER  # the real dataset\n      num_samples: 4096\n      num_features: 8\n"
            "    training:\n      seed: SPECIFIC_CONFIG_PLACEHOLDER\n      epochs: 20\n      batch_size: 32\n      lr: 0.01\n"
        )}, "config/full_experiment.yaml:11", profile="base", title="A generic training setting is a placeholder."),
        Invalid({"config/full_experiment.yaml": (
            "runs:\n  - run_id: baseline\n    seed: SPECIFIC_CONFIG_PLACEHOLDER\n    model: MODEL_PLACEHOLDER\n"
            "    dataset: DATASET_PLACEHOLDER\n    training: SPECIFIC_CONFIG_PLACEHOLDER\n"
        )}, ["config/full_experiment.yaml:3", "config/full_experiment.yaml:6"], profile="base"),
        Invalid({"src/train.py": "EPOCHS = EPOCHS_PLACEHOLDER  # number of epochs\n"}, "src/train.py:1", profile="base",
                title="A placeholder in the training code."),
        Invalid({"src/model.py": "def build_model(run):\n    pass\n"}, "src/model.py:1", profile="base",
                title="A stub in model.py without a placeholder comment."),
    )
    valid = (
        Valid(profile="base"),
        Valid({"config/full_experiment.yaml": (
            "# PLACEHOLDER: the derive step fills in datasets and models.\n"
            "runs:\n  - run_id: DATASET_PLACEHOLDER_baseline\n    model:\n      name: MODEL_PLACEHOLDER  # the real model\n"
            "      hidden: SPECIFIC_CONFIG_PLACEHOLDER  # model width\n"
            "    dataset:\n      name: DATASET_PLACEHOLDER  # the real dataset\n      num_samples: 4096\n      num_features: 8\n"
            "    training:\n      seed: 0\n      epochs: 20\n      batch_size: 32\n      lr: 0.01\n"
        )}, profile="base", title="Placeholders in the model and dataset sections and the run name."),
        Valid({"src/model.py": (
            "def build_model(run):\n    # MODEL_PLACEHOLDER: replaced with the real architecture in the derive step.\n"
            "    raise NotImplementedError('MODEL_PLACEHOLDER')\n"
        )}, profile="base", title="A model stub that says it is a placeholder."),
        Valid({"src/main.py": (
            "\"\"\"Runs every variation; the derive step replaces DATASET_PLACEHOLDER in the configs.\"\"\"\n\n\n"
            "def model_name(run):\n    # SPECIFIC_CONFIG_PLACEHOLDER values never reach this module.\n"
            "    return run.get('model', 'MODEL_PLACEHOLDER')\n"
        )}, profile="base", title="Docstrings and comments may name placeholders; so may a model-name default."),
    )

    def check(self, bundle):
        for path in bundle.paths("python"):
            if path in SPECIFIC_FILES:
                index = bundle.index(path)
                parsed = bundle.python(path)
                if index is None or parsed is None:
                    continue
                lines = bundle.files[path].lines
                for func, kind in iter_stubs(index):
                    span = parsed.span(func)
                    if span is None:
                        continue
                    start, end = span[0], span[2]
                    cls = index.enclosing(func, cst.ClassDef, cst.FunctionDef)
                    if isinstance(cls, cst.ClassDef):
                        cls_span = parsed.span(cls)
                        start = cls_span[0] if cls_span else start  # the class's own comments and docstring explain its stubs
                    context = "\n".join(lines[max(0, start - 3):end])
                    if PLACEHOLDER.search(context) or re.search(r"placeholder|replaced? (?:with|by)|will be (?:replaced|implemented|added)", context, re.IGNORECASE):
                        continue
                    yield Report(path, f"`{func.name.value}` in {path} is a stub (`{kind}` only) with no comment saying what replaces it: "
                                       "implement it, or mark it `# PLACEHOLDER: replaced with ...` so the derive step knows to fill it in.", node=func.name)
                continue
            text = bundle.text(path)
            if text is None or "PLACEHOLDER" not in text:  # every match holds it: skip tokenizing
                continue
            for hit in python_hits(text, PLACEHOLDER):
                if hit.where in ("comment", "docstring"):
                    continue
                if hit.where == "string" and token_is_specific(hit.text):
                    continue
                yield Report(path, f"Placeholder `{hit.text}` in {path}, which is core logic shared by every experiment: give it a real "
                                   "implementation or value; placeholders belong only in dataset and model spots (src/preprocess.py, src/model.py, "
                                   "dataset and model config keys).",
                             line=hit.line, column=hit.column, end_line=hit.line, end_column=hit.end_column)
        for path in bundle.paths("yaml"):
            parsed = bundle.yaml(path)
            if parsed is None or parsed.root is None:
                continue
            for keys, node, token in yaml_placeholders(parsed.root):
                if yaml_spot_allowed(keys, token):
                    continue
                section = _section(keys)
                yield Report(path, f"Placeholder `{token}` in the generic setting `{section}`: placeholders are allowed only for dataset- "
                                   "and model-specific settings; give this setting a real value shared by every experiment.", node=node)


# -- model persistence -----------------------------------------------------------------------------
@dataclass(frozen=True)
class PersistenceCall:
    path: str
    node: cst.Call
    name: str
    family: str


_SAVE = {"torch.save": "torch", "torch.jit.save": "torch", "joblib.dump": "joblib", "save_file": "safetensors",
         "safetensors.torch.save_file": "safetensors", "accelerator.save": "torch"}
_LOAD = {"torch.load": "torch", "torch.jit.load": "torch", "joblib.load": "joblib", "load_file": "safetensors",
         "safetensors.torch.load_file": "safetensors", "accelerator.load_state": "torch"}
_LOAD_HINT = {"torch": "torch.load", "joblib": "joblib.load", "safetensors": "safetensors' load_file", "pretrained": "from_pretrained", "keras": "load_model"}


class ModelPersistence:
    """Model saving and loading calls of the bundle, computed once."""

    def __init__(self, saves: list[PersistenceCall], loads: list[PersistenceCall]) -> None:
        self.saves = saves
        self.loads = loads

    @classmethod
    def compute(cls, bundle) -> "ModelPersistence":
        saves, loads = [], []
        for path, index in bundle.modules():
            callees = callee_names(index)
            for call in index.of(cst.Call):
                name = callees[id(call)]
                if not name:
                    continue
                last = name.rsplit(".", 1)[-1]
                if name in _SAVE:
                    saves.append(PersistenceCall(path, call, name, _SAVE[name]))
                elif last == "save_pretrained":
                    saves.append(PersistenceCall(path, call, name, "pretrained"))
                elif last == "save" and "model" in name.rsplit(".", 1)[0].lower():
                    saves.append(PersistenceCall(path, call, name, "keras"))
                elif name in _LOAD:
                    loads.append(PersistenceCall(path, call, name, _LOAD[name]))
                elif last == "from_pretrained":
                    loads.append(PersistenceCall(path, call, name, "pretrained"))
                elif last == "load_model":
                    loads.append(PersistenceCall(path, call, name, "keras"))
        return cls(saves, loads)


class SaveWithoutLoad(Rule):
    """## What it does
    In a base bundle, checks that a model the code saves (`torch.save`,
    `save_pretrained`, `joblib.dump`, `model.save`, ...) is loaded back somewhere in the
    bundle with the matching call (`torch.load`, `from_pretrained`, `joblib.load`,
    `load_model`). The finding points at the first save.

    ## Why is this bad?
    The base contract asks for model saving *and* loading mechanisms: a checkpoint that
    nothing ever reads cannot be re-evaluated, resumed or reused by the derived
    experiments, and the "best" model is never the one that gets reported.

    ## Use instead
    Load the checkpoint where it matters, for instance reload the best checkpoint with
    `model.load_state_dict(torch.load(path))` before the final test evaluation.
    """

    code = "EXP502"
    name = "save-without-load"
    summary = "The base saves a model that nothing in the bundle loads back."
    profiles = BASE_ONLY
    invalid = (
        Invalid({"src/train.py": (
            "import torch\n\n\ndef finish(model, path):\n    torch.save(model.state_dict(), path)\n"
            "    model.load_state_dict(model.state_dict())\n"
        )}, "src/train.py:5", profile="base", title="Saved with torch.save, never read with torch.load."),
    )
    valid = (
        Valid(profile="base"),
        Valid({"src/evaluate.py": (
            "import torch\n\n\ndef restore(model, path):\n    model.load_state_dict(torch.load(path))\n    return model\n"
        ), "src/train.py": "import torch\n\n\ndef finish(model, path):\n    torch.save(model.state_dict(), path)\n"},
            profile="base", title="Saved in train.py, loaded in evaluate.py."),
    )

    def check(self, bundle):
        facts = bundle.fact(ModelPersistence)
        loaded = {c.family for c in facts.loads}
        reported: set[str] = set()
        for save in facts.saves:
            if save.family in loaded or save.family in reported:
                continue
            reported.add(save.family)
            yield Report(save.path, f"The model is saved here with `{save.name}` but nothing in the bundle loads it back "
                                    f"(no `{_LOAD_HINT[save.family]}`): add the loading path, e.g. reload the best checkpoint before the final evaluation.",
                         node=save.node)


class NoModelSaving(Rule):
    """## What it does
    In a base bundle, reports that no model is ever saved: there is no `torch.save`,
    `save_pretrained`, `joblib.dump` or `model.save` call anywhere.

    ## Why is this bad?
    The base contract requires model saving and loading mechanisms. Without a
    checkpoint, a run cannot be re-evaluated or resumed, and derived experiments that
    need the trained model have nothing to build on.

    ## Use instead
    Save the trained (or best) model of each run under `{results_dir}/{run_id}/`, e.g.
    `torch.save(model.state_dict(), run_dir / "model.pt")`, and load it back where it is
    evaluated.
    """

    code = "EXP504"
    name = "no-model-saving"
    summary = "The base never saves a model."
    profiles = BASE_ONLY
    invalid = (
        Invalid({"src/train.py": "import torch\n\n\ndef main():\n    print('trained')\n"}, "src/train.py", profile="base"),
    )
    valid = (Valid(profile="base"),)

    def check(self, bundle):
        if "src/train.py" not in bundle.files or bundle.index("src/train.py") is None:
            return
        facts = bundle.fact(ModelPersistence)
        if not facts.saves:
            yield Report("src/train.py", "No model is ever saved (no torch.save, save_pretrained or joblib.dump in the bundle): "
                                         "save each run's trained model under its results directory and load it back where it is evaluated.")


# -- complete core logic ------------------------------------------------------------------------------
CORE_FILES = ("src/train.py", "src/evaluate.py", "src/main.py")
_FIGURE_CALL = re.compile(r"savefig|save_?fig|save_?pdf|write_image|save_?plot", re.IGNORECASE)
_READS = re.compile(r"(?:^|\.)(?:open|load|loads|read_json|read_csv|read_text|read_bytes|glob|rglob|iterdir|listdir|walk|scandir|read_parquet|read_pickle)$")


class IncompleteCoreLogic(Rule):
    """## What it does
    In a base bundle, checks that the core logic is complete: no stub functions (`pass`,
    `...` or `raise NotImplementedError` only), no `TODO`/`FIXME` and no elision phrases
    ("omitted for brevity", "simplified version") in `src/train.py`, `src/evaluate.py` and
    `src/main.py`; `src/evaluate.py` reads the runs' results, and the bundle saves
    figures (`savefig`).

    ## Why is this bad?
    Only dataset and model spots may be left open in a base bundle; the training loop,
    the evaluation and the orchestration are reused unchanged by every derived
    experiment. A stub or a TODO there is missing logic in all of them, and an
    evaluation that reads nothing or draws no figure produces no comparison.

    ## Use instead
    Implement the training loop, the evaluation (read each run's results, compute the
    metrics, save PDF figures with `plt.savefig`) and the orchestration in full.
    """

    code = "EXP503"
    name = "incomplete-core-logic"
    summary = "A stub, TODO or elision in the base's core logic, or an evaluation without results or figures."
    profiles = BASE_ONLY
    invalid = (
        Invalid({"src/train.py": "def train(run, results_dir):\n    ...\n\n\ndef main():\n    train({}, None)\n"}, "src/train.py:1", profile="base",
                title="A stub training function."),
        Invalid({"src/evaluate.py": "def main():\n    # TODO: plot the learning curves\n    print('{}')\n"}, ["src/evaluate.py:2", "src/evaluate.py"],
                profile="base", title="A TODO in the evaluation, which also reads no results and saves no figure."),
        Invalid({"src/main.py": "def main():\n    \"\"\"Run all variations (GPU scheduling omitted for brevity).\"\"\"\n    return 0\n"},
                "src/main.py:2", profile="base", title="An elision phrase in the orchestration."),
    )
    valid = (
        Valid(profile="base"),
        Valid({"src/model.py": (
            "def build_model(run):\n    # MODEL_PLACEHOLDER: replaced with the real architecture in the derive step.\n"
            "    raise NotImplementedError('MODEL_PLACEHOLDER')\n"
        )}, profile="base", title="Stubs in a model or dataset spot are placeholders, not core logic."),
    )

    def check(self, bundle):
        for path in CORE_FILES:
            index = bundle.index(path)
            if index is None:
                continue
            for func, kind in iter_stubs(index):
                yield Report(path, f"`{func.name.value}` in {path} is a stub (`{kind}` only): the base's core logic must be complete; implement it.",
                             node=func.name)
            text = bundle.text(path) or ""
            for pattern in (TODO, ELISION):
                if not _may_hit(text, pattern):
                    continue
                for hit in python_hits(text, pattern):
                    if hit.where == "code":
                        continue
                    yield Report(path, f"\"{hit.text}\" in {path}: the base's core logic must be complete; write the missing part and remove the marker.",
                                 line=hit.line, column=hit.column, end_line=hit.line, end_column=hit.end_column)
        evaluate = bundle.index("src/evaluate.py")
        if evaluate is not None:
            calls = [name or "" for name in callee_names(evaluate).values()]
            if not any(_READS.search(name) for name in calls):
                yield Report("src/evaluate.py", "src/evaluate.py reads no results (no open, json.load, read_csv, glob, ...): "
                                                "it must load every run's results file and compute the comparison from it.")
        modules = bundle.modules()
        if modules and not any(_FIGURE_CALL.search((name or "").rsplit(".", 1)[-1]) for _, index in modules for name in callee_names(index).values()):
            yield Report("src/evaluate.py", "No figure is ever saved (no savefig in the bundle): the evaluation must draw the results "
                                            "and save them as PDF figures under {results_dir}/images/.")


# -- no premature specialisation ---------------------------------------------------------------------
_TORCHVISION_DATASET = re.compile(r"^(?:torchvision\.)?datasets\.([A-Z]\w*)$")
_GENERIC_VISION = frozenset({"FakeData", "ImageFolder", "DatasetFolder", "VisionDataset"})
_GENERIC_HF_BUILDERS = frozenset({"json", "csv", "text", "parquet", "imagefolder", "audiofolder", "arrow", "pandas", "generator"})


class PrematureDatasetLoading(Rule):
    """## What it does
    In a base bundle, reports code that loads a real, named dataset: a torchvision
    dataset class (`datasets.CIFAR10(...)`, `torchvision.datasets.MNIST(...)`; the generic
    `FakeData` and `ImageFolder` are fine) or a Hugging Face `load_dataset("name")` with a
    literal dataset name.

    ## Why is this bad?
    The base contract says the common core must not assume a dataset: real dataset
    loading is the derive step's job, behind `DATASET_PLACEHOLDER`. A base that already
    loads CIFAR-10 is specialised before the experiments that should choose the data.

    ## Use instead
    Keep a synthetic dataset for smoke tests and a clearly marked placeholder
    (`# DATASET_PLACEHOLDER: replaced with the real dataset loader`) where the real
    dataset will be loaded.
    """

    code = "EXP505"
    name = "premature-dataset-loading"
    summary = "The base already loads a real, named dataset."
    profiles = BASE_ONLY
    invalid = (
        Invalid({"src/preprocess.py": (
            "from torchvision import datasets, transforms\n\n\ndef cifar(root):\n"
            "    return datasets.CIFAR10(root, train=True, download=True, transform=transforms.ToTensor())\n"
        )}, "src/preprocess.py:5", profile="base"),
        Invalid({"src/preprocess.py": "from datasets import load_dataset\n\n\ndef sst2():\n    return load_dataset('glue', 'sst2')\n"},
                "src/preprocess.py:5", profile="base"),
    )
    valid = (
        Valid(profile="base"),
        Valid({"src/preprocess.py": (
            "from torchvision import datasets\n\n\ndef fake(n):\n    return datasets.FakeData(size=n)\n"
        )}, profile="base", title="Generic stand-in datasets are fine."),
    )

    def check(self, bundle):
        for path, index in bundle.modules():
            text = bundle.text(path) or ""
            callees = callee_names(index)
            for call in index.of(cst.Call):
                name = callees[id(call)] or ""
                match = _TORCHVISION_DATASET.match(name)
                if match and "torchvision" in text and match.group(1) not in _GENERIC_VISION:
                    yield Report(path, f"`{name}(...)` loads a real dataset in the base: the base must not assume a dataset; "
                                       "load it behind a DATASET_PLACEHOLDER that the derive step replaces.", node=call)
                elif name.rsplit(".", 1)[-1] == "load_dataset" and ("from datasets import" in text or name == "datasets.load_dataset"):
                    literal = string_value(arg(call, 0, "path"))
                    if literal and literal.lower() not in _GENERIC_HF_BUILDERS and "PLACEHOLDER" not in literal:
                        yield Report(path, f"`load_dataset({literal!r})` loads a real dataset in the base: the base must not assume a dataset; "
                                           "load it behind a DATASET_PLACEHOLDER that the derive step replaces.", node=call)


RULES = (BasePlaceholderMisplaced, SaveWithoutLoad, IncompleteCoreLogic, NoModelSaving, PrematureDatasetLoading)
