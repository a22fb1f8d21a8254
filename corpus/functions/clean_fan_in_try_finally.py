"""The look-alike of leak_fan_in_one_raise.py: the same resize helper, with the
try/finally that releases both picture descriptions when check_ret raises
(the stream is synchronised before they are destroyed). Clean.
"""
import acl

ACL_SUCCESS = 0


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise RuntimeError("{} failed ret={}".format(message, ret))


def resize_guarded(channel_desc, resize_config, stream):
    input_desc = acl.media.dvpp_create_pic_desc()
    output_desc = acl.media.dvpp_create_pic_desc()
    try:
        ret = acl.media.dvpp_vpc_resize_async(channel_desc, input_desc, output_desc, resize_config, stream)
        check_ret("acl.media.dvpp_vpc_resize_async", ret)
    finally:
        ret = acl.rt.synchronize_stream(stream)
        acl.media.dvpp_destroy_pic_desc(input_desc)
        acl.media.dvpp_destroy_pic_desc(output_desc)
    return ret
