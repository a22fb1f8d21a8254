"""Fuzzing in the suite: random pyACL-flavoured programs, mutations of the corpus, and
grammar-generated Python (hypothesmith) never make acl-lint crash, hang or report an
internal error. Bounded to a few seconds; ``bench/fuzz.py`` runs the long campaign."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acl_lint.config import Settings
from acl_lint.findings import registry
from acl_lint.lint import lint_sources

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import fuzzgen  # noqa: E402

CORPUS = fuzzgen.corpus_files(str(ROOT / "corpus"))
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                derandomize=True)


def lint_one(text: str):
    options = Settings()
    options.options["file-time-limit"] = 20
    result = lint_sources([("fuzzed.py", text), ("acl_helpers.py", fuzzgen.check_helper_module())], options)
    assert result.errors == [], [e.message for e in result.errors]
    lines = text.count("\n") + 1
    for f in result.findings:
        assert f.code in registry()
        assert f.path in ("fuzzed.py", "acl_helpers.py")
        assert 1 <= f.line <= max(lines, 1), (f.code, f.line, lines)
        assert f.message
    return result


@FAST
@given(st.data())
def test_generated_programs(data):
    text = fuzzgen.program(fuzzgen.DrawChooser(data), budget=40)
    compile(text, "fuzzed.py", "exec")  # the generator writes valid Python
    lint_one(text)


@FAST
@given(st.data())
def test_mutated_corpus_files(data):
    chooser = fuzzgen.DrawChooser(data)
    lint_one(fuzzgen.mutate(chooser, chooser.choice(CORPUS)))


hypothesmith = pytest.importorskip("hypothesmith")


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(hypothesmith.from_grammar())
def test_grammar_generated_python(source):
    lint_one("import acl\n" + source)  # naming acl: past the prefilter, into the parser and the engine


def test_the_generator_covers_the_protocol():
    """A generator that stopped producing the shapes the rules look at would make the fuzz test vacuous."""
    codes = set()
    for seed in range(30):
        codes.update(f.code for f in lint_one(fuzzgen.program(fuzzgen.seeded(seed))).findings)
    assert {"ACL101", "ACL102", "ACL301", "ACL501"} <= codes, codes


def test_the_campaign_script_runs_and_counts(tmp_path):
    import subprocess

    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "fuzz.py"), "--programs", "12", "--batch", "6",
                           "--seed", "7", "--out", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "programs tried: 12 (" in proc.stdout
    assert "internal errors: 0" in proc.stdout and "crashes: 0" in proc.stdout and "hangs: 0" in proc.stdout
