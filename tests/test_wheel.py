"""Packaging as a user meets it: a wheel built from this tree, installed by the GitHub
Action's own install step into a fresh virtual environment (dependencies from the
package index), and used from a folder with no source tree on ``sys.path``: the
command line, the language server, the audit on the simulator, the pytest plugin,
and the Action's lint step (annotations and SARIF).

One build and one environment per session (module-scoped fixture).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from test_server import LEAK  # a stream leaked at line 8

yaml = pytest.importorskip("yaml")  # PyYAML comes with pre-commit (the test extra)

REPO = Path(__file__).resolve().parents[1]
SHIPPED = ("acl_lint", "rules", "pyproject.toml", "README.md")


PROGRAM = textwrap.dedent("""\
    import acl

    acl.init()
    acl.rt.set_device(0)
    ptr, ret = acl.rt.malloc(1024, 0)
    leaked, ret = acl.rt.malloc(64, 0)
    acl.rt.free(ptr)
    acl.rt.reset_device(0)
    acl.finalize()
""")


def _action_steps():
    return yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))["runs"]["steps"]


def _run_step(step: dict, inputs: dict, env: dict, cwd: Path, outputs: dict) -> subprocess.CompletedProcess:
    """Run one `run:` step of the composite action as the runner would: its env with the
    ${{ inputs.* }} / ${{ steps.*.outputs.* }} expressions filled in, under bash."""
    def fill(text: str) -> str:
        text = re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: inputs[m.group(1)], text)
        return re.sub(r"\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}",
                      lambda m: outputs[m.group(1)][m.group(2)], text)

    out_file = cwd / f"github_output_{step['id']}"
    out_file.write_text("", encoding="utf-8")
    step_env = dict(env, GITHUB_OUTPUT=str(out_file))
    step_env.update({k: fill(str(v)) for k, v in step.get("env", {}).items()})
    done = subprocess.run(["bash", "-c", step["run"]], cwd=cwd, env=step_env, capture_output=True, text=True,
                          timeout=300)
    outputs[step["id"]] = dict(line.split("=", 1) for line in out_file.read_text().splitlines() if "=" in line)
    return done


def _defaults() -> dict:
    data = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    return {k: str(v.get("default", "")) for k, v in data["inputs"].items()}


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv bin folder, a work folder, clean env, the action's step outputs)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in SHIPPED:
        item = REPO / name
        if item.is_dir():
            shutil.copytree(item, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(item, src / name)
    dist = tmp / "dist"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check",
                            "-q", "-w", str(dist), str(src)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("acl_lint-*.whl")
    work = tmp / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(RUNNER_TEMP=str(tmp), NO_COLOR="1", PATH=os.path.dirname(sys.executable) + os.pathsep + env["PATH"])
    install = next(s for s in _action_steps() if s.get("id") == "install")
    outputs: dict = {}
    done = _run_step(install, dict(_defaults(), package=str(wheel)), env, work, outputs)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("acl-lint ")
    bin_dir = Path(outputs["install"]["acl-lint"]).parent
    extra = subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                            "pytest"], capture_output=True, text=True, timeout=300)
    assert extra.returncode == 0, extra.stderr
    return bin_dir, work, env, outputs


def _run(installed, *args, cwd=None, **kw) -> subprocess.CompletedProcess:
    bin_dir, work, env, _ = installed
    return subprocess.run([str(bin_dir / args[0]), *args[1:]], cwd=cwd or work, env=env, capture_output=True,
                          text=True, timeout=120, **kw)


def test_installed_from_the_wheel_not_the_source_tree(installed):
    done = _run(installed, "python", "-c", "import acl_lint, sys; print(acl_lint.__file__)")
    assert done.returncode == 0, done.stderr
    assert str(installed[0].parent) in done.stdout and str(REPO) not in done.stdout


def test_command_line(installed):
    (installed[1] / "leak.py").write_text(LEAK, encoding="utf-8")
    assert _run(installed, "acl-lint", "--version").stdout.strip() == "acl-lint 0.1.0"
    done = _run(installed, "acl-lint", "leak.py", "--no-cache")
    assert done.returncode == 1
    assert "leak.py:8:19: ACL101" in done.stdout
    assert "ACL101 resource-leak" in _run(installed, "acl-lint", "rule", "ACL101").stdout  # the docs are shipped


def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _messages(data: bytes):
    while data:
        head, _, rest = data.partition(b"\r\n\r\n")
        length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
        yield json.loads(rest[:length])
        data = rest[length:]


def test_language_server_initialize_and_shutdown(installed):
    requests = b"".join(_frame(m) for m in (
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"processId": None, "rootUri": installed[1].as_uri(), "capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None},
        {"jsonrpc": "2.0", "method": "exit", "params": None},
    ))
    bin_dir, work, env, _ = installed
    done = subprocess.run([str(bin_dir / "acl-lint"), "server"], input=requests, cwd=work, env=env,
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    replies = {m["id"]: m for m in _messages(done.stdout) if "id" in m}
    caps = replies[1]["result"]["capabilities"]
    assert replies[1]["result"]["serverInfo"]["name"] == "acl-lint"
    assert caps["hoverProvider"] is True and caps["codeActionProvider"]["codeActionKinds"] == ["quickfix"]
    assert replies[2]["result"] is None


def test_audit_on_the_simulator(installed):
    (installed[1] / "prog.py").write_text(PROGRAM, encoding="utf-8")
    done = _run(installed, "python", "-m", "acl_lint.audit", "--sim", "prog.py")
    assert done.returncode == 1
    assert "prog.py:6:" in done.stderr and "ACL101" in done.stderr


def test_pytest_plugin_with_the_simulator(installed):
    proj = installed[1] / "pytest_proj"
    proj.mkdir()
    (proj / "test_npu.py").write_text(textwrap.dedent("""\
        import acl


        def test_clean():
            acl.init()
            acl.rt.set_device(0)
            ptr, ret = acl.rt.malloc(64, 0)
            acl.rt.free(ptr)
            acl.rt.reset_device(0)
            acl.finalize()


        def test_leak():
            acl.init()
            acl.rt.set_device(0)
            ptr, ret = acl.rt.malloc(64, 0)
            acl.rt.reset_device(0)
            acl.finalize()
    """), encoding="utf-8")
    done = _run(installed, "python", "-m", "pytest", "--acl-audit", "--acl-sim", "-p", "no:cacheprovider", cwd=proj)
    assert done.returncode == 1, done.stdout
    assert "2 passed, 1 error" in done.stdout  # the leaking test errors at its teardown
    assert "test_npu.py:16:" in done.stdout and "ACL101" in done.stdout


def test_action_lint_step_annotations_and_sarif(installed):
    bin_dir, work, env, outputs = installed
    proj = work / "action_proj"
    (proj / "src").mkdir(parents=True)
    (proj / "src" / "leak.py").write_text(LEAK, encoding="utf-8")
    lint = next(s for s in _action_steps() if s.get("id") == "lint")
    done = _run_step(lint, dict(_defaults(), paths="src", args="--no-cache"), env, proj, outputs)
    assert done.returncode == 1
    assert done.stdout.startswith("::error file=src/leak.py,line=8,col=19,endLine=8,endColumn=41,"
                                  "title=ACL101 resource-leak::stream `stream` from acl.rt.create_stream")
    assert outputs["lint"]["exit-code"] == "1"
    done = _run_step(lint, dict(_defaults(), paths="src", **{"output-format": "sarif", "fail-on-findings": "false"}),
                     env, proj, outputs)
    assert done.returncode == 0, done.stderr
    sarif = json.loads((proj / "acl-lint.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["ACL101"]
    assert outputs["lint"] == {"sarif-file": "acl-lint.sarif", "exit-code": "1"}

