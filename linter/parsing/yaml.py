"""YAML parsed once with PyYAML: the node tree (for line numbers) and the data (for types).

The data are built from the same node tree with PyYAML's safe constructor, so a value
has exactly the type ``yaml.safe_load`` gives the bundle's own code (YAML 1.1 rules:
``1e-3`` is a string there).
"""
from __future__ import annotations

import re
from typing import Any, Iterator

import yaml

from .. import limits
from ..records import dataclass
from .recent import RecentParses

try:  # the C loader is several times faster; the pure one gives the same result
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


@dataclass
class YamlProblem:
    line: int  # 1-based
    column: int  # 1-based
    message: str
    limit: bool = False  # True: not analysed because of a resource limit (EXP729), not a YAML error


@dataclass
class YamlFile:
    path: str
    data: Any = None
    root: yaml.Node | None = None
    error: YamlProblem | None = None

    def node_at(self, keys: tuple) -> yaml.Node | None:
        """The node reached by following mapping keys / sequence indexes from the root."""
        node = self.root
        for key in keys:
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == str(key):
                        node = v
                        break
                else:
                    return None
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
                node = node.value[key]
            else:
                return None
        return node

    def line_of(self, keys: tuple) -> int | None:
        """1-based line of the key (or item) at ``keys``; the value's line if it is an item."""
        if not keys:
            return 1
        parent = self.node_at(keys[:-1])
        if isinstance(parent, yaml.MappingNode):
            for k, _ in parent.value:
                if isinstance(k, yaml.ScalarNode) and k.value == str(keys[-1]):
                    return k.start_mark.line + 1
        node = self.node_at(keys)
        return node.start_mark.line + 1 if node is not None else None


