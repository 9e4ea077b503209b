"""EXP511-EXP513: a derived experiment against its base: nothing omitted, nothing truncated,
the same files."""
from __future__ import annotations

import ast
import re

from linter.facts.memo import shared
from linter.findings import Severity
from linter.limits import MAX_BUNDLE_PYTHON_BYTES
from linter.parsing.cpython import syntax_tree
from linter.parsing.recent import RecentParses
from linter.records import dataclass
from linter.rule import Invalid, Report, Rule, Valid

from .base import SPECIFIC_FILES
from .placeholders import PLACEHOLDER

DERIVED_ONLY = frozenset({"derived"})
# Methods that frameworks call implicitly: never "unused" even if the base never names them.
_IMPLICIT_METHODS = frozenset({"forward", "extra_repr", "reset_parameters", "training_step", "validation_step", "test_step",
                               "configure_optimizers", "step", "setup", "run"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


class SyntaxTrees:
    """The standard-library ``ast`` of every Python file, parsed once per bundle.

    Comparing a derived bundle with its base needs definitions, line numbers and
    statement counts, not formatting: ``ast`` gives them for a tenth of LibCST's cost,
    and the base bundle is parsed by nothing else.
    """

    def __init__(self, trees: dict[str, ast.Module]) -> None:
        self.trees = trees

    @classmethod
    def compute(cls, bundle) -> "SyntaxTrees":
        trees = {}
        for path in bundle.paths("python"):
            text = bundle.text(path)
            if text is None:
                continue
            tree = _parse(text)
            if tree is not None:  # else EXP104 reports it
                trees[path] = tree
        return cls(trees)


def _parse(text: str) -> ast.Module | None:
    """One parse per recent text: a derived bundle keeps most of its base's files unchanged,
    and a batch of derived bundles usually shares one base. Nothing here mutates a tree."""
    return _RECENT_TREES.get(text, _ast_parse)


def _ast_parse(text: str) -> ast.Module | None:
    try:
        return syntax_tree(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


_RECENT_TREES = RecentParses(64, MAX_BUNDLE_PYTHON_BYTES)


@dataclass(frozen=True)
class Definition:
    path: str
    qualname: str  # "build_model", "Trainer", "Trainer.fit"
    kind: str  # "function" | "class" | "method"
    node: ast.AST
    line: int
    column: int  # 1-based
    size: int  # statements in the body, counted recursively (docstring excluded)
    placeholder: bool  # a stub, or its text holds a placeholder token: the derive step rewrites it


def _body(node) -> list[ast.stmt]:
    body = list(node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        body = body[1:]
    return body


def _count(statements: list) -> int:
    total = 0
    for statement in statements:
        total += 1
        for name in ("body", "orelse", "finalbody"):
            nested = getattr(statement, name, None)
            if isinstance(nested, list):
                total += _count(nested)
        for part in (*getattr(statement, "handlers", ()), *getattr(statement, "cases", ())):
            total += _count(part.body)
    return total


def _statements(node) -> int:
    """Statements of a definition's body, nested ones included, its docstring excluded."""
    return _count(_body(node))


def _is_stub(node) -> bool:
    body = _body(node)
    if len(body) != 1:
        return False
    only = body[0]
    if isinstance(only, ast.Pass) or (isinstance(only, ast.Expr) and isinstance(only.value, ast.Constant) and only.value.value is Ellipsis):
        return True
    if isinstance(only, ast.Raise) and only.exc is not None:
        exc = only.exc.func if isinstance(only.exc, ast.Call) else only.exc
        return isinstance(exc, ast.Name) and exc.id in ("NotImplementedError", "NotImplemented")
    return False


def definitions(bundle, path: str) -> list[Definition]:
    """Top-level functions and classes of a module, and the methods of its top-level classes."""
    tree = bundle.fact(SyntaxTrees).trees.get(path)
    if tree is None:
        return []
    # Trees are shared by text (_RECENT_TREES), and a batch of derived bundles mostly repeats
    # its base's files (455 base files in the dev corpus, 75 distinct): work each out once.
    lines = bundle.files[path].lines
    return list(shared(tree, ("definitions", path), lambda: _definitions(path, tree, lines)))


def _definitions(path: str, tree: ast.Module, lines: list[str]) -> tuple[Definition, ...]:
    out: list[Definition] = []

    def add(node, qualname, kind):
        text = "\n".join(lines[node.lineno - 1:getattr(node, "end_lineno", node.lineno)])
        stub = isinstance(node, _FUNCTIONS) and _is_stub(node)
        # Every match holds the word itself: a substring test spares most texts the expression.
        placeholder = "PLACEHOLDER" in text and PLACEHOLDER.search(text) is not None
        out.append(Definition(path, qualname, kind, node, node.lineno, node.col_offset + 1, _statements(node), stub or placeholder))

    for statement in tree.body:
        if isinstance(statement, _FUNCTIONS):
            add(statement, statement.name, "function")
        elif isinstance(statement, ast.ClassDef):
            add(statement, statement.name, "class")
            for member in statement.body:
                if isinstance(member, _FUNCTIONS):
                    add(member, f"{statement.name}.{member.name}", "method")
    return tuple(out)



def _occurrences(name: str, text: str) -> int:
    return len(re.findall(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text))


def _call_name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _calls(node) -> set[str]:
    """The names a definition calls (last part of dotted names): what it does, roughly."""
    return {name for child in ast.walk(node) if isinstance(child, ast.Call) and (name := _call_name(child))}


_GENERIC_WORDS = frozenset({"get", "set", "make", "build", "create", "load", "save", "compute", "run", "do", "init", "to", "from",
                            "of", "the", "and", "for", "with", "new", "main", "helper", "util", "fn"})


def _words(name: str) -> set[str]:
    """The meaningful words of a snake_case or CamelCase name."""
    parts = re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name)
    return {p.lower() for p in parts if p.lower() not in _GENERIC_WORDS}


def _params(func) -> tuple[str, ...]:
    a = func.args
    return tuple(arg.arg for arg in (*a.posonlyargs, *a.args, *a.kwonlyargs))


def _module_bindings(trees: dict[str, ast.Module]) -> set[str]:
    """Names bound at the top level of any module: definitions, assignments, imports."""
    names: set[str] = set()
    for tree in trees.values():
        for statement in tree.body:
            if isinstance(statement, (*_FUNCTIONS, ast.ClassDef)):
                names.add(statement.name)
            elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                names.update(t.id for t in targets if isinstance(t, ast.Name))
            elif isinstance(statement, ast.ImportFrom):
                names.update(alias.asname or alias.name for alias in statement.names if alias.name != "*")
    return names


def _referenced_names(tree: ast.AST) -> frozenset[str]:
    """Every ``Name`` id and ``Attribute`` attr below ``tree``.

    ast.walk's generators cost three times this plain stack over ``_fields`` on the
    thousands of nodes of a bundle; the order of visits does not matter for a set.
    """
    into: set[str] = set()
    stack = [tree]
    pop, push, extend = stack.pop, stack.append, stack.extend
    name_type, attribute_type, node_type = ast.Name, ast.Attribute, ast.AST
    while stack:
        node = pop()
        kind = type(node)
        if kind is name_type:
            into.add(node.id)
            continue  # a Name's only child is its context
        if kind is attribute_type:
            into.add(node.attr)
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, list):
                extend(item for item in value if isinstance(item, node_type))
            elif isinstance(value, node_type):
                push(value)
    return frozenset(into)


class Lineage:
    """The base's definitions and the derived bundle's counterparts, computed once."""

    def __init__(self, base_defs: list[Definition], derived_defs: list[Definition], bindings: set[str], base_text: str, derived_trees: list[ast.Module], derived_configs: list[str]) -> None:
        self.base_defs = base_defs
        self.bindings = bindings
        self._base_at = {(d.path, d.qualname): d for d in base_defs}
        self._derived_at = {(d.path, d.qualname): d for d in derived_defs}
        self._derived_by_name: dict[str, list[Definition]] = {}
        for d in derived_defs:
            self._derived_by_name.setdefault(d.qualname, []).append(d)
        self._base_text = base_text
        self._derived_trees = derived_trees
        self._derived_refs: set[str] | None = None  # worked out on first use: most bundles never ask
        self._derived_configs = derived_configs
        self._uses: dict[str, int] = {}

    def used_in_base(self, name: str) -> bool:
        if name not in self._uses:
            self._uses[name] = _occurrences(name, self._base_text)
        return self._uses[name] >= 2  # the definition itself is one occurrence

    def derived_class(self, name: str) -> Definition | None:
        found = [d for d in self._derived_by_name.get(name, ()) if d.kind == "class"]
        return found[0] if found else None

    @classmethod
    def compute(cls, bundle) -> "Lineage | None":
        base = bundle.context.base
        if base is None:
            return None
        base_defs = [d for path in base.paths("python") for d in definitions(base, path)]
        derived = [d for path in bundle.paths("python") for d in definitions(bundle, path)]
        base_text = "\n".join(s.text for s in base.files.values() if s.text)
        trees = bundle.fact(SyntaxTrees).trees
        configs = [s.text for s in bundle.files.values() if s.text and s.kind != "python"]
        return cls(base_defs, derived, _module_bindings(trees), base_text, list(trees.values()), configs)

    def counterpart(self, d: Definition) -> Definition | None:
        """The derived definition of base definition ``d``: same module, else moved to a module whose base lacks it."""
        found = self._derived_at.get((d.path, d.qualname))
        if found is not None:
            return found
        for other in self._derived_by_name.get(d.qualname, ()):
            if (other.path, d.qualname) not in self._base_at:
                return other
        return None

    def referenced(self, name: str) -> bool:
        """Whether derived code names ``name`` (as a name or attribute, not as a definition) or a derived config mentions it."""
        if self._derived_refs is None:
            self._derived_refs = set()
            for tree in self._derived_trees:
                self._derived_refs |= shared(tree, "referenced names", lambda: _referenced_names(tree))
        return name in self._derived_refs or any(_occurrences(name, text) for text in self._derived_configs)

    def renamed_to(self, d: Definition) -> Definition | None:
        """A new definition in the same module and class that looks like ``d`` renamed, when no code uses the old name.

        It looks renamed when one name contains the other (``load_results`` -> ``_load_results``,
        ``evaluate`` -> ``_evaluate_cls``) or when the parameters are the same.
        """
        old = d.qualname.rsplit(".", 1)[-1]
        if not isinstance(d.node, _FUNCTIONS) or self.referenced(old):
            return None
        container = d.qualname.rsplit(".", 1)[0] + "." if "." in d.qualname else ""
        core = old.strip("_").lower()
        words = _words(old)
        for other in self._derived_at.values():
            if other.path != d.path or other.kind != d.kind or (other.path, other.qualname) in self._base_at:
                continue
            if container and not other.qualname.startswith(container):
                continue
            new = other.qualname.rsplit(".", 1)[-1].strip("_").lower()
            similar = len(core) >= 4 and len(new) >= 4 and (core in new or new in core)
            other_words = _words(other.qualname.rsplit(".", 1)[-1])
            shared = words & other_words
            similar = similar or (bool(shared) and 2 * len(shared) >= min(len(words), len(other_words)))
            if isinstance(other.node, _FUNCTIONS) and (similar or _params(other.node) == _params(d.node)):
                return other
        return None

    def new_definitions(self, path: str, container: str = "") -> list[Definition]:
        """Functions of a derived module (and class) that the base does not have."""
        return [d for d in self._derived_at.values()
                if d.path == path and d.kind != "class" and (d.path, d.qualname) not in self._base_at
                and (d.qualname.startswith(container + ".") if container else "." not in d.qualname)]

    def replacement_for(self, d: Definition) -> Definition | None:
        """A new function of the same module, at least half as large, that may have absorbed ``d`` (a refactor)."""
        if not isinstance(d.node, _FUNCTIONS) or self.referenced(d.qualname.rsplit(".", 1)[-1]):
            return None
        container = d.qualname.rsplit(".", 1)[0] if "." in d.qualname else ""
        calls = _calls(d.node)
        candidates = [n for n in self.new_definitions(d.path, container)
                      if 2 * n.size >= d.size and calls and 2 * len(calls & _calls(n.node)) >= len(calls)]
        return max(candidates, key=lambda n: (n.size, n.qualname)) if candidates else None

    def effective_size(self, d: Definition) -> int:
        """Statements of ``d`` plus those of the new helper functions it calls (logic moved into a helper is kept)."""
        helpers = {n.qualname.rsplit(".", 1)[-1]: n for n in self.new_definitions(d.path, d.qualname.rsplit(".", 1)[0] if "." in d.qualname else "")}
        helpers.update({n.qualname: n for n in self.new_definitions(d.path)})
        own = d.qualname.rsplit(".", 1)[-1]
        called = {name for node in ast.walk(d.node) if isinstance(node, ast.Call) and (name := _call_name(node)) in helpers and name != own}
        return d.size + sum(helpers[name].size for name in sorted(called))

    def methods_of(self, class_name: str, seen: set[str] | None = None) -> set[str]:
        """Method names of a derived class, inherited ones from classes of the bundle included."""
        seen = seen or set()
        cls = self.derived_class(class_name)
        if class_name in seen or cls is None:
            return set()
        seen.add(class_name)
        names = {q.split(".", 1)[1] for (path, q) in self._derived_at if path == cls.path and q.startswith(class_name + ".")}
        for base in cls.node.bases:
            target = base.attr if isinstance(base, ast.Attribute) else base.id if isinstance(base, ast.Name) else None
            if target:
                names |= self.methods_of(target, seen)
        return names


def _at(definition: Definition | None) -> dict:
    """Where to report: the derived definition, else line 1 of the module."""
    return {"line": definition.line, "column": definition.column} if definition is not None else {"line": 1}


class BaseDefinitionOmitted(Rule):
    """## What it does
    Compares a derived experiment with its base: every top-level function and class of
    the base, and every method of its classes, must still exist in the derived bundle
    (in any module). A definition that the base itself never uses, and placeholder stubs
    the derive step was meant to rewrite, may go. A renamed definition counts as
    omitted, since the base's callers and configs use the old name.

    ## Why is this bad?
    The derived code must keep all of the base's functionality and only fill in the
    dataset and model specifics. A generator that drops `BaselineModel` or an evaluation
    helper silently removes a run variation or a figure, or crashes where the configs
    still name it.

    ## Use instead
    Keep the base's definition (enhance it if needed) and add the new code beside it.
    """

    code = "EXP511"
    name = "base-definition-omitted"
    summary = "A function, class or method of the base is missing from the derived code."
    profiles = DERIVED_ONLY
    invalid = (
        Invalid({"src/evaluate.py": (
            "import json\nfrom pathlib import Path\n\n\ndef main():\n    for path in sorted(Path('.').glob('*/results.json')):\n"
            "        print(json.loads(path.read_text()))\n\n\nif __name__ == '__main__':\n    main()\n"
        )}, "src/evaluate.py:1", profile="derived", title="The derived evaluate.py dropped the base's load_results and its plotting function."),
        Invalid({"src/model.py": (
            "import torch\nfrom torch import nn\n\n\nclass BaselineMLP(nn.Module):\n    def __init__(self, num_features, hidden, num_classes=2):\n"
            "        super().__init__()\n        self.net = nn.Linear(num_features, num_classes)\n\n\n"
            "MODELS = {'baseline': BaselineMLP}\n\n\ndef build_model(run):\n    return MODELS[run['model']['name']](8, 32)\n"
        )}, ["src/model.py:1", "src/model.py:5"], profile="derived", title="A class lost its forward method and another class is gone."),
        Invalid({"src/evaluate.py": (
            "import json\nfrom pathlib import Path\n\nimport matplotlib\n\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n\n\n"
            "def load_results(results_dir):\n    return {p.parent.name: json.loads(p.read_text()) for p in sorted(results_dir.glob('*/results.json'))}\n\n\n"
            "def _draw_learning_curves(results, images_dir):\n    fig, ax = plt.subplots()\n    for run_id, data in results.items():\n"
            "        ax.plot([r['test_accuracy'] for r in data['history']], label=run_id)\n    ax.legend()\n    fig.tight_layout()\n"
            "    fig.savefig(images_dir / 'test_accuracy.pdf')\n    return images_dir / 'test_accuracy.pdf'\n\n\n"
            "def main():\n    results = load_results(Path('results'))\n    print(_draw_learning_curves(results, Path('results/images')))\n\n\n"
            "if __name__ == '__main__':\n    main()\n"
        )}, "src/evaluate.py:14", profile="derived", title="A renamed function with the same parameters is a warning at its new name."),
    )
    valid = (
        Valid(profile="derived"),
        Valid({"src/model.py": (
            "import torch\nfrom torch import nn\n\n\nclass BaselineMLP(nn.Module):\n    def __init__(self, num_features, hidden, num_classes=2):\n"
            "        super().__init__()\n        self.net = nn.Linear(num_features, num_classes)\n\n    def forward(self, inputs):\n"
            "        return self.net(inputs)\n\n\nclass ProposedMLP(BaselineMLP):\n    pass\n\n\n"
            "MODELS = {'baseline': BaselineMLP, 'proposed': ProposedMLP}\n\n\n"
            "def build_model(run):\n    return MODELS[run['model']['name']](8, 32)\n"
        )}, profile="derived", title="A subclass that inherits its methods from a class of the bundle keeps them."),
        Valid(profile="derived", base={"src/preprocess.py": (
            "def load_real(run):\n    # DATASET_PLACEHOLDER: the derive step loads the real dataset here.\n    raise NotImplementedError\n"
        )}, title="A base placeholder stub may be replaced by differently named code."),
    )

    def check(self, bundle):
        lineage = bundle.fact(Lineage)
        if lineage is None:
            return
        missing_classes = set()
        for d in lineage.base_defs:
            if d.placeholder or d.path not in bundle.files:
                continue
            if d.kind == "method":
                class_name, method = d.qualname.split(".", 1)
                target = lineage.derived_class(class_name)
                if class_name in missing_classes or target is None or method in lineage.methods_of(class_name):
                    continue
                if not (method.startswith("__") or method in _IMPLICIT_METHODS or lineage.used_in_base(method)):
                    continue
                where, at = target.path, target
            else:
                if lineage.counterpart(d) is not None or d.qualname in lineage.bindings:
                    continue
                if d.kind == "class":
                    missing_classes.add(d.qualname)
                if not lineage.used_in_base(d.qualname):
                    continue
                where, at = d.path, None
            what = f"{d.kind.capitalize()} `{d.qualname}` of the base ({d.path}:{d.line})"
            renamed = lineage.renamed_to(d)
            if renamed is not None:
                yield Report(renamed.path, f"{what} appears renamed to `{renamed.qualname}`: keep the base's name so that code and configs "
                                           "written against the base still work.", line=renamed.line, column=renamed.column, severity=Severity.WARNING)
                continue
            replacement = lineage.replacement_for(d)
            if replacement is not None:
                yield Report(where, f"{what} was removed and nothing refers to it any more; the new `{replacement.qualname}` may have taken over "
                                    "its logic: check that nothing of it was lost, or restore it.",
                             **_at(at), severity=Severity.WARNING)
                continue
            short = d.qualname.rsplit(".", 1)[-1]
            if d.path in SPECIFIC_FILES and not lineage.referenced(short):
                # A stand-in model or dataset helper of the base that the derive step replaced, and nothing refers to any more.
                yield Report(where, f"{what} was removed and nothing refers to it any more: if the derived experiment replaced it on purpose "
                                    "this is fine; otherwise restore it, since the derived code must keep the base's functionality.",
                             **_at(at), severity=Severity.WARNING)
                continue
            yield Report(where, f"{what} is missing from the derived code: restore it (a rename counts as a removal); the derived code "
                                "must keep all of the base's functionality.", **_at(at))


class TruncatedFunction(Rule):
    """## What it does
    Compares each function and method of a derived experiment with the same one in its
    base and reports those whose body shrank to less than half of the base's
    statements (counted recursively; base bodies under six statements and placeholder
    stubs are left alone).

    ## Why is this bad?
    Generators that run out of room shorten code: a training loop without validation,
    an evaluation that drops a figure. The reviewer's contract flags code sections
    significantly shorter than the base's. It is a warning because a function can also
    shrink for a good reason (its logic moved to a helper).

    ## Use instead
    Keep the base's logic in full and add the experiment's specifics to it.
    """

    code = "EXP512"
    name = "truncated-function"
    summary = "A function has much fewer statements than in the base."
    severity = Severity.WARNING
    profiles = DERIVED_ONLY
    invalid = (
        Invalid({"src/train.py": (
            "import argparse\nimport json\nfrom pathlib import Path\n\nimport torch\nimport yaml\nfrom torch import nn\n\n"
            "from .model import build_model\nfrom .preprocess import make_loaders\n\n\n"
            "def accuracy(model, loader):\n    return 0.0\n\n\n"
            "def train(run, results_dir):\n    model = build_model(run)\n    torch.save(model.state_dict(), results_dir / 'model.pt')\n"
            "    model.load_state_dict(torch.load(results_dir / 'model.pt'))\n    return {}\n\n\n"
            "def main():\n    parser = argparse.ArgumentParser()\n    parser.add_argument('--config', required=True)\n"
            "    parser.add_argument('--run-id', required=True)\n    parser.add_argument('--results-dir', required=True)\n"
            "    args = parser.parse_args()\n    with open(args.config) as handle:\n        config = yaml.safe_load(handle)\n"
            "    run = next(r for r in config['runs'] if r['run_id'] == args.run_id)\n    print(json.dumps(train(run, Path(args.results_dir))))\n\n\n"
            "if __name__ == '__main__':\n    main()\n"
        )}, ["src/train.py:13", "src/train.py:17"], profile="derived", title="The training loop and the accuracy were cut down."),
    )
    valid = (
        Valid(profile="derived"),
        Valid({"src/train.py": (
            "import argparse\nimport json\nfrom pathlib import Path\n\nimport torch\nimport yaml\nfrom torch import nn\n\n"
            "from .model import build_model\nfrom .preprocess import make_loaders\n\n\n"
            "def accuracy(model, loader):\n    model.eval()\n    correct = total = 0\n    with torch.no_grad():\n        for inputs, labels in loader:\n"
            "            correct += int((model(inputs).argmax(dim=1) == labels).sum())\n            total += len(labels)\n    return correct / max(total, 1)\n\n\n"
            "def _epoch(model, loader, optimizer, loss_fn):\n    model.train()\n    total = 0.0\n    for inputs, labels in loader:\n"
            "        optimizer.zero_grad()\n        loss = loss_fn(model(inputs), labels)\n        loss.backward()\n        optimizer.step()\n"
            "        total += loss.item()\n    return total / len(loader)\n\n\n"
            "def _finish(model, run_dir, history, test_loader, run):\n    checkpoint = run_dir / 'model.pt'\n    torch.save(model.state_dict(), checkpoint)\n"
            "    model.load_state_dict(torch.load(checkpoint))\n    results = {'run_id': run['run_id'], 'history': history, 'best_test_accuracy': accuracy(model, test_loader)}\n"
            "    (run_dir / 'results.json').write_text(json.dumps(results))\n    return results\n\n\n"
            "def train(run, results_dir):\n    torch.manual_seed(int(run['training']['seed']))\n    train_loader, test_loader = make_loaders(run)\n"
            "    model = build_model(run)\n    optimizer = torch.optim.Adam(model.parameters(), lr=float(run['training']['lr']))\n"
            "    run_dir = results_dir / run['run_id']\n    run_dir.mkdir(parents=True, exist_ok=True)\n    history = []\n"
            "    for epoch in range(int(run['training']['epochs'])):\n        loss = _epoch(model, train_loader, optimizer, nn.CrossEntropyLoss())\n"
            "        history.append({'epoch': epoch, 'train_loss': loss, 'test_accuracy': accuracy(model, test_loader)})\n"
            "    return _finish(model, run_dir, history, test_loader, run)\n\n\n"
            "def main():\n    parser = argparse.ArgumentParser()\n    parser.add_argument('--config', required=True)\n"
            "    parser.add_argument('--run-id', required=True)\n    parser.add_argument('--results-dir', required=True)\n"
            "    args = parser.parse_args()\n    with open(args.config) as handle:\n        config = yaml.safe_load(handle)\n"
            "    run = next(r for r in config['runs'] if r['run_id'] == args.run_id)\n    train(run, Path(args.results_dir))\n\n\n"
            "if __name__ == '__main__':\n    main()\n"
        )}, profile="derived", title="Logic moved into new helpers that the function calls is not truncation."),
    )

    MIN_BASE = 6

    def check(self, bundle):
        lineage = bundle.fact(Lineage)
        if lineage is None:
            return
        for d in lineage.base_defs:
            if d.kind == "class" or d.placeholder or d.size < self.MIN_BASE:
                continue
            derived = lineage.counterpart(d)
            if derived is None or derived.placeholder or derived.size * 2 >= d.size:
                continue
            size = lineage.effective_size(derived)
            if size * 2 >= d.size:
                continue
            yield Report(derived.path, f"`{d.qualname}` has {size} statements against {d.size} in the base ({d.path}:{d.line}), helpers it calls included: "
                                       "it may have been truncated; keep the base's logic in full.", line=derived.line, column=derived.column)


class StructureDiffersFromBase(Rule):
    """## What it does
    Compares the derived bundle's files with its base's: a file of the base that the
    derived bundle lacks, or a file the derived bundle adds. Files the profile requires
    (EXP101) or forbids (EXP102) are left to those rules.

    ## Why is this bad?
    The derive step fills in the base; it must keep the same file structure, so that the
    same commands, imports and configs work for every experiment.

    ## Use instead
    Keep the base's files, and put new code into the existing modules.
    """

    code = "EXP513"
    name = "structure-differs-from-base"
    summary = "The derived bundle's files differ from the base's."
    profiles = DERIVED_ONLY
    invalid = (
        Invalid({}, "config/smoke_test.yaml", profile="derived", base={"config/smoke_test.yaml": None},
                title="The derived bundle adds a file its base did not have."),
    )
    valid = (Valid(profile="derived"),)

    def check(self, bundle):
        base = bundle.context.base
        if base is None:
            return
        profile = bundle.profile
        for path in base.files:
            if path not in bundle.files and path not in profile.required:
                yield Report(path, f"{path} of the base is missing from the derived bundle: keep the base's files, or move its code into an allowed module.",
                             severity=Severity.WARNING)
        for path in bundle.files:
            if path not in base.files and profile.allows(path):
                yield Report(path, f"{path} is not in the base: the derived experiment must keep the base's file structure; "
                                   "make sure the base's code and configs expect this file.")


RULES = (BaseDefinitionOmitted, TruncatedFunction, StructureDiffersFromBase)
