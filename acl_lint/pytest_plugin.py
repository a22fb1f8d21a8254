"""pytest plugin: audit the pyACL calls of each test (design section 5).

Enable it with ``pytest --acl-audit`` or the ini option ``acl_audit = strict|warn|off``
(``-o acl_audit=warn`` on the command line):

* ``strict`` (``--acl-audit``): a test that leaks or misuses a resource fails at its
  own teardown; the report names the finding and the line of the test's code that
  acquired the resource (or made the offending call).
* ``warn``: the findings become warnings and appear in the summary; tests pass.
* ``off`` (the default): nothing is wrapped; the ``acl_sim`` fixture still audits and
  records its findings, but they fail nothing.

With ``strict`` or ``warn``, whichever ``acl`` module is imported (the real pyACL or
the simulator installed by a conftest) is wrapped for the whole run, and each test
is charged with the findings made while it ran and the resources it acquired that
are still live after its teardown (fixtures included). Resources acquired outside
any test (at import, in session fixtures) are reported in the summary.

No NPU: ``--acl-sim`` (or ini ``acl_sim = true``) installs the simulator
(:mod:`acl_lint.sim`) as ``acl`` before the conftest files and test modules are
imported. Model files: ini ``acl_sim_models`` (lines ``GLOB=SPEC``, relative to the
ini file's folder) and ``[tool.acl-lint] sim-models`` map the paths a program loads
to JSON model specs (see ``acl_lint/sim/_models.py``).

Marker ``@pytest.mark.acl_allow_leak``: leaks (ACL101-ACL107) of that test are
allowed; other findings still count.

Fixtures:

* ``acl_sim``: a fresh simulated ``acl`` (``sim.reset()``, installed as ``acl``),
  audited for this test only; strict unless ``acl_audit`` says otherwise.
* ``acl_audit_session``: the :class:`acl_lint.runtime.Session` auditing this test
  (the ``acl_sim`` one when the test uses it; else the run's; else a new audit of
  the importable ``acl`` for this test).
"""

from __future__ import annotations

import functools
import sys
import warnings
from typing import Dict, List, Optional, Tuple

import pytest

from .findings import Finding
from .runtime.entry import audit
from .runtime.session import LEAK_CODES, Session

MODES = ("strict", "warn", "off")

_SESSIONS = pytest.StashKey[List[Tuple[Session, Optional[Tuple[int, int]]]]]()


class AclAuditWarning(UserWarning):
    """A runtime finding of the acl-lint audit (ini acl_audit = warn)."""


def pytest_addoption(parser) -> None:
    group = parser.getgroup("acl-lint", "acl-lint runtime audit of pyACL calls")
    group.addoption("--acl-audit", action="store_true", default=False, dest="acl_audit",
                    help="audit the pyACL calls of every test: a test that leaks or misuses a resource "
                         "fails at its teardown (the ini option acl_audit = warn makes them warnings)")
    parser.addini("acl_audit", "acl-lint runtime audit: strict | warn | off (default off)", default="")
    group.addoption("--acl-sim", action="store_true", default=False, dest="acl_sim",
                    help="install the acl-lint simulator as `acl` before collection (no NPU needed)")
    parser.addini("acl_sim", "install the acl-lint simulator as `acl` before collection", type="bool",
                  default=False)
    parser.addini("acl_sim_models", "simulator model map: lines GLOB=SPEC.json (relative to the ini file's "
                  "folder), before [tool.acl-lint] sim-models", type="linelist", default=[])


_SIM_ON = pytest.StashKey[bool]()
_MAPPED = pytest.StashKey[bool]()


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args) -> None:
    """--acl-sim: the simulator is ``acl`` before any conftest imports it."""
    _install_sim(early_config, getattr(early_config.known_args_namespace, "acl_sim", False))


def _install_sim(config, flag: bool) -> None:
    if config.stash.get(_SIM_ON, False) or not (flag or config.getini("acl_sim")):
        return
    from . import sim

    _map_models(config)
    was_installed = sim.is_installed()
    sim.install()
    config.stash[_SIM_ON] = True
    if not was_installed:
        config.add_cleanup(sim.uninstall)


