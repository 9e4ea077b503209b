"""A repeated text is parsed once: the tree is shared, the path is not."""
from __future__ import annotations

import json

from conftest import write_bundle

from linter.cli import main
from linter.parsing.python import parse_python
from linter.parsing.recent import RecentParses
from linter.testing import minimal_files


def test_least_recently_used_text_is_dropped_first():
    calls = []

    def parse(text):
        calls.append(text)
        return text.upper()

    recent = RecentParses(2, max_chars=100)
    assert [recent.get(t, parse) for t in ("a", "b", "a", "c", "b", "a")] == ["A", "B", "A", "C", "B", "A"]
    # "a" was used again before "c" came, so "b" went; "b" then pushed out "a".
    assert calls == ["a", "b", "c", "b", "a"]


def test_kept_characters_are_bounded_and_a_huge_text_is_not_kept():
    calls = []

    def parse(text):
        calls.append(text)
        return len(text)

    recent = RecentParses(10, max_chars=10)
    for text in ("aaaa", "bbbb", "cccc", "aaaa"):  # the third pushes "aaaa" out: 12 > 10 characters
        recent.get(text, parse)
    recent.get("x" * 11, parse)
    recent.get("x" * 11, parse)
    assert calls == ["aaaa", "bbbb", "cccc", "aaaa", "x" * 11, "x" * 11]


def test_same_text_under_two_paths_shares_the_tree_not_the_path():
    text = "import os\n\nVALUE = os.sep  # recent-parses test\n"
    first, second = parse_python("src/a.py", text), parse_python("src/b.py", text)
    assert first.module is second.module and first.index is second.index
    assert (first.path, second.path) == ("src/a.py", "src/b.py")


def test_a_syntax_error_is_remembered_with_its_position():
    text = "def broken(:\n    pass  # recent-parses test\n"
    first, second = parse_python("a.py", text), parse_python("b.py", text)
    assert first.module is None and second.module is None
    assert (second.error.line, second.error.message) == (first.error.line, first.error.message)


def test_linting_a_bundle_after_its_copy_reports_the_same_findings(tmp_path, capsys):
    files = minimal_files("experiment")
    files["src/train.py"] += "\nprint(undefined_name)  # recent-parses test\n"
    one, two = write_bundle(tmp_path / "one", files), write_bundle(tmp_path / "two", files)
    main(["--exit-zero", "--format", "json", str(one)])
    alone = json.loads(capsys.readouterr().out)
    main(["--exit-zero", "--format", "json", str(one), str(two)])
    both = json.loads(capsys.readouterr().out)
    assert findings(both, 0) == findings(both, 1) == findings(alone, 0)
    assert findings(alone, 0), "the test bundle must have findings to compare"


def findings(report: dict, i: int) -> list[tuple]:
    return [(f["rule"], f["path"], f["line"], f["message"]) for f in report["results"][i]["findings"]]


def test_bundles_repeating_a_text_share_its_per_module_analyses_and_keep_their_paths():
    from linter.bundle import Bundle, Context
    from linter.facts.scopes import Scopes
    from linter.source import from_text

    text = "import json\nfrom pathlib import Path\n\n\ndef save(out):\n    Path(out, 'results.json').write_text(json.dumps({}))\n"

    def bundle(path):
        return Bundle({path: from_text(path, text)}, origin="<t>", context=Context())

    first, again, moved = bundle("src/train.py"), bundle("src/train.py"), bundle("src/evaluate.py")
    assert first.index("src/train.py") is again.index("src/train.py")  # one parse, one index
    a, b, c = (x.fact(Scopes) for x in (first, again, moved))
    assert a.modules["src/train.py"] is b.modules["src/train.py"]
    assert c.modules["src/evaluate.py"] is not a.modules["src/train.py"]
    assert c.modules["src/evaluate.py"].path == "src/evaluate.py"
