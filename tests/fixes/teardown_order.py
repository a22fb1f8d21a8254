"""ACL203 fixed with --unsafe-fixes: the late release is moved up to just above
the early one (adjacent statements are swapped); the order of side effects
changes, so the fix is unsafe. Two rounds put free -> destroy_data_buffer ->
destroy_dataset in order. Not fixed: a move across a statement that reads the
status the moved statement writes."""
# fix-options: --unsafe-fixes
# fix-config: buffer-free-order = true
import acl

ACL_SUCCESS = 0


def forward(model_id, size):
    ptr, ret = acl.rt.malloc(size, 0)
    if ret != ACL_SUCCESS:
        return ret
    dataset = acl.mdl.create_dataset()
    buf = acl.create_data_buffer(ptr, size)
    _, ret = acl.mdl.add_dataset_buffer(dataset, buf)
    if ret == ACL_SUCCESS:
        ret = acl.mdl.execute(model_id, dataset, dataset)
    acl.mdl.destroy_dataset(dataset)  # before its buffer
    acl.destroy_data_buffer(buf)
    acl.rt.free(ptr)
    return ret


def teardown(device_id, context, stream):
    acl.rt.destroy_context(context)  # before the stream created in it
    acl.rt.destroy_stream(stream)
    acl.rt.reset_device(device_id)
    return 0


def across_a_print(size):
    ptr, ret = acl.rt.malloc(size, 0)
    if ret != ACL_SUCCESS:
        return ret
    buf = acl.create_data_buffer(ptr, size)
    acl.destroy_data_buffer(buf)  # before the memory it wraps
    print("released the buffer")
    acl.rt.free(ptr)
    return 0


def status_between(size):
    ptr, ret = acl.rt.malloc(size, 0)
    if ret != ACL_SUCCESS:
        return ret
    buf = acl.create_data_buffer(ptr, size)
    ret = acl.destroy_data_buffer(buf)  # remains: ACL203
    print("buffer released:", ret)
    ret = acl.rt.free(ptr)
    return ret
