"""Joining path states: what keeps the analysis of one function bounded.

Three joins, from exact to approximate, each only where the one before is not enough:

- equal states merge (``values.dedupe``, at every join point);
- loops reach a fixed point over :meth:`PState.head_key` instead of being unrolled
  inside every iteration of an enclosing loop, and loop exits equal up to acquisition
  instances merge (:func:`widen`);
- over ``MAX_STATES`` (:func:`over_budget`): states that differ only in whether a dead
  handle was released or never acquired merge; a state whose live handles another state
  holds the same way is dropped (a loop that ran zero times against one that ran); and if
  the set is still too large, the paths farthest from success are dropped and the cut is
  recorded, so that the function is reported as not fully checked (ACL003), never clean.
"""

from __future__ import annotations

from typing import List, Optional

from .values import MAX_STATES, PState


def widen(states: List[PState]) -> List[PState]:
    """Loop exits equal up to acquisition instances: the first (fewest iterations) stands for all."""
    if len(states) <= 1:
        return states
    seen = {}
    for s in states:
        seen.setdefault(s.head_key(), s)
    return list(seen.values())


def over_budget(states: List[PState], cuts: Optional[List[int]] = None) -> List[PState]:
    """``states`` (all different) cut down to ``MAX_STATES``; a real cut is appended to ``cuts``."""
    out = list({s.coarse_key(): s for s in reversed(states)}.values())[::-1]
    if len(out) > MAX_STATES:
        out = _drop_subsumed(out)
    if len(out) > MAX_STATES:
        out.sort(key=_distance_from_success)
        if cuts is not None:
            cuts.append(len(out))
        out = out[:MAX_STATES]
    return out


def _subsumed(a: PState, b: PState, live_a: dict, live_b: dict) -> bool:
    """Every handle live on `a` is live, and held the same way, on `b`: `b` has all of `a`'s
    leaks and more, so `a` adds no finding of its own."""
    if a.err != b.err or a.dead != b.dead or a.ts.ctx != b.ts.ctx or not live_a.keys() <= live_b.keys():
        return False
    for rid, r in live_a.items():
        x = live_b[rid]
        if x is not r and x != r:  # records are shared between copied states: identity first
            return False
    for k, v in a.env.items():
        w = b.env.get(k)
        if v is not None and w != v and not (w is not None and v[0] == "s" and w[0] == "s"):
            return False
    empty = frozenset()
    return all(rids <= b.boxes.get(bid, empty) for bid, rids in a.boxes.items())


def _drop_subsumed(states: List[PState]) -> List[PState]:
    live = [{rid: r for rid, r in s.ts.res.items() if r.live} for s in states]
    keep: List[PState] = []
    for i, a in enumerate(states):
        if not any(j != i and _subsumed(a, b, live[i], live[j])
                   and not (j > i and _subsumed(b, a, live[j], live[i])) for j, b in enumerate(states)):
            keep.append(a)
    return keep


def _distance_from_success(st: PState) -> int:
    """How far a path is from the success path: raised, plus failed checks assumed on it."""
    return (2 if st.err else 0) + sum(1 for v in st.assume.values() if v == "failed")


def forget_released(st: PState) -> None:
    """Drop the records of this function's handles that were released and that nothing on the
    path can reach any more (no binding, container, link, queued work, key or unread status
    names them): no later event can touch them, so paths that differ only in them are one."""
    res = st.ts.res
    gone = [rid for rid, r in res.items() if not r.live and not r.external]
    if not gone:
        return
    reach = set()
    for v in st.env.values():
        if v is not None:
            reach |= st.rids_of(v)
    for rids in st.boxes.values():
        reach |= rids
    for r in res.values():
        for _t, target in r.links:
            reach.add(target)
    ts = st.ts
    for target, sources in ts.linked.items():
        reach.add(target)
        reach.update(sources)
    for k, v in ts.pending.items():
        reach.add(k)
        reach |= v
    reach.update(ts.keyed.values())
    for k, (stream, touched) in ts.recorded.items():
        reach.add(k)
        reach.add(stream)
        reach |= touched
    refs = st.status_refs()
    for sid, rec in st.status.items():
        if not rec.read or sid in refs:  # a status read and held by no name is never consulted
            reach |= rec.rids
    if st.returned is not None:
        reach |= st.rids_of(st.returned)
    reach.add(ts.ctx)
    for rid in gone:
        if rid not in reach:
            del res[rid]
