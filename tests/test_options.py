"""The rule options of [tool.acl-lint], as a user sets them in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

CTOR = '''
import acl


def check_ret(msg, ret):
    if ret != 0:
        raise RuntimeError(msg)


class Model:
    def __init__(self, path):
        self.stream, ret = acl.rt.create_stream()
        check_ret("create_stream", ret)
        self.model_id, ret = acl.mdl.load_from_file(path)
        check_ret("load", ret)

    def release(self):
        acl.mdl.unload(self.model_id)
        acl.rt.destroy_stream(self.stream)
'''

RELEASE_STATUS = '''
import acl


def run(size):
    ptr, ret = acl.rt.malloc(size, 0)
    if ret != 0:
        return ret
    acl.rt.free(ptr)
    return 0
'''

BUFFER_ORDER = '''
import acl


def wrap(size):
    ptr, ret = acl.rt.malloc(size, 0)
    if ret != 0:
        return
    buf = acl.create_data_buffer(ptr, size)
    acl.destroy_data_buffer(buf)
    acl.rt.free(ptr)
'''

CUSTOM_CHECK = '''
import acl


def ensure(ret):
    LOG.append(ret)


def run(size):
    ptr, ret = acl.rt.malloc(size, 0)
    ensure(ret)
    host, ret = acl.rt.malloc_host(size)
    ensure(ret)
    acl.rt.free_host(host)
    acl.rt.free(ptr)
'''

PER_CALL = '''
import acl


class Worker:
    def __init__(self):
        self.stream = None

    def warm(self):
        self.stream, ret = acl.rt.create_stream()
        if ret != 0:
            raise RuntimeError(ret)

    def close(self):
        acl.rt.destroy_stream(self.stream)
'''


LOW_VALUE_INIT = '''
import acl


def check_ret(msg, ret):
    if ret != 0:
        raise RuntimeError(msg)


def start(device_id):
    acl.init()
    ret = acl.rt.set_device(device_id)
    check_ret("set_device", ret)


def start_unchecked(device_id):
    acl.init()
    acl.rt.set_device(device_id)
'''


def line_of(source: str, text: str) -> int:
    return next(i for i, line in enumerate(textwrap.dedent(source).splitlines(), 1) if text in line)


def lint(tmp_path, source, options=""):
    (tmp_path / "mod.py").write_text(textwrap.dedent(source))
    (tmp_path / "pyproject.toml").write_text("[tool.acl-lint]\n" + textwrap.dedent(options))
    proc = subprocess.run([sys.executable, "-m", "acl_lint", "--format", "concise", "mod.py"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.stdout


def test_constructor_raise_is_silent_by_default_and_reported_with_the_option(tmp_path):
    assert "ACL102" not in lint(tmp_path, CTOR)
    out = lint(tmp_path, CTOR, "report-constructor-raise = true\n")
    assert f"mod.py:{line_of(CTOR, 'create_stream()')}:" in out and "ACL102" in out and "self.stream" in out


def test_release_status_is_checked_only_with_the_option(tmp_path):
    assert "ACL501" not in lint(tmp_path, RELEASE_STATUS)
    out = lint(tmp_path, RELEASE_STATUS, "check-release-status = true\n")
    assert f"mod.py:{line_of(RELEASE_STATUS, 'rt.free')}:5: ACL501" in out and "acl.rt.free" in out


def test_buffer_free_order_is_opt_in(tmp_path):
    """No Huawei page orders rt.free and destroy_data_buffer: silent by default, reported
    (saying why) when the option asks for the pyACL samples' order."""
    assert "ACL203" not in lint(tmp_path, BUFFER_ORDER)
    assert "ACL203" not in lint(tmp_path, BUFFER_ORDER, "buffer-free-order = false\n")
    out = lint(tmp_path, BUFFER_ORDER, "buffer-free-order = true\n")
    assert f"mod.py:{line_of(BUFFER_ORDER, 'destroy_data_buffer')}:5: ACL203" in out
    assert "checked with buffer-free-order = true" in out


def test_every_order_option_default_is_the_config_default():
    from acl_lint.config import RULE_OPTIONS
    from acl_lint.protocol_load import load_protocol

    for order in load_protocol().orders:
        if order.option:
            assert RULE_OPTIONS[order.option][1] is order.option_default, order.option


