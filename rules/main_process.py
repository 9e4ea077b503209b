"""EXP430-EXP431: how the launching module reads the pipes of the runs it starts."""
from __future__ import annotations

import libcst as cst

from linter.facts.pipes import FULL, INTERLEAVED, Pipes, bind_arguments, is_bytes_literal, param_uses
from linter.findings import Location, Severity
from linter.parsing.cst_helpers import arg, dotted_name, keyword_arg, string_value
from linter.rule import Invalid, Report, Rule, Valid
from linter.testing import patched

_THREADS = ("        pumps = [\n"
            "            threading.Thread(target=_pump, args=(process.stdout, [out, sys.stdout])),\n"
            "            threading.Thread(target=_pump, args=(process.stderr, [err, sys.stderr])),\n"
            "        ]\n"
            "        for pump in pumps:\n"
            "            pump.start()\n"
            "        for pump in pumps:\n"
            "            pump.join()\n")
_SEQUENTIAL = ("        _pump(process.stdout, [out, sys.stdout])\n"
               "        _pump(process.stderr, [err, sys.stderr])\n")
_NO_THREADING = ("import threading\n", "")


def _loc(bundle, path, node) -> Location:
    parsed = bundle.python(path)
    span = parsed.span(node) if parsed is not None and node is not None else None
    return Location(path, span[0]) if span else Location(path)


def _where(loc: Location) -> str:
    return f"{loc.path}:{loc.line}" if loc.line else loc.path


def _only_tested(index, node) -> bool:
    """``assert proc.stderr is not None``: a use that reads nothing."""
    parent = index.parent(node)
    return type(parent) in (cst.Comparison, cst.ComparisonTarget) or index.enclosing(node, cst.Assert) is not None


def _passed_on(index, launch) -> bool:
    """proc itself is passed to a call or returned: someone else may read its pipes."""
    for node in index.of(cst.Name):
        if node.value != launch.proc:
            continue
        parent = index.parent(node)
        if type(parent) in (cst.Arg, cst.Return, cst.Yield, cst.Element):
            if (index.enclosing(node, cst.FunctionDef) or index.module) is launch.scope:
                return True
    return False