def _map_models(config) -> None:
    """The simulator's model map from the ini (acl_sim_models) and [tool.acl-lint]
    sim-models, once per run (restored at the end of the run)."""
    if config.stash.get(_MAPPED, False):
        return
    from . import sim
    from .config import ConfigError

    saved = sim.model_map()
    base = str(config.inipath.parent) if config.inipath else str(config.rootpath)
    try:
        entries = sim.parse_entries(config.getini("acl_sim_models"), "acl_sim_models")
        sim.map_project_models(str(config.rootpath), entries, base)
    except (ConfigError, sim.ModelMapError) as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[_MAPPED] = True
    config.add_cleanup(lambda: sim.restore_map(saved))


def _mode(config) -> str:
    ini = str(config.getini("acl_audit") or "").strip().lower()
    if ini and ini not in MODES:
        raise pytest.UsageError(f"acl_audit must be one of {', '.join(MODES)}, got {ini!r}")
    if config.getoption("acl_audit"):
        return ini if ini in ("strict", "warn") else "strict"
    return ini or "off"


def pytest_configure(config) -> None:
    _install_sim(config, config.getoption("acl_sim"))  # when loaded too late for the hook above
    config.addinivalue_line(
        "markers", "acl_allow_leak: acl-lint audit: this test may leak pyACL resources (other findings count)")
    plugin = _AuditPlugin(config, _mode(config))
    config.pluginmanager.register(plugin, "acl-lint-audit")


