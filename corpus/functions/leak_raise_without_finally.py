"""ACL102 through an explicit raise: the input tensor is allocated, then a
shape check raises ValueError before the memory is released (no try/finally).
main() only passes well-formed tensors, so the leak is static-only.

upload_checked() validates BEFORE allocating and stays silent.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
DEVICE_ID = 0
EXPECTED_BYTES = 3 * 224 * 224 * 4


def upload(tensor):
    dev_ptr, ret = acl.rt.malloc(EXPECTED_BYTES, ACL_MEM_MALLOC_HUGE_FIRST)  # expect[static]: ACL102
    if ret != ACL_SUCCESS:
        raise MemoryError("acl.rt.malloc failed: {}".format(ret))
    if len(tensor) != EXPECTED_BYTES:
        raise ValueError("tensor has {} bytes, model wants {}".format(len(tensor), EXPECTED_BYTES))
    ret = acl.rt.memcpy(dev_ptr, EXPECTED_BYTES, acl.util.bytes_to_ptr(tensor), len(tensor),
                        ACL_MEMCPY_HOST_TO_DEVICE)
    if ret != ACL_SUCCESS:
        acl.rt.free(dev_ptr)
        raise RuntimeError("acl.rt.memcpy failed: {}".format(ret))
    return dev_ptr


def upload_checked(tensor):
    if len(tensor) != EXPECTED_BYTES:
        raise ValueError("tensor has {} bytes, model wants {}".format(len(tensor), EXPECTED_BYTES))
    dev_ptr, ret = acl.rt.malloc(EXPECTED_BYTES, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        raise MemoryError("acl.rt.malloc failed: {}".format(ret))
    ret = acl.rt.memcpy(dev_ptr, EXPECTED_BYTES, acl.util.bytes_to_ptr(tensor), len(tensor),
                        ACL_MEMCPY_HOST_TO_DEVICE)
    if ret != ACL_SUCCESS:
        acl.rt.free(dev_ptr)
        raise RuntimeError("acl.rt.memcpy failed: {}".format(ret))
    return dev_ptr


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            tensor = bytes(EXPECTED_BYTES)
            for uploader in (upload, upload_checked):
                try:
                    dev_ptr = uploader(tensor)
                except (MemoryError, ValueError, RuntimeError) as exc:
                    print("upload failed:", exc)
                else:
                    acl.rt.free(dev_ptr)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