def test_check_helpers_names_a_helper_the_body_does_not_reveal(tmp_path):
    out = lint(tmp_path, CUSTOM_CHECK)
    assert "ACL102" not in out
    out = lint(tmp_path, CUSTOM_CHECK, 'check-helpers = ["ensure"]\n')
    # ensure() now raises on failure: the malloc leaks when the malloc_host check fails
    assert f"mod.py:{line_of(CUSTOM_CHECK, 'rt.malloc(')}:" in out and "ACL102" in out


def test_init_methods_marks_a_method_as_run_once(tmp_path):
    out = lint(tmp_path, PER_CALL)
    assert f"mod.py:{line_of(PER_CALL, 'create_stream')}:" in out and "ACL104" in out
    assert "ACL104" not in lint(tmp_path, PER_CALL, 'init-methods = ["warm"]\n')


PROCESS_EXIT = '''
import acl


def check_ret(message, ret):
    if ret != 0:
        raise RuntimeError(message)


def upload():
    ptr, ret = acl.rt.malloc(64, 0)
    check_ret("malloc", ret)
    host, ret = acl.rt.malloc_host(64)
    check_ret("malloc_host", ret)
    acl.rt.free_host(host)
    return ptr


def run():
    ptr = upload()
    acl.rt.free(ptr)


def start():
    acl.init()
    acl.rt.set_device(0)
    run()
    stream, ret = acl.rt.create_stream()
    check_ret("stream", ret)
    acl.rt.reset_device(0)
    acl.finalize()


if __name__ == "__main__":
    start()
'''


def test_process_exit_leaks_are_reported_only_with_the_option(tmp_path):
    """A raise that reaches the `__main__` block through start() -> run() -> upload(), and a
    handle live at the end of the entry function that resets the device: silent by default."""
    source = PROCESS_EXIT
    out = lint(tmp_path, source)
    assert "ACL102" not in out and "ACL101" not in out, out
    out = lint(tmp_path, source, "report-process-exit-leaks = true\n")
    assert f"mod.py:{line_of(source, 'ptr, ret = acl.rt.malloc(64, 0)')}:" in out and "ACL102" in out
    assert f"mod.py:{line_of(source, 'acl.rt.create_stream()')}:" in out and "ACL101" in out


def test_a_raise_caught_in_a_loop_is_not_a_process_exit(tmp_path):
    """The same helper also called where a loop catches and goes on: the process lives, ACL102."""
    serve = (
        "def serve(frames):\n"
        "    for frame in frames:\n"
        "        try:\n"
        "            ptr = upload()\n"
        "        except RuntimeError:\n"
        "            continue\n"
        "        acl.rt.free(ptr)\n\n\n"
    )
    source = PROCESS_EXIT.replace("def start():\n", serve + "def start():\n").replace(
        "    run()\n", "    run()\n    serve(range(3))\n")
    out = lint(tmp_path, source)
    assert f"mod.py:{line_of(source, 'ptr, ret = acl.rt.malloc(64, 0)')}:" in out and "ACL102" in out, out

def test_low_value_init_status_is_silent_by_default_and_reported_with_the_option(tmp_path):
    first = line_of(LOW_VALUE_INIT, "acl.init()")
    second = first + 6  # the acl.init() of start_unchecked()
    out = lint(tmp_path, LOW_VALUE_INIT)
    # before a checked set_device it is noise; in a function that checks nothing, both
    # statuses are reported (once, for the function)
    lines = [ln for ln in out.splitlines() if "ACL501" in ln]
    assert len(lines) == 1, out
    assert lines[0].startswith(f"mod.py:{second}:5: ACL501 none of the 2 statuses returned in "
                               "`start_unchecked()` is checked (the first: acl.init"), out
    out = lint(tmp_path, LOW_VALUE_INIT, "report-low-value-statuses = true\n")
    assert f"mod.py:{first}:5: ACL501 the status returned by acl.init is ignored" in out
    assert len([ln for ln in out.splitlines() if "ACL501" in ln]) == 2, out