class _AuditPlugin:
    def __init__(self, config, mode: str):
        self.config = config
        self.mode = mode
        self.session: Optional[Session] = None  # the run-wide audit (strict / warn)
        self.results: List[Tuple[str, str, List[Finding]]] = []  # (nodeid, mode, findings)
        self.attributed: set = set()
        self.tail: List[Finding] = []
        self.excluded: List[Tuple[Tuple[int, int], Tuple[int, int]]] = []
        self._tearing: Dict[int, Tuple[int, int]] = {}

    # ------------------------------------------------------------------ run-wide audit

    def pytest_sessionstart(self, session) -> None:
        if self.mode not in ("strict", "warn"):
            return
        self.session = Session()
        module = sys.modules.get("acl")
        if module is None:
            try:
                import acl as module  # noqa: F811  (the real pyACL, when installed)
            except Exception:  # not installed, or its native libraries do not load here
                module = None
        self.session.active = True
        if module is not None:
            self.session.start(module)

    def pytest_sessionfinish(self, session) -> None:
        if self.session is None:
            return
        findings = self.session.stop()
        self.tail = [f for f in findings if (f.code, f.path, f.line) not in self.attributed]
        if self.tail and self.mode == "strict" and session.exitstatus == 0:
            session.exitstatus = 1

    # ------------------------------------------------------------------ wider fixtures

    # What a module- or session-scoped fixture acquires (or misuses) while it is set up
    # or torn down inside some test's setup / teardown is not that test's doing.

    @pytest.hookimpl(hookwrapper=True)
    def pytest_fixture_setup(self, fixturedef, request):
        s = self.session
        if s is None or fixturedef.scope == "function":
            yield
            return
        start = s.checkpoint()
        yield
        self.excluded.append((start, s.checkpoint()))
        fixturedef.addfinalizer(functools.partial(self._teardown_starts, fixturedef))

    def _teardown_starts(self, fixturedef) -> None:
        if self.session is not None:
            self._tearing[id(fixturedef)] = self.session.checkpoint()

    def pytest_fixture_post_finalizer(self, fixturedef, request) -> None:
        start = self._tearing.pop(id(fixturedef), None)
        if start is not None and self.session is not None:
            self.excluded.append((start, self.session.checkpoint()))

    # ------------------------------------------------------------------ per test

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item) -> None:
        sessions = item.stash.setdefault(_SESSIONS, [])
        if self.session is not None and "acl_sim" not in getattr(item, "fixturenames", ()):
            if self.session.active:
                self.session.attach()
            sessions.append((self.session, self.session.checkpoint()))

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_teardown(self, item, nextitem) -> None:
        # runs after the fixtures of the test were torn down
        findings: Dict[Tuple[str, str, int], Finding] = {}
        for session, cp in item.stash.get(_SESSIONS, []):
            got = session.findings if cp is None else session.findings_since(cp, exclude=self.excluded)
            for f in got:
                findings.setdefault((f.code, f.path, f.line), f)
        item.stash[_SESSIONS] = []
        if not findings:
            return
        allow_leak = item.get_closest_marker("acl_allow_leak") is not None
        counted = [f for f in findings.values() if not (allow_leak and f.code in LEAK_CODES)]
        self.attributed.update(findings)
        if not counted:
            return
        counted.sort(key=Finding.sort_key)
        mode = self._item_mode()
        if mode == "off":
            return
        self.results.append((item.nodeid, mode, counted))
        text = _describe(counted)
        if mode == "strict":
            pytest.fail(f"acl-lint runtime audit: {len(counted)} finding(s) in {item.nodeid}\n{text}",
                        pytrace=False)
        elif mode == "warn":
            warnings.warn(AclAuditWarning(f"acl-lint runtime audit: {item.nodeid}\n{text}"), stacklevel=1)

    def _item_mode(self) -> str:
        if self.mode in ("strict", "warn"):
            return self.mode
        ini = str(self.config.getini("acl_audit") or "").strip().lower()
        # the acl_sim fixture audits even when the run-wide audit is off: strict unless told "off"
        return "off" if ini == "off" else "strict"

    # ------------------------------------------------------------------ summary

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.results and not self.tail:
            return
        tr = terminalreporter
        tr.section("acl-lint runtime audit")
        for nodeid, mode, findings in self.results:
            tag = "FAILED" if mode == "strict" else "WARN"
            tr.write_line(f"{tag} {nodeid}: {len(findings)} finding(s)")
            for f in findings:
                tr.write_line(f"    {f.path}:{f.line}:{f.column}: {f.code} {f.message}")
        if self.tail:
            tr.write_line(f"outside any test: {len(self.tail)} finding(s)")
            for f in self.tail:
                tr.write_line(f"    {f.path}:{f.line}:{f.column}: {f.code} {f.message}")


def _describe(findings: List[Finding]) -> str:
    lines = []
    for f in findings:
        lines.append(f"{f.path}:{f.line}:{f.column}: {f.code} [{f.name}] {f.message}")
        for r in f.related:
            if r.kind in ("acquire", "release", "call"):
                lines.append(f"    {r.path}:{r.line}: {r.message}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture
def acl_sim(request):
    """A fresh simulated ``acl`` module (installed in sys.modules), audited for this test;
    model paths mapped as for --acl-sim."""
    from . import sim

    _map_models(request.config)

    was_installed = sim.is_installed()
    sim.uninstall()
    sim.reset()
    module = sim.install()
    try:
        with audit(module=module, fresh=True) as session:
            request.node.stash.setdefault(_SESSIONS, []).append((session, None))
            request.node.stash[_SIM_SESSION] = session
            yield module
    finally:
        sim.uninstall()
        sim.reset()
        if was_installed:
            sim.install()


_SIM_SESSION = pytest.StashKey[Session]()


@pytest.fixture
def acl_audit_session(request):
    """The audit session of this test."""
    if "acl_sim" in request.fixturenames:
        request.getfixturevalue("acl_sim")
        yield request.node.stash[_SIM_SESSION]
        return
    plugin = request.config.pluginmanager.get_plugin("acl-lint-audit")
    if plugin is not None and plugin.session is not None and plugin.session.active:
        yield plugin.session
        return
    with audit() as session:
        request.node.stash.setdefault(_SESSIONS, []).append((session, None))
        yield session
