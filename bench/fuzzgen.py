"""pyACL-flavoured random programs and mutations of real files, for fuzzing acl-lint.

Used by ``tests/test_fuzz.py`` (driven by hypothesis, bounded) and ``bench/fuzz.py`` (a long
campaign). The generator takes a *chooser*: anything with ``randint(a, b)`` and ``choice(seq)``
(``random.Random``, or :class:`DrawChooser` around hypothesis' ``data.draw``, which shrinks).

Programs are syntactically valid Python 3.9 with random control flow (if/elif/else, for/while
with break/continue/else, try/except/else/finally, with, nested functions, classes that keep
handles on ``self``, helpers that check statuses or release handles, early returns and raises)
around acquire/use/release calls of the pyACL catalogue, and some deliberately odd code
(long expression chains, deep nesting, unusual targets).
"""

from __future__ import annotations

import random
from typing import Any, List, Sequence

ACQUIRE = [
    ("p", "{v}, ret = acl.rt.malloc({size}, 0)"),
    ("h", "{v}, ret = acl.rt.malloc_host({size})"),
    ("b", "{v} = acl.create_data_buffer({p}, {size})"),
    ("d", "{v} = acl.mdl.create_dataset()"),
    ("s", "{v}, ret = acl.rt.create_stream()"),
    ("c", "{v}, ret = acl.rt.create_context(0)"),
    ("e", "{v}, ret = acl.rt.create_event()"),
    ("m", "{v}, ret = acl.mdl.load_from_file(\"model.om\")"),
    ("k", "{v} = acl.mdl.create_desc()"),
    ("x", "{v} = acl.mdl.create_exec_config_handle()"),
    ("v", "{v} = acl.media.dvpp_create_channel_desc()"),
    ("q", "{v}, ret = acl.media.dvpp_malloc({size})"),
]
RELEASE = {
    "p": ["ret = acl.rt.free({v})", "acl.rt.free({v})", "acl.rt.free_host({v})"],
    "h": ["ret = acl.rt.free_host({v})", "acl.rt.free({v})"],
    "b": ["ret = acl.destroy_data_buffer({v})", "acl.destroy_data_buffer({v})"],
    "d": ["ret = acl.mdl.destroy_dataset({v})", "acl.destroy_data_buffer({v})"],
    "s": ["ret = acl.rt.destroy_stream({v})"],
    "c": ["ret = acl.rt.destroy_context({v})"],
    "e": ["ret = acl.rt.destroy_event({v})"],
    "m": ["ret = acl.mdl.unload({v})", "acl.mdl.destroy_model({v})"],
    "k": ["ret = acl.mdl.destroy_desc({v})"],
    "x": ["ret = acl.mdl.destroy_exec_config_handle({v})"],
    "v": ["ret = acl.media.dvpp_destroy_channel_desc({v})"],
    "q": ["ret = acl.media.dvpp_free({v})"],
}
USE = [
    "ret = acl.rt.memcpy({p}, {size}, {p2}, {size}, 1)",
    "ret = acl.rt.memcpy_async({p}, {size}, {p2}, {size}, 1, {s})",
    "ret = acl.rt.synchronize_stream({s})",
    "ret = acl.mdl.add_dataset_buffer({d}, {b})",
    "ret = acl.mdl.execute({m}, {d}, {d})",
    "ret = acl.mdl.execute_async({m}, {d}, {d}, {s})",
    "ret = acl.mdl.get_desc({k}, {m})",
    "ret = acl.mdl.set_exec_config_opt({x}, 0, 1)",
    "ret = acl.mdl.execute_v2({m}, {d}, {d}, {s}, {x})",
    "ret = acl.rt.set_context({c})",
    "ret = acl.rt.record_event({e}, {s})",
    "n = acl.get_data_buffer_size({b})",
    "addr = acl.get_data_buffer_addr({b})",
    "ret = acl.update_data_buffer({b}, 0, 0)",
    "ret = acl.rt.memset({p}, {size}, 0, {size})",
    "data = acl.util.ptr_to_numpy({p}, ({size},), 1)",
    "ret = acl.rt.launch_callback(cb, None, 0, {s})",
]
SIZES = ["64", "size", "n * 4", "1024", "self.size", "len(data)", "0"]
CONDS = ["ret != 0", "ret != ACL_SUCCESS", "ret", "not ok", "n > 0", "{v} is None", "{v} == 0", "flag",
         "i % 2", "x and y", "not {v}", "len(items) > 3", "{v} is not None", "ret == ACL_SUCCESS"]
