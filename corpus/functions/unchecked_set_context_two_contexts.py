"""An unchecked set_context that switches back between two contexts (firing: ACL501).

main() creates a context for decoding and one for inference; creating the
second made it current, so the set_context back to the first one matters: if
it fails, the stream below is created in the wrong context. Its status is
dropped (ACL501), although the next call is checked. The look-alike with one
context, set again right after it was created, is
clean_set_context_after_create.py (clean).
"""

import acl

ACL_SUCCESS = 0
DEVICE_ID = 0


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    ret = acl.rt.set_device(DEVICE_ID)
    check_ret("acl.rt.set_device", ret)
    decode_ctx, ret = acl.rt.create_context(DEVICE_ID)
    check_ret("acl.rt.create_context", ret)
    infer_ctx, ret = acl.rt.create_context(DEVICE_ID)
    check_ret("acl.rt.create_context", ret)
    acl.rt.set_context(decode_ctx)  # expect[static]: ACL501
    stream, ret = acl.rt.create_stream()
    check_ret("acl.rt.create_stream", ret)
    ret = acl.rt.synchronize_stream(stream)
    check_ret("acl.rt.synchronize_stream", ret)
    acl.rt.destroy_stream(stream)
    acl.rt.destroy_context(infer_ctx)
    acl.rt.destroy_context(decode_ctx)
    acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
