"""ACL203: the DVPP channel desc is destroyed before the channel created from
it (the docs require dvpp_destroy_channel first). close_channel() shows the
documented order and stays silent.
"""
import acl

ACL_SUCCESS = 0
DEVICE_ID = 0


def open_channel():
    """A channel desc with a live channel, or None; the caller closes it."""
    channel_desc = acl.media.dvpp_create_channel_desc()
    if channel_desc == 0:
        return None
    ret = acl.media.dvpp_create_channel(channel_desc)
    if ret != ACL_SUCCESS:
        print("dvpp_create_channel failed", ret)
        acl.media.dvpp_destroy_channel_desc(channel_desc)
        return None
    return channel_desc


def close_channel(channel_desc):
    acl.media.dvpp_destroy_channel(channel_desc)
    acl.media.dvpp_destroy_channel_desc(channel_desc)


def run_resizer():
    channel_desc = acl.media.dvpp_create_channel_desc()
    ret = acl.media.dvpp_create_channel(channel_desc)
    if ret != ACL_SUCCESS:
        acl.media.dvpp_destroy_channel_desc(channel_desc)
        return ret
    resize_config = acl.media.dvpp_create_resize_config()
    print("resizer ready")
    acl.media.dvpp_destroy_resize_config(resize_config)
    acl.media.dvpp_destroy_channel_desc(channel_desc)  # expect: ACL203
    acl.media.dvpp_destroy_channel(channel_desc)
    return ACL_SUCCESS


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            decoder = open_channel()
            if decoder is not None:
                close_channel(decoder)
            print("resizer:", run_resizer())
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
