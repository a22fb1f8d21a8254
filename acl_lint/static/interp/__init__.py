"""Path-sensitive abstract interpretation of one function over its libcst tree.

The interpreter is one class assembled from one module per concern:

- ``statements.py``   blocks, branches, loops, try/finally (the implicit control-flow graph)
- ``literal_loops.py`` loops over a short literal list of handles, one element at a time
- ``assignment.py``   binding values, overwrites, escapes
- ``conditions.py``   refining path states by a test (statuses, null handles)
- ``expressions.py``  the abstract value of an expression (``static/values.py``)
- ``calls.py``        acl API calls (fed to the typestate machine), containers, unknown code
- ``exits.py``        leaks and unread statuses at the exits of a path
- ``../summary_calls.py`` calls of project functions (their summaries, ``../summaries.py``)
- ``../ownership/facts.py`` facts for the owner pass

Statements are interpreted over a *set* of path states; equal states are merged at join
points, loops reach a fixed point, and over ``MAX_STATES`` states are joined
(``static/joins.py``); a cut that still drops paths is reported (ACL003). Each path feeds the shared :class:`~acl_lint.typestate.Machine`;
what is still live and unreachable at an exit is a leak. The resource graph of
``acl-lint graph`` is a view recorded by an observer (``static/graph.py``) during this
interpretation; the checks do not read it.
"""

from __future__ import annotations

from typing import Any, Dict, Hashable, List, Optional, Sequence, Set, Tuple

import libcst as cst

from ...protocol import Protocol
from ...typestate import Machine
from ..ownership.facts import OwnerFacts
from ..positions import NodeSite
from ..summary_calls import SummaryCalls
from ..values import LeakRecord, Outcome, PState
from .assignment import Assignment
from .callbacks import Callbacks
from .calls import Calls
from .conditions import Conditions
from .exits import Exits
from .domains import Domains
from .expressions import Expressions
from .flags import Flags
from .literal_loops import LiteralLoops
from .statements import Statements


class Interpreter(Statements, LiteralLoops, Domains, Flags, Callbacks, Assignment, Conditions, Expressions, Calls, SummaryCalls, Exits, OwnerFacts):
    """Interprets one function. ``host`` (the engine) supplies call resolution and summaries."""

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
        self.leak_owned: Dict[Hashable, Tuple] = {}  # leak key -> what the leaked handle owns (exits.py)
        self.leaks_at: Dict[Hashable, Dict[Hashable, object]] = {}  # exit -> leak key -> Res live there
        self.leak_held: Dict[Tuple, Tuple[str, bool]] = {}  # (exit, rid) -> container holding it there (exits.py)
        self.machine = Machine(protocol, self._emit, options)
        self.loop_depth = 0
        self.cur: Optional[PState] = None  # state being evaluated (for emit context)
        self.cur_stmt: Optional[cst.CSTNode] = None  # statement being interpreted (for positions)
        self.global_names: Set[str] = set()
        self.exits: Optional[Outcome] = None
        self.graph = None  # an observer with on_* hooks (static/graph.py), for `acl-lint graph`
        self.check_release_status = bool(options.get("check-release-status", False))
        self.ever_read: Set[Hashable] = set()  # statuses read on some path
        self.ever_checked: Set[Hashable] = set()  # ... by more than a display (print, a log line)
        self.showing = False  # evaluating the arguments of a display call
        self.invented_args: Set[Hashable] = set()  # handles given to an acl.* name pyACL lacks (ACL502)
        self.release_count = 0  # releases interpreted so far (tells a teardown loop)
        self.torn_down: Set[str] = set()  # process-scoped kinds this function releases somewhere
        self.unread: Dict[Hashable, Tuple] = {}  # status -> (site, message) when unread on some path
        self.cuts: List[int] = []  # path counts over MAX_STATES where paths were dropped (ACL003)
        self.cut_sites: List[NodeSite] = []  # the statements where that happened
        #: `h is None` tests on handles: node -> [dead on every path so far, apis, subject] (ACL503)
        self.null_checks: Dict[cst.CSTNode, list] = {}
        self.redundant_null_checks: Set[int] = set()  # `h is None or ret` tests (conditions.py)
        self._try_guards: Optional[dict] = None  # conditions.py try_guards
        self.maybe_none: Set[Hashable] = set()  # handles from project helpers that may return None
        self.checked_returns: Set[Hashable] = set()  # handles from project helpers that checked them
        self.low_value_calls: Dict[str, str] = {} if options.get("report-low-value-statuses") else dict(
            protocol.low_value)  # call -> when its unchecked status is noise (rules/low_value.toml)
        self.low_value_pending: Dict[Hashable, str] = {}  # unread statuses of those calls
        self.next_status: Dict[Hashable, Set[Hashable]] = {}  # status -> the statuses made next after it
        self.unchecked_calls: List[Tuple] = []  # (site, call) of each ACL501 reported
        self.status_calls: Dict[Hashable, str] = {}  # unread status -> its call
        self.init_owner_facts()

    def site(self, node: cst.CSTNode, what: str = "") -> NodeSite:
        return NodeSite(self.mod.path, node, self.mod.positions, what, self.cur_stmt)

    def _emit(self, code, site, message, res, related) -> None:
        if self.summary_mode:
            return
        key = (code, site, res.site if res is not None else None)
        if key not in self.findings:
            trace = self.cur.trace if self.cur is not None else ()
            self.findings[key] = (code, site, message, res, related, trace)

    def run(self, body: Sequence[cst.CSTNode], init: PState) -> Outcome:
        self.seed_domains(init)
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


__all__ = ["Interpreter"]
