"""The real pre-commit, using this checkout's .pre-commit-hooks.yaml.

pre-commit needs the hook repository at a commit, so the working tree is
copied to a temporary folder and committed there; a second temporary git
repository uses it with ``repo: <that path>`` / ``rev: <sha>``. pre-commit
then builds a virtualenv and pip-installs acl-lint from it (PyPI must be
reachable for the dependencies).
"""

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pre_commit") is None, reason="pre-commit is not installed (pip install -e .[test])"
)

REPO = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns(
    ".git", "__pycache__", "*.pyc", "*.egg-info", "build", "dist", ".pytest_cache", ".venv", "venv", ".tox"
)

LEAK = textwrap.dedent(
    """\
    import acl


    def load(size):
        p, ret = acl.rt.malloc(size, 0)
        if ret != 0:
            return None
        return size
    """
)

FIXED = textwrap.dedent(
    """\
    import acl


    def load(size):
        p, ret = acl.rt.malloc(size, 0)
        if ret != 0:
            return None
        ret = acl.rt.free(p)
        return ret
    """
)


def git_env(home):
    env = dict(os.environ)
    env.update(
        GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.com", PRE_COMMIT_HOME=str(home), GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
    )
    for key in ("PYTHONPATH", "NO_COLOR", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(key, None)
    return env


def git(cwd, env, *args):
    return subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=cwd, env=env, capture_output=True, text=True, check=True, timeout=120,
    )


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory):
    home = tmp_path_factory.mktemp("pre-commit-home")
    env = git_env(home)
    src = tmp_path_factory.mktemp("hook") / "acl-lint"
    shutil.copytree(REPO, src, ignore=IGNORE)
    git(src, env, "init", "-q")
    git(src, env, "add", "-A")
    git(src, env, "commit", "-q", "-m", "snapshot of the working tree")
    sha = git(src, env, "rev-parse", "HEAD").stdout.strip()
    return src, sha, env


@pytest.fixture
def project(tmp_path, hook_repo):
    src, sha, env = hook_repo
    proj = tmp_path / "project"
    proj.mkdir()
    git(proj, env, "init", "-q")
    (proj / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {src.as_posix()}\n    rev: {sha}\n    hooks:\n      - id: acl-lint\n"
    )
    git(proj, env, "add", ".pre-commit-config.yaml")
    subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"], cwd=proj, env=env, check=True, capture_output=True, timeout=120
    )
    return proj, env


def commit(proj, env, name, text):
    (proj / name).write_text(text)
    git(proj, env, "add", name)
    return subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "commit", "-m", f"add {name}"],
        cwd=proj, env=env, capture_output=True, text=True, timeout=900,
    )


def test_commit_with_a_leak_is_refused(project):
    proj, env = project
    proc = commit(proj, env, "leak.py", LEAK)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "acl-lint" in out and "Failed" in out
    assert "leak.py:5:" in out and "ACL101" in out
    log = subprocess.run(["git", "log", "--oneline"], cwd=proj, env=env, capture_output=True, text=True)
    assert "add leak.py" not in log.stdout


def test_recipe_for_the_released_package(hook_repo, tmp_path):
    """The README's `repo: local` hook with acl-lint pinned in additional_dependencies
    (here the package is this tree, as pip would get a release from the index)."""
    src, _sha, env = hook_repo
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    recipe = re.search(r"```yaml\n(repos:\n  - repo: local\n.*?)```", readme, re.S).group(1)
    assert '"acl-lint==0.1.0"' in recipe
    proj = tmp_path / "project"
    proj.mkdir()
    git(proj, env, "init", "-q")
    (proj / ".pre-commit-config.yaml").write_text(recipe.replace('"acl-lint==0.1.0"', json.dumps(str(src))))
    git(proj, env, "add", ".pre-commit-config.yaml")
    subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"], cwd=proj, env=env, check=True, capture_output=True, timeout=120
    )
    proc = commit(proj, env, "leak.py", LEAK)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "leak.py:5:" in out and "ACL101" in out
    git(proj, env, "rm", "-q", "--cached", "leak.py")
    proc = commit(proj, env, "fixed.py", FIXED)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_clean_commit_passes(project):
    proj, env = project
    proc = commit(proj, env, "fixed.py", FIXED)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "acl-lint" in out and "Passed" in out


WRONG_RELEASE = textwrap.dedent(
    """\
    import acl


    def run(size):
        p, ret = acl.rt.malloc(size, 0)
        if ret != 0:
            return ret
        return acl.rt.free_host(p)
    """
)


def test_hook_with_fix_rewrites_the_file(project):
    """`args: [--fix]`: the hook fixes the file, pre-commit refuses the commit because the
    file changed, and the fixed file then commits."""
    proj, env = project
    config = proj / ".pre-commit-config.yaml"
    config.write_text(config.read_text() + "        args: [--fix]\n")
    git(proj, env, "add", ".pre-commit-config.yaml")
    proc = commit(proj, env, "wrong.py", WRONG_RELEASE)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "files were modified by this hook" in out, out
    assert "Fixed 1 finding in 1 file." in out
    assert (proj / "wrong.py").read_text() == WRONG_RELEASE.replace("acl.rt.free_host(p)", "acl.rt.free(p)")
    git(proj, env, "add", "wrong.py")
    again = subprocess.run(["git", "-c", "commit.gpgsign=false", "commit", "-m", "fixed"], cwd=proj, env=env,
                           capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stdout + again.stderr
