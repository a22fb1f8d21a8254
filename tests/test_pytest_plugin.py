"""The pytest plugin: --acl-audit, ini acl_audit = strict|warn|off, marker acl_allow_leak,
fixtures acl_sim and acl_audit_session. Driven through pytester, as a user's test run."""

from __future__ import annotations

import re

import pytest

pytest_plugins = ["pytester"]

def _installed_as_entry_point() -> bool:
    """Installed (pip install .), pytest loads the plugin itself through the pytest11 entry point,
    as it will for a user; from a bare source tree it has to be named with -p."""
    try:
        from importlib.metadata import entry_points
    except ImportError:  # pragma: no cover - Python < 3.8
        return False
    eps = entry_points()
    group = eps.select(group="pytest11") if hasattr(eps, "select") else eps.get("pytest11", [])
    return any(ep.value.startswith("acl_lint.pytest_plugin") for ep in group)


PLUGIN = () if _installed_as_entry_point() else ("-p", "acl_lint.pytest_plugin")

SIM_TESTS = """
import pytest


def setup(acl):
    acl.init()
    acl.rt.set_device(0)


def test_leaks(acl_sim):
    setup(acl_sim)
    ptr, ret = acl_sim.rt.malloc(64, 0)  # LEAK


def test_clean(acl_sim):
    setup(acl_sim)
    ptr, ret = acl_sim.rt.malloc(64, 0)
    acl_sim.rt.free(ptr)


@pytest.mark.acl_allow_leak
def test_allowed_leak(acl_sim):
    setup(acl_sim)
    acl_sim.mdl.create_dataset()


@pytest.mark.acl_allow_leak
def test_allowed_leak_but_double_free(acl_sim):
    setup(acl_sim)
    ptr, ret = acl_sim.rt.malloc(64, 0)
    acl_sim.rt.free(ptr)
    acl_sim.rt.free(ptr)  # DOUBLE
"""


