"""ACL104: a copy-pasted line creates the second stream into the same variable
(it was meant to be `dvpp_stream`), so the first stream is lost without ever
being destroyed. At run time the lost stream shows up as a leak (ACL101).
"""
import acl

ACL_SUCCESS = 0
DEVICE_ID = 0


def open_streams():
    infer_stream, ret = acl.rt.create_stream()  # expect[static]: ACL104  # expect[runtime]: ACL101
    if ret != ACL_SUCCESS:
        return None, ret
    infer_stream, ret = acl.rt.create_stream()
    if ret != ACL_SUCCESS:
        return None, ret
    return infer_stream, ACL_SUCCESS


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            stream, ret = open_streams()
            if ret == ACL_SUCCESS:
                ret = acl.rt.synchronize_stream(stream)
                print("stream idle:", ret == ACL_SUCCESS)
                acl.rt.destroy_stream(stream)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
