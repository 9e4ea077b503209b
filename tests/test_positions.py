"""Node spans from PythonFile.span equal LibCST's own PositionProvider, whatever order they are asked in."""
from __future__ import annotations

import random

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from linter.parsing.positions import PositionIndex
from linter.parsing.python import parse_python
from linter.parsing.walk import walk

SAMPLES = {
    "plain": "import os\n\n\ndef f(a, b=1):\n    return a + b\n",
    "crlf": "import os\r\n\r\nclass A:\r\n    x = 1\r\n\r\n    def m(self):\r\n        return self.x\r\n",
    "cr": "x = 1\ry = (2,\r     3)\rif x:\r    y = 4\r",
    "tabs": "if True:\n\tx = 1\n\tif x:\n\t\ty = 'a\\tb'\n\telse:\n\t\ty = 2\n",
    "unicode": "s = 'héllo wörld ✓'\nnames = ['日本', \"中文\"]  # コメント\nprint(s, names)\n",
    "continuation": "x = 1 + \\\n    2\nif x and \\\n        x > 1:\n    y = x \\\n        + 3\n",
    "fstrings": "a = 1\nb = f\"{a!r:>{a}} {f'{a + 1}'} {{x}}\"\nc = f'''\n{a}\n  {b:{a}}\n'''\n",
    "strings": 's = """doc\nstring\n"""\nt = (\'a\'\n     "b")\nu = b"\\x00"\n',
    "no_final_newline": "def f():\n    x = 1\n    return x",
    "no_final_newline_cr": "def f():\r\n    return 1",
    "comments": "# header\n\n# lead\nx = 1  # trailing\n\n\n    # odd indent\ndef f():\n    # inside\n    pass\n    # after\n# footer\n",
    "duplicates": (
        "def f(x):\n    if x:\n        return None\n    return None\n\n"
        "def g(x):\n    if x:\n        return None\n    return None\n"
        "for i in range(3):\n    return None\n"
    ),
    "decorators": "import hydra\n\n\n@hydra.main(config_path='c')\n# between\n@other\ndef main(cfg):\n    print(cfg)\n",
    "semicolons": "x = 1; y = 2; z = x + y\nif x: a = 1; b = 2\n",
    "nested": (
        "class A:\n    class B:\n        def m(self):\n            with open('f') as h:\n"
        "                for line in h:\n                    try:\n                        x = {k: [v for v in line] for k in 'ab'}\n"
        "                    except (ValueError, KeyError) as err:\n                        raise RuntimeError('x') from err\n"
        "                    else:\n                        pass\n                    finally:\n                        del x\n"
    ),
    "elif_match": (
        "def f(p):\n    if p == 1:\n        return 1\n    elif p == 2:\n        return 2\n    else:\n        return 3\n"
        "    match p:\n        case [1, *rest]:\n            return rest\n        case {'k': v}:\n            return v\n        case _:\n            pass\n"
    ),
    "async_lambda": "async def f():\n    async with a as b:\n        await b\n    g = lambda x, *y, **z: (x, y, z)\n",
    "form_feed": "x = 1\n\x0c\ndef f():\n    return x\n\x0cy = f()\n",
    "mixed_indent": "if x:\n        a = 1\n        if a:\n          b = 2\nelse:\n   c = 3\n",
    "blank_whitespace_lines": "def f():\n    x = 1\n    \n        \n    return x\n\n   \n",
}


def _provider_spans(module: cst.Module) -> dict[int, tuple[int, int, int, int]]:
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    return {id(n): (r.start.line, r.start.column, r.end.line, r.end.column) for n, r in positions.items()}


def _check(name: str, text: str, seed: int = 0) -> None:
    parsed = parse_python(f"{name}.py", text)
    assert parsed.module is not None, parsed.error
    expected = _provider_spans(parsed.module)
    nodes = list(walk(parsed.module))[1:]
    random.Random(seed).shuffle(nodes)
    for node in nodes:
        assert parsed.span(node) == expected[id(node)], (name, type(node).__name__)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_spans_match_libcst(name: str) -> None:
    for seed in range(3):
        _check(name, SAMPLES[name], seed)


def test_whole_module_pass_matches_libcst() -> None:
    for name, text in SAMPLES.items():
        module = cst.parse_module(text)
        expected = _provider_spans(module)
        index = PositionIndex(module)
        for node in walk(module):
            assert index.span(node) == expected[id(node)], (name, type(node).__name__)


_SIMPLE = [
    "x = 1", "y = x + 1", "return None", "pass", "# comment", "", "   ", "print(x)", "del x", "x += 1",
    "z = (1,\n     2)", "s = '''a\nb'''", "t = f'{x}'", "u = x \\\n    + 1", "a = 1; b = 2",
]
_COMPOUND = ["if x:", "for i in range(2):", "def f(a):", "class C:", "with a as b:", "@d\ndef g():", "while x:"]


def _program(rng: random.Random) -> str:
    """A random program, nested and repetitive: repeated statements make their text ambiguous."""
    out, depth = [], 0
    for _ in range(rng.randint(3, 30)):
        indent = "    " * depth
        if rng.random() < 0.3:
            out.extend(indent + part for part in rng.choice(_COMPOUND).split("\n"))
            out.append(indent + "    " + rng.choice(["pass", "return None", "x = 1"]))
            depth += 1
        else:
            out.append(indent + rng.choice(_SIMPLE).replace("\n", "\n" + indent))
            if depth and rng.random() < 0.3:
                depth -= rng.randint(1, depth)
    newline = rng.choice(["\n", "\r\n"])
    return "\n".join(out).replace("\n", newline) + rng.choice([newline, ""])


def test_random_programs_match_libcst() -> None:
    rng = random.Random(7)
    checked = 0
    for attempt in range(300):
        text = _program(rng)
        try:
            cst.parse_module(text)
        except Exception:
            continue
        _check(f"random{attempt}", text, attempt)
        checked += 1
    assert checked > 50
