"""Typed diagnostics, and the one place that words them.

Every message of a checker code (ACL1xx-ACL5xx) is rendered here, by exactly one function
per code (see ``RENDERERS``), for the static engine, the runtime audit and the owner pass
alike: the same defect gets the same words whichever engine found it. A renderer takes
typed facts and returns a :class:`Diagnostic`: the code, the message and the related steps
(``(site, text, kind)``; kind is ``acquire`` / ``release`` / ``step`` / ``exit`` / ``call``).

Messages that come from ``rules/`` (the release orders, the sequence steps, the null
arguments) are templates filled here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, NamedTuple, Optional, Sequence, Tuple

Step = Tuple[Any, str, str]  # (site, text, kind)


class Diagnostic(NamedTuple):
    code: str
    message: str
    related: Tuple[Step, ...] = ()


@dataclass(frozen=True)
class Subject:
    """The resource a diagnostic is about, as messages show it."""

    text: str  # "device memory `buf` from acl.rt.malloc (line 12)"
    label: str  # "device memory"
    name: str  # "buf" ("" when unknown)
    api: str  # "acl.rt.malloc"
    site: Any  # its acquire site (None for a handle from outside)

    @property
    def acquired(self) -> Step:
        return (self.site, "acquired here", "acquire")

    @property
    def acquired_by(self) -> Step:
        return (self.site, f"{self.label} acquired by {self.api}", "acquire")


def subject(protocol, res, named: bool = True, held: Optional[Tuple[str, bool]] = None) -> Subject:
    """How a resource (typestate.Res) is named in messages. ``held``: (container, earlier) when,
    where it leaks, its name holds another value and only a container still holds it (``earlier``:
    the name holds a later instance of the same acquire, made by the next loop iteration)."""
    label = protocol.label(res.kind)
    if held is not None and not res.external:
        holder, earlier = held
        when = "acquired on an earlier iteration and " if earlier else ""
        return Subject(f"{label} from {res.api} (line {res.site.line}), {when}kept in `{holder}`,", label, "",
                       res.api, res.site)
    name = f" `{res.name}`" if res.name and named else ""
    text = f"{label}{name}" if res.external else f"{label}{name} from {res.api} (line {res.site.line})"
    return Subject(text, label, res.name, res.api, res.site)


def acquired_again(site: Any, name: str, fails: bool = False) -> Step:
    """The step of a leaking path where a loop's next iteration acquires into the leaked handle's
    name (``fails``: and the path assumes that call fails)."""
    how = ", and the call fails (this path assumes it)" if fails else ""
    return (site, f"acquired again here by the next iteration{how}: `{name}` no longer holds it", "step")


def failed_step(site: Any, call: str) -> Step:
    """The step of a path where a call whose status the path assumes failed is made: every failure
    a leaking path needs is shown (a cleanup that must fail too is not a likely path)."""
    return (site, f"{call} fails here (this path assumes it)", "step")


# ----------------------------------------------------------------------------- leaks


@dataclass(frozen=True)
class Leak:
    """What an engine knows about a leaked resource.

    ``exit``: how the path left (static): ``"return"``, ``"raise"``, ``"other"`` (a failed
    check, an exit call) or ``"end"`` (the function ran off its end); ``""`` for the runtime
    (still live when the audit ended). ``count``: leaks from the same acquire site (runtime).
    """

    subject: Subject
    exit: str = ""
    exit_site: Any = None
    exit_call: str = ""  # what ended the path (exit == "other"): "check_ret(ret)"
    error_only: bool = False  # leaked on error paths only
    branch: Optional[Tuple[str, int]] = None  # (branch text, line) of the last branch taken
    count: int = 1
    overwrite_site: Any = None  # ACL104: where the handle was reassigned
    owner_release: Optional[Tuple[Any, str]] = None  # (site, owner text) where its owner was released
    end_site: Any = None  # static, exit == "end": the function's last line
    also: Tuple[Subject, ...] = ()  # static: other handles leaked at the same exit (one fix, one finding)


def _exit_clause(leak: Leak) -> str:
    branch = f" ({leak.branch[0]} at line {leak.branch[1]})" if leak.branch else ""
    if leak.exit in ("", "end"):
        return f"is not released when the function ends{branch}"
    line = leak.exit_site.line
    if leak.exit == "raise":
        return f"is not released when the exception is raised at line {line}{branch}"
    if leak.exit == "other" and leak.error_only:
        return f"is not released when {leak.exit_call} raises at line {line}{branch}"
    return f"is not released when the function returns at line {line}{branch}"


def _exit_step(leak: Leak) -> Tuple[Step, ...]:
    """The last step of a leaking path: where it left (static) or where its owner went (runtime)."""
    if leak.exit == "":
        if leak.owner_release is None:
            return ()
        site, owner_text = leak.owner_release
        return ((site, f"{owner_text} released here while it was still live", "release"),)
    if leak.exit == "end" or leak.exit_site is None:
        return ((leak.end_site or leak.subject.site, "the function ends without releasing it", "exit"),)
    what = {"return": "returns here without releasing it", "raise": "raises here without releasing it"}.get(
        leak.exit, "raises here (a failed check) without releasing it")
    return ((leak.exit_site, what, "exit"),)


def _runtime_tail(leak: Leak) -> str:
    return f" ({leak.count} from this line)" if leak.count >= 2 else ""


def taken_out(label: str, attr: str, name: str, site: Any, how: str = "pop") -> Subject:
    """A handle taken out of a container on self (``h = self.pool.pop()``): this function holds it;
    ``how == "del"``: deleted from it (``del self.pool[k]``), which drops it."""
    named = f" `{name}`" if name and not name.endswith(".pop()") and how == "pop" else ""
    how_text = f"taken out of `self.{attr}` by pop()" if how == "pop" else f"deleted from `self.{attr}` by `del`"
    return Subject(f"{label}{named} {how_text} (line {site.line})", label, name, how, site)


def field_left_live(leak: Leak, attr: str, method: str) -> Diagnostic:
    """ACL101/ACL102: a per-call method that releases what it stored in ``self.attr`` at the end
    of its normal path, but leaves by another exit with it live: the next call overwrites it."""
    d = leak_on_error_path(leak) if leak.error_only else resource_leak(leak)
    return Diagnostic(d.code, f"{d.message} — `{method}()` releases `self.{attr}` on its normal path, and "
                              f"its next call overwrites it", d.related)


def taken_step(attr: str, site: Any, how: str = "pop") -> Step:
    if how == "del":
        return (site, f"deleted from `self.{attr}` here: nothing releases it", "acquire")
    return (site, f"taken out of `self.{attr}` here", "acquire")


def resource_leak(leak: Leak) -> Diagnostic:
    """ACL101: not released on some normal path (static) / still live at the end (runtime)."""
    s = leak.subject
    if not leak.exit:
        return Diagnostic("ACL101", f"{s.text} is never released: still live when the audit ended"
                          + _runtime_tail(leak), _exit_step(leak))
    return Diagnostic("ACL101", f"{s.text} {_exit_clause(leak)}", _exit_step(leak))


def leak_on_error_path(leak: Leak) -> Diagnostic:
    """ACL102: leaked only on error paths."""
    return Diagnostic("ACL102", f"{leak.subject.text} {_exit_clause(leak)}", _exit_step(leak))


def leak_per_iteration(leak: Optional[Leak], per_call_of: str = "", base: str = "") -> Diagnostic:
    """ACL103: acquired per loop iteration (static), again and again (runtime), or a local
    leaked by a method that runs per call (owner pass: ``per_call_of`` + the ACL101 ``base``)."""
    if per_call_of:
        return Diagnostic("ACL103", f"{base} — on every call of `{per_call_of}()`", ())
    s = leak.subject
    if not leak.exit:
        return Diagnostic("ACL103", f"{s.label} from {s.api} is acquired here again and again (per loop "
                                    f"iteration or per call) and never released: {leak.count} were still "
                                    f"live when the audit ended", _exit_step(leak))
    return Diagnostic("ACL103", f"{s.text} is acquired on every iteration of the loop and the handle from the "
                                f"previous iteration is never released", ())


def handle_overwritten(s: Optional[Subject] = None, at=None, attr: str = "", method: str = "",
                       initialiser: str = "", stored: Sequence[str] = (), never_released_by: str = "",
                       also: Sequence[Tuple[Any, str]] = (), skipped_by: Sequence[Tuple[Any, str]] = (),
                       built: Optional[Tuple[Any, str]] = None, via: Sequence[Tuple[Any, str]] = ()) -> Diagnostic:
    """ACL104: a live handle reassigned (``at``), stored over by a per-call ``method``, or an
    ``initialiser`` run again by ``method`` (over the attributes ``stored``). ``never_released_by``:
    the owner, when no method of it releases the attribute either (one finding, the per-call one);
    ``also``: (site, method) of the other per-call stores into the same attribute; ``built``:
    (site, class) of the constructor call whose ``__init__`` already ran the initialiser; ``via``:
    (call site, method) of the per-call callers that store it through ``method`` (one finding)."""
    if initialiser and built is not None:
        site, cls = built
        return Diagnostic("ACL104", f"`{method}()` runs the initialiser `{initialiser}()` again, after `{cls}()` "
                                    f"(line {site.line}) already ran it: the handles it stores on the object "
                                    f"({', '.join(stored)}) are overwritten without release",
                          ((site, f"`{cls}()` runs `{initialiser}()` a first time here", "acquire"),))
    if initialiser:
        return Diagnostic("ACL104", f"`{method}()` runs the initialiser `{initialiser}()` again: the handles it "
                                    f"stores on self ({', '.join(stored)}) are overwritten without release", ())
    if method:
        last = f", and no method of `{never_released_by}` releases the last one" if never_released_by else ""
        steps = tuple((site, f"`{m}()` stores it through `{method}()` here, on every call", "step")
                      for site, m in via)
        steps += tuple((site, f"also stored in `self.{attr}` per call by `{m}()`", "step") for site, m in also)
        steps += _skipped_steps(attr, skipped_by)
        return Diagnostic("ACL104", f"{s.text} is stored in `self.{attr}` by `{method}()`, which runs per "
                                    f"call: the handle stored by the previous call is overwritten without "
                                    f"release{last}", steps)
    return Diagnostic("ACL104", f"{s.text} is lost: `{s.name}` is reassigned at line {at.line} before it is "
                                f"released", ((at, "reassigned here", "exit"),))


def owner_never_releases(s: Subject, attr: str, owner: str, module: bool = False,
                         inside: bool = False, skipped_by: Sequence[Tuple[Any, str]] = ()) -> Diagnostic:
    """ACL105: stored on an owner (class / module global) that never releases it; ``skipped_by``:
    (site, name) of the owner's release methods, shown as steps."""
    if module:
        msg = f"{s.text} is stored in the module global `{attr}` but no function of the module releases it"
    elif inside:
        return _owned_inside("ACL105", s, attr, owner)
    else:
        msg = f"{s.text} is stored in `self.{attr}` but no method of `{owner}` releases it"
    return Diagnostic("ACL105", msg, _skipped_steps(attr, skipped_by))


