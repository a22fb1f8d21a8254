"""The simulator's memory: device, host and DVPP regions with per-device accounting, address
resolution (including raw host pointers the process really owns) and byte reads/writes."""

import bisect
import ctypes
import mmap

from ._core import (
    ALLOCATORS,
    DEV_BASE,
    FAKE_END,
    MEM_ALIGN,
    OBJ_BASE,
    RAW_MIN,
    SMALL_STORE,
    Region,
    S,
    SimError,
    device,
)
from ._errors import INVALID_PARAM, RT_PARAM_INVALID

# never reset: an address is never reused in one process
_next_addr = {name: start + 0x10000 for name, (start, _end, _f) in ALLOCATORS.items()}


def align(n, a):
    return (n + a - 1) // a * a


def _charge(dev_id, amount):
    """Account ``amount`` bytes on device ``dev_id`` (None = host). False if over."""
    with S.lock:
        if dev_id is None:
            if S.host_used + amount > S.cfg.host_memory_limit:
                return False
            S.host_used += amount
            return True
        d = device(dev_id)
        if d.mem_used + amount > S.cfg.device_memory_limit:
            return False
        d.mem_used += amount
        return True


def charge(dev_id, amount):
    return _charge(dev_id, amount)


def uncharge(dev_id, amount):
    with S.lock:
        if dev_id is None:
            S.host_used -= amount
        else:
            d = S.devices.get(dev_id)
            if d is not None:
                d.mem_used -= amount


def alloc_region(alloc, size, dev_id, on_device, origin, charge_to=None, oom_code=None,
                 store=None, keep=None):
    """Create a live Region. ``charge_to`` is ("device", id) / ("host", None) / None.
    Raises SimError(oom_code) when the accounting limit is exceeded."""
    amount = 0
    r = Region()
    if store is None:
        store = bytearray(size) if size <= SMALL_STORE else mmap.mmap(-1, size)
        r.mv = memoryview(store)
    else:
        r.mv = store if store.__class__ is memoryview else memoryview(store).cast("B")
    with S.lock:
        if charge_to is not None:
            amount = (size + 63) & ~63
            dev = charge_to[1]
            if dev is None:
                if S.host_used + amount > S.cfg.host_memory_limit:
                    raise SimError(oom_code, "host memory limit exceeded (%d bytes requested, "
                                   "%d of %d used)" % (size, S.host_used,
                                                       S.cfg.host_memory_limit))
                S.host_used += amount
            else:
                d = S.devices.get(dev) or device(dev)
                if d.mem_used + amount > S.cfg.device_memory_limit:
                    raise SimError(oom_code, "device %d memory exhausted (%d bytes requested, "
                                   "%d of %d used)" % (dev, size, d.mem_used,
                                                       S.cfg.device_memory_limit))
                d.mem_used += amount
        base = _next_addr[alloc]
        nxt = (base + (size or 1) + 2 * MEM_ALIGN - 1) & ~(MEM_ALIGN - 1)
        if nxt >= ALLOCATORS[alloc][1]:
            if charge_to is not None:
                uncharge(charge_to[1], amount)
            raise SimError(oom_code or RT_PARAM_INVALID, "simulated address space exhausted")
        _next_addr[alloc] = nxt
        r.base = base
        r.size = size
        r.alloc = alloc
        r.device = dev_id
        r.on_device = on_device
        r.store = store
        r.keep = keep
        r.alive = True
        r.origin = origin
        r.charge = (charge_to[1], amount) if charge_to is not None else None
        S.regions[base] = r
        bases = S.bases
        if not bases or bases[-1] < base:
            bases.append(base)
        else:
            bisect.insort(bases, base)
    return r


def free_region(r):
    with S.lock:
        if not r.alive:
            return
        r.alive = False
        S.regions.pop(r.base, None)
        bases = S.bases
        if bases and bases[-1] == r.base:
            bases.pop()
        else:
            i = bisect.bisect_left(bases, r.base)
            if i < len(bases) and bases[i] == r.base:
                del bases[i]
        freed = S.freed
        if len(freed) >= 100000:
            del freed[next(iter(freed))]
        freed[r.base] = (r.alloc, r.size, r.origin)
        c = r.charge
        if c is not None:
            if c[0] is None:
                S.host_used -= c[1]
            else:
                d = S.devices.get(c[0])
                if d is not None:
                    d.mem_used -= c[1]
    mv, store = r.mv, r.store
    r.mv = r.store = r.keep = None
    try:
        mv.release()
    except Exception:  # exported to a numpy array (util.ptr_to_numpy): leave it to GC
        pass
    if store.__class__ is mmap.mmap:
        try:
            store.close()
        except Exception:
            pass


def describe_addr(addr):
    t = S.freed.get(addr)
    if t is not None:
        return "address %#x was freed (%s memory from %s)" % (addr, t[0], t[2])
    if OBJ_BASE <= addr < DEV_BASE:
        return "%#x is an object handle, not a memory address" % addr
    if DEV_BASE <= addr < FAKE_END:
        with S.lock:
            for base, (alloc, size, origin) in S.freed.items():
                if base <= addr < base + max(size, 1):
                    return "address %#x lies in freed %s memory %#x (+%d) from %s" % (
                        addr, alloc, base, addr - base, origin)
        return "address %#x is not in any live allocation (freed or never allocated)" % addr
    return "address %#x is not simulated memory" % addr


