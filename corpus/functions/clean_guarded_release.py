"""Guarded, idempotent cleanup: handles start as 0, are released only when set
(`if ptr: acl.rt.free(ptr)`) and reset to 0 afterwards, so the common
cleanup block can run after a partial failure or twice without a double
release. Host and device memory each go back through their own free API.
Clean look-alike of ACL301/ACL303.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
DEVICE_ID = 0
BLOCK = 256 * 1024

handles = {"dev": 0, "host": 0, "stream": 0}


def cleanup():
    if handles["host"]:
        acl.rt.free_host(handles["host"])
        handles["host"] = 0
    if handles["dev"]:
        acl.rt.free(handles["dev"])
        handles["dev"] = 0
    if handles["stream"]:
        acl.rt.destroy_stream(handles["stream"])
        handles["stream"] = 0


def echo_block(payload):
    stream, ret = acl.rt.create_stream()
    if ret != ACL_SUCCESS:
        return None
    handles["stream"] = stream
    dev_ptr, ret = acl.rt.malloc(BLOCK, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        cleanup()
        return None
    handles["dev"] = dev_ptr
    host_ptr, ret = acl.rt.malloc_host(BLOCK)
    if ret != ACL_SUCCESS:
        cleanup()
        return None
    handles["host"] = host_ptr
    ret = acl.rt.memcpy(dev_ptr, BLOCK, acl.util.bytes_to_ptr(payload), len(payload), ACL_MEMCPY_HOST_TO_DEVICE)
    if ret == ACL_SUCCESS:
        ret = acl.rt.memcpy(host_ptr, BLOCK, dev_ptr, len(payload), ACL_MEMCPY_DEVICE_TO_HOST)
    data = acl.util.ptr_to_bytes(host_ptr, len(payload)) if ret == ACL_SUCCESS else None
    cleanup()
    return data


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            echoed = echo_block(bytes(range(256)) * 4)
            print("echo:", None if echoed is None else len(echoed))
            cleanup()
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