class PipeDeadlock(Rule):
    """## What it does
    Finds a child process started with `stdout=PIPE` and `stderr=PIPE` whose stdout is
    read to the end (`for line in proc.stdout`, `proc.stdout.read()`, a
    `while`/`iter(proc.stdout.readline, ...)` loop, or a helper of the same file that
    does one of these) before its stderr is read at all, or the other way round. A loop
    that calls `readline()` on both pipes in turn is reported as a warning. The module
    is not checked when it uses threads, `selectors`/`select`, `asyncio` or
    `concurrent.futures`, when the process's `communicate()` is called, when stderr goes
    to `STDOUT`, a file or `DEVNULL`, or when the process object is handed to another
    function.

    ## Why is this bad?
    A pipe holds about 64 KiB. While the parent waits for the end of stdout, a child that
    writes more than that to stderr (tqdm progress bars, warnings, a long traceback)
    blocks on the full stderr pipe and never closes stdout: both processes wait forever
    and the run hangs without an error. With `readline()` on both pipes in turn the parent
    blocks on whichever pipe is quiet while the other fills.

    ## Use instead
    Drain both pipes at once: one thread per pipe (`threading.Thread(target=pump,
    args=(proc.stderr, ...))`), `selectors`, or `proc.communicate()`; or send stderr to
    its own file (`stderr=log_file`).
    """

    code = "EXP430"
    name = "pipe-deadlock"
    summary = "main reads one pipe of a child to the end before the other: the run can hang."
    valid = (
        Valid(title="one thread per pipe"),
        Valid({"src/main.py": patched("experiment", "src/main.py", (_THREADS, "        stdout, stderr = process.communicate()\n        out.write(stdout)\n        err.write(stderr)\n"), _NO_THREADING)},
              title="communicate() reads both pipes"),
        Valid({"src/main.py": patched("experiment", "src/main.py", (_THREADS, "        _pump(process.stdout, [out, sys.stdout])\n"), ("stderr=subprocess.PIPE", "stderr=err"), _NO_THREADING)},
              title="stderr goes straight to its log file"),
    )
    invalid = (
        Invalid({"src/main.py": patched("experiment", "src/main.py", (_THREADS, _SEQUENTIAL), _NO_THREADING)},
                "src/main.py:27", title="a helper reads stdout to EOF, then stderr"),
        Invalid({"src/main.py": patched("experiment", "src/main.py", (_THREADS, "        for line in process.stdout:\n            out.write(line)\n        err.write(process.stderr.read())\n"), _NO_THREADING)},
                "src/main.py:27", title="for line in proc.stdout before proc.stderr.read()"),
        Invalid({"src/main.py": patched("experiment", "src/main.py", (_THREADS, "        while process.poll() is None:\n            out.write(process.stdout.readline())\n            err.write(process.stderr.readline())\n"), _NO_THREADING)},
                "src/main.py:27", title="readline on both pipes in turn (a warning)"),
    )

    def check(self, bundle):
        facts = bundle.fact(Pipes)
        for launch in facts.launches:
            if launch.stdout != "pipe" or launch.stderr != "pipe" or launch.communicate or facts.concurrent.get(launch.path):
                continue
            index = bundle.index(launch.path)
            first = next((u for u in launch.uses if u.kind == FULL), None)
            if first is not None:
                other = "stderr" if first.stream == "stdout" else "stdout"
                pos = launch.uses.index(first)
                if any(u.stream == other and not _only_tested(index, u.node) for u in launch.uses[:pos]):
                    continue
                later = next((u for u in launch.uses[pos + 1:] if u.stream == other), None)
                if later is None and _passed_on(index, launch):
                    continue
                start = _loc(bundle, launch.path, launch.call)  # positions: for findings only
                drain = _loc(bundle, launch.path, first.drain or first.node)
                tail = (f"then reads {other} at {_where(_loc(bundle, launch.path, later.node))}" if later is not None
                        else f"and never reads {other}")
                yield Report(
                    launch.path,
                    f"The run can hang: the child started at {_where(start)} has both stdout and stderr piped, but "
                    f"{_where(drain)} reads its {first.stream} to the end first {tail}, so a child that writes more than "
                    f"a pipe buffer (64 KiB) to {other} blocks forever; drain both pipes at once (a thread per pipe or communicate()).",
                    node=first.drain or first.node,
                    related=(start,),
                )
                continue
            mixed = next((u for u in launch.uses if u.kind == INTERLEAVED), None)
            if mixed is not None:
                start = _loc(bundle, launch.path, launch.call)
                loop = _loc(bundle, launch.path, mixed.drain)
                yield Report(
                    launch.path,
                    f"The run can hang: the loop at {_where(loop)} calls readline() on the child's stdout and stderr in turn, "
                    f"so it blocks on whichever pipe is quiet while the other fills its 64 KiB buffer; drain each pipe in its own thread.",
                    node=mixed.drain,
                    related=(start,),
                    severity=Severity.WARNING,
                )


# -- EXP431 ---------------------------------------------------------------------------------------

def _open_mode(call: cst.Call) -> str | None:
    name = dotted_name(call.func) or ""
    if name in ("open", "io.open", "codecs.open"):
        mode = arg(call, 1, "mode")
    elif type(call.func) is cst.Attribute and call.func.attr.value == "open":
        mode = arg(call, 0, "mode")
    else:
        return None
    if mode is None:
        return None
    return string_value(mode)


def _mode_of_call(call) -> str | None:
    mode = _open_mode(call) if type(call) is cst.Call else None
    if mode is None or not any(c in mode for c in "wax+"):
        return None
    return "bytes" if "b" in mode else "text"


def _handle_mode(index, expr, scope, bindings) -> str | None:
    """'bytes' | 'text' | None: what ``expr.write`` accepts."""
    if type(expr) is cst.Attribute and expr.attr.value == "buffer":
        return "bytes"
    name = dotted_name(expr)
    if name in ("sys.stdout", "sys.stderr", "sys.__stdout__", "sys.__stderr__"):
        return "text"
    if type(expr) is not cst.Name:
        return None
    if expr.value in bindings:
        return bindings[expr.value]
    found = []
    for item in index.of(cst.WithItem):
        if item.asname is not None and type(item.asname.name) is cst.Name and item.asname.name.value == expr.value:
            if (index.enclosing(item, cst.FunctionDef) or index.module) is scope:
                found.append(_mode_of_call(item.item))
    for node in index.of(cst.Assign):
        if any(type(t.target) is cst.Name and t.target.value == expr.value for t in node.targets):
            if (index.enclosing(node, cst.FunctionDef) or index.module) is scope:
                found.append(_mode_of_call(node.value))
    if len(found) == 1:
        return found[0]
    return None


