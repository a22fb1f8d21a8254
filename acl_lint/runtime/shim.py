"""The shim: wraps the functions of an ``acl`` module so each call becomes an event.

For every API of the protocol (``rules/api/*.toml``) found on the module, the
function attribute is replaced by a closure built once, at wrap time, from the
API's description (which arguments hold handles, the return shape, whether it
acquires, releases, needs a context...). The closure calls the real function
first and hands its arguments and result to the :class:`~.session.Session`,
which feeds the shared typestate :class:`~acl_lint.typestate.Machine`.

What the program sees is unchanged: the arguments are passed on as they came,
the object the real function returned is returned (``is`` the same object), an
exception it raised propagates (the same exception object). The shim never lets
an error of its own reach the program: those are recorded in
``session.errors``.

Three wrapper shapes, chosen per API:

* not wrapped: a pure query that touches no handle and needs no context
  (``get_run_mode``, ``query_size``, ``util.bytes_to_ptr``...);
* *fast*: an API whose only effects are to use handles, complete async work or
  need a context (getters, ``memcpy``, ``ptr_to_bytes``, ``synchronize_stream``):
  the machine is skipped unless a handle argument is released (ACL302), async
  work is pending (ACL202) or the thread has no context (ACL402), so a clean
  call costs a few dict look-ups;
* *full*: everything else goes to the machine.

Known limits: a function fetched from the module before the audit started
(``malloc = acl.rt.malloc`` at import time) is not wrapped; keyword arguments
are mapped to positions through the function's signature when it has one.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
import itertools
import threading
from typing import Any, Callable, Dict, List, Tuple

from ..protocol import Api, Protocol

_getframe = sys._getframe
_local = threading.local()
_tokens = itertools.count(1)


def thread_token() -> int:
    """This thread's identity for the audit. Unlike ``threading.get_ident()``, which Python
    hands to a new thread once the old one has ended (a pool worker replaced), a token is
    never reused: a new thread never inherits a finished thread's current context."""
    try:
        return _local.token
    except AttributeError:
        tok = _local.token = next(_tokens)
        return tok


get_ident = thread_token

#: sentinel result of a call that raised
RAISED = object()

class Spec:
    """Everything the hot path needs about one API, computed once at wrap time."""

    __slots__ = ("api", "fn", "call", "returns", "idx", "n", "key_idx", "acquires", "needs_ctx",
                 "mode", "value_map", "sig", "context_call", "keyed_new", "option_first", "option_then",
                 "shape", "cbound")

    def __init__(self, api: Api, fn: Callable, protocol: Protocol, handle_keys: Dict[str, frozenset]):
        self.api = api
        self.fn = fn
        self.call = api.call
        self.returns = api.returns
        self.shape = {"ret": 0, "handle": 1, "value_ret": 2, "values_ret": 2}.get(api.returns, 3)
        self.cbound = tuple(api.context_bound)
        idx = set(api.handle_args())
        idx.update(na.arg for na in api.null_args)
        for seq, step in protocol.steps_by_call.get(api.call, ()):
            idx.add(step.arg)
            idx.update(step.when_null)
        if api.acquires:
            seq = protocol.sequences.get(api.acquires)
            if seq is not None and seq.initial_when_null:
                idx.update(seq.initial_when_null[0])
        self.idx = tuple(sorted(idx))
        self.n = (max(idx) + 1) if idx else 0
        # keys for keyed resources and "<kind>:<arg>" link endpoints: (arg, resolve-as-handle)
        key_kinds = []
        if api.keyed_acquire:
            key_kinds.append((api.keyed_acquire.kind, api.keyed_acquire.key))
        if api.keyed_release:
            key_kinds.append((api.keyed_release.kind, api.keyed_release.key))
        key_args: Dict[int, bool] = {}
        for kind, key in key_kinds:
            for i in key:
                key_args[i] = key_args.get(i, False) or i in handle_keys.get(kind, ())
        for link in api.links:
            for end in (link.source, link.target):
                if isinstance(end, str) and ":" in end:
                    kind, _, arg = end.partition(":")
                    i = int(arg)
                    key_args[i] = key_args.get(i, False) or i in handle_keys.get(kind, ())
        self.key_idx = tuple(sorted(key_args.items()))
        self.acquires = bool(api.acquires)
        self.keyed_new = bool(api.keyed_acquire)
        self.needs_ctx = api.call in protocol.needs_context  # rules/context.toml
        self.context_call = api.call in protocol.context_effects
        # the returned value is a handle the machine may name (alias / borrow)
        self.value_map = api.alias_result is not None or api.borrow is not None
        self.sig = None
        # configurable (undocumented) release orders: checked within one function invocation
        released = set()
        for role in api.releases:
            released |= role.kinds
        opt = [o for o in protocol.orders if o.option and not o.immediate and o.link != "*"]
        self.option_first = any(protocol.kind_matches(k, frozenset(released)) for o in opt for k in o.first)
        self.option_then = tuple(o for o in opt if any(protocol.kind_matches(k, frozenset(released))
                                                         for k in o.then))
        # "fast": the call only checks handles (uses, context_bound), completes async work (sync)
        # or needs a context; with no async work pending, live handles bound to the current
        # context and a current context, the machine would change nothing and report nothing,
        # so the wrapper does not call it. (`transfers` is for the static engine: at run time the
        # callback's releases are seen as they happen.)
        fast = bool(api.uses or api.sync) and not (
            api.releases or api.keyed_acquire or api.keyed_release or api.acquires or api.links
            or api.alias_result is not None or api.borrow is not None or api.sets_context is not None
            or api.async_stream is not None or api.records_event
            or api.null_args or protocol.steps_by_call.get(api.call) or self.context_call
        )
        if fast:
            self.mode = "fast"
        elif (api.uses or api.releases or api.acquires or api.keyed_acquire or api.keyed_release
              or api.links or api.sync or api.sets_context is not None or api.records_event
              or api.null_args or api.async_stream is not None or self.needs_ctx or self.context_call
              or protocol.steps_by_call.get(api.call)):
            self.mode = "full"
        else:
            self.mode = "none"

    def bind(self, args: tuple, kwargs: dict) -> tuple:
        """Positional view of a call made with keyword arguments (for resolution only)."""
        if self.sig is None:
            try:
                self.sig = inspect.signature(self.fn)
            except (TypeError, ValueError):
                self.sig = False
        if self.sig is False:
            return args
        try:
            bound = self.sig.bind_partial(*args, **kwargs)
        except TypeError:
            return args
        return tuple(bound.arguments.values())


