"""A status taken from a call whose return shape differs between CANN releases:
`ret = r[1] if isinstance(r, tuple) else r`.

The shape of `r` is known at each call (a tuple from add_dataset_buffer, a
bare status from synchronize_stream), so the conditional expression is the
status itself. `attach()` checks it: the buffer is the dataset's once attached.
`drain()` never looks at it (ACL501). The clean look-alike is
functions/clean_status_from_either_shape.py.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0
SIZE = 4096


def attach(dataset, size):
    ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return ret
    buf = acl.create_data_buffer(ptr, size)
    r = acl.mdl.add_dataset_buffer(dataset, buf)
    ret = r[1] if isinstance(r, tuple) and len(r) > 1 else r
    if ret != ACL_SUCCESS:
        acl.rt.free(ptr)
        acl.destroy_data_buffer(buf)
        return ret
    return ACL_SUCCESS


def release(dataset):
    for i in range(acl.mdl.get_dataset_num_buffers(dataset)):
        buf = acl.mdl.get_dataset_buffer(dataset, i)
        acl.rt.free(acl.get_data_buffer_addr(buf))
        acl.destroy_data_buffer(buf)
    acl.mdl.destroy_dataset(dataset)


def drain(stream):
    r = acl.rt.synchronize_stream(stream)  # expect[static]: ACL501
    ret = r[1] if isinstance(r, tuple) else r
    print("drained")


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        stream, ret = acl.rt.create_stream()
        if ret == ACL_SUCCESS:
            dataset = acl.mdl.create_dataset()
            if attach(dataset, SIZE) == ACL_SUCCESS:
                drain(stream)
            release(dataset)
            acl.rt.destroy_stream(stream)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
