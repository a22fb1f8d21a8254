"""Device buffers collected in two lists (inputs and outputs), released by one loop over
the two lists joined: `inputs + outputs`, `[*inputs, *outputs]` or
`itertools.chain(inputs, outputs)` visits every element of both lists, so every buffer
appended to either list is freed. Clean.
"""
import itertools

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0
SIZES_IN = (1024, 2048)
SIZES_OUT = (4096,)


def run(join):
    inputs = []
    outputs = []
    for size in SIZES_IN:
        buf, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        if ret != ACL_SUCCESS:
            break
        inputs.append(buf)
    for size in SIZES_OUT:
        buf, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
        if ret != ACL_SUCCESS:
            break
        outputs.append(buf)
    if join == "plus":
        for buf in inputs + outputs:
            acl.rt.free(buf)
    elif join == "star":
        for buf in [*inputs, *outputs]:
            acl.rt.free(buf)
    else:
        for buf in itertools.chain(inputs, outputs):
            acl.rt.free(buf)


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        for join in ("plus", "star", "chain"):
            run(join)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
