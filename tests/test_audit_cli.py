"""``python -m acl_lint.audit``: run a program under the audit (design section 5).

Each test writes a small program, runs it in a subprocess as a user would, and
checks the exit code, the report on stderr (or in --output), and that the
program's own stdout is exactly what it printed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRELUDE = """\
import acl


def setup():
    acl.init()
    acl.rt.set_device(0)
    ctx, ret = acl.rt.create_context(0)
    return ctx


def teardown(ctx):
    acl.rt.destroy_context(ctx)
    acl.rt.reset_device(0)
    acl.finalize()
"""


def write(tmp_path: Path, body: str, name: str = "prog.py") -> Path:
    path = tmp_path / name
    path.write_text(PRELUDE + textwrap.dedent(body), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in text:
            return i
    raise AssertionError(needle)


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("NO_COLOR", None)
    return subprocess.run([sys.executable, "-m", "acl_lint.audit", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


LEAKY = """
def main():
    ctx = setup()
    print("hello from the program")
    ptr, ret = acl.rt.malloc(1024, 0)  # leaked
    teardown(ctx)


if __name__ == "__main__":
    main()
"""

CLEAN = """
import sys


def main():
    ctx = setup()
    ptr, ret = acl.rt.malloc(1024, 0)
    acl.rt.free(ptr)
    teardown(ctx)
    print("args:", sys.argv[1:], "name:", __name__)


if __name__ == "__main__":
    main()
"""


def test_leak_exits_1_and_reports_the_users_line(tmp_path):
    prog = write(tmp_path, LEAKY)
    proc = run(tmp_path, "--sim", "prog.py")
    assert proc.returncode == 1
    assert proc.stdout == "hello from the program\n"
    line = line_of(prog, "# leaked")
    assert f"prog.py:{line}:" in proc.stderr
    assert "ACL101" in proc.stderr
    assert "acl_lint" not in proc.stderr.split("ACL101", 1)[0]


def test_clean_program_exits_0_with_its_stdout_untouched(tmp_path):
    write(tmp_path, CLEAN)
    proc = run(tmp_path, "--sim", "prog.py", "a", "--flag", "b")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "args: ['a', '--flag', 'b'] name: __main__\n"
    assert "All checks passed!" in proc.stderr


def test_json_report_to_a_file(tmp_path):
    prog = write(tmp_path, LEAKY)
    proc = run(tmp_path, "--sim", "--format", "json", "--output", "report.json", "prog.py")
    assert proc.returncode == 1
    assert proc.stdout == "hello from the program\n"
    assert proc.stderr == ""
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert set(report) >= {"version", "files_checked", "findings", "errors"}
    (f,) = report["findings"]
    assert (f["code"], f["path"], f["line"]) == ("ACL101", "prog.py", line_of(prog, "# leaked"))
    assert f["related"][0]["kind"] == "acquire"
    assert report["errors"] == []


@pytest.mark.parametrize("fmt,needle", [("sarif", '"ruleId": "ACL101"'), ("github", "::error"),
                                        ("concise", "ACL101"), ("full", "leaking path")])
def test_every_report_format(tmp_path, fmt, needle):
    write(tmp_path, LEAKY)
    proc = run(tmp_path, "--sim", "--format", fmt, "prog.py")
    assert proc.returncode == 1
    assert needle in proc.stderr
    assert proc.stdout == "hello from the program\n"


def test_a_crash_prints_the_traceback_as_python_does_and_still_reports(tmp_path):
    prog = write(tmp_path, """
def main():
    ctx = setup()
    ptr, ret = acl.rt.malloc(1024, 0)  # leaked
    acl.rt.free(ptr)
    acl.rt.free(ptr)  # second free
    raise ValueError("the program failed")


if __name__ == "__main__":
    main()