def handle_key_args(protocol: Protocol) -> Dict[str, frozenset]:
    """kind -> arg indices of its key that hold handles (in any API acquiring or releasing it).

    ``dvpp_create_channel(desc)`` / ``dvpp_destroy_channel(desc)``: the key is the
    description, matched by resource; ``set_device(0)``: the key is the raw id.
    """
    out: Dict[str, set] = {}
    for api in protocol.apis.values():
        handles = set(api.handle_args())
        for keyed in (api.keyed_acquire, api.keyed_release):
            if keyed is not None:
                out.setdefault(keyed.kind, set()).update(i for i in keyed.key if i in handles)
    return {k: frozenset(v) for k, v in out.items()}


def build_wrapper(session, spec: Spec) -> Callable:
    """The closure that replaces ``spec.fn`` on the module."""
    fn = spec.fn
    feed = session._feed
    fast = spec.mode == "fast"
    idx = spec.idx
    hget = session.handles.get
    rget = session.state.res.get
    pending = session.state.pending
    threads = session.threads
    needs_ctx = spec.needs_ctx
    cbound = spec.cbound

    def wrapper(*args, **kwargs):
        no_ctx = False
        th = None
        if needs_ctx or cbound:
            tok = get_ident()
            th = threads.get(tok) or session.thread(tok)
            no_ctx = needs_ctx and (th is None or th.cur is None)
        try:
            result = fn(*args, **kwargs)
        except BaseException:
            feed(spec, args, kwargs, RAISED, no_ctx)
            raise
        if not fast or kwargs or no_ctx or pending:
            feed(spec, args, kwargs, result, no_ctx)
            return result
        n = len(args)
        for i in idx:
            if i < n:
                a = args[i]
                if a.__class__ is int:
                    rids = hget(a)
                    if rids is not None:
                        for r in rids:
                            x = rget(r)
                            if x is None or not x.live:
                                feed(spec, args, kwargs, result, no_ctx)
                                return result
        if cbound and th is not None and th.ctx is not None:
            # ACL401: a handle bound to another context than the thread's current one
            for i in cbound:
                a = args[i] if i < n else None
                if a.__class__ is int:
                    for r in hget(a, ()):
                        x = rget(r)
                        if x is not None and x.ctx is not None and x.ctx != th.ctx:
                            feed(spec, args, kwargs, result, no_ctx)
                            return result
        return result

    try:
        functools.update_wrapper(wrapper, fn)
    except (AttributeError, TypeError):  # pragma: no cover - exotic callables
        pass
    wrapper.__acl_lint_session__ = session
    return wrapper


class Shim:
    """Patches module attributes in place (so ``from acl import rt`` sees them) and restores them."""

    def __init__(self, session):
        self.session = session
        self.patches: List[Tuple[Any, str, Any, bool]] = []  # (owner, attr, original, had_attr)
        self.modules: List[Any] = []  # the acl module objects wrapped
        self.specs: Dict[str, Spec] = {}

    def wraps(self, module) -> bool:
        return any(m is module for m in self.modules)

    def install(self, module) -> int:
        """Wrap every protocol API found on ``module``; returns how many were wrapped."""
        if self.wraps(module):
            return 0
        self.modules.append(module)
        p = self.session.protocol
        handle_keys = handle_key_args(p)
        count = 0
        for call, api in p.apis.items():
            owner = module
            *parts, name = call.split(".")
            try:
                for part in parts:
                    owner = getattr(owner, part)
                had = name in getattr(owner, "__dict__", {})
                fn = getattr(owner, name)
            except Exception:
                continue  # this version of acl lacks the API
            if not callable(fn):
                continue
            spec = Spec(api, fn, p, handle_keys)
            if spec.mode == "none":
                continue
            wrapper = build_wrapper(self.session, spec)
            try:
                setattr(owner, name, wrapper)
            except (AttributeError, TypeError):
                continue
            self.patches.append((owner, name, fn, had))
            self.specs[call] = spec
            count += 1
        return count

    def uninstall(self) -> None:
        for owner, name, fn, had in reversed(self.patches):
            try:
                setattr(owner, name, fn)
            except (AttributeError, TypeError):  # pragma: no cover
                pass
        self.patches.clear()
        self.modules.clear()


# ---------------------------------------------------------------------------- frames


def _internal_dirs(module=None) -> Tuple[str, ...]:
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # .../acl_lint
    dirs = [here + os.sep]
    paths = getattr(module, "__path__", None) if module is not None else None
    for p in paths or ():
        if isinstance(p, str) and p:
            dirs.append(os.path.abspath(p) + os.sep)
    return tuple(dirs)