def resolve(addr, n):
    """(region, offset) for the byte range [addr, addr+n). region None = raw host memory.
    Raises SimError(107000) for freed / unknown / overrunning ranges, 100000 for null."""
    r = S.regions.get(addr)
    if r is not None:
        if n <= r.size:
            return r, 0
        raise SimError(RT_PARAM_INVALID, "access of %d bytes at %#x overruns its %d-byte allocation"
                       % (n, addr, r.size))
    if not addr:
        raise SimError(INVALID_PARAM, "null pointer")
    try:
        a = int(addr)
    except (TypeError, ValueError):
        raise SimError(INVALID_PARAM, "pointer %r is not an int" % (addr,))
    if OBJ_BASE <= a < FAKE_END:
        with S.lock:
            i = bisect.bisect_right(S.bases, a) - 1
            r = S.regions[S.bases[i]] if i >= 0 else None
        if r is not None and a < r.base + r.size:
            off = a - r.base
            if off + n <= r.size:
                return r, off
            raise SimError(RT_PARAM_INVALID,
                           "access of %d bytes at %#x (offset %d) overruns its %d-byte allocation"
                           % (n, a, off, r.size))
        raise SimError(RT_PARAM_INVALID, describe_addr(a))
    if a >= RAW_MIN and S.cfg.allow_raw_host_pointers:
        if host_memory_readable(a, n):
            return None, a
        raise SimError(RT_PARAM_INVALID, "address %#x is neither simulated memory nor memory of this "
                                         "process (%d bytes there are not mapped)" % (a, n))
    raise SimError(RT_PARAM_INVALID, "address %#x is not simulated memory" % a)


# --------------------------------------------------------------------------
# raw host pointers: never dereferenced unless the process has the memory mapped
# --------------------------------------------------------------------------
_maps = {"starts": [], "spans": []}  # sorted mappings of this process: starts, (start, end, perms)


def _load_maps():
    spans = []
    try:
        with open("/proc/self/maps", "rb") as fh:
            for line in fh:
                rng, perms = line.split(None, 2)[:2]
                lo, hi = rng.split(b"-")
                spans.append((int(lo, 16), int(hi, 16), perms.decode("ascii", "replace")))
    except OSError:
        return False
    spans.sort()
    _maps["spans"] = spans
    _maps["starts"] = [sp[0] for sp in spans]
    return True


def _covered(a, n, need):
    starts, spans = _maps["starts"], _maps["spans"]
    i = bisect.bisect_right(starts, a) - 1
    end = a + max(n, 1)
    pos = a
    while 0 <= i < len(spans):
        lo, hi, perms = spans[i]
        if lo > pos or need not in perms:
            return False
        pos = hi
        if pos >= end:
            return True
        i += 1
    return False


def host_memory_readable(a, n, need="r"):
    """Whether [a, a+n) is mapped with ``need`` in this process (Linux: /proc/self/maps, re-read
    on a miss). A pointer the simulator did not hand out is only dereferenced when it is: an
    arbitrary integer (``acl.mdl.load_from_mem(65536, 64)``) gets the documented error code
    instead of a segfault. Without /proc (not Linux) raw pointers are trusted as before."""
    with S.lock:
        if _covered(a, n, need):
            return True
        if not _load_maps():
            return not _maps["spans"]  # no /proc at all: trust
        return _covered(a, n, need)


def is_device_side(r):
    """Whether resolved memory (None = raw host memory) is on the device side."""
    if r is None:
        return S.cfg.run_mode == 0
    return r.on_device


def read(addr, n):
    r, off = resolve(addr, n)
    if r is None:
        return ctypes.string_at(off, n)
    return bytes(r.mv[off:off + n])


def read_for(addr, n, api):
    """read(), a bad range named after ``api`` (the call that was given the pointer)."""
    try:
        return read(addr, n)
    except SimError as e:
        raise SimError(e.code, "%s: %s" % (api, e))


def read_region(r, off, n):
    if r is None:
        return ctypes.string_at(off, n)
    return bytes(r.mv[off:off + n])


def write_region(r, off, data):
    n = len(data)
    if r is None:
        if not host_memory_readable(off, n, "w"):
            raise SimError(RT_PARAM_INVALID, "address %#x is not writable memory of this process" % off)
        ctypes.memmove(off, bytes(data), n)
    else:
        r.mv[off:off + n] = data


def write(addr, data):
    r, off = resolve(addr, len(data))
    write_region(r, off, data)


def copy(dst, src, n):
    rd, od = resolve(dst, n)
    rs, osrc = resolve(src, n)
    copy_regions(rd, od, rs, osrc, n)


def copy_regions(rd, od, rs, osrc, n):
    if n == 0:
        return
    if rd is not None and rs is not None:
        rd.mv[od:od + n] = rs.mv[osrc:osrc + n]
    elif rd is None and rs is None:
        if not host_memory_readable(od, n, "w"):
            raise SimError(RT_PARAM_INVALID, "address %#x is not writable memory of this process" % od)
        ctypes.memmove(od, osrc, n)
    else:
        write_region(rd, od, read_region(rs, osrc, n))