def iter_scalars(node: yaml.Node, path: tuple = ()) -> Iterator[tuple[tuple, yaml.ScalarNode, yaml.ScalarNode | None]]:
    """Yield (key path, value node, key node) for every scalar value; aliases are not re-walked."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, tuple, yaml.ScalarNode | None]] = [(node, path, None)]
    while stack:
        current, where, key_node = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.ScalarNode):
            yield where, current, key_node
        elif isinstance(current, yaml.MappingNode):
            for k, v in reversed(current.value):
                key = k.value if isinstance(k, yaml.ScalarNode) else "?"
                stack.append((v, where + (key,), k if isinstance(k, yaml.ScalarNode) else None))
        elif isinstance(current, yaml.SequenceNode):
            for i, v in reversed(list(enumerate(current.value))):
                stack.append((v, where + (i,), None))


def _tree_size(root: yaml.Node, budget: int) -> tuple[int, bool]:
    """``_expanded_size`` of a document without aliases: every node is reached once, so the
    size is the node count and a plain walk suffices (a third of the general walk's cost)."""
    count = 0
    stack = [(root, 1)]
    pop, push, mapping, sequence = stack.pop, stack.append, yaml.MappingNode, yaml.SequenceNode
    while stack:
        node, depth = pop()
        count += 1
        if count > budget:
            return count, False
        if depth > limits.MAX_YAML_DEPTH:
            return 0, True
        kind = type(node)
        if kind is mapping:
            for key, value in node.value:
                push((key, depth + 1))
                push((value, depth + 1))
        elif kind is sequence:
            for value in node.value:
                push((value, depth + 1))
    return count, False


def _expanded_size(root: yaml.Node, budget: int) -> tuple[int, bool]:
    """(node count with aliases expanded, too deep), stopping once past ``budget`` (billion laughs).

    Iterative, so a deep document cannot exhaust the stack here.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()
    # Post-order walk: (node, depth, children visited?)
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            active.discard(key)
            if isinstance(node, yaml.MappingNode):
                children = [c for pair in node.value for c in pair]
            elif isinstance(node, yaml.SequenceNode):
                children = node.value
            else:
                children = []
            total = 1
            for child in children:
                total += sizes.get(id(child), budget + 1)
                if total > budget:
                    break
            sizes[key] = total
            if total > budget:
                return total, False
            continue
        if key in sizes:
            continue
        if key in active:
            return budget + 1, False  # a recursive alias never ends
        if depth > limits.MAX_YAML_DEPTH:
            return 0, True
        active.add(key)
        stack.append((node, depth, True))
        if isinstance(node, yaml.MappingNode):
            stack.extend((c, depth + 1, False) for pair in node.value for c in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((c, depth + 1, False) for c in node.value)
    return sizes.get(id(root), 1), False


_FLOW = re.compile(r"[\[\]{}]")


def _flow_depth(text: str) -> int:
    """Deepest flow-collection nesting, brackets in strings included (an over-count is harmless)."""
    depth = best = 0
    for match in _FLOW.finditer(text):
        if match.group() in "[{":
            depth += 1
            if depth > best:
                best = depth
        elif depth:
            depth -= 1
    return best


def _problem_from(exc: yaml.YAMLError) -> YamlProblem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    message = f"{context}, {problem}" if context else str(problem)
    if mark is None:
        return YamlProblem(1, 1, message)
    return YamlProblem(mark.line + 1, mark.column + 1, message)


def parse_yaml(path: str, text: str) -> YamlFile:
    data, root, error = _RECENT.get(text, _load)
    return YamlFile(path, data, root, error)


# Loads kept by text, as Python parses are: a batch of bundles repeats its config files even
# more than its code (327 distinct texts among the dev corpus's 722 YAML files). The data and
# nodes are then shared by every bundle holding the text, so nothing may change them:
# tests/test_shared_parses.py lints every example and fixture and checks that nothing did.
# Bounded like the Python parses (at most one bundle's worth of Python in characters).
_RECENT = RecentParses(128, limits.MAX_BUNDLE_PYTHON_BYTES)


def _load(text: str) -> tuple[Any, yaml.Node | None, YamlProblem | None]:
    """(data, root node, problem) of one YAML text."""
    # libyaml's composer recurses in C per flow level and crashes the interpreter on deep
    # nesting (the pure-Python loader is quadratic there): refuse it before either runs.
    if _flow_depth(text) > limits.MAX_NESTING:
        return None, None, YamlProblem(
            1, 1, f"flow collections ([ ], {{ }}) nested deeper than {limits.MAX_NESTING} levels; not loaded", limit=True)
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None, None
        # An alias is written `*name`: without a `*` every node is reached once.
        measure = _expanded_size if "*" in text else _tree_size
        size, too_deep = measure(root, limits.MAX_YAML_NODES)
        if too_deep:
            return None, None, YamlProblem(
                root.start_mark.line + 1, 1, f"nested deeper than {limits.MAX_YAML_DEPTH} levels; not loaded", limit=True)
        if size > limits.MAX_YAML_NODES:
            return None, None, YamlProblem(
                root.start_mark.line + 1, 1,
                f"expands to over {limits.MAX_YAML_NODES} nodes through aliases (a 'billion laughs' bomb); not loaded",
                limit=True)
        data = loader.construct_document(root)
    except yaml.YAMLError as exc:
        problem = _problem_from(exc)
        if "maximum nesting depth" in problem.message:  # libyaml >= 0.2.5's own depth limit: ours too
            return None, None, YamlProblem(
                problem.line, 1, f"nested deeper than {limits.MAX_YAML_DEPTH} levels; not loaded", limit=True)
        return None, None, problem
    except RecursionError:
        return None, None, YamlProblem(1, 1, f"nested deeper than {limits.MAX_YAML_DEPTH} levels; not loaded", limit=True)
    except (ValueError, TypeError, OverflowError, MemoryError) as exc:
        return None, None, YamlProblem(1, 1, f"could not be loaded ({type(exc).__name__}: {str(exc)[:80]})")
    finally:
        loader.dispose()
    return data, root, None