def line_of(text: str, needle: str) -> int:
    """Line of ``needle`` in a file pytester wrote (it drops the leading blank lines)."""
    for i, line in enumerate(text.lstrip("\n").splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


def outcomes(result):
    return {k: v for k, v in result.parseoutcomes().items() if k in ("passed", "failed", "errors", "error")}


def test_strict_by_default_for_acl_sim_tests(pytester):
    pytester.makepyfile(test_audited_sim_case=SIM_TESTS)
    result = pytester.runpytest(*PLUGIN, "-rE")
    out = result.stdout.str()
    # 4 tests ran and passed their bodies; two fail at teardown
    result.assert_outcomes(passed=4, errors=2)
    assert re.search(r"ERROR at teardown of test_leaks", out)
    assert re.search(r"ERROR at teardown of test_allowed_leak_but_double_free", out)
    assert f"test_audited_sim_case.py:{line_of(SIM_TESTS, '# LEAK')}:" in out and "ACL101" in out
    assert f"test_audited_sim_case.py:{line_of(SIM_TESTS, '# DOUBLE')}:" in out and "ACL301" in out
    assert "device memory acquired by acl.rt.malloc" in out  # the acquire site in the report
    assert "ERROR at teardown of test_clean" not in out
    assert "ERROR at teardown of test_allowed_leak " not in out and "teardown of test_allowed_leak\n" not in out
    # the summary section lists findings per test
    assert "acl-lint runtime audit" in out
    assert "FAILED test_audited_sim_case.py::test_leaks: 1 finding(s)" in out
    assert "acl_lint" not in out.split("acl-lint runtime audit")[-1].replace("acl-lint", "")


def test_ini_warn_turns_findings_into_warnings(pytester):
    pytester.makepyfile(test_audited_sim_case=SIM_TESTS)
    pytester.makeini("[pytest]\nacl_audit = warn\n")
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(passed=4, warnings=2)
    out = result.stdout.str()
    assert "AclAuditWarning" in out
    assert "WARN test_audited_sim_case.py::test_leaks: 1 finding(s)" in out
    assert f"test_audited_sim_case.py:{line_of(SIM_TESTS, '# LEAK')}:" in out


def test_ini_off_fails_nothing(pytester):
    pytester.makepyfile(test_audited_sim_case=SIM_TESTS)
    pytester.makeini("[pytest]\nacl_audit = off\n")
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(passed=4)
    assert "ERROR at teardown" not in result.stdout.str()
    assert "acl-lint runtime audit" not in result.stdout.str()


def test_ini_strict(pytester):
    pytester.makepyfile(test_audited_sim_case=SIM_TESTS)
    pytester.makeini("[pytest]\nacl_audit = strict\n")
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(passed=4, errors=2)
    assert result.ret == 1


def test_bad_ini_value_is_a_usage_error(pytester):
    pytester.makepyfile(test_audited_sim_case=SIM_TESTS)
    pytester.makeini("[pytest]\nacl_audit = loud\n")
    result = pytester.runpytest(*PLUGIN)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "acl_audit must be one of" in result.stderr.str()


GLOBAL_CONFTEST = """
from acl_lint import sim

sim.reset()
sim.install()
"""

GLOBAL_TESTS = """
import acl
import pytest


@pytest.fixture(scope="module", autouse=True)
def device():
    acl.init()
    acl.rt.set_device(0)
    ctx, ret = acl.rt.create_context(0)
    yield
    acl.rt.destroy_context(ctx)
    acl.rt.reset_device(0)
    acl.finalize()


@pytest.fixture
def staging():
    ptr, ret = acl.rt.malloc_host(64)
    yield ptr
    acl.rt.free_host(ptr)  # released by the fixture: not the test's leak


def test_leaks_a_stream():
    stream, ret = acl.rt.create_stream()  # STREAM


def test_uses_the_fixture(staging):
    dev, ret = acl.rt.malloc(64, 0)
    assert acl.rt.memcpy(dev, 64, staging, 64, 1) == 0
    acl.rt.free(dev)


def test_use_after_free():
    dev, ret = acl.rt.malloc(64, 0)
    acl.rt.free(dev)
    acl.rt.memset(dev, 64, 0, 64)  # USE
"""


def test_acl_audit_flag_audits_every_test(pytester):
    pytester.makeconftest(GLOBAL_CONFTEST)
    pytester.makepyfile(test_audited_global_case=GLOBAL_TESTS)
    result = pytester.runpytest(*PLUGIN, "--acl-audit")
    result.assert_outcomes(passed=3, errors=2)
    out = result.stdout.str()
    assert "ERROR at teardown of test_leaks_a_stream" in out
    assert "ERROR at teardown of test_use_after_free" in out
    assert "ERROR at teardown of test_uses_the_fixture" not in out
    assert f"test_audited_global_case.py:{line_of(GLOBAL_TESTS, '# STREAM')}:" in out
    assert f"test_audited_global_case.py:{line_of(GLOBAL_TESTS, '# USE')}:" in out and "ACL302" in out


def test_without_the_flag_nothing_is_audited(pytester):
    pytester.makeconftest(GLOBAL_CONFTEST)
    pytester.makepyfile(test_audited_global_case=GLOBAL_TESTS)
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(passed=3)


def test_leaks_outside_any_test_are_in_the_summary_and_fail_the_run(pytester):
    pytester.makeconftest(GLOBAL_CONFTEST)
    pytester.makepyfile(test_audited_tail_case=TAIL_TESTS)
    result = pytester.runpytest(*PLUGIN, "--acl-audit")
    result.assert_outcomes(passed=1)
    assert result.ret == 1
    out = result.stdout.str()
    assert "outside any test: 1 finding(s)" in out
    assert f"test_audited_tail_case.py:{line_of(TAIL_TESTS, '# SESSION')}:" in out and "ACL101" in out


TAIL_TESTS = """
import acl
import pytest


@pytest.fixture(scope="session")
def forever():
    acl.init()
    acl.rt.set_device(0)
    ctx, ret = acl.rt.create_context(0)  # SESSION
    yield ctx


def test_one(forever):
    assert forever
"""


def test_acl_audit_session_fixture(pytester):
    pytester.makepyfile(test_audited_fixture_case="""
def test_sees_its_findings(acl_sim, acl_audit_session):
    acl_sim.init()
    acl_sim.rt.set_device(0)
    ptr, ret = acl_sim.rt.malloc(64, 0)
    acl_sim.rt.free(ptr)
    acl_sim.rt.free(ptr)
    assert [f.code for f in acl_audit_session.findings] == ["ACL301"]
    assert acl_audit_session.findings[0].line == 6
    acl_audit_session.findings  # the test saw it; the audit still fails the test at teardown
""")
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(passed=1, errors=1)
    assert "test_audited_fixture_case.py:6:" in result.stdout.str()