ODD = [
    "total = " + " + ".join(["acl.rt.free({v})"] * 3),
    "items.append({v})",
    "self.{v} = {v}",
    "pool[{v}] = {v}",
    "{v}_2 = {v}",
    "del {v}",
    "{v} = None",
    "{v} = 0",
    "return {v}",
    "yield {v}",
    "(a, b), c = ({v}, 0), 1",
    "x = [{v} for _ in range(3)]",
    "x = lambda: acl.rt.free({v})",
    "x = {{k: {v} for k in range(2)}}",
    "x = f'{{{v}}}'",
    "x = {v} if flag else None",
    "print({v}, *args, **kwargs)",
    "check_ret('free', acl.rt.free({v}))",
    "release({v})",
    "helper.release({v})",
    "assert ret == 0, ret",
    "x: int = 1",
    "x += 1",
    "pass",
]


class DrawChooser:
    """The chooser interface over hypothesis' ``data.draw`` (so that failures shrink)."""

    def __init__(self, data: Any) -> None:
        from hypothesis import strategies as st

        self._data = data
        self._st = st

    def randint(self, a: int, b: int) -> int:
        return self._data.draw(self._st.integers(a, b))

    def choice(self, seq: Sequence[Any]) -> Any:
        return seq[self.randint(0, len(seq) - 1)]

    def random(self) -> float:
        return self.randint(0, 999) / 1000.0