def deleted_object_kept(s: Subject, cls: str, function: str, name: str, built, kept: Tuple[Any, str],
                        deleted, others: Sequence[Tuple[Subject, str]] = (), attr: str = "") -> Diagnostic:
    """ACL103: ``del name`` of a ``cls`` object still referenced by ``kept`` (site, holder): its
    ``__del__`` does not run, so what its constructor stored leaks on every call of ``function``."""
    kept_site, holder = kept
    also = "".join(f", with {o.text} in `self.{a}`" for o, a in others)
    msg = (f"{s.text}, stored in `self.{attr}` by `{cls}()`{also}, leaks on every call of `{function}()`: "
           f"`del {name}` (line {deleted.line}) does not run `{cls}.__del__`, which releases it, because "
           f"`{holder}` (line {kept_site.line}) still references the object")
    steps = ((built, f"`{cls}()` builds the object here", "step"),
             (kept_site, f"`{holder}` keeps a reference to it", "step"),
             (deleted, f"`del {name}` only unbinds the name: the object lives on in `{holder}`", "exit"))
    steps += tuple((o.site, f"{o.label} acquired by {o.api}, released only by `{cls}.__del__`", "acquire")
                   for o, _a in others)
    return Diagnostic("ACL103", msg, steps)


def _skipped_steps(attr: str, skipped_by: Sequence[Tuple[Any, str]]) -> Tuple[Step, ...]:
    return tuple((site, f"`{name}()` does not release `self.{attr}`", "step") for site, name in skipped_by)