""")
    proc = run(tmp_path, "--sim", "prog.py")
    assert proc.returncode == 4  # the program failed, and there are findings
    err = proc.stderr
    assert err.startswith("Traceback (most recent call last):\n")
    assert "acl-lint audit: the program raised ValueError: the program failed; findings up to that point:" in err
    main_call = max(i for i, t in enumerate(prog.read_text().splitlines(), 1) if t.strip() == "main()")
    assert f'  File "prog.py", line {main_call}, in <module>\n    main()\n' in err
    assert f'  File "prog.py", line {line_of(prog, "raise ValueError")}, in main\n' in err
    assert "ValueError: the program failed" in err
    tb = err.split("ValueError: the program failed")[0]
    assert "acl_lint" not in tb and "runpy" not in tb
    assert f"prog.py:{line_of(prog, '# second free')}:" in err and "ACL301" in err


def test_a_crash_inside_an_acl_call_hides_the_shim(tmp_path):
    write(tmp_path, """
def main():
    acl.util.ptr_to_bytes(12345, 4)  # not memory: the simulator raises


if __name__ == "__main__":
    main()
""")
    proc = run(tmp_path, "--sim", "prog.py")
    assert proc.returncode == 3  # the program failed; nothing found up to then
    assert "SimFault" in proc.stderr
    assert "All checks passed" not in proc.stderr
    assert "No findings up to the point where the program raised SimFault" in proc.stderr
    assert "acl_lint/runtime" not in proc.stderr and "acl_lint\\runtime" not in proc.stderr


def test_a_non_zero_system_exit_is_a_failed_program_named_in_the_report(tmp_path):
    write(tmp_path, """
import sys

ctx = setup()
teardown(ctx)
sys.exit(5)
""")
    proc = run(tmp_path, "--sim", "prog.py")
    assert proc.returncode == 3
    assert proc.stderr.endswith("No findings up to the point where the program exited with status 5 "
                                "(the rest did not run and was not audited).\n")


def test_a_program_that_dies_at_import_is_never_all_checks_passed(tmp_path):
    write(tmp_path, "import a_module_that_does_not_exist\n")
    proc = run(tmp_path, "--sim", "prog.py")
    assert proc.returncode == 3  # was: "All checks passed!", exit 1 like any finding
    assert "ModuleNotFoundError: No module named 'a_module_that_does_not_exist'" in proc.stderr
    assert "All checks passed" not in proc.stderr
    assert run(tmp_path, "--sim", "--format", "json", "--output", "r.json", "prog.py").returncode == 3
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["program"] == {"ended_normally": False,
                               "failure": "raised ModuleNotFoundError: No module named "
                                          "'a_module_that_does_not_exist'"}


def test_exit_codes_are_documented_in_help():
    proc = subprocess.run([sys.executable, "-m", "acl_lint.audit", "--help"], capture_output=True, text=True)
    assert "exit codes:" in proc.stdout and "4  the program failed, and there are findings" in proc.stdout


def test_findings_win_over_the_programs_exit_code(tmp_path):
    write(tmp_path, """
import sys

ctx = setup()
acl.mdl.create_dataset()
teardown(ctx)
sys.exit(0)
""")
    assert run(tmp_path, "--sim", "prog.py").returncode == 1


def test_the_script_directory_is_on_sys_path(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "helper.py").write_text(
        "import acl\n\n\ndef grab():\n    return acl.mdl.create_dataset()  # helper line\n", encoding="utf-8")
    write(tmp_path / "pkg", """
from helper import grab

ctx = setup()
grab()
teardown(ctx)
""", name="main.py")
    proc = run(tmp_path, "--sim", "pkg/main.py")
    assert proc.returncode == 1
    assert f"{os.path.join('pkg', 'helper.py')}:5:" in proc.stderr


def test_no_acl_and_no_sim_is_a_usage_error(tmp_path):
    write(tmp_path, CLEAN)
    proc = run(tmp_path, "prog.py")
    assert proc.returncode == 2
    assert "--sim" in proc.stderr or "sim=True" in proc.stderr
    assert proc.stdout == ""


def test_missing_script(tmp_path):
    proc = run(tmp_path, "--sim", "nope.py")
    assert proc.returncode == 2