class _Gen:
    def __init__(self, rnd: Any, max_depth: int = 4, budget: int = 60) -> None:
        self.r = rnd
        self.max_depth = max_depth
        self.budget = budget  # statements left
        self.lines: List[str] = []
        self.live: List[tuple] = []  # (kind, var)
        self.n = 0

    def emit(self, depth: int, text: str) -> None:
        self.lines.append("    " * depth + text)
        self.budget -= 1

    def var(self, kind: str) -> str:
        self.n += 1
        return f"{kind}{self.n}"

    def pick(self, kind: str) -> str:
        cands = [v for k, v in self.live if k == kind]
        if cands and self.r.randint(0, 4):
            return self.r.choice(cands)
        return self.r.choice(["arg", "self.h", "0", "None", f"{kind}0", "ptrs[0]"])

    def fill(self, template: str) -> str:
        return template.format(
            v=self.pick(self.r.choice(list(RELEASE))), size=self.r.choice(SIZES), p=self.pick("p"),
            p2=self.pick("p"), s=self.pick("s"), d=self.pick("d"), b=self.pick("b"), m=self.pick("m"),
            k=self.pick("k"), x=self.pick("x"), c=self.pick("c"), e=self.pick("e"))

    def stmt(self, depth: int) -> None:
        r = self.r
        choice = r.randint(0, 19)
        nested = depth < self.max_depth and self.budget > 3
        if choice <= 4:
            kind, tpl = r.choice(ACQUIRE)
            v = self.var(kind)
            self.emit(depth, tpl.format(v=v, size=r.choice(SIZES), p=self.pick("p")))
            self.live.append((kind, v))
            if r.randint(0, 2) == 0:
                self.emit(depth, f"if ret != {r.choice(['0', 'ACL_SUCCESS'])}:")
                self.emit(depth + 1, r.choice(["return None", "raise RuntimeError(ret)", "return ret",
                                                "check_ret('x', ret)", "pass", "sys.exit(1)"]))
        elif choice <= 7 and self.live:
            kind, v = r.choice(self.live)
            self.emit(depth, r.choice(RELEASE[kind]).format(v=v))
            if r.randint(0, 1):
                self.live.remove((kind, v))
        elif choice <= 9:
            self.emit(depth, self.fill(r.choice(USE)))
        elif choice == 10:
            v = self.r.choice(self.live)[1] if self.live else "arg"
            self.emit(depth, r.choice(ODD).format(v=v))
        elif nested and choice <= 12:
            self.emit(depth, f"if {self.fill(r.choice(CONDS))}:")
            self.block(depth + 1)
            for _ in range(r.randint(0, 2)):
                self.emit(depth, f"elif {self.fill(r.choice(CONDS))}:")
                self.block(depth + 1)
            if r.randint(0, 1):
                self.emit(depth, "else:")
                self.block(depth + 1)
        elif nested and choice == 13:
            self.emit(depth, r.choice(["for i in range(n):", "for item in items:", "while flag:",
                                       "while True:", "for i, ptr in enumerate(ptrs):"]))
            self.block(depth + 1, loop=True)
            if r.randint(0, 3) == 0:
                self.emit(depth, "else:")
                self.block(depth + 1)
        elif nested and choice == 14:
            self.emit(depth, "try:")
            self.block(depth + 1)
            handlers = r.randint(0, 2)
            for h in range(handlers):
                last = h == handlers - 1
                self.emit(depth, r.choice(["except Exception:", "except (ValueError, OSError) as exc:",
                                           "except RuntimeError as e:"] + (["except:"] if last else [])))
                self.block(depth + 1)
            if handlers and r.randint(0, 2) == 0:
                self.emit(depth, "else:")
                self.block(depth + 1)
            if r.randint(0, 1) or not handlers:
                self.emit(depth, "finally:")
                self.block(depth + 1)
        elif nested and choice == 15:
            self.emit(depth, r.choice(["with lock:", "with open(path) as fh:", "with ctx() as (a, b):"]))
            self.block(depth + 1)
        elif nested and choice == 16:
            self.n += 1
            self.emit(depth, f"def inner{self.n}(arg=None):")
            self.block(depth + 1)
        elif choice == 17:
            self.emit(depth, r.choice(["return", "return ret", "raise RuntimeError('x')", "return p1, ret"]))
        else:
            self.emit(depth, r.choice(["ok = check_ret('call', ret)", "x = 1", "n = n + 1", "items = []"]))

    def block(self, depth: int, loop: bool = False) -> None:
        count = self.r.randint(1, 4)
        for _ in range(count):
            if self.budget <= 0:
                break
            if loop and self.r.randint(0, 6) == 0:
                self.emit(depth, self.r.choice(["break", "continue"]))
                continue
            self.stmt(depth)
        if self.lines[-1].rstrip().endswith(":"):
            self.emit(depth, "pass")

    def function(self, name: str, depth: int = 0, method: bool = False) -> None:
        self.live = []
        params = "self, arg, size=64" if method else self.r.choice(["", "arg", "arg, size", "*args, **kwargs",
                                                                     "arg, n=1, *, flag=False"])
        deco = self.r.randint(0, 5)
        if deco == 0:
            self.emit(depth, "@staticmethod" if method else "@decorator")
        self.emit(depth, f"def {name}({'arg' if method and deco == 0 else params}):")
        self.block(depth + 1)
        if self.r.randint(0, 2) and self.live:
            for kind, v in list(self.live):
                if self.r.randint(0, 3):
                    self.emit(depth + 1, RELEASE[kind][0].format(v=v))


HEADER = """import sys
import acl
from acl_helpers import check_ret, release
import acl_helpers as helper

ACL_SUCCESS = 0
G = None
"""


