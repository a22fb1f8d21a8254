"""Functions that cannot touch a resource are not interpreted for their own findings
(``acl_lint/static/relevance.py``); what they do for their callers still counts."""

from __future__ import annotations

import textwrap

from acl_lint.static import engine as E
from acl_lint.static.summaries import body_of
from corpus_markers import CORPUS

SOURCE = textwrap.dedent('''
    import acl

    REGISTRY = []


    def check_ret(msg, ret):
        if ret != 0:
            raise RuntimeError(msg)


    def fmt(x):
        return "<%s>" % x


    def fmt_twice(x):
        return fmt(fmt(x))


    def keep(h):
        REGISTRY.append(h)


    def alloc(size):
        ptr, ret = acl.rt.malloc(size, 0)
        check_ret("malloc", ret)
        return ptr


    def make(size):
        return alloc(size)


    def release(h):
        ret = acl.rt.free(h)
        check_ret("free", ret)


    def drop(h):
        release(h)


    def kept(size):
        p = alloc(size)
        keep(p)


    def shown(size):
        p = alloc(size)
        print(fmt(p))


    def unchecked(size):
        ptr, ret = acl.rt.malloc(size, 0)
        check_ret("malloc", ret)
        acl.rt.free(ptr)
        return fmt_twice(size)


    class Holder:
        def __init__(self):
            self.buf = None

        def open(self, size):
            self.buf = alloc(size)

        def name(self):
            return fmt("holder")

        def label(self):
            return self.name()

        def reset(self):
            self.__init__()


    def build():
        return Holder()
''')


def _engine(text: str = SOURCE, path: str = "mod.py"):
    eng = E.Engine({})
    eng.project_loader = {path: text}.get
    assert eng.add_file(path, text) is None
    return eng, eng.index.modules[path]


def test_which_functions_are_inert():
    eng, mod = _engine()
    inert = {fn.qualname for fn in mod.all_functions if eng.relevance.inert(fn)}
    # no acl name, and nothing called gives a handle: not worth interpreting on their own
    # (binding self.buf to None makes no ownership fact)
    assert {"check_ret", "fmt", "fmt_twice", "keep", "Holder.name", "Holder.label", "Holder.__init__",
            "Holder.reset"} <= inert
    # acl names; helpers whose summaries return or release a handle; an object built whose
    # methods make handles (the owner pass follows `obj.open()` on it)
    assert not inert & {"alloc", "release", "make", "drop", "kept", "shown", "unchecked", "Holder.open", "build"}
    assert eng.relevance.module_inert(mod)  # `import acl` alone is no use of it; `REGISTRY = []` neither
    assert eng.relevance.quiet(mod.classes["Holder"].methods["__init__"])


def test_a_module_top_level_that_only_imports_acl_is_inert():
    eng, mod = _engine("import acl\nfrom acl import rt\nNAMES = ['a']\n\n\ndef f():\n    return acl.rt.malloc(1, 0)\n")
    assert eng.relevance.module_inert(mod)
    assert not eng.relevance.inert(mod.functions["f"])


def test_inert_helpers_still_count_for_their_callers():
    """The check helper (no acl) still raises on a failed status, `keep` still keeps the handle
    passed to it, `fmt` does not: what the summaries say, computed when a caller asks."""
    findings, errors = E.analyze_files([("mod.py", SOURCE)], {})
    assert not errors
    by_fn = {(f.code, f.function) for f in findings}
    assert ("ACL101", "shown") in by_fn  # leaked: fmt() only formats it
    assert not any(fn == "kept" for _c, fn in by_fn)  # keep() holds it from then on
    assert not any(fn == "unchecked" for _c, fn in by_fn)  # check_ret raises: the free is reached only on success
    # nothing reported in an inert function, and none of them was interpreted on its own
    assert not any(fn in ("check_ret", "fmt", "fmt_twice", "keep") for _c, fn in by_fn)


FACTS = ("self_stores", "self_releases", "callback_releases_of", "container_stores", "self_links",
         "guarded_stores", "taken_live", "field_exits", "torn_down")


def _units(mod):
    yield None, mod.tree.body
    for fn in mod.all_functions:
        yield fn, body_of(fn)


def test_inert_units_of_the_corpus_have_nothing_to_report():
    """The rule's promise, checked by interpreting every unit it skips anyway: no finding and no
    fact for the owner pass (objects built there: only quiet methods are called on them)."""
    files = [(str(p), p.read_text()) for p in sorted(CORPUS.rglob("*.py"))]
    eng = E.Engine({})
    texts = dict(files)
    eng.project_loader = texts.get
    eng.index.known(texts)
    mods = [eng.index.modules[p] for p, t in files if eng.add_file(p, t) is None]
    checked = 0
    for mod in mods:
        for fn, body in _units(mod):
            if not eng.inert(mod, fn):
                continue
            checked += 1
            eng._current_module = mod
            interp, _out = eng._interpret(fn, body)
            where = f"{mod.path}:{fn.qualname if fn else '<module>'}"
            assert not interp.findings_of(mod, fn), where
            assert not [a for a in FACTS if getattr(interp, a)], where
            assert all(eng.relevance.quiet(c[2]) for c in interp.object_calls), where
            if fn is not None and fn.cls is not None:
                for name, _site in interp.self_calls:
                    m = eng.index.method(fn.cls, name)
                    assert m is None or eng.relevance.inert(m), where
    assert checked > 100
