"""A fresh list per image, filled by a helper with fresh device buffers, never freed (firing: ACL103).

stage_inputs() appends one device buffer per input to the list it is given:
from then on the buffers are the caller's. classify_all() makes a new list
for every image, has stage_inputs() fill it, runs and drops the list at the
end of the iteration without freeing, so every image leaks its buffers. The
same as the buffers were allocated inline in the loop (ACL103, not the plain
ACL101 of a single call). The clean look-alike, which frees the list's
buffers at the end of each iteration, is clean_filled_list_per_iteration.py.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1


def stage_inputs(chunks, staged):
    for chunk in chunks:
        dev, ret = acl.rt.malloc(len(chunk), ACL_MEM_MALLOC_HUGE_FIRST)  # expect[runtime]: ACL103
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
        stage_inputs([image[:32], image[32:]], staged)  # expect[static]: ACL103
        done += len(staged)
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