def _owned_inside(code: str, s: Subject, attr: str, owner: str) -> Diagnostic:
    """The owner pass's words for ACL105/106/107: owned through an attribute whose releases forget it."""
    return Diagnostic(code, f"{s.text} is owned through `self.{attr}`, but the methods of `{owner}` that release "
                            f"`self.{attr}` never release the {s.label} inside it", ())


def owned_inside_also(d: Diagnostic, attr: str, others: Sequence[Tuple[Subject, str]],
                      releasers: Sequence[Tuple[Any, str]]) -> Diagnostic:
    """One finding for the handles left inside several attributes that the same release methods
    release (one release loop over two datasets that forgets their memory: one defect, one
    fix). ``d``: the first handle's finding (inside ``self.attr``); ``others``: (subject,
    attribute) of the rest; ``releasers``: (site, name) of the release methods, as steps."""
    named = [f"{s.text} inside `self.{a}`" for s, a in others]
    listed = ", ".join(named[:-1]) + f" and {named[-1]}" if len(named) > 1 else named[0]
    where = " and ".join(f"`{m}()`" for _site, m in releasers)
    attrs = [f"`self.{a}`" for a in dict.fromkeys([attr] + [a for _s, a in others])]
    steps = tuple((s.site, f"{s.label} acquired by {s.api}, also left inside `self.{a}`", "acquire")
                  for s, a in others)
    steps += tuple((site, f"`{m}()` releases {' and '.join(attrs)}, not what is inside", "step")
                   for site, m in releasers)
    verb = "release" if len(releasers) > 1 else "releases"
    return Diagnostic(d.code, f"{d.message}; the same holds for the {listed} ({where} {verb} "
                              f"{' and '.join(attrs)} but never what is inside them: fix it there)",
                      d.related + steps)


