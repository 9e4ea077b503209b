"""What the vendored validator's patched ``formats.py`` imports (see ``PATCHES`` in ``__main__``).

``formats.py`` imports ``packaging.requirements`` and ``packaging.licenses`` when it loads,
~15 ms of every run (markers, tags, platform, subprocess), to check strings most bundles
write in a form recognised without them. The patch loads them on first use instead and
answers the common requirement forms first (``linter.parsing.pep508``, checked against
``packaging`` by tests/test_pep508.py).
"""
from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from ..parsing.pep508 import simple_requirement

__all__ = ["lazy_module", "simple_requirement"]


def lazy_module(name: str) -> ModuleType:
    """``name``, executed on its first attribute access; ImportError when it is not installed."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(f"No module named {name!r}")
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:  # as an import would: `import packaging.requirements` then finds the attribute
        setattr(sys.modules[parent], child, module)
    return module
