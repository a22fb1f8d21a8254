"""One missing try/finally, one finding: a resize helper creates the input and
the output picture descriptions, then a failed resize raises through
check_ret with both live. The leak is reported once, at the first description,
naming the second (it leaks at the same raise and the same fix releases it),
not once per handle. The same helper with its try/finally is
clean_fan_in_try_finally.py.
"""
import acl

ACL_SUCCESS = 0


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise RuntimeError("{} failed ret={}".format(message, ret))


def resize(channel_desc, resize_config, stream):
    input_desc = acl.media.dvpp_create_pic_desc()  # expect[static]: ACL102
    output_desc = acl.media.dvpp_create_pic_desc()
    ret = acl.media.dvpp_vpc_resize_async(channel_desc, input_desc, output_desc, resize_config, stream)
    check_ret("acl.media.dvpp_vpc_resize_async", ret)
    ret = acl.rt.synchronize_stream(stream)
    acl.media.dvpp_destroy_pic_desc(input_desc)
    acl.media.dvpp_destroy_pic_desc(output_desc)
    return ret