def _orphan(code: str, what: str, leak: Leak, attr: str, owner: str) -> Diagnostic:
    if attr:
        return _owned_inside(code, leak.subject, attr, owner)
    msg = f"{leak.subject.text} {what}"
    if leak.exit:  # the same words as the runtime's; where the path left is its last step
        return Diagnostic(code, msg, _exit_step(leak))
    related = ()
    if leak.owner_release is not None:
        site, owner_text = leak.owner_release
        related = ((site, f"its owner, {owner_text}, released here", "release"),)
    return Diagnostic(code, msg + _runtime_tail(leak), related)


def buffer_memory_not_freed(leak: Leak, attr: str = "", owner: str = "") -> Diagnostic:
    """ACL106: memory wrapped in a data buffer that is destroyed, never freed."""
    return _orphan("ACL106", "wraps a data buffer that is destroyed, but the memory itself is never freed",
                   leak, attr, owner)


def dataset_buffers_orphaned(leak: Leak, attr: str = "", owner: str = "") -> Diagnostic:
    """ACL107: a data buffer of a destroyed dataset, never destroyed."""
    return _orphan("ACL107", "belongs to a dataset that is destroyed, but the buffer itself is never destroyed",
                   leak, attr, owner)


def leak(code: str, facts: Leak, **owner) -> Diagnostic:
    """The leak diagnostic of ``code`` (ACL101/102/103/106/107) with its steps; the other handles
    left live at the same exit (``facts.also``) are named in it, not reported again."""
    d = LEAK_RENDERERS[code](facts, **owner)
    if not facts.also:
        return d
    others = [f"{s.text}" for s in facts.also]
    listed = ", ".join(others[:-1]) + f" and {others[-1]}" if len(others) > 1 else others[0]
    steps = tuple((s.site, f"{s.label} acquired by {s.api}, also live at this exit", "acquire") for s in facts.also)
    if facts.exit == "return":
        fix = "release them before this return"
    elif facts.exit == "end" and not facts.error_only:
        fix = "release them before it ends"
    else:
        fix = "one try/finally releases both" if len(others) == 1 else f"one try/finally releases all {len(others) + 1}"
    return Diagnostic(d.code, f"{d.message}; {listed} {'are' if len(others) > 1 else 'is'} not released there "
                              f"either ({fix})", steps + d.related)


def owned_leak_code(protocol, kind: str) -> str:
    """The code for a ``kind`` left inside an owner that is released: the ``leak_code`` of the
    release order that makes it an orphan (ACL106 memory, ACL107 buffers), else ACL105."""
    for order in protocol.orders:
        if order.owns and order.leak_code and kind in order.first:
            return order.leak_code
    return "ACL105"


