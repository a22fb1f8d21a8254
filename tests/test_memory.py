"""What a finished module no longer needs is not kept while the next ones are analysed."""

from __future__ import annotations

from pathlib import Path

from acl_lint.static import engine
from acl_lint.static.interp import Interpreter
from acl_lint.static.positions import Positions

REPO = Path(__file__).resolve().parent.parent
ANALYSE_MODULE = engine.Engine.analyse_module


def _run(monkeypatch, texts):
    """The findings, and at the start of each module: (modules holding an ast mirror, liveness tables kept)."""
    held = []
    original = ANALYSE_MODULE

    def analyse_module(self, mod, interps):
        held.append((sum(m.positions._ast is not None for m in self.index.modules.values()),
                     len(self.__dict__.get("_liveness", {}))))
        return original(self, mod, interps)

    monkeypatch.setattr(engine.Engine, "analyse_module", analyse_module)
    return engine.analyze_files(texts), held


def test_finished_modules_keep_no_ast_mirror_and_functions_no_liveness(monkeypatch):
    """Each module's ``ast`` mirror (positions) is dropped once it is analysed, and each function's
    liveness tables once its run is done: when a module starts, no module holds a mirror, and only
    the tables of second runs (summaries) are left; the findings are those of a run that keeps all."""
    files = sorted((REPO / "corpus" / "serving").rglob("*.py")) + sorted((REPO / "corpus" / "ownership").rglob("*.py"))
    texts = [(str(p.relative_to(REPO)), p.read_text()) for p in files]
    freed, held = _run(monkeypatch, texts)
    assert len(held) > 10 and all(n == 0 for n, _ in held)
    monkeypatch.setattr(Positions, "forget_mirror", lambda self: None)
    monkeypatch.setattr(Interpreter, "forget_liveness", lambda self: None)
    kept, kept_held = _run(monkeypatch, texts)
    assert all(n > 0 for n, _ in kept_held[1:])
    assert held[-1][1] * 5 < kept_held[-1][1]
    assert freed == kept and freed[0]
