"""Path-sensitive abstract interpretation of one function over its libcst tree.

The control-flow graph is implicit: statements are interpreted in order over
a *set* of path states; ``if`` splits the set by what the condition says
about return codes and handles, loops run their body twice (enough to see a
handle acquired in one iteration and lost in the next), ``try`` routes raised
states to the handlers and every exit through ``finally``. Equal states are
merged at join points, so the set stays small unless the function really
has many resource-relevant paths (capped at ``MAX_STATES``).

Each path feeds the shared :class:`~acl_lint.typestate.Machine`; what is
still live and unreachable at an exit is a leak.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, Hashable, Iterable, List, Optional, Sequence, Set, Tuple

import libcst as cst

from ..protocol import Api, Protocol
from ..typestate import NULL, Machine, Res, TState, replace
from .positions import NodeSite
from .positions import cst_dotted as dotted

MAX_STATES = 48  # path states kept per program point
LOOP_UNROLL = 2

# ----------------------------------------------------------------------------- values
# None                 unknown
# ("r", frozenset)     one of these resources
# ("c", v)             a constant (("c", 0) and ("c", None) are null handles)
# ("s", sid)           the status returned by the call `sid`
# ("t", (v, ...))      a tuple
# ("b", bid)           a container (list/dict/set) holding the resources state.boxes[bid]
# ("e", bid)           an element of that container

UNKNOWN = None
NULLV = ("c", None)
ZERO = ("c", 0)

NO_ESCAPE_CALLS = frozenset({
    "print", "len", "str", "repr", "int", "float", "hex", "oct", "bool", "format", "isinstance", "type",
    "id", "range", "abs", "round", "max", "min", "sum", "hash", "callable", "hasattr", "getattr",
    "issubclass", "divmod", "ord", "chr", "bin", "vars", "dir", "super", "object", "Exception",
    "RuntimeError", "ValueError", "TypeError", "OSError", "AssertionError", "KeyError", "IndexError",
})
PASS_THROUGH_CALLS = frozenset({"enumerate", "zip", "list", "tuple", "sorted", "reversed", "iter", "set"})
NO_ESCAPE_METHODS = frozenset({
    "debug", "info", "warning", "warn", "error", "exception", "critical", "log", "format", "join", "write",
    "print", "startswith", "endswith", "split", "strip", "encode", "decode", "upper", "lower", "replace",
    "index", "count", "tobytes", "reshape", "astype", "copy_to", "fill",
})
CONTAINER_ADD = frozenset({"append", "add", "insert", "extend", "appendleft", "setdefault", "update", "put"})
CONTAINER_GET = frozenset({"pop", "popleft", "get", "popitem", "values", "items", "copy", "keys"})
EXIT_CALLS = frozenset({"sys.exit", "exit", "quit", "os._exit", "os.abort"})


def is_null(v) -> bool:
    return v == NULLV or v == ZERO or v == ("c", False)


@dataclass
class StatusRec:
    site: NodeSite
    rids: FrozenSet[Hashable]
    read: bool
    checked_kind: bool  # ACL501 applies to this call's category
    call: str
    linked: Tuple = ()  # links the call made, undone on its failure branch


class PState:
    __slots__ = ("env", "ts", "boxes", "status", "err", "trace", "assume", "exit_site", "globals_", "nonnull")

    def __init__(self):
        self.env: Dict[str, Any] = {}
        self.ts = TState()
        self.boxes: Dict[Hashable, FrozenSet[Hashable]] = {}
        self.status: Dict[Hashable, StatusRec] = {}
        self.err = False
        self.trace: Tuple = ()
        self.assume: Dict[Hashable, str] = {}
        self.exit_site = None
        self.globals_: FrozenSet[str] = frozenset()
        self.nonnull: FrozenSet[Hashable] = frozenset()  # handles a check showed to be non-null

    def copy(self) -> "PState":
        new = PState.__new__(PState)
        new.env = dict(self.env)
        new.ts = self.ts.copy()
        new.boxes = dict(self.boxes)
        new.status = {k: StatusRec(v.site, v.rids, v.read, v.checked_kind, v.call, v.linked)
                      for k, v in self.status.items()}
        new.err = self.err
        new.trace = self.trace
        new.assume = dict(self.assume)
        new.exit_site = self.exit_site
        new.globals_ = self.globals_
        new.nonnull = self.nonnull
        return new

    def key(self):
        return (
            frozenset(self.env.items()),
            self.ts.key(),
            frozenset(self.boxes.items()),
            frozenset((k, v.read, v.rids) for k, v in self.status.items()),
            self.err,
            frozenset(self.assume.items()),
        )

    def rids_of(self, v) -> FrozenSet[Hashable]:
        if v is None or not isinstance(v, tuple):
            return frozenset()
        tag = v[0]
        if tag == "r":
            return v[1]
        if tag in ("b", "e"):
            return self.boxes.get(v[1], frozenset())
        if tag == "t" or tag == "z":
            out: Set[Hashable] = set()
            for x in v[1]:
                out |= self.rids_of(x)
            return frozenset(out)
        return frozenset()

    def add_trace(self, site, text: str, kind: str = "step") -> None:
        if len(self.trace) < 40:
            self.trace = self.trace + ((site, text, kind),)


@dataclass
class Outcome:
    normal: List[PState] = field(default_factory=list)
    ret: List[PState] = field(default_factory=list)
    exc: List[PState] = field(default_factory=list)
    brk: List[PState] = field(default_factory=list)
    cont: List[PState] = field(default_factory=list)

    def extend(self, other: "Outcome", normal: bool = True) -> None:
        if normal:
            self.normal.extend(other.normal)
        self.ret.extend(other.ret)
        self.exc.extend(other.exc)
        self.brk.extend(other.brk)
        self.cont.extend(other.cont)


def dedupe(states: List[PState]) -> List[PState]:
    if len(states) <= 1:
        return states
    seen = {}
    for s in states:
        k = s.key()
        if k not in seen:
            seen[k] = s
        else:
            old = seen[k]
            if old.err and not s.err:
                seen[k] = s
    out = list(seen.values())
    return out[:MAX_STATES]


@dataclass
class LeakRecord:
    res: Res
    kinds: Set[str]  # "normal" | "error" | "iter" | "overwrite"
    exit_site: Any = None
    trace: Tuple = ()
    overwrite_site: Any = None
    code: str = "ACL101"


class Interpreter:
    """Interprets one function. ``host`` supplies call resolution and summaries (the engine)."""

    def __init__(self, host, fn, protocol: Protocol, options: Dict[str, Any], summary_mode: bool = False):
        self.host = host
        self.fn = fn  # FunctionInfo or None for module top level
        self.mod = host.module_of(fn)
        self.zero_names = host.zero_names_for(self.mod)
        self.fn_params = frozenset(p.lstrip("*") for p in fn.params) if fn is not None else frozenset()
        self.p = protocol
        self.options = options
        self.summary_mode = summary_mode
        self.findings: Dict[Tuple, Tuple] = {}  # dedupe key -> (code, site, message, res, related, trace)
        self.leaks: Dict[Hashable, LeakRecord] = {}
        self.machine = Machine(protocol, self._emit, options)
        self.loop_depth = 0
        self.cur: Optional[PState] = None  # state being evaluated (for emit context)
        self.cur_stmt: Optional[cst.CSTNode] = None  # statement being interpreted (for positions)
        self.global_names: Set[str] = set()
        self.exits: Optional[Outcome] = None
        self.graph = None  # set by the graph builder: a recorder with on_* hooks
        self.check_release_status = bool(options.get("check-release-status", False))
        self.ever_read: Set[Hashable] = set()  # statuses read on some path
        self.release_count = 0  # releases interpreted so far (tells a teardown loop)
        self.torn_down: Set[str] = set()  # process-scoped kinds this function releases somewhere
        # facts for the owner (class / module) pass
        self.self_stores: Dict[Hashable, Tuple[str, Res, bool]] = {}  # res site -> (attr, res, direct)
        self.self_releases: Dict[str, Set[str]] = {}  # attr -> kinds released through it
        self.self_calls: List[Tuple[str, NodeSite]] = []  # self.method() calls
        self.container_stores: Set[Hashable] = set()  # stores into a container on self (not overwrites)
        self.self_links: Set[Tuple[str, str, str]] = set()  # (attr, link type, attr) between stored handles
        self.class_links: Dict[str, Tuple[Tuple[str, str], ...]] = {}  # attr -> ((link, attr), ...) from the class
        self.guarded_stores: Set[Hashable] = set()  # stores into self.x where the old value was null/released
        self.unread: Dict[Hashable, Tuple] = {}  # status -> (site, message) when unread on some path

    # ------------------------------------------------------------------ emission

    def site(self, node: cst.CSTNode, what: str = "") -> NodeSite:
        return NodeSite(self.mod.path, node, self.mod.positions, what, self.cur_stmt)

    def _emit(self, code, site, message, res, related) -> None:
        if self.summary_mode:
            return
        key = (code, site, res.site if res is not None else None)
        if key not in self.findings:
            trace = self.cur.trace if self.cur is not None else ()
            self.findings[key] = (code, site, message, res, related, trace)

    # ------------------------------------------------------------------ entry

    def run(self, body: Sequence[cst.CSTNode], init: PState) -> Outcome:
        out = self.exec_block(body, [init])
        end = Outcome()
        for st in out.normal:
            st.exit_site = None
            end.ret.append(st)
        end.ret.extend(out.ret)
        end.exc.extend(out.exc)
        # break/continue outside loops cannot happen in valid code
        self.exits = end
        return end

    # ------------------------------------------------------------------ blocks

    def exec_block(self, stmts: Sequence[cst.CSTNode], states: List[PState]) -> Outcome:
        out = Outcome()
        cur = states
        for stmt in stmts:
            if not cur:
                break
            nxt: List[PState] = []
            for st in cur:
                o = self.exec_stmt(stmt, st)
                # a path that ended inside the statement (sys.exit, a check that must fail) stops here
                nxt.extend(x for x in o.normal if "<dead>" not in x.env)
                out.extend(o, normal=False)
            cur = dedupe(nxt) if len(nxt) > 1 else nxt
        out.normal.extend(cur)
        return out

    def body_of(self, node) -> Sequence[cst.CSTNode]:
        body = node.body
        if isinstance(body, cst.IndentedBlock):
            return body.body
        if isinstance(body, cst.SimpleStatementSuite):
            return body.body
        return ()

    def exec_stmt(self, stmt: cst.CSTNode, st: PState) -> Outcome:
        self.cur = st
        t = type(stmt)
        if t is not cst.SimpleStatementLine:
            self.cur_stmt = stmt
        if t is cst.SimpleStatementLine:
            return self.exec_block(stmt.body, [st])
        handler = getattr(self, "s_" + t.__name__, None)
        if handler is None:
            self.eval_children(stmt, st)
            return Outcome(normal=[st])
        return handler(stmt, st)

    # ------------------------------------------------------------------ simple statements

    def s_Expr(self, node: cst.Expr, st: PState) -> Outcome:
        out = Outcome()
        v = self.ev(node.value, st, out)
        if type(node.value) is cst.Call and isinstance(v, tuple):
            self.discard(v, st, node.value)
        out.normal.insert(0, st)
        return out

    def discard(self, v, st: PState, call: cst.CSTNode) -> None:
        """A call's result thrown away: an ignored status is ACL501."""
        if v is None:
            return
        if v[0] == "s":
            self.unchecked(st, v[1], definite=True)
        elif v[0] == "t":
            for x in v[1]:
                if x is not None and x[0] == "s":
                    self.unchecked(st, x[1], definite=True)

    def unchecked(self, st: PState, sid, overwritten_at=None, definite: bool = False) -> None:
        """A status dropped unread. Thrown away on the spot (bare call, `_`) it is ACL501 at once;
        overwritten or left unread at an exit it is ACL501 only if no path ever reads it."""
        rec = st.status.get(sid)
        if rec is None or rec.read:
            return
        rec.read = True
        if not rec.checked_kind:
            return
        if definite:
            self.machine.emit("ACL501", rec.site, f"the status returned by {rec.call} is ignored", None, ())
        elif sid not in self.unread:
            how = (f"overwritten at line {overwritten_at.line} before it is checked" if overwritten_at
                   else "never checked")
            self.unread[sid] = (rec.site, f"the status returned by {rec.call} is {how}")

    def flush_unread(self) -> None:
        for sid, (site, message) in self.unread.items():
            if sid not in self.ever_read:
                self.cur = None
                self.machine.emit("ACL501", site, message, None, ())

    def s_Assign(self, node: cst.Assign, st: PState) -> Outcome:
        out = Outcome()
        target_name = self.target_name(node.targets[0].target) if node.targets else ""
        v = self.ev(node.value, st, out, target_name)
        for t in node.targets:
            self.assign(t.target, v, st, node)
        out.normal.insert(0, st)
        return out

    def s_AnnAssign(self, node: cst.AnnAssign, st: PState) -> Outcome:
        out = Outcome()
        if node.value is not None:
            v = self.ev(node.value, st, out, self.target_name(node.target))
            self.assign(node.target, v, st, node)
        out.normal.insert(0, st)
        return out

    def s_AugAssign(self, node: cst.AugAssign, st: PState) -> Outcome:
        out = Outcome()
        self.ev(node.target, st, out)
        self.ev(node.value, st, out)
        self.assign(node.target, UNKNOWN, st, node)
        out.normal.insert(0, st)
        return out

    def s_Return(self, node: cst.Return, st: PState) -> Outcome:
        out = Outcome()
        v = self.ev(node.value, st, out) if node.value is not None else NULLV
        self.escape(v, st, "returned")
        self.mark_read(v, st)
        st.exit_site = self.site(node)
        st.env["<return>"] = v
        out.ret.insert(0, st)
        return out

    def s_Raise(self, node: cst.Raise, st: PState) -> Outcome:
        out = Outcome()
        if node.exc is not None:
            self.ev(node.exc, st, out)
        st.err = True
        st.exit_site = self.site(node)
        out.exc.insert(0, st)
        return out

    def s_Assert(self, node: cst.Assert, st: PState) -> Outcome:
        out = Outcome()
        self.ev(node.test, st, out)
        for f in self.refine(node.test, st.copy(), False):
            f.err = True
            f.exit_site = self.site(node)
            out.exc.append(f)
        out.normal = self.refine(node.test, st, True) + out.normal
        return out

    def s_Pass(self, node, st):
        return Outcome(normal=[st])

    def s_Break(self, node, st):
        return Outcome(brk=[st])

    def s_Continue(self, node, st):
        return Outcome(cont=[st])

    def s_Global(self, node: cst.Global, st: PState) -> Outcome:
        for n in node.names:
            self.global_names.add(n.name.value)
        return Outcome(normal=[st])

    s_Nonlocal = s_Global

    def s_Import(self, node, st):
        return Outcome(normal=[st])

    s_ImportFrom = s_Import

    def s_Del(self, node: cst.Del, st: PState) -> Outcome:
        return Outcome(normal=[st])

    def s_FunctionDef(self, node: cst.FunctionDef, st: PState) -> Outcome:
        self.capture(node, st)
        st.env[node.name.value] = UNKNOWN
        return Outcome(normal=[st])

    def s_ClassDef(self, node: cst.ClassDef, st: PState) -> Outcome:
        self.capture(node, st)
        st.env[node.name.value] = UNKNOWN
        return Outcome(normal=[st])

    def capture(self, node: cst.CSTNode, st: PState) -> None:
        """Handles referenced by a nested function, class or lambda escape into it."""
        if not any(v is not None and v[0] in ("r", "b", "e", "t", "s") for v in st.env.values()):
            return
        names = self.mod.positions.names_used(node if not type(node) is cst.Lambda else self.cur_stmt)
        for key, v in list(st.env.items()):
            if key.split(".", 1)[0] in names:
                self.escape(v, st, "captured")
                self.mark_read(v, st)

    # ------------------------------------------------------------------ compound statements

    def s_If(self, node: cst.If, st: PState) -> Outcome:
        self.cur_stmt = node
        out = Outcome()
        self.ev(node.test, st, out)
        t_states = self.refine(node.test, st.copy(), True)
        f_states = self.refine(node.test, st, False)
        if t_states:
            text = CondText(self, node.test, True)
            for s in t_states:
                s.add_trace(self.site(node.test), text, "branch")
            out.extend(self.exec_block(self.body_of(node), t_states))
        if f_states:
            if node.orelse is None:
                out.normal.extend(f_states)
            else:
                text = CondText(self, node.test, False)
                for s in f_states:
                    s.add_trace(self.site(node.test), text, "branch")
                if isinstance(node.orelse, cst.If):
                    for s in f_states:
                        out.extend(self.s_If(node.orelse, s))
                else:
                    out.extend(self.exec_block(self.body_of(node.orelse), f_states))
        out.normal = dedupe(out.normal)
        return out

    def cond_text(self, test: cst.BaseExpression, truth: bool) -> str:
        code = self.mod.positions.code(test).strip().replace("\n", " ")
        if len(code) > 60:
            code = code[:57] + "..."
        return f"taken: `{code}`" if truth else f"not taken: `{code}`"

    def run_loop(self, node, states: List[PState], bind: Callable[[PState], List[PState]],
                 exit_refine: Optional[Callable[[PState], List[PState]]], at_least_once: bool,
                 infinite: bool, bind_is_for: bool = False) -> Outcome:
        out = Outcome()
        exits: List[PState] = []
        cur = states
        zero_trip: List[PState] = []
        if not at_least_once and not infinite:
            zero_trip = [s.copy() for s in cur]
        self.loop_depth += 1
        try:
            for n in range(LOOP_UNROLL):
                entry: List[PState] = []
                for s in cur:
                    entry.extend(bind(s))
                if not entry:
                    break
                releases_before = self.release_count
                o = self.exec_block(self.body_of(node), entry)
                if n == 0 and self.release_count != releases_before and bind_is_for:
                    # a loop whose body releases handles is a teardown loop: it runs over
                    # what there is, so the path that skips it is not a real one
                    zero_trip = []
                out.ret.extend(o.ret)
                out.exc.extend(o.exc)
                out.brk.extend(o.brk)
                cur = dedupe(o.normal + o.cont)
                if not infinite:
                    exits.extend(s.copy() for s in cur)
                if not cur:
                    break
        finally:
            self.loop_depth -= 1
        exits = zero_trip + exits
        if exit_refine is not None:
            exits = [x for s in exits for x in exit_refine(s)]
        normal = dedupe(exits)
        if node.orelse is not None and normal:
            eo = self.exec_block(self.body_of(node.orelse), normal)
            out.extend(eo)
            normal = eo.normal
            out.normal = []
        else:
            out.normal = []
        out.normal = dedupe(normal + out.brk)
        out.brk = []
        return out

    def s_For(self, node: cst.For, st: PState) -> Outcome:
        pre = Outcome()
        itv = self.ev(node.iter, st, pre)
        literal = isinstance(node.iter, (cst.List, cst.Tuple)) and len(node.iter.elements) > 0
        # a container that holds resources on this path is not empty
        literal = literal or (itv is not None and itv[0] in ("b", "e") and bool(st.boxes.get(itv[1])))
        elem = self.iter_elem(itv, st)

        def bind(s: PState) -> List[PState]:
            self.assign(node.target, elem, s, node, loop_bind=True)
            return [s]

        out = self.run_loop(node, [st], bind, None, literal, False, bind_is_for=True)
        out.extend(pre, normal=False)
        return out

    def iter_elem(self, v, st: PState):
        if v is None:
            return UNKNOWN
        if v[0] == "z":
            return ("t", tuple(self.iter_elem(x, st) for x in v[1]))
        if v[0] in ("b", "e"):
            return ("e", v[1])
        if v[0] == "t":
            rids = st.rids_of(v)
            if rids:
                return ("r", rids)
        if v[0] == "r":
            if all(st.ts.res.get(r) is not None and st.ts.res[r].external for r in v[1]):
                # iterating a handle container from outside: its elements stand for it
                bid = ("extbox",) + tuple(sorted(map(str, v[1])))
                st.boxes[bid] = v[1]
                return ("e", bid)
            return v
        return UNKNOWN

    def s_While(self, node: cst.While, st: PState) -> Outcome:
        pre = Outcome()
        self.ev(node.test, st, pre)
        infinite = type(node.test) is cst.Name and node.test.value == "True" or (
            type(node.test) is cst.Integer and node.test.value != "0")

        def bind(s: PState) -> List[PState]:
            return self.refine(node.test, s, True)

        def ends(s: PState) -> List[PState]:
            return self.refine(node.test, s, False)

        out = self.run_loop(node, [st], bind, ends, False, infinite)
        out.extend(pre, normal=False)
        return out

    def s_Try(self, node: cst.Try, st: PState) -> Outcome:
        body = self.exec_block(self.body_of(node), [st])
        out = Outcome(ret=body.ret, brk=body.brk, cont=body.cont)
        if node.handlers and body.exc:
            raised = dedupe(body.exc)
            for h in node.handlers:
                hs = [s.copy() for s in raised]
                for s in hs:
                    s.err = True
                    if h.name is not None and type(h.name.name) is cst.Name:
                        s.env[h.name.name.value] = UNKNOWN
                out.extend(self.exec_block(self.body_of(h), hs))
        else:
            out.exc.extend(body.exc)
        normal = body.normal
        if node.orelse is not None and normal:
            eo = self.exec_block(self.body_of(node.orelse), normal)
            out.extend(eo)
        else:
            out.normal.extend(normal)
        if node.finalbody is None:
            out.normal = dedupe(out.normal)
            return out
        return self.run_finally(node.finalbody, out)

    s_TryStar = s_Try

    def run_finally(self, fin: cst.Finally, o: Outcome) -> Outcome:
        res = Outcome()
        for cat in ("normal", "ret", "exc", "brk", "cont"):
            states = getattr(o, cat)
            if not states:
                continue
            fo = self.exec_block(self.body_of(fin), dedupe(states) if cat == "normal" else states)
            res.extend(fo, normal=False)
            for s in fo.normal:
                getattr(res, cat).append(s)
        res.normal = dedupe(res.normal)
        return res

    def s_With(self, node: cst.With, st: PState) -> Outcome:
        out = Outcome()
        for item in node.items:
            v = self.ev(item.item, st, out)
            if item.asname is not None:
                self.assign(item.asname.name, v, st, node)
        body = self.exec_block(self.body_of(node), [st])
        out.extend(body)
        return out

    def s_Match(self, node, st: PState) -> Outcome:
        out = Outcome()
        self.ev(node.subject, st, out)
        for case in node.cases:
            out.extend(self.exec_block(self.body_of(case), [st.copy()]))
        out.normal.append(st)
        out.normal = dedupe(out.normal)
        return out

    # ------------------------------------------------------------------ assignment

    def target_name(self, t: cst.BaseExpression) -> str:
        if isinstance(t, (cst.Tuple, cst.List)) and t.elements:
            return self.target_name(t.elements[0].value)
        d = dotted(t)
        if d:
            return d
        if type(t) is cst.Subscript:
            base = dotted(t.value)
            return base + "[...]" if base else ""
        return ""

    def assign(self, t: cst.BaseExpression, v, st: PState, stmt, loop_bind: bool = False) -> None:
        if type(t) is cst.Name:
            name = t.value
            if name == "_":
                self.discard(v, st, stmt)
                return
            if loop_bind and v is None:
                st.ts.res.pop(("ext", name), None)  # a new element each iteration
            self.overwrite(name, v, st, stmt, loop_bind)
            st.env[name] = v
            if name in self.global_names:
                self.escape(v, st, "stored in a module global")
            return
        if type(t) is cst.Attribute:
            key = dotted(t)
            if key:
                if key.startswith("self.") and not self.summary_mode:
                    old = st.env.get(key)
                    if old is not None and (is_null(old) or (old[0] == "r" and all(
                            r in st.ts.res and not st.ts.res[r].live for r in old[1]))):
                        for rid in st.rids_of(v):
                            r = st.ts.res.get(rid)
                            if r is not None:
                                self.guarded_stores.add(r.site)
                self.overwrite(key, v, st, stmt, loop_bind)
                st.env[key] = v
                if not key.startswith("self."):
                    # another object's attribute: ownership goes with that object
                    base = key.split(".", 1)[0]
                    if base not in st.env or st.env.get(base) is None:
                        self.escape(v, st, f"stored in {key}")
            else:
                self.escape(v, st, "stored in an attribute")
            return
        if isinstance(t, (cst.Tuple, cst.List)):
            elems = t.elements
            starred = any(type(e) is cst.StarredElement for e in elems)
            if v is not None and v[0] == "t" and len(v[1]) == len(elems) and not starred:
                for e, x in zip(elems, v[1]):
                    self.assign(e.value, x, st, stmt, loop_bind)
            else:
                if v is not None and v[0] == "e":
                    for e in elems:
                        self.assign(e.value, v, st, stmt, loop_bind)
                    return
                if v is not None and v[0] == "t":
                    for x in v[1]:
                        self.mark_read(x, st)
                for e in elems:
                    self.assign(e.value, UNKNOWN, st, stmt, loop_bind)
            return
        if type(t) is cst.Subscript:
            base = self.ev(t.value, st, Outcome())
            for el in t.slice:
                if isinstance(el.slice, cst.Index):
                    self.ev(el.slice.value, st, Outcome())
            if base is not None and base[0] in ("b", "e"):
                bid = base[1]
                st.boxes[bid] = st.boxes.get(bid, frozenset()) | st.rids_of(v)
                self.mark_read(v, st)
                return
            key = dotted(t.value)
            if key and (key.startswith("self.") or key in self.global_names):
                root = key + "[]"
                old = st.env.get(root)
                st.env[root] = ("r", st.rids_of(old) | st.rids_of(v)) if old is not None else (
                    ("r", st.rids_of(v)) if st.rids_of(v) else UNKNOWN)
                self.mark_read(v, st)
                return
            self.escape(v, st, "stored in a container")
            return
        if type(t) is cst.StarredElement:
            self.assign(t.value, UNKNOWN, st, stmt)
            return

    def overwrite(self, key: str, new, st: PState, stmt, loop_bind: bool) -> None:
        old = st.env.get(key)
        if old is None:
            return
        if old[0] == "s":
            rec = st.status.get(old[1])
            if rec is not None and not rec.read and not (new is not None and new[0] == "s" and new[1] == old[1]):
                self.unchecked(st, old[1], overwritten_at=self.site(stmt))
            return
        if old[0] == "t":
            for x in old[1]:
                if x is not None and x[0] == "s":
                    rec = st.status.get(x[1])
                    if rec is not None and not rec.read:
                        self.unchecked(st, x[1], overwritten_at=self.site(stmt))
        if old[0] != "r" or loop_bind:
            return
        new_rids = st.rids_of(new)
        for rid in old[1]:
            if rid in new_rids:
                continue
            res = st.ts.res.get(rid)
            if res is None or not res.live or res.external or res.escaped:
                continue
            if self.p.kinds.get(res.kind) is None or self.p.kinds[res.kind].scope == "process":
                continue
            if rid in self.reachable(st, exclude=key):
                continue
            if not self.machine.leak_reportable(st.ts, res):
                continue
            self.record_leak(st, res, "overwrite", self.site(stmt))
            st.ts.res[rid] = _escaped(res)

    # ------------------------------------------------------------------ reachability, escapes

    def reachable(self, st: PState, exclude: str = "", roots_only: bool = False) -> Set[Hashable]:
        out: Set[Hashable] = set()
        for key, v in st.env.items():
            if key == exclude or v is None:
                continue
            if roots_only and not self.is_root(key):
                continue
            out |= st.rids_of(v)
        return out

    def is_root(self, key: str) -> bool:
        """Env keys that outlive the function: attributes, globals, the returned value."""
        if key == "<return>":
            return True
        if "." in key or key.endswith("[]"):
            return True
        if key in self.global_names:
            return True
        if self.fn is None and key in self.mod.global_refs:
            return True  # module level: a name that functions of the module use
        return False

    def escape(self, v, st: PState, why: str) -> None:
        for rid in st.rids_of(v):
            res = st.ts.res.get(rid)
            if res is not None and not res.escaped:
                st.ts.res[rid] = _escaped(res)
                if self.graph is not None:
                    self.graph.on_escape(res, why)
            # what it owns goes with it (checked through owners at leak time)

    def mark_read(self, v, st: PState) -> None:
        if v is None:
            return
        if v[0] == "s":
            rec = st.status.get(v[1])
            if rec is not None:
                rec.read = True
                self.ever_read.add(v[1])
        elif v[0] == "t":
            for x in v[1]:
                self.mark_read(x, st)

    # ------------------------------------------------------------------ conditions

    def refine(self, test: cst.BaseExpression, st: PState, truth: bool) -> List[PState]:
        """The states in which ``test`` evaluates to ``truth`` (empty when infeasible)."""
        if type(test) is cst.UnaryOperation and isinstance(test.operator, cst.Not):
            return self.refine(test.expression, st, not truth)
        if type(test) is cst.BooleanOperation:
            is_and = isinstance(test.operator, cst.And)
            if is_and == truth:
                # both sides hold (and/True) or both fail (or/False)
                out = []
                for s in self.refine(test.left, st, truth):
                    out.extend(self.refine(test.right, s, truth))
                return out
            # either side decides
            out = self.refine(test.left, st.copy(), truth)
            for s in self.refine(test.left, st, not truth):
                out.extend(self.refine(test.right, s, truth))
            return dedupe(out)
        if type(test) is cst.Comparison and len(test.comparisons) == 1:
            comp = test.comparisons[0]
            op = comp.operator
            left, right = test.left, comp.comparator
            lv, rv = self.peek(left, st), self.peek(right, st)
            if self.is_zero_expr(right, rv) and not self.is_zero_expr(left, lv):
                subject, sv = left, lv
            elif self.is_zero_expr(left, lv):
                subject, sv = right, rv
                if isinstance(op, (cst.LessThan, cst.GreaterThan, cst.LessThanEqual, cst.GreaterThanEqual)):
                    op = {cst.LessThan: cst.GreaterThan(), cst.GreaterThan: cst.LessThan(),
                          cst.LessThanEqual: cst.GreaterThanEqual(),
                          cst.GreaterThanEqual: cst.LessThanEqual()}[type(op)]
            else:
                return [st]
            if isinstance(op, (cst.Equal, cst.Is)):
                is_zero = truth
            elif isinstance(op, (cst.NotEqual, cst.IsNot, cst.GreaterThan, cst.LessThan)):
                is_zero = not truth
            elif isinstance(op, (cst.GreaterThanEqual, cst.LessThanEqual)):
                if truth:
                    return [st]
                is_zero = False
            else:
                return [st]
            none_cmp = isinstance(op, (cst.Is, cst.IsNot)) and (
                type(right) is cst.Name and right.value == "None" or
                type(left) is cst.Name and left.value == "None")
            zero_side = right if subject is left else left
            success = isinstance(zero_side, (cst.Name, cst.Attribute)) and (
                (zero_side.value if type(zero_side) is cst.Name else zero_side.attr.value)
                in self.zero_names)
            return self.assume_zero(subject, sv, st, is_zero, none_cmp, success)
        if isinstance(test, (cst.Name, cst.Attribute, cst.Subscript)):
            v = self.peek(test, st)
            return self.assume_zero(test, v, st, not truth, False)
        if type(test) is cst.NamedExpr:
            return self.refine(test.target, st, truth)
        if type(test) is cst.Call and dotted(test.func) in ("len", "bool"):
            return [st]
        return [st]

    def is_zero_expr(self, node: cst.BaseExpression, v) -> bool:
        if type(node) is cst.Integer and node.value == "0":
            return True
        if type(node) is cst.Name and node.value in ("None", "False"):
            return True
        if v is not None and v[0] == "c" and v[1] in (0, None, False):
            return True
        if isinstance(node, (cst.Name, cst.Attribute)):
            last = node.value if type(node) is cst.Name else node.attr.value
            if last in self.zero_names and (v is None or v[0] == "c"):
                return True
        return False

    def assume_zero(self, node, v, st: PState, is_zero: bool, none_cmp: bool, success_const: bool = False
                    ) -> List[PState]:
        """Refine ``st`` assuming the expression ``node`` (value ``v``) is zero/None or not."""
        if v is None:
            # an unknown value compared with ACL_SUCCESS, or named like a status: its non-zero
            # branch is an error path (`ret = helper(); if ret != ACL_SUCCESS: return`)
            if not is_zero and not none_cmp and (success_const or _looks_like_status(node)):
                st.err = True
            return [st]
        tag = v[0]
        if tag == "c":
            val_zero = v[1] in (0, None, False, "")
            return [st] if val_zero == is_zero else []
        if tag == "s":
            rec = st.status.get(v[1])
            if rec is not None:
                rec.read = True
            sid = v[1]
            self.ever_read.add(sid)
            if sid in st.assume and st.assume[sid] != ("ok" if is_zero else "failed"):
                return []
            st.assume[sid] = "ok" if is_zero else "failed"
            if is_zero and rec is not None and rec.rids:
                st.nonnull = st.nonnull | rec.rids
            if not is_zero and rec is not None:
                self.fail_resources(st, rec.rids)
                if rec.linked:
                    self.machine.unlink(st.ts, rec.linked)
                st.err = True
            return [st]
        if tag == "r":
            if is_zero and v[1] and all(r in st.nonnull for r in v[1]):
                return []  # checked non-null before: this branch cannot be taken
            if not is_zero:
                # a local handle seen non-null stays so (a container from outside may empty)
                st.nonnull = st.nonnull | frozenset(
                    r for r in v[1] if r in st.ts.res and not st.ts.res[r].external)
                return [st]
            if is_zero:
                local = False
                for rid in v[1]:
                    res = st.ts.res.get(rid)
                    if res is not None:
                        if res.live and not res.external:
                            local = True
                        if not res.live and res.external:
                            continue
                self.fail_resources(st, v[1])
                key = dotted(node) if isinstance(node, (cst.Name, cst.Attribute)) else ""
                if key:
                    st.env[key] = NULLV
                if local:
                    st.err = True
                return [st]
            # non-null: a released external attribute guarded by `if self.x:` is still possible
            return [st]
        if tag == "t" and not none_cmp:
            statuses = [x for x in v[1] if x is not None and x[0] == "s"]
            if len(statuses) == 1:
                return self.assume_zero(node, statuses[0], st, is_zero, none_cmp, success_const)
        if tag == "t" and is_zero:
            rids = st.rids_of(v)
            if rids:
                self.fail_resources(st, rids)
                key = dotted(node) if isinstance(node, (cst.Name, cst.Attribute)) else ""
                if key:
                    st.env[key] = NULLV
                st.err = True
            return [st]
        return [st]

    def fail_resources(self, st: PState, rids: Iterable[Hashable]) -> None:
        """On a failure branch the handles were never acquired: forget them (and what they own)."""
        rids = set(rids)
        # what a helper's returned handle brought along does not exist either, nor what is keyed by it
        rids |= {r.rid for r in st.ts.res.values() if r.origin is not None and r.origin in rids}
        rids |= {r.rid for r in st.ts.res.values() if r.key is not None and any(k in rids for k in r.key[1])}
        for rid in rids:
            res = st.ts.res.pop(rid, None)
            if res is not None and res.key is not None and st.ts.keyed.get(res.key) == rid:
                del st.ts.keyed[res.key]
            if st.ts.ctx == rid:
                st.ts.ctx = None

    def peek(self, node: cst.BaseExpression, st: PState):
        """The value of a simple expression without side effects."""
        if type(node) is cst.Name:
            if node.value == "None":
                return NULLV
            if node.value in ("True", "False"):
                return ("c", node.value == "True")
            if node.value in st.env:
                return st.env[node.value]
            if node.value in self.zero_names:
                return ZERO
            return UNKNOWN
        if type(node) is cst.Attribute:
            key = dotted(node)
            if key and key in st.env:
                return st.env[key]
            if node.attr.value in self.zero_names:
                return ZERO
            if key.startswith("self."):
                return self.external(st, key, None)
            return UNKNOWN
        if type(node) is cst.Integer:
            try:
                return ("c", int(node.value, 0))
            except ValueError:
                return UNKNOWN
        if type(node) is cst.NamedExpr:
            return self.peek(node.target, st)
        return UNKNOWN

    # ------------------------------------------------------------------ expressions

    def eval_children(self, node: cst.CSTNode, st: PState) -> None:
        out = Outcome()
        for child in node.children:
            if isinstance(child, cst.BaseExpression):
                self.ev(child, st, out)

    def ev(self, node: cst.BaseExpression, st: PState, out: Outcome, target: str = ""):
        t = type(node)
        if t is cst.Name:
            v = self.peek(node, st)
            if v is not None and v[0] in ("s", "t"):
                self.mark_read(v, st)
            return v
        if t is cst.Attribute:
            key = dotted(node)
            if not key:
                self.ev(node.value, st, out)
                return UNKNOWN
            v = self.peek(node, st)
            if v is not None and v[0] in ("s", "t"):
                self.mark_read(v, st)
            return v
        if t is cst.Call:
            return self.ev_call(node, st, out, target)
        if t is cst.Integer:
            return self.peek(node, st)
        if t in (cst.SimpleString, cst.ConcatenatedString, cst.Float, cst.Imaginary):
            return ("c", "str") if t is not cst.Float else UNKNOWN
        if t is cst.Tuple:
            return ("t", tuple(self.ev(e.value, st, out) for e in node.elements))
        if t in (cst.List, cst.Set):
            rids: Set[Hashable] = set()
            for e in node.elements:
                v = self.ev(e.value, st, out)
                rids |= st.rids_of(v)
                self.mark_read(v, st)
            bid = ("box", id(node))
            st.boxes[bid] = frozenset(rids)
            return ("b", bid)
        if t is cst.Dict:
            rids = set()
            for e in node.elements:
                if isinstance(e, cst.DictElement):
                    self.ev(e.key, st, out)
                    v = self.ev(e.value, st, out)
                else:
                    v = self.ev(e.value, st, out)
                rids |= st.rids_of(v)
                self.mark_read(v, st)
            bid = ("box", id(node))
            st.boxes[bid] = frozenset(rids)
            return ("b", bid)
        if t is cst.Subscript:
            base = self.ev(node.value, st, out)
            idx = None
            for el in node.slice:
                if isinstance(el.slice, cst.Index):
                    iv = self.ev(el.slice.value, st, out)
                    if iv is not None and iv[0] == "c" and isinstance(iv[1], int) and len(node.slice) == 1:
                        idx = iv[1]
            if base is None:
                return UNKNOWN
            if base[0] in ("b", "e"):
                return ("e", base[1])
            if base[0] == "t" and idx is not None and -len(base[1]) <= idx < len(base[1]):
                return base[1][idx]
            if base[0] == "r":
                if all(st.ts.res.get(r) is not None and st.ts.res[r].external for r in base[1]):
                    return self.iter_elem(base, st)  # self.rois[i]: an element, not the list
                return base
            if base[0] == "z":
                return UNKNOWN
            return UNKNOWN
        if t is cst.Await:
            return self.ev(node.expression, st, out, target)
        if t is cst.Yield:
            v = self.ev(node.value, st, out) if isinstance(node.value, cst.BaseExpression) else (
                self.ev(node.value.item, st, out) if node.value is not None else None)
            self.escape(v, st, "yielded")
            self.mark_read(v, st)
            return UNKNOWN
        if t is cst.NamedExpr:
            v = self.ev(node.value, st, out, self.target_name(node.target))
            self.assign(node.target, v, st, node)
            return v
        if t in (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp):
            return self.ev_comp(node, st, out)
        if t is cst.Lambda:
            self.capture(node, st)
            return UNKNOWN
        if t is cst.IfExp:
            self.ev(node.test, st, out)
            a = self.ev(node.body, st, out)
            b = self.ev(node.orelse, st, out)
            ra, rb = st.rids_of(a), st.rids_of(b)
            if ra or rb:
                return ("r", ra | rb)
            return a if a == b else UNKNOWN
        if t is cst.StarredElement:
            return self.ev(node.value, st, out)
        # comparisons, operators, f-strings, ...: evaluate the parts (reads, calls)
        for child in node.children:
            if isinstance(child, cst.BaseExpression):
                self.ev(child, st, out)
            elif isinstance(child, (cst.ComparisonTarget, cst.FormattedStringExpression)):
                for c in child.children:
                    if isinstance(c, cst.BaseExpression):
                        self.ev(c, st, out)
        return UNKNOWN

    def ev_comp(self, node, st: PState, out: Outcome):
        f = node.for_in
        rids: Set[Hashable] = set()
        while f is not None:
            itv = self.ev(f.iter, st, out)
            self.assign(f.target, self.iter_elem(itv, st), st, node, loop_bind=True)
            for cond in f.ifs:
                self.ev(cond.test, st, out)
            f = f.inner_for_in
        if isinstance(node, cst.DictComp):
            self.ev(node.key, st, out)
            v = self.ev(node.value, st, out)
        else:
            v = self.ev(node.elt, st, out)
        rids |= st.rids_of(v)
        bid = ("box", id(node))
        st.boxes[bid] = frozenset(rids)
        return ("b", bid)

    # ------------------------------------------------------------------ calls

    def ev_call(self, node: cst.Call, st: PState, out: Outcome, target: str = ""):
        func = node.func
        name = dotted(func)
        api_name = self.host.acl_call_name(self.mod, name) if name else None
        if api_name is not None:
            api = self.p.api(api_name)
            if api is not None:
                return self.apply_api(api, node, st, out, target)
            # an acl call the rules do not describe: it may keep what it is given
            for a in node.args:
                v = self.ev(a.value, st, out)
                self.escape(v, st, f"passed to acl.{api_name}()")
                self.mark_read(v, st)
            return UNKNOWN
        if name in EXIT_CALLS:
            for a in node.args:
                self.ev(a.value, st, out)
            ex = st.copy()
            ex.err = True
            ex.exit_site = self.site(node)
            out.exc.append(ex)
            # the current path ends here too
            st.env["<dead>"] = ("c", True)
            return UNKNOWN
        # container methods
        if type(func) is cst.Attribute:
            meth = func.attr.value
            if meth in CONTAINER_ADD or meth in CONTAINER_GET:
                base = self.ev(func.value, st, out)
                args = [self.ev(a.value, st, out) for a in node.args]
                if base is not None and base[0] in ("b", "e"):
                    bid = base[1]
                    if meth in CONTAINER_ADD:
                        add: Set[Hashable] = set()
                        for a in args:
                            add |= st.rids_of(a)
                            self.mark_read(a, st)
                        st.boxes[bid] = st.boxes.get(bid, frozenset()) | frozenset(add)
                        return UNKNOWN
                    return ("e", bid)
                key = dotted(func.value)
                if meth in CONTAINER_ADD and key and (key.startswith("self.") or key in self.global_names
                                                      or (self.fn is None and key in self.mod.global_refs)):
                    root = key + "[]"
                    add = set()
                    for a in args:
                        add |= st.rids_of(a)
                        self.mark_read(a, st)
                    old = st.env.get(root)
                    st.env[root] = ("r", st.rids_of(old) | frozenset(add))
                    return UNKNOWN
                if meth in CONTAINER_GET and key and key + "[]" in st.env:
                    return st.env[key + "[]"]
                if meth in CONTAINER_GET and key and (key.startswith("self.") or key in self.global_names):
                    # the elements of a container kept on self: handles from outside
                    crid = ("ext", key + "[]")
                    if crid not in st.ts.res:
                        st.ts.res[crid] = Res(rid=crid, kind="unknown", name=key + "[]", api="",
                                              site=self.site(node), external=True)
                    bid = ("extbox", key)
                    st.boxes[bid] = frozenset({crid})
                    return ("e", bid)
                if meth in CONTAINER_ADD:
                    for a in args:
                        self.escape(a, st, f"added to {key or 'a container'}")
                        self.mark_read(a, st)
                return UNKNOWN
        # project functions and methods
        target_fn, bound_self = self.host.resolve_call(self.mod, self.fn, func, name, self.statusish(node, st))
        if bound_self == "self" and target_fn is not None and not self.summary_mode:
            self.self_calls.append((target_fn.name, self.site(node)))
        if target_fn is not None:
            return self.apply_summary(target_fn, bound_self, node, st, out, target)
        args = [self.ev(a.value, st, out) for a in node.args]
        base_name = name.rsplit(".", 1)[-1] if name else ""
        if base_name in self.host.check_names:
            # a check helper defined where acl-lint cannot see it: assumed to raise on failure
            for a, v in zip(node.args, args):
                self.mark_read(v, st)
                if v is not None and v[0] == "s":
                    fail = st.copy()
                    if self.assume_zero(a.value, v, fail, False, False):
                        fail.exit_site = self.site(node)
                        fail.err = True
                        out.exc.append(fail)
                    if not self.assume_zero(a.value, v, st, True, False):
                        st.env["<dead>"] = ("c", True)
            return UNKNOWN
        if name in ("zip", "enumerate") and args:
            for a in args:
                self.mark_read(a, st)
            parts = tuple(args) if name == "zip" else (UNKNOWN, args[0])
            return ("z", parts)
        if name in PASS_THROUGH_CALLS:
            for a in args:
                self.mark_read(a, st)
            if args and args[0] is not None and args[0][0] in ("b", "e", "r", "t"):
                return args[0] if args[0][0] != "t" else ("r", st.rids_of(args[0]))
            return UNKNOWN
        if name in NO_ESCAPE_CALLS or (type(func) is cst.Attribute and base_name in NO_ESCAPE_METHODS):
            for a in args:
                self.mark_read(a, st)
            if not type(func) is cst.Name:
                self.ev(func, st, out) if not type(func) is cst.Attribute else None
            return UNKNOWN
        if not isinstance(func, (cst.Name, cst.Attribute)):
            self.ev(func, st, out)
        # unknown code: what is passed to it is its business now
        for a in args:
            self.escape(a, st, f"passed to {name or 'a call'}()")
            self.mark_read(a, st)
        return UNKNOWN

    def statusish(self, node: cst.Call, st: PState) -> bool:
        """Does the call pass a pyACL status (a check helper call), by a cheap look at its args?"""
        for a in node.args:
            v = a.value
            if type(v) is cst.Call:
                name = dotted(v.func)
                api_name = self.host.acl_call_name(self.mod, name) if name else None
                api = self.p.api(api_name) if api_name else None
                if api is not None and api.has_status:
                    return True
            elif isinstance(v, (cst.Name, cst.Attribute)):
                pv = st.env.get(dotted(v))
                if pv is not None and pv[0] in ("s", "t"):
                    return True
        return False

    def external(self, st: PState, key: str, kind: Optional[str]) -> Tuple:
        """A handle from outside the function (parameter, self attribute), materialised on first use."""
        rid = ("ext", key)
        if key in st.env and rid in st.ts.res:
            # the name was rebound to something unknown: a different handle than before
            n = 1
            while ("ext", key, n) in st.ts.res:
                n += 1
            rid = ("ext", key, n)
        res = st.ts.res.get(rid)
        if res is None:
            links = ()
            if self.class_links and key.startswith("self."):
                root = self.owner_root(key)
                links = tuple((typ, ("ext", "self." + other)) for typ, other in self.class_links.get(root, ()))
            res = Res(rid=rid, kind=kind or "unknown", name=key, api="",
                      site=self.site(self.fn.node if self.fn else self.mod.tree), external=True, links=links)
            st.ts.res[rid] = res
            if links:
                st.ts.linked.add(rid)
        v = ("r", frozenset({rid}))
        st.env[key] = v
        return v

    def arg_nodes(self, node: cst.Call) -> List[cst.BaseExpression]:
        return [a.value for a in node.args if a.keyword is None and not a.star]

    def resolve_arg(self, api: Api, i: int, expr: cst.BaseExpression, v, st: PState, handle_args,
                    node: Optional[cst.CSTNode] = None) -> Any:
        if is_null(v):
            return NULL
        rids = st.rids_of(v)
        if rids and v[0] == "e":
            # an element of a container: a loop over it handles each element once,
            # and only the elements of the kind the call takes
            wanted = frozenset().union(*[r.kinds for r in api.releases + api.uses if r.arg == i]) \
                if any(r.arg == i for r in api.releases + api.uses) else frozenset({"any"})
            live = frozenset(
                r for r in rids if r in st.ts.res and (
                    st.ts.res[r].live or self.summary_mode and st.ts.res[r].external) and (
                    st.ts.res[r].external or self.p.kind_matches(st.ts.res[r].kind, wanted)))
            if not self.summary_mode:
                # released by another call before the loop came here: that is a real double release
                again = frozenset(
                    r for r in rids if r in st.ts.res and not st.ts.res[r].live and not st.ts.res[r].external
                    and st.ts.res[r].release_site is not None
                    and getattr(st.ts.res[r].release_site, "node", None) is not node
                    and self.p.kind_matches(st.ts.res[r].kind, wanted))
                if again and not live:
                    return again
            if not live and not self.summary_mode:
                # elements of a container from outside, released before through another field
                # (`free(item["ptr"]); destroy_data_buffer(item["buf"])`): more kinds, no double release
                for r in rids:
                    res = st.ts.res.get(r)
                    if res is not None and res.external and not res.live and api.is_release:
                        real = {k for k in wanted if k in self.p.kinds}
                        merged = "|".join(sorted(set(res.kind.split("|")) - {"unknown"} | real))
                        st.ts.res[r] = _replace(res, kind=merged)
            return live or None
        if rids:
            return rids
        if v is None and i in handle_args:
            key = dotted(expr)
            if key:
                kind = None
                for role in api.releases + api.uses:
                    if role.arg == i:
                        kinds = [k for k in role.kinds if k in self.p.kinds]
                        kind = kinds[0] if len(kinds) == 1 else None
                nv = self.external(st, key, kind)
                return nv[1]
        return None

    def apply_api(self, api: Api, node: cst.Call, st: PState, out: Outcome, target: str):
        exprs = self.arg_nodes(node)
        vals = [self.ev(e, st, out) for e in exprs]
        for a in node.args:
            if a.keyword is not None or a.star:
                self.ev(a.value, st, out)
        handle_args = set(api.handle_args())
        args = [self.resolve_arg(api, i, e, v, st, handle_args, node) for i, (e, v) in enumerate(zip(exprs, vals))]
        for v in vals:
            self.mark_read(v, st)
        for i in api.transfers:
            if i < len(vals):
                self.escape(vals[i], st, f"handed to {api.qualname}()")
        keys = ([self.key_of(e, v, a) for e, v, a in zip(exprs, vals, args)]
                if api.keyed_acquire or api.keyed_release or any(
                    isinstance(l.target, str) and ":" in l.target for l in api.links) else ())
        site = self.site(node)
        rid = None
        name = target
        if api.acquires:
            rid = self.new_rid(node, st, target)
        elif api.keyed_acquire and api.keyed_acquire.key:
            i = api.keyed_acquire.key[0]
            name = dotted(exprs[i]) if i < len(exprs) and dotted(exprs[i]) else ""
        self.cur = st
        res = self.machine.call(st.ts, api, args, site, result_rid=rid, name=name, keys=keys, error_path=st.err)
        if self.graph is not None:
            self.graph.on_call(api, node, site, args, res, st)
        acquired = res.acquired or res.keyed
        if api.keyed_release and not st.err:
            self.torn_down.add(api.keyed_release.kind)
        if acquired is not None:
            st.add_trace(site, f"{self.p.label(acquired.kind)} acquired by {api.qualname}", "acquire")
        if api.is_release:
            self.release_count += 1
            for role in api.releases:
                if role.arg < len(exprs):
                    root = self.owner_root(dotted(exprs[role.arg]))
                    if root is not None:
                        self.self_releases.setdefault(root, set()).update(
                            k for k in role.kinds if k in self.p.kinds)
            st.add_trace(site, f"released by {api.qualname}", "release")
        # the value of the call
        if res.acquired is not None:
            val = ("r", frozenset({res.acquired.rid}))
        elif res.alias is not None:
            val = ("r", res.alias)
        elif res.borrowed:
            bid = ("borrow", id(node))
            st.boxes[bid] = res.borrowed
            val = ("e", bid)
        elif api.borrow is not None and api.borrow[0] < len(args) and args[api.borrow[0]] not in (None, NULL):
            # borrowed from a handle that came from outside: stands for what it holds
            kids = set()
            for prid in args[api.borrow[0]]:
                parent = st.ts.res.get(prid)
                if parent is not None and parent.external:
                    crid = ("ext", f"{parent.name}/{api.borrow[1]}")
                    if crid not in st.ts.res:
                        st.ts.res[crid] = Res(rid=crid, kind="unknown", name=crid[1], api="", site=parent.site,
                                              external=True)
                    kids.add(crid)
            if kids:
                bid = ("borrow", id(node))
                st.boxes[bid] = frozenset(kids)
                val = ("e", bid)
            else:
                val = UNKNOWN
        else:
            val = UNKNOWN
        if api.returns == "handle":
            return val
        if api.returns == "value":
            return val
        if api.returns == "none":
            return NULLV
        sid = ("st", id(node))
        tied = frozenset(r.rid for r in (res.acquired, res.keyed) + res.created if r is not None)
        checked = api.status in ("acquire", "use", "execute", "memcpy", "sync") or (
            api.status == "release" and self.check_release_status)
        st.status[sid] = StatusRec(site, tied, False, checked, api.qualname, res.linked)
        status = ("s", sid)
        if sid in st.assume:
            del st.assume[sid]
        if api.returns == "ret":
            return status
        if api.returns == "value_ret":
            return ("t", (val, status))
        return ("t", (UNKNOWN, UNKNOWN, status))

    def key_of(self, expr: cst.BaseExpression, v, arg=None) -> Hashable:
        if arg is not None and arg is not NULL and len(arg) == 1:
            return next(iter(arg))
        if v is not None and v[0] == "c":
            return v[1]
        d = dotted(expr)
        if d:
            return d
        return self.mod.positions.code(expr)

    def new_rid(self, node: cst.CSTNode, st: PState, target: str) -> Hashable:
        """The rid for an acquisition at ``node``; flags a handle from the previous iteration that is lost."""
        base = id(node)
        same = [r for r in st.ts.res.values() if isinstance(r.rid, tuple) and len(r.rid) == 2
                and r.rid[0] == base and r.live]
        if same and self.loop_depth:
            reach = self.reachable(st, exclude=target)
            for r in same:
                if r.escaped or r.rid in reach:
                    continue
                if not self.machine.leak_reportable(st.ts, r):
                    continue
                self.record_leak(st, r, "error" if st.err else "iter", None)
                st.ts.res[r.rid] = _escaped(r)
        used = {r.rid[1] for r in same}
        gen = 0
        while gen in used and gen < 3:
            gen += 1
        return (base, gen)

    # ------------------------------------------------------------------ summaries at call sites

    def apply_summary(self, fn, bound_self: Optional[str], node: cst.Call, st: PState, out: Outcome, target: str):
        summ = self.host.summary(fn)
        exprs: List[Tuple[Optional[str], cst.BaseExpression]] = []
        for a in node.args:
            if a.star:
                exprs.append(("*", a.value))
            elif a.keyword is not None:
                exprs.append((a.keyword.value, a.value))
            else:
                exprs.append((None, a.value))
        vals = [self.ev(e, st, out) for _, e in exprs]
        if summ is None:
            for v in vals:
                self.escape(v, st, f"passed to {fn.qualname}()")
                self.mark_read(v, st)
            return UNKNOWN
        params = list(summ.params)
        offset = 1 if bound_self is not None else 0
        site = self.site(node)
        pseudo = self.host.pseudo_api(fn)
        releases: List[Tuple[Res, FrozenSet[str], bool]] = []
        for pos, ((kw, expr), v) in enumerate(zip(exprs, vals)):
            if kw == "*":
                self.escape(v, st, f"passed to {fn.qualname}()")
                continue
            if kw is None:
                pi = pos + offset
            else:
                pi = params.index(kw) if kw in params else -1
            if pi < 0 or pi >= len(params):
                self.escape(v, st, f"passed to {fn.qualname}()")
                continue
            pname = params[pi]
            if pname in summ.checks:
                self.mark_read(v, st)
                if v is not None and v[0] == "s":
                    fail = st.copy()
                    if self.assume_zero(expr, v, fail, False, False):
                        fail.exit_site = site
                        fail.err = True
                        fail.add_trace(site, f"{fn.qualname}() raises", "branch")
                        out.exc.append(fail)
                    if not self.assume_zero(expr, v, st, True, False):
                        st.env["<dead>"] = ("c", True)
                continue
            self.mark_read(v, st)
            if pname in summ.releases:
                kinds = summ.releases[pname]
                rids = st.rids_of(v)
                if not rids and v is None:
                    key = dotted(expr)
                    if key:
                        rids = self.external(st, key, None)[1]
                group = len(rids) > 1 or (v is not None and v[0] in ("b", "e", "t"))
                for r in rids:
                    if r in st.ts.res:
                        releases.append((st.ts.res[r], kinds, group))
                        # what it owns (the buffers of a dataset, their memory), where the helper
                        # releases those kinds through it
                        todo = [r]
                        while todo:
                            cur_rid = todo.pop()
                            for child in self.machine.owned(st.ts, cur_rid):
                                todo.append(child.rid)
                                if child.live and self.p.kind_matches(child.kind, kinds):
                                    releases.append((child, kinds, True))
            elif pname in summ.escapes:
                self.escape(v, st, f"kept by {fn.qualname}()")
            if pname in summ.releases_keyed:
                kind = summ.releases_keyed[pname]
                rids = st.rids_of(v)
                key = (kind, (next(iter(rids)) if len(rids) == 1 else self.key_of(expr, v),))
                krid = st.ts.keyed.get(key)
                kres = st.ts.res.get(krid) if krid is not None else None
                if kres is None:
                    kres = Res(rid=key, kind=kind, name=dotted(expr), api="", site=site, external=True, key=key)
                    st.ts.res[key] = kres
                self.cur = st
                self.machine.release(st.ts, kres, pseudo, summ.release_sites.get(pname, site), frozenset({kind}))
        if bound_self is not None:
            for attr, kinds in summ.releases_attrs.items():
                key = bound_self + attr[4:] if attr.startswith("self") else attr
                root = self.owner_root(key)
                if root is not None:  # released through self.<attr> by a helper method
                    self.self_releases.setdefault(root, set()).update(k for k in kinds if k in self.p.kinds)
                v = st.env.get(key)
                rids = st.rids_of(v) if v is not None else self.external(st, key, None)[1]
                for rid in rids:
                    res = st.ts.res.get(rid)
                    if res is not None and res.live:
                        releases.append((res, kinds, False))
        if releases:
            # one helper releasing several handles releases them in the documented order
            rank = self.p.release_rank
            releases.sort(key=lambda x: rank[x[0].kind] if x[0].kind in rank else min(
                [rank.get(k, 0) for k in x[1]] or [0]))
            done = set()
            for res, kinds, group in releases:
                if res.rid in done:
                    continue
                done.add(res.rid)
                cur = st.ts.res.get(res.rid, res)
                if group and cur.external and cur.kind == "unknown" and self.fn is not None and \
                        isinstance(cur.rid, tuple) and len(cur.rid) == 2 and cur.rid[1] in self.fn_params:
                    continue  # a plain parameter that went into the container (a size), not a handle
                if group and not (cur.external or self.p.kind_matches(cur.kind, kinds)):
                    continue  # a helper that releases a group releases what matches
                if group and not cur.live:
                    continue
                self.cur = st
                self.machine.release(st.ts, cur, pseudo, site, kinds)
            self.release_count += 1
            st.add_trace(site, f"released by {fn.qualname}()", "release")
        if bound_self is not None:
            for attr in summ.nulls_attrs:
                key = bound_self + attr[4:]
                st.env[key] = NULLV
            for attr, (kind, api_name) in (summ.acquires_attrs.items() if bound_self == "self" else ()):
                key = bound_self + attr[4:]
                rid = (id(node), attr)
                self.overwrite(key, None, st, node, False)
                res = self.machine.acquire(st.ts, rid, kind, key, f"{fn.qualname}()", site)
                st.env[key] = ("r", frozenset({rid}))
        if summ.always_raises:
            st.err = True
            st.exit_site = site
            out.exc.append(st.copy())
            st.env["<dead>"] = ("c", True)
        if summ.returns is not None:
            items = [UNKNOWN] * summ.returns_len
            val = UNKNOWN
            made = []
            children = []
            for n, (index, kind) in enumerate(summ.returns):
                rid = self.new_rid(node, st, target) if n == 0 else (id(node), ("ret", n))
                name = target if index is None or n == 0 else f"{target}[{index}]"
                self.machine.acquire(st.ts, rid, kind, name, f"{fn.qualname}()", site)
                st.add_trace(site, f"{self.p.label(kind)} acquired by {fn.qualname}()", "acquire")
                for j, (ckind, csite, capi, cname, parent, link, keyed) in enumerate(
                        summ.returns_owned.get(n, ())):
                    crid = (id(node), ("owned", n, j))
                    prid = rid if parent is None else (id(node), ("owned", n, parent))
                    child = self.machine.acquire(st.ts, crid, ckind, cname, capi, csite)
                    key = None
                    if keyed:  # a channel is known by its description
                        key = (ckind, (prid,))
                        crid = key
                        st.ts.res.pop((id(node), ("owned", n, j)), None)
                        st.ts.keyed[key] = key
                    st.ts.res[crid] = _replace(child, rid=crid, links=((link, prid),), key=key, origin=rid)
                    st.ts.linked.add(crid)
                    children.append(crid)
                val = ("r", frozenset({rid}))
                made.append(rid)
                if index is not None:
                    items[index] = val
            if summ.returns[0][0] is None:
                return val
            for index, kinds in summ.returns_boxes:
                bid = ("retbox", id(node), index)
                st.boxes[bid] = frozenset(r for r in made + children
                                          if r in st.ts.res and st.ts.res[r].kind in kinds)
                items[index] = ("b", bid)
            # the other elements behave like a status tied to the handles (`ptr, ret = helper()`)
            sid = ("st", id(node))
            st.status[sid] = StatusRec(site, frozenset(made), True, False, f"{fn.qualname}()")
            st.assume.pop(sid, None)
            items = [("s", sid) if x is None else x for x in items]
            return ("t", tuple(items))
        return UNKNOWN

    # ------------------------------------------------------------------ exits and leaks

    def record_leak(self, st: PState, res: Res, how: str, at) -> None:
        if self.summary_mode:
            return
        key = res.site
        rec = self.leaks.get(key)
        if rec is None:
            rec = self.leaks[key] = LeakRecord(res=res, kinds=set(), exit_site=at, trace=st.trace)
        rec.kinds.add(how)
        if how == "overwrite" and rec.overwrite_site is None:
            rec.overwrite_site = at
        code = self.machine.leak_code(res)
        if code != "ACL101":
            rec.code = code
        if how == "normal" and "normal" not in rec.kinds - {how}:
            rec.exit_site, rec.trace, rec.res = at, st.trace, res

    def check_exits(self, outcome: Outcome) -> None:
        for cat in ("ret", "exc"):
            for st in getattr(outcome, cat):
                if st.env.get("<dead>") and cat == "ret":
                    continue
                self.check_exit(st, cat)
        self.flush_unread()

    def owner_root(self, key: str) -> Optional[str]:
        """The attribute of self (or the module global) a root env key stands for."""
        if key.startswith("self."):
            rest = key[5:]
        elif self.fn is not None and key.split(".", 1)[0].rstrip("[]") in self.global_names:
            rest = key
        else:
            return None
        for sep in "./[":
            rest = rest.split(sep, 1)[0]
        return rest or None

    def collect_owner_facts(self, st: PState, cat: str) -> None:
        for res in st.ts.res.values():
            if res.external and not res.live:
                names = [res.name] if res.name else []
                if res.key is not None:
                    names += [k[1] for k in res.key[1] if isinstance(k, tuple) and len(k) >= 2 and k[0] == "ext"]
                    names += [k for k in res.key[1] if isinstance(k, str)]
                for n in names:
                    root = self.owner_root(n)
                    if root is not None:
                        self.self_releases.setdefault(root, set()).update(res.kind.split("|"))
        if cat != "ret" or st.err:
            return
        by_rid: Dict[Hashable, str] = {}
        containers: Set[Hashable] = set()
        for key, v in st.env.items():
            root = self.owner_root(key)
            if root is None or v is None:
                continue
            for rid in st.rids_of(v):
                by_rid.setdefault(rid, root)
                if key.endswith("[]") or v[0] in ("b", "e"):
                    containers.add(rid)
        for res in st.ts.res.values():
            if res.rid in by_rid and not res.external:
                for typ, target in res.links:
                    if target in by_rid and by_rid[target] != by_rid[res.rid]:
                        self.self_links.add((by_rid[res.rid], typ, by_rid[target]))
        for res in st.ts.res.values():
            if not res.live or res.external or res.kind not in self.p.kinds or res.site in self.self_stores:
                continue
            owner_attr = next((by_rid[o.rid] for o in self.machine.owners(st.ts, res) if o.rid in by_rid), None)
            if res.rid in by_rid:
                self.self_stores[res.site] = (by_rid[res.rid], res, True, owner_attr)
                if res.rid in containers:
                    self.container_stores.add(res.site)
            elif owner_attr is not None:
                self.self_stores[res.site] = (owner_attr, res, False, owner_attr)

    def check_exit(self, st: PState, cat: str) -> None:
        self.collect_owner_facts(st, cat)
        if cat == "exc" and (self.fn is None or (self.fn.name == "main" and self.fn.cls is None)):
            # an exception out of the program's entry point ends the process: the driver takes
            # back what it held; reporting every handle of a crashed script is noise
            return
        candidates = [r for r in st.ts.res.values() if r.live and not r.external and not r.escaped]
        roots = self.reachable(st, roots_only=True) if candidates else set()
        if cat == "exc" and candidates and self.fn is not None and self.fn.name == "__init__" \
                and self.options.get("report-constructor-raise"):
            # the object was never built: what __init__ stored on self is lost with it
            roots = {r for key, v in st.env.items() if v is not None and self.is_root(key)
                     and not key.startswith("self.") for r in st.rids_of(v)}
        for res in candidates:
            if res.rid in roots:
                continue
            if res.kind not in self.p.kinds:
                continue
            if not self.machine.leak_reportable(st.ts, res, frozenset(self.torn_down)):
                continue
            if any(o.rid in roots for o in self.machine.owners(st.ts, res)):
                continue
            how = "error" if (st.err or cat == "exc") else "normal"
            self.record_leak(st, res, how, st.exit_site)
        # statuses never looked at
        for sid, rec in st.status.items():
            if not rec.read and rec.checked_kind:
                if cat == "ret" and st.env.get("<return>") is not None and sid in self._status_ids(st.env["<return>"]):
                    continue
                self.unchecked(st, sid)

    @staticmethod
    def _status_ids(v) -> Set:
        if v is None:
            return set()
        if v[0] == "s":
            return {v[1]}
        if v[0] == "t":
            out = set()
            for x in v[1]:
                out |= Interpreter._status_ids(x)
            return out
        return set()


class CondText:
    """The text of a branch taken, rendered only if a message shows it."""

    __slots__ = ("interp", "node", "truth")

    def __init__(self, interp, node, truth):
        self.interp, self.node, self.truth = interp, node, truth

    def __str__(self) -> str:
        return self.interp.cond_text(self.node, self.truth)

    def __format__(self, spec) -> str:
        return format(str(self), spec)


_STATUS_NAME = None


def _looks_like_status(node) -> bool:
    global _STATUS_NAME
    if _STATUS_NAME is None:
        import re

        _STATUS_NAME = re.compile(r"(^|_)(ret|rc|status|err|error|errno|result_code|code)$|^ret")
    name = node.value if type(node) is cst.Name else (
        node.attr.value if type(node) is cst.Attribute else "")
    return bool(name) and bool(_STATUS_NAME.search(name))


def _replace(res: Res, **kw) -> Res:
    return replace(res, **kw)


def _escaped(res: Res) -> Res:
    return replace(res, escaped=True)