# ----------------------------------------------------------------------------- the protocol


def double_release(s: Subject, api: str, first_api: str, first_site) -> Diagnostic:
    """ACL301."""
    where = f" at line {first_site.line}" if first_site is not None else ""
    return Diagnostic("ACL301", f"{s.text} is released again by {api}; it was released by "
                                f"{first_api or 'an earlier call'}{where}",
                      ((first_site, "first released here", "release"),) if first_site else ())


def use_after_release(s: Subject, api: str, release_api: str, release_site) -> Diagnostic:
    """ACL302."""
    return Diagnostic("ACL302", f"{s.text} is used by {api} after it was released by {release_api} at line "
                                f"{release_site.line}", ((release_site, "released here", "release"),))


def wrong_release_api(s: Optional[Subject], api: str, wanted: str, meant: Optional[Subject] = None,
                      right_api: str = "", number: str = "") -> Diagnostic:
    """ACL303, with its mechanical fix: the handle of the right kind that was meant (``meant``,
    when there is exactly one candidate), else the release API of the handle's kind. The
    handle stays live; what leaks only because of this call is implied, not reported again.
    ``number``: the code of a value made by arithmetic, released as if it were a handle."""
    if s is None:
        return Diagnostic("ACL303", f"`{number}` is a number computed by arithmetic, not a handle, but it is "
                                    f"released with {api}, which releases {wanted}")
    if meant is not None and meant.name:
        fix = f": pass the {meant.label} `{meant.name}` (line {meant.site.line}), not the {s.label}"
        related = (s.acquired, (meant.site, f"the {meant.label} meant here", "acquire"))
    else:
        fix = f": release the {s.label} with {right_api}" if right_api else ""
        related = (s.acquired,)
    return Diagnostic("ACL303", f"{s.text} is released with {api}, which releases {wanted}{fix}", related)


def async_not_synchronized(s: Subject, api: str, stream: str = "", released: bool = False,
                           destroyed_stream: bool = False) -> Diagnostic:
    """ACL202: touched (or its stream destroyed) while queued async work may still use it."""
    if destroyed_stream:
        msg = (f"{s.text} is destroyed by {api} while async work is queued on it: synchronize the stream first")
    else:
        what = "released" if released else "used"
        msg = (f"{s.text} is {what} by {api} while async work queued on {stream} may still use it: "
               f"synchronize the stream first")
    return Diagnostic("ACL202", msg, (s.acquired,))


def context_mismatch(s: Subject, api: str, created_under: str, runs_under: str) -> Diagnostic:
    """ACL401. A context is named as ``created_under`` / ``runs_under`` say (``""``: not known here)."""
    created = f"context {created_under}" if created_under else "another context"
    runs = f"context {runs_under}" if runs_under else "another context"
    return Diagnostic("ACL401", f"{s.text} was created under {created} but {api} runs under {runs}", (s.acquired,))


def no_current_context(api: str, thread: str = "") -> Diagnostic:
    """ACL402 (runtime), naming the thread when it is known."""
    which = f"this thread ({thread})" if thread else "this thread"
    return Diagnostic("ACL402", f"{api} needs a current context, but {which} has none: call "
                                f"acl.rt.set_device or acl.rt.create_context / acl.rt.set_context on this "
                                f"thread first")


def unchecked_return_code(call: str, overwritten_at=None, ignored: bool = False) -> Diagnostic:
    """ACL501: a status thrown away, overwritten before it is read, or never read."""
    if ignored:
        return Diagnostic("ACL501", f"the status returned by {call} is ignored")
    how = f"overwritten at line {overwritten_at.line} before it is checked" if overwritten_at else "never checked"
    return Diagnostic("ACL501", f"the status returned by {call} is {how}")


def unknown_api(call: str, did_you_mean: str = "") -> Diagnostic:
    """ACL502: a call of an ``acl.*`` name that pyACL does not have."""
    mean = f" (did you mean `{did_you_mean}`?)" if did_you_mean else ""
    return Diagnostic("ACL502", f"`{call}` is not a pyACL API{mean}: the call fails with AttributeError, "
                                f"and what it is given is neither released nor attached")


