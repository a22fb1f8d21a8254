"""A fresh list per image, filled by a helper with fresh device buffers, freed every iteration (clean).

The look-alike of leak_filled_list_per_iteration.py: classify_all() frees
the buffers stage_inputs() appended to the image's list before the next
image, in a `finally`.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1


def stage_inputs(chunks, staged):
    for chunk in chunks:
        dev, ret = acl.rt.malloc(len(chunk), ACL_MEM_MALLOC_HUGE_FIRST)
        if ret != ACL_SUCCESS:
            raise RuntimeError("malloc failed: {}".format(ret))
        staged.append(dev)
        ret = acl.rt.memcpy(dev, len(chunk), acl.util.bytes_to_ptr(chunk), len(chunk),
                            ACL_MEMCPY_HOST_TO_DEVICE)
        if ret != ACL_SUCCESS:
            raise RuntimeError("memcpy failed: {}".format(ret))


def classify_all(images):
    done = 0
    for image in images:
        staged = []
        try:
            stage_inputs([image[:32], image[32:]], staged)
            done += len(staged)
        finally:
            for dev in staged:
                acl.rt.free(dev)
    return done


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(0)
    if ret == ACL_SUCCESS:
        print(classify_all([bytes(64), bytes([1]) * 64]))
        acl.rt.reset_device(0)
    acl.finalize()


if __name__ == "__main__":
    main()
