"""A DVPP processor that destroys its channel desc but never the channel (firing: ACL105).

__init__ creates the channel desc and then the channel keyed by it; no method
calls dvpp_destroy_channel, so the channel is never released (and the desc is
destroyed under a live channel).
"""

import acl

ACL_SUCCESS = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class DvppProcessor(object):
    def __init__(self, stream):
        self._stream = stream
        self._channel_desc = acl.media.dvpp_create_channel_desc()
        ret = acl.media.dvpp_create_channel(self._channel_desc)  # expect[static]: ACL105  # expect[runtime]: ACL101
        check_ret("acl.media.dvpp_create_channel", ret)

    def upload(self, data):
        """Copies data into fresh DVPP memory; the caller frees it with dvpp_free."""
        size = len(data)
        ptr, ret = acl.media.dvpp_malloc(size)
        check_ret("acl.media.dvpp_malloc", ret)
        ret = acl.rt.memcpy_async(ptr, size, acl.util.bytes_to_ptr(data), size,
                                  ACL_MEMCPY_HOST_TO_DEVICE, self._stream)
        sync_ret = acl.rt.synchronize_stream(self._stream)
        if (ret, sync_ret) != (ACL_SUCCESS, ACL_SUCCESS):
            acl.media.dvpp_free(ptr)
            return None
        return ptr

    def destroy(self):
        if self._channel_desc is not None:
            acl.media.dvpp_destroy_channel_desc(self._channel_desc)
            self._channel_desc = None


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            stream, ret = acl.rt.create_stream()
            check_ret("acl.rt.create_stream", ret)
            processor = DvppProcessor(stream)
            for i in range(2):
                ptr = processor.upload(bytes([i]) * 4096)
                if ptr is not None:
                    acl.media.dvpp_free(ptr)
            processor.destroy()
            acl.rt.destroy_stream(stream)
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