def program(rnd: Any, functions: int = 0, budget: int = 0) -> str:
    """One random program (valid Python)."""
    g = _Gen(rnd, max_depth=rnd.randint(1, 5), budget=budget or rnd.randint(20, 120))
    for i in range(functions or rnd.randint(1, 4)):
        if rnd.randint(0, 3) == 0:
            g.emit(0, f"class Model{i}:")
            for j, name in enumerate(rnd.choice([("__init__", "release"), ("__init__", "run", "__del__"),
                                                 ("load", "unload", "execute")])):
                g.function(name, depth=1, method=True)
        else:
            g.function(f"func{i}")
        g.emit(0, "")
    if rnd.randint(0, 2) == 0:
        g.emit(0, "if __name__ == '__main__':")
        g.emit(1, "acl.init()")
        g.emit(1, "func0()")
    return HEADER + "\n" + "\n".join(g.lines) + "\n"


def check_helper_module() -> str:
    return """import acl


def check_ret(message, ret):
    if ret != 0:
        raise RuntimeError(f"{message} failed: {ret}")


def release(ptr):
    ret = acl.rt.free(ptr)
    check_ret("acl.rt.free", ret)
"""


# --- mutations of real files -------------------------------------------------------------

TOKENS = ["(", ")", ":", "acl.rt.free(p)", "return", "if x:", "    ", "\t", "else:", "try:", "lambda", "*",
          "'", '"""', "#", "\\", "yield", "await x", "async ", "None", "0", "[", "]", "{", "}", "@", "\n"]


def mutate(rnd: Any, text: str) -> str:
    """A random edit of a real file: lines dropped, duplicated, swapped, re-indented, tokens inserted,
    names swapped, the text truncated, or a stretch of odd input spliced in. Usually still valid Python,
    often not."""
    lines = text.split("\n")
    for _ in range(rnd.randint(1, 4)):
        if not lines:
            lines = [""]
        op = rnd.randint(0, 10)
        i = rnd.randint(0, len(lines) - 1)
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[rnd.randint(0, len(lines) - 1)])
        elif op == 2:
            j = rnd.randint(0, len(lines) - 1)
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 3:
            lines[i] = "    " + lines[i] if rnd.randint(0, 1) else lines[i].lstrip()
        elif op == 4:
            pos = rnd.randint(0, len(lines[i]))
            lines[i] = lines[i][:pos] + rnd.choice(TOKENS) + lines[i][pos:]
        elif op == 5:
            for a, b in (("free", "destroy_data_buffer"), ("malloc", "create_dataset"), ("ret", "p"),
                         ("destroy", "create"), ("self.", ""), ("acl.", "acl.mdl.")):
                if a in lines[i] and rnd.randint(0, 1):
                    lines[i] = lines[i].replace(a, b, 1)
        elif op == 6:
            lines = lines[: rnd.randint(0, len(lines))]
        elif op == 7:
            lines.insert(i, rnd.choice(["    " * rnd.randint(0, 3)]) + rnd.choice(ODD).format(v="p"))
        elif op == 8:
            k = rnd.randint(1, 8)
            lines[i:i] = lines[i:i + k]
        elif op == 9 and rnd.randint(0, 9) == 0:
            depth = rnd.choice([50, 150, 199, 250, 400])
            lines.insert(i, "x = " + "(" * depth + "acl.rt.free(p)" + ")" * depth)
        else:
            lines[i] = lines[i].replace("    ", "\t", 1)
    return "\n".join(lines)


def corpus_files(root: str) -> List[str]:
    import os

    out = []
    for dirpath, _dirs, files in os.walk(root):
        for name in sorted(files):
            if name.endswith(".py"):
                with open(os.path.join(dirpath, name), encoding="utf-8", errors="replace") as fh:
                    out.append(fh.read())
    return out


def seeded(seed: int) -> random.Random:
    return random.Random(seed)
