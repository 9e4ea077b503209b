"""YAML parsed once with PyYAML: the node tree (for line numbers) and the data (for types).

The data are built from the same node tree with PyYAML's safe constructor, so a value
has exactly the type ``yaml.safe_load`` gives the bundle's own code (YAML 1.1 rules:
``1e-3`` is a string there).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

import yaml

from .. import limits

try:  # the C loader is several times faster; the pure one gives the same result
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


@dataclass
class YamlProblem:
    line: int  # 1-based
    column: int  # 1-based
    message: str


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


def _expanded_size(root: yaml.Node, budget: int) -> int:
    """Node count with aliases expanded, stopping once it passes ``budget`` (billion laughs)."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active or depth > limits.MAX_NESTING:
            return budget + 1  # a recursive alias or absurd depth never ends well
        active.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            children = [c for pair in node.value for c in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = node.value
        else:
            children = []
        for child in children:
            total += size(child, depth + 1)
            if total > budget:
                break
        active.discard(key)
        sizes[key] = total
        return total

    return size(root, 0)


def _problem_from(exc: yaml.YAMLError) -> YamlProblem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    message = f"{context}, {problem}" if context else str(problem)
    if mark is None:
        return YamlProblem(1, 1, message)
    return YamlProblem(mark.line + 1, mark.column + 1, message)


def parse_yaml(path: str, text: str) -> YamlFile:
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return YamlFile(path, None, None)
        if _expanded_size(root, limits.MAX_YAML_NODES) > limits.MAX_YAML_NODES:
            return YamlFile(path, None, root, YamlProblem(
                root.start_mark.line + 1, 1,
                f"document expands to over {limits.MAX_YAML_NODES} nodes (alias bomb or absurd nesting); not loaded"))
        data = loader.construct_document(root)
    except yaml.YAMLError as exc:
        return YamlFile(path, None, None, _problem_from(exc))
    except (RecursionError, ValueError, TypeError, OverflowError) as exc:
        return YamlFile(path, None, None, YamlProblem(1, 1, f"could not be loaded ({type(exc).__name__})"))
    finally:
        loader.dispose()
    return YamlFile(path, data, root)