def _flows(index, node, scope, helpers, bindings, depth):
    """What a stream's lines meet: ("sink", write call, mode) and ("sentinel", expr, is_bytes)."""
    parent = index.parent(node)
    var, region = None, None
    if type(parent) is cst.For and parent.iter is node and type(parent.target) is cst.Name:
        var, region = parent.target.value, parent
    elif type(parent) is cst.Attribute and parent.value is node and parent.attr.value == "readline":
        grand = index.parent(parent)
        if type(grand) is cst.Call and grand.func is parent:
            assign = index.parent(grand)
            if type(assign) is cst.Assign and len(assign.targets) == 1 and type(assign.targets[0].target) is cst.Name:
                var = assign.targets[0].target.value
                region = index.enclosing(grand, cst.While, cst.For) or scope
        elif type(grand) is cst.Arg:
            iter_call = index.parent(grand)
            if type(iter_call) is cst.Call and dotted_name(iter_call.func) == "iter" and len(iter_call.args) == 2 and iter_call.args[0] is grand:
                yield "sentinel", iter_call.args[1].value, is_bytes_literal(iter_call.args[1].value)
                loop = index.parent(iter_call)
                if type(loop) is cst.For and type(loop.target) is cst.Name:
                    var, region = loop.target.value, loop
    elif type(parent) is cst.Element and depth < 2:
        # threading.Thread(target=helper, args=(proc.stdout, ...))
        tup = index.parent(parent)
        holder = index.parent(tup) if type(tup) in (cst.Tuple, cst.List) else None
        call = index.parent(holder) if type(holder) is cst.Arg and holder.keyword is not None and holder.keyword.value == "args" else None
        target = keyword_arg(call, "target") if type(call) is cst.Call and (dotted_name(call.func) or "").endswith("Thread") else None
        if type(target) is cst.Name and target.value in helpers:
            helper = helpers[target.value]
            params = [p.name.value for p in list(helper.params.posonly_params) + list(helper.params.params)]
            values = [e.value for e in tup.elements]
            if len(values) <= len(params) and not any(type(e) is cst.StarredElement for e in tup.elements):
                bound = dict(zip(params, values))
                stream_param = params[values.index(node)]
                inner = {p: _handle_mode(index, e, scope, bindings) for p, e in bound.items() if e is not node}
                for use in param_uses(index, helper, stream_param):
                    yield from _flows(index, use, helper, helpers, inner, depth + 1)
        return
    elif type(parent) is cst.Arg and depth < 2:
        call = index.parent(parent)
        if type(call) is cst.Call and type(call.func) is cst.Name and call.func.value in helpers:
            helper = helpers[call.func.value]
            bound = bind_arguments(helper, call)
            stream_param = next((p for p, e in bound.items() if e is node), None)
            if stream_param is None:
                return
            inner = {p: _handle_mode(index, e, scope, bindings) for p, e in bound.items() if e is not node}
            for use in param_uses(index, helper, stream_param):
                yield from _flows(index, use, helper, helpers, inner, depth + 1)
        return
    if var is None:
        return
    for call in index.of(cst.Call):
        if type(call.func) is not cst.Attribute or call.func.attr.value != "write" or not call.args:
            continue
        first = call.args[0]
        if first.keyword is not None or type(first.value) is not cst.Name or first.value.value != var:
            continue
        if not any(a is region for a in index.ancestors(call)):
            continue
        yield "sink", call, _handle_mode(index, call.func.value, scope, bindings)


