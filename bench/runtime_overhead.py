"""Overhead of the runtime audit (acl_lint.runtime) on the simulator.

    python bench/runtime_overhead.py [--calls N] [--iterations N] [--repeat N]

Prints, for a few intercepted calls, the time per call without and with the audit
and the difference (the shim's cost per call, in microseconds), then the time of
an inference loop (malloc inputs/outputs, create datasets, execute N times,
tear down) without and with the audit, and their ratio. Best of --repeat runs.
The malloc + free pair is also measured with 0, 1,000 and 10,000 other data buffers
live: its cost must not grow with them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from acl_lint import sim  # noqa: E402
from acl_lint.runtime import audit  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
RESNET = os.path.join(ROOT, "corpus", "models", "resnet50.json")


def tiny_model() -> str:
    path = os.path.join(tempfile.mkdtemp(), "tiny.json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"inputs": [{"shape": [1, 16], "dtype": "float32"}],
                   "outputs": [{"shape": [1, 4], "dtype": "float32"}]}, fh)
    return path


def fresh():
    sim.reset()
    acl = sim.make_module()
    acl.init()
    acl.rt.set_device(0)
    ctx, _ = acl.rt.create_context(0)
    return acl, ctx


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        times.append(fn())
    return min(times)


# ---------------------------------------------------------------------------- per call


def per_call(name: str, setup, body, calls: int, repeat: int):
    """Seconds per call of body(acl, state) bare and audited."""

    def timed(audited: bool) -> float:
        sim.reset()
        acl = sim.make_module()
        if audited:  # the whole program under audit: its handles are known to the machine
            with audit(module=acl, fresh=True):
                acl.init()
                acl.rt.set_device(0)
                acl.rt.create_context(0)
                state = setup(acl)
                t0 = time.perf_counter()
                body(acl, state, calls)
                return time.perf_counter() - t0
        acl.init()
        acl.rt.set_device(0)
        acl.rt.create_context(0)
        state = setup(acl)
        t0 = time.perf_counter()
        body(acl, state, calls)
        return time.perf_counter() - t0

    bare = best(lambda: timed(False), repeat) / calls
    audited = best(lambda: timed(True), repeat) / calls
    return name, bare, audited


def setup_desc(acl):
    model_id, _ = acl.mdl.load_from_file(tiny_model())
    desc = acl.mdl.create_desc()
    acl.mdl.get_desc(desc, model_id)
    return desc


def loop_get_num_inputs(acl, desc, n):
    f = acl.mdl.get_num_inputs
    for _ in range(n):
        f(desc)


def setup_memcpy(acl):
    a, _ = acl.rt.malloc(64, 0)
    b, _ = acl.rt.malloc(64, 0)
    return a, b


def loop_memcpy(acl, ab, n):
    a, b = ab
    f = acl.rt.memcpy
    for _ in range(n):
        f(a, 64, b, 64, 3)


def setup_stream(acl):
    stream, _ = acl.rt.create_stream()
    return stream


def loop_sync(acl, stream, n):
    f = acl.rt.synchronize_stream
    for _ in range(n):
        f(stream)


def loop_malloc_free(acl, _state, n):
    malloc, free = acl.rt.malloc, acl.rt.free
    for _ in range(n // 2):
        p, _ = malloc(64, 0)
        free(p)


def live_buffers(count: int):
    """A setup that leaves ``count`` data buffers (each wrapping device memory) live."""

    def setup(acl):
        kept = []
        for _ in range(count):
            p, _ = acl.rt.malloc(64, 0)
            kept.append((p, acl.create_data_buffer(p, 64)))
        return kept

    return setup


# ---------------------------------------------------------------------------- inference loop


def inference(acl, model_path: str, iterations: int) -> None:
    model_id, ret = acl.mdl.load_from_file(model_path)
    assert ret == 0
    desc = acl.mdl.create_desc()
    acl.mdl.get_desc(desc, model_id)
    stream, _ = acl.rt.create_stream()
    sets, ptrs = [], []
    for sizes in ([acl.mdl.get_input_size_by_index(desc, i) for i in range(acl.mdl.get_num_inputs(desc))],
                  [acl.mdl.get_output_size_by_index(desc, i) for i in range(acl.mdl.get_num_outputs(desc))]):
        ds = acl.mdl.create_dataset()
        for size in sizes:
            ptr, _ = acl.rt.malloc(size, 0)
            ptrs.append((ptr, size))
            acl.mdl.add_dataset_buffer(ds, acl.create_data_buffer(ptr, size))
        sets.append(ds)
    in_ptr, in_size = ptrs[0]
    out_ptr, out_size = ptrs[-1]
    host_in, _ = acl.rt.malloc_host(in_size)
    host_out, _ = acl.rt.malloc_host(out_size)
    for _ in range(iterations):
        acl.rt.memcpy(in_ptr, in_size, host_in, in_size, 1)
        assert acl.mdl.execute_async(model_id, sets[0], sets[1], stream) == 0
        acl.rt.synchronize_stream(stream)
        acl.rt.memcpy(host_out, out_size, out_ptr, out_size, 2)
    acl.rt.free_host(host_in)
    acl.rt.free_host(host_out)
    for ptr, _ in ptrs:
        acl.rt.free(ptr)
    for ds in sets:
        for i in range(acl.mdl.get_dataset_num_buffers(ds)):
            acl.destroy_data_buffer(acl.mdl.get_dataset_buffer(ds, i))
        acl.mdl.destroy_dataset(ds)
    acl.rt.destroy_stream(stream)
    acl.mdl.unload(model_id)
    acl.mdl.destroy_desc(desc)


def inference_ratio(model_path: str, iterations: int, repeat: int):
    def timed(audited: bool) -> float:
        if audited:
            sim.reset()
            acl = sim.make_module()
            with audit(module=acl, fresh=True) as session:
                acl.init()
                acl.rt.set_device(0)
                ctx, _ = acl.rt.create_context(0)
                t0 = time.perf_counter()
                inference(acl, model_path, iterations)
                dt = time.perf_counter() - t0
                acl.rt.destroy_context(ctx)
                acl.rt.reset_device(0)
                acl.finalize()
            assert session.findings == [], session.findings
            return dt
        acl, ctx = fresh()
        t0 = time.perf_counter()
        inference(acl, model_path, iterations)
        return time.perf_counter() - t0

    bare = best(lambda: timed(False), repeat)
    audited = best(lambda: timed(True), repeat)
    return bare, audited


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=200_000)
    ap.add_argument("--iterations", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)

    print(f"Python {sys.version.split()[0]}; best of {args.repeat}")
    print()
    print(f"{'intercepted call':42} {'bare us':>9} {'audited us':>11} {'overhead us':>12}")
    rows = [
        per_call("mdl.get_num_inputs(desc)  [fast path]", setup_desc, loop_get_num_inputs,
                 args.calls, args.repeat),
        per_call("rt.memcpy(dev, 64, dev, 64, D2D)  [fast]", setup_memcpy, loop_memcpy, args.calls, args.repeat),
        per_call("rt.synchronize_stream(s)  [fast]", setup_stream, loop_sync, args.calls, args.repeat),
        per_call("rt.malloc + rt.free, per call  [machine]", lambda acl: None, loop_malloc_free,
                 args.calls // 4, args.repeat),
    ] + [
        # a release must not look at every linked resource: the cost stays flat
        per_call(f"  ... with {n:,} live data buffers", live_buffers(n), loop_malloc_free,
                 args.calls // 4, args.repeat)
        for n in (0, 1_000, 10_000)
    ]
    for name, bare, audited in rows:
        print(f"{name:42} {bare * 1e6:9.3f} {audited * 1e6:11.3f} {(audited - bare) * 1e6:12.3f}")
    print()
    print(f"{'inference loop (' + str(args.iterations) + ' iterations)':42} {'bare s':>9} {'audited s':>11} "
          f"{'ratio':>12}")
    for label, path in (("tiny model (16 -> 4 floats)", tiny_model()), ("resnet50.json (1x3x224x224)", RESNET)):
        bare, audited = inference_ratio(path, args.iterations, args.repeat)
        print(f"{label:42} {bare:9.4f} {audited:11.4f} {audited / bare:11.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
