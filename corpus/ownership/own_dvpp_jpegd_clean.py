"""JPEG decoding with a DVPP channel owned by a JpegDecoder object (clean).

__init__ creates a stream, a channel desc and the channel; destroy() destroys
the channel before its desc, then the stream. decode() is per call: its
input DVPP memory and output pic desc are released before it returns, and
the decoded DVPP memory is returned to the caller, who frees it.
"""

import acl

ACL_SUCCESS = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
PIXEL_FORMAT_YUV_SEMIPLANAR_420 = 1


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


def align_up(value, align):
    return (value + align - 1) // align * align


class JpegDecoder(object):
    def __init__(self):
        self.stream, ret = acl.rt.create_stream()
        check_ret("acl.rt.create_stream", ret)
        self.channel_desc = acl.media.dvpp_create_channel_desc()
        ret = acl.media.dvpp_create_channel(self.channel_desc)
        check_ret("acl.media.dvpp_create_channel", ret)

    def _output_desc(self, ptr, size, width, height):
        desc = acl.media.dvpp_create_pic_desc()
        for setter, value in ((acl.media.dvpp_set_pic_desc_data, ptr),
                              (acl.media.dvpp_set_pic_desc_size, size),
                              (acl.media.dvpp_set_pic_desc_format, PIXEL_FORMAT_YUV_SEMIPLANAR_420),
                              (acl.media.dvpp_set_pic_desc_width, width),
                              (acl.media.dvpp_set_pic_desc_height, height),
                              (acl.media.dvpp_set_pic_desc_width_stride, align_up(width, 128)),
                              (acl.media.dvpp_set_pic_desc_height_stride, align_up(height, 16))):
            ret = setter(desc, value)
            if ret != ACL_SUCCESS:
                acl.media.dvpp_destroy_pic_desc(desc)
                return None
        return desc

    def decode(self, jpeg, width, height):
        """Returns (dvpp pointer, size) of the YUV420SP image; the caller frees it."""
        in_size = len(jpeg)
        in_ptr, ret = acl.media.dvpp_malloc(in_size)
        check_ret("acl.media.dvpp_malloc", ret)
        ret = acl.rt.memcpy(in_ptr, in_size, acl.util.bytes_to_ptr(jpeg), in_size,
                            ACL_MEMCPY_HOST_TO_DEVICE)
        if ret != ACL_SUCCESS:
            acl.media.dvpp_free(in_ptr)
            return None, 0
        out_size = align_up(width, 128) * align_up(height, 16) * 3 // 2
        out_ptr, ret = acl.media.dvpp_malloc(out_size)
        if ret != ACL_SUCCESS:
            acl.media.dvpp_free(in_ptr)
            return None, 0
        out_desc = self._output_desc(out_ptr, out_size, width, height)
        if out_desc is None:
            acl.media.dvpp_free(out_ptr)
            acl.media.dvpp_free(in_ptr)
            return None, 0
        ret = acl.media.dvpp_jpeg_decode_async(self.channel_desc, in_ptr, in_size,
                                               out_desc, self.stream)
        sync_ret = acl.rt.synchronize_stream(self.stream)
        acl.media.dvpp_destroy_pic_desc(out_desc)
        acl.media.dvpp_free(in_ptr)
        if (ret, sync_ret) != (ACL_SUCCESS, ACL_SUCCESS):
            acl.media.dvpp_free(out_ptr)
            return None, 0
        return out_ptr, out_size

    def destroy(self):
        if self.channel_desc is not None:
            acl.media.dvpp_destroy_channel(self.channel_desc)
            acl.media.dvpp_destroy_channel_desc(self.channel_desc)
            self.channel_desc = None
        if self.stream is not None:
            acl.rt.destroy_stream(self.stream)
            self.stream = None


def fake_jpeg(seed):
    return b"\xff\xd8\xff\xe0" + bytes([seed]) * 2048 + b"\xff\xd9"


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            context, ret = acl.rt.create_context(0)
            check_ret("acl.rt.create_context", ret)
            decoder = JpegDecoder()
            for seed in range(2):
                ptr, size = decoder.decode(fake_jpeg(seed), 640, 480)
                if ptr is None:
                    continue
                print("decoded", size, "bytes")
                acl.media.dvpp_free(ptr)
            decoder.destroy()
            acl.rt.destroy_context(context)
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