class StreamModeMismatch(Rule):
    """## What it does
    Follows the lines read from a child's pipes (`for line in proc.stdout`,
    `iter(proc.stdout.readline, sentinel)`, `line = proc.stdout.readline()`, also inside a
    helper of the same file the stream is passed to) and checks them against the
    process's mode: started with `text=True`, `universal_newlines=True` or `encoding=`, the
    lines are `str`; otherwise they are `bytes`. It reports `str` lines written to a
    binary sink (`sys.stdout.buffer.write`, `f.buffer.write`, a file opened `"wb"`),
    `bytes` lines written to a text sink (`sys.stdout.write`, a file opened `"w"`), and an
    `iter(readline, sentinel)` whose sentinel has the other type (`b""` in text mode).

    ## Why is this bad?
    `sys.stdout.buffer.write("...")` raises `TypeError: a bytes-like object is required`
    on the first line the run prints (and `sys.stdout.write(b"...")` raises `TypeError:
    write() argument must be str`), so every run fails in the tee. A sentinel of the
    wrong type never equals what `readline()` returns at the end of the stream, so the
    loop spins forever after the child exits.

    ## Use instead
    Keep one mode: with `text=True` write lines to `sys.stdout` and text files and stop
    at `""`; without it write to `sys.stdout.buffer` and `"wb"` files and stop at `b""`.
    """

    code = "EXP431"
    name = "stream-mode-mismatch"
    summary = "main writes a child's str lines to a binary sink (or bytes to a text one)."
    valid = (
        Valid(title="text lines to text sinks"),
        Valid({"src/main.py": patched("experiment", "src/main.py", ('iter(stream.readline, "")', 'iter(stream.readline, b"")'), (", text=True)", ")"),
                                      ("            sink.write(line)", "            sink.buffer.write(line)"))},
              title="bytes lines to .buffer sinks"),
    )
    invalid = (
        Invalid({"src/main.py": patched("experiment", "src/main.py", ("open(log_dir / \"stdout.log\", \"w\") as out", "open(log_dir / \"stdout.log\", \"wb\") as out"),
                                        (_THREADS, "        for line in process.stdout:\n            out.write(line)\n" + _THREADS))},
                "src/main.py:29", title="str lines into a file opened 'wb'"),
        Invalid({"src/main.py": patched("experiment", "src/main.py", (", text=True)", ")"), (_THREADS, _SEQUENTIAL), _NO_THREADING, ('iter(stream.readline, "")', 'iter(stream.readline, b"")'),
                                        ("def _pump(stream, sinks) -> None:", "def _pump(stream, log) -> None:\n    for chunk in iter(stream.readline, b\"\"):\n        sys.stdout.write(chunk)\n\n\ndef _old(stream, sinks) -> None:"),
                                        ("_pump(process.stdout, [out, sys.stdout])", "_pump(process.stdout, out)"), ("_pump(process.stderr, [err, sys.stderr])", "_pump(process.stderr, err)"))},
                "src/main.py:16", title="bytes lines into sys.stdout.write through a helper"),
        Invalid({"src/main.py": patched("experiment", "src/main.py", ('iter(stream.readline, "")', 'iter(stream.readline, b"")'))},
                "src/main.py:16", title="a b\"\" sentinel in text mode never ends the loop"),
    )

    def check(self, bundle):
        facts = bundle.fact(Pipes)
        seen: set[tuple[str, int]] = set()
        for launch in facts.launches:
            if launch.text is None:
                continue
            index = bundle.index(launch.path)
            from linter.facts.pipes import _helpers

            helpers = _helpers(index)
            start = None  # positions cost a code generation: computed for findings only
            lines = "str" if launch.text else "bytes"
            mode = "text mode" if launch.text else "binary mode (no text=True)"
            for use in launch.uses:
                for kind, node, detail in _flows(index, use.node, launch.scope, helpers, {}, 0):
                    is_sink = kind == "sink" and detail is not None and (detail == "bytes") == launch.text
                    if not is_sink and not (kind == "sentinel" and detail is not None and detail == launch.text):
                        continue
                    loc = _loc(bundle, launch.path, node)
                    key = (kind, loc.line or 0)
                    if key in seen:
                        continue
                    if start is None:
                        start = _loc(bundle, launch.path, launch.call)
                    if is_sink:
                        seen.add(key)
                        sink = "a binary sink" if detail == "bytes" else "a text sink"
                        error = "a bytes-like object is required, not 'str'" if launch.text else "write() argument must be str, not bytes"
                        yield Report(
                            launch.path,
                            f"TypeError ({error}) on the first line of the run: the child started at {_where(start)} is in {mode}, so its "
                            f"{use.stream} lines are {lines}, but {_where(loc)} writes them to {sink}; "
                            f"{'write to sys.stdout and text files' if launch.text else 'decode the lines or write to sys.stdout.buffer and binary files'}.",
                            node=node,
                            related=(start,),
                        )
                    else:
                        seen.add(key)
                        want = '""' if launch.text else 'b""'
                        yield Report(
                            launch.path,
                            f"The tee never stops: the child started at {_where(start)} is in {mode}, so readline() returns {want} "
                            f"at the end of its {use.stream}, but the iter() sentinel at {_where(loc)} has the other type and never matches; use {want}.",
                            node=node,
                            related=(start,),
                        )


RULES = (PipeDeadlock, StreamModeMismatch)
