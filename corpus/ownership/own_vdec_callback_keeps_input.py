"""VDEC: a callback that destroys only the picture description (firing: ACL104).

The look-alike of own_vdec_callback_releases.py: the registered callback
destroys its output picture description but not its input stream
description, and no method destroys self.stream_desc: every description made
by send_frame() is lost, one per call (the per-call code, ACL104, which says
that no method releases the last one either; not a second ACL105). (main()
only builds and closes the decoder.)
"""

import acl

ACL_SUCCESS = 0
H264_MAIN_LEVEL = 1
PIXEL_FORMAT_YUV_SEMIPLANAR_420 = 1


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


class Decoder(object):
    def __init__(self, thread_id):
        self.channel_desc = acl.media.vdec_create_channel_desc()
        acl.media.vdec_set_channel_desc_channel_id(self.channel_desc, 0)
        acl.media.vdec_set_channel_desc_thread_id(self.channel_desc, thread_id)
        acl.media.vdec_set_channel_desc_callback(self.channel_desc, self._callback)
        acl.media.vdec_set_channel_desc_entype(self.channel_desc, H264_MAIN_LEVEL)
        acl.media.vdec_set_channel_desc_out_pic_format(self.channel_desc, PIXEL_FORMAT_YUV_SEMIPLANAR_420)
        self.frame_config = acl.media.vdec_create_frame_config()
        self.stream_desc = None
        self.pic_desc = None

    def _callback(self, input_stream_desc, output_pic_desc, user_data):
        if output_pic_desc:
            acl.media.dvpp_destroy_pic_desc(output_pic_desc)

    def send_frame(self, frame_ptr, frame_size, out_ptr, out_size):
        self.stream_desc = acl.media.dvpp_create_stream_desc()  # expect[static]: ACL104
        acl.media.dvpp_set_stream_desc_data(self.stream_desc, frame_ptr)
        acl.media.dvpp_set_stream_desc_size(self.stream_desc, frame_size)
        self.pic_desc = acl.media.dvpp_create_pic_desc()
        acl.media.dvpp_set_pic_desc_data(self.pic_desc, out_ptr)
        acl.media.dvpp_set_pic_desc_size(self.pic_desc, out_size)
        ret = acl.media.vdec_send_frame(self.channel_desc, self.stream_desc, self.pic_desc,
                                        self.frame_config, None)
        check_ret("acl.media.vdec_send_frame", ret)

    def close(self):
        acl.media.vdec_destroy_frame_config(self.frame_config)
        acl.media.vdec_destroy_channel_desc(self.channel_desc)


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(0)
        check_ret("acl.rt.set_device", ret)
        try:
            decoder = Decoder(0)
            decoder.close()
        finally:
            acl.rt.reset_device(0)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