def null_check_never_true(api: str, expr: str, is_not: bool, test: str = "") -> Diagnostic:
    """ACL503: an `is None` (or `== None`) test on a handle pyACL returned (0 on failure, never None)."""
    if is_not:
        shown = test or f"{expr} is not None"
        return Diagnostic("ACL503", f"{api} returns 0 on failure, never None: `{shown}` is always "
                                    f"true and lets a failed call through; test `if {expr}:` instead")
    shown = test or f"{expr} is None"
    return Diagnostic("ACL503", f"{api} returns 0 on failure, never None: `{shown}` never fires; "
                                f"test `if not {expr}:` (or `{expr} == 0`) instead")

def unchecked_statuses(where: str, first_call: str, first_line: int, count: int, related=()) -> Diagnostic:
    """ACL501 once for code that checks none of its statuses (a script that never looks)."""
    return Diagnostic("ACL501", f"none of the {count} statuses returned in {where} is checked (the first: "
                                f"{first_call} at line {first_line}): check each, or raise on a non-zero "
                                f"status in one helper", tuple(related))


def fill(template: str, names: Dict[str, str], unnamed: str = "", **values) -> str:
    """Fill a message template of rules/. A name that is not known (a handle with no variable)
    is left out with its quotes (`` `{first}` ``), or said as ``unnamed`` when given."""
    for key, name in names.items():
        if not name:
            template = template.replace(f"`{{{key}}}`", f"{{{key}}}") if unnamed else \
                template.replace(f" `{{{key}}}`", "").replace(f"`{{{key}}}` ", "")
    return template.format(**{k: v or unnamed for k, v in names.items()}, **values)


def order_violation(order, then_label: str, then_name: str, first: Subject, related=()) -> Diagnostic:
    """ACL203 (and any code an order of orders.toml names): its message template, filled."""
    return Diagnostic(order.code, fill(
        order.message, {"then": then_name, "first": first.name}, then_label=then_label, first_label=first.label,
        first_at=f" (line {first.site.line})" if first.site is not None else ""), tuple(related))


def sequence_violation(seq, step, s: Subject, api: str) -> Diagnostic:
    """ACL201 / ACL204 (the automata of sequences.toml): the step's message template, filled."""
    return Diagnostic(seq.code, fill(step.message, {"name": s.name}, line=s.site.line, call=api), (s.acquired,))


def null_argument(null_arg, handle: str) -> Diagnostic:
    """ACL205 (the `null_arg` entries of rules/api): the entry's message template, filled."""
    return Diagnostic(null_arg.code, fill(null_arg.message, {"handle": handle}, unnamed="the handle"))


def analysis_incomplete(unit: str, stopped: str, lost: str, advice: str) -> Diagnostic:
    """ACL003: what was not fully checked (``unit``), what stopped it, what is missing, what to do."""
    return Diagnostic("ACL003", f"the analysis of {unit} {stopped}: {lost}; {advice}")


def paths_cut(unit: str, kept: int, found: int, site) -> Diagnostic:
    """ACL003 for a function with more resource-relevant paths than the path budget."""
    where = f" at line {site.line}" if site is not None else ""
    return analysis_incomplete(
        unit, f"followed {kept} of its {found} distinct paths{where} (the path budget)",
        "findings on the paths it dropped (the ones farthest from success) may be missing",
        "split the function")


LEAK_RENDERERS: Dict[str, Callable[[Leak], Diagnostic]] = {
    "ACL101": resource_leak,
    "ACL102": leak_on_error_path,
    "ACL103": leak_per_iteration,
    "ACL106": buffer_memory_not_freed,
    "ACL107": dataset_buffers_orphaned,
}

#: the one renderer of each checker code (codes whose template lives in rules/ included)
RENDERERS: Dict[str, Callable[..., Diagnostic]] = {
    "ACL003": analysis_incomplete,
    **LEAK_RENDERERS,
    "ACL104": handle_overwritten,
    "ACL105": owner_never_releases,
    "ACL201": sequence_violation,
    "ACL202": async_not_synchronized,
    "ACL203": order_violation,
    "ACL204": sequence_violation,
    "ACL205": null_argument,
    "ACL206": order_violation,  # an order of orders.toml names it
    "ACL301": double_release,
    "ACL302": use_after_release,
    "ACL303": wrong_release_api,
    "ACL401": context_mismatch,
    "ACL402": no_current_context,
    "ACL501": unchecked_return_code,
    "ACL502": unknown_api,


    "ACL503": null_check_never_true,
}
