"""Re-using a variable after releasing its handle is fine: a stream is
destroyed and re-created into the same name, a device buffer is freed and
re-allocated per chunk, and the new handles are used and released once.
Clean look-alike of ACL104 (overwrite), ACL301 (double release) and ACL302
(use after release).
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
DEVICE_ID = 0


def upload_chunks(chunks):
    uploaded = 0
    for chunk in chunks:
        dev_ptr, ret = acl.rt.malloc(len(chunk), ACL_MEM_MALLOC_HUGE_FIRST)
        if ret != ACL_SUCCESS:
            return uploaded
        ret = acl.rt.memcpy(dev_ptr, len(chunk), acl.util.bytes_to_ptr(chunk), len(chunk),
                            ACL_MEMCPY_HOST_TO_DEVICE)
        acl.rt.free(dev_ptr)
        if ret != ACL_SUCCESS:
            return uploaded
        uploaded += 1
    return uploaded


def restart_stream():
    stream, ret = acl.rt.create_stream()
    if ret != ACL_SUCCESS:
        return ret
    done = upload_chunks([bytes(256)] * 2)
    ret = acl.rt.synchronize_stream(stream)
    acl.rt.destroy_stream(stream)
    if ret != ACL_SUCCESS:
        return ret
    # a fresh stream in the same variable, e.g. after a device error
    stream, ret = acl.rt.create_stream()
    if ret != ACL_SUCCESS:
        return ret
    done += upload_chunks([bytes(512)])
    ret = acl.rt.synchronize_stream(stream)
    acl.rt.destroy_stream(stream)
    print("uploaded chunks:", done)
    return ret


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            print("restart_stream:", restart_stream())
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