SET_CONTEXT_AFTER_CREATE = '''
import acl


def check_ret(msg, ret):
    if ret != 0:
        raise RuntimeError(msg)


def open_device(device_id):
    ret = acl.rt.set_device(device_id)
    check_ret("set_device", ret)
    ctx, ret = acl.rt.create_context(device_id)
    check_ret("create_context", ret)
    acl.rt.set_context(ctx)
    stream, ret = acl.rt.create_stream()
    check_ret("create_stream", ret)
    return ctx, stream
'''


def test_set_context_of_the_context_just_created_is_low_value_unless_a_thread_runs(tmp_path):
    line = line_of(SET_CONTEXT_AFTER_CREATE, "acl.rt.set_context(ctx)")
    want = f"mod.py:{line}:5: ACL501 the status returned by acl.rt.set_context is ignored"
    assert "ACL501" not in lint(tmp_path, SET_CONTEXT_AFTER_CREATE)
    assert want in lint(tmp_path, SET_CONTEXT_AFTER_CREATE, "report-low-value-statuses = true\n")
    # a callback thread in the module: each thread sets its context, a failure matters
    threaded = SET_CONTEXT_AFTER_CREATE + '''

def start_worker(entry):
    tid, ret = acl.util.start_thread(entry, [])
    check_ret("start_thread", ret)
    return tid
'''
    assert want in lint(tmp_path, threaded)
    # the next call unchecked: the failure would show nowhere
    unchecked = SET_CONTEXT_AFTER_CREATE.replace('    check_ret("create_stream", ret)\n', "")
    assert want in lint(tmp_path, unchecked)


def test_code_that_checks_no_status_gets_one_finding(tmp_path):
    source = LOW_VALUE_INIT.replace("    check_ret(\"set_device\", ret)\n", "")
    out = lint(tmp_path, source)
    lines = [ln for ln in out.splitlines() if "ACL501" in ln]
    # start() now checks nothing either: one finding per function, at its first call
    inits = [str(n) for n, text in enumerate(source.splitlines(), 1) if text.strip() == "acl.init()"]
    assert [ln.split(":")[1] for ln in lines] == inits, out
    assert all("none of the 2 statuses" in ln for ln in lines), out


THREAD_RETURNS = """
import acl


class Reader:
    def __init__(self, frames):
        self.pending = list(frames)
        self.worker_id = None

    def _work(self, args):
        while self.pending:
            self.pending.pop(0)
        return 0

    def open(self):
        self.worker_id, ret = acl.util.start_thread(self._work, [])
        if ret != 0:
            raise RuntimeError(ret)
"""


def test_thread_that_ends_by_itself_is_low_value_and_reported_with_the_option(tmp_path):
    start = line_of(THREAD_RETURNS, "start_thread(")
    assert "ACL105" not in lint(tmp_path, THREAD_RETURNS)
    out = lint(tmp_path, THREAD_RETURNS, "report-low-value-leaks = true\n")
    assert f"mod.py:{start}:" in out and "ACL105" in out and "self.worker_id" in out, out
    endless = THREAD_RETURNS.replace("while self.pending:\n            self.pending.pop(0)\n        return 0",
                                     "while True:\n            acl.rt.process_report(100)")
    assert "ACL105" in lint(tmp_path, endless), "a thread that never returns stays reported"


def test_subscribe_report_is_low_value_where_launch_callback_statuses_are_checked(tmp_path):
    """A failed subscription makes every launch_callback on the stream fail: where the module
    hands those statuses back (checked by its caller), the subscription's own status is noise;
    where a launch_callback status is thrown away, both stay findings."""
    corpus = Path(__file__).resolve().parent.parent / "corpus" / "functions"
    checked = (corpus / "subscribe_unchecked_launch_checked.py").read_text()
    at = f"mod.py:{line_of(checked, 'acl.rt.subscribe_report(')}:13: ACL501 the status returned by acl.rt.subscribe_report"
    assert "ACL501" not in lint(tmp_path, checked)
    assert at in lint(tmp_path, checked, "report-low-value-statuses = true\n")
    ignored = (corpus / "subscribe_unchecked_launch_ignored.py").read_text()
    out = lint(tmp_path, ignored)
    assert "acl.rt.subscribe_report is ignored" in out and "acl.rt.launch_callback is ignored" in out, out
