"""VDEC: the output memory goes to the callback with the output picture description (clean).

send_frame() mallocs the DVPP output memory of each frame, sets it into the
output picture description stored in self.pic_desc and hands both to
`vdec_send_frame`. The callback registered with `vdec_set_channel_desc_callback`
receives that description as its `output`, takes the memory out of it
(`dvpp_get_pic_desc_data`) into self.frames, and destroys the description;
close() frees the frames. The memory is not leaked by the object. The
look-alike whose callback does not take it is own_vdec_callback_drops_output.py.
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
        self.frames = []

    def _callback(self, input_stream_desc, output_pic_desc, user_data):
        if input_stream_desc:
            acl.media.dvpp_destroy_stream_desc(input_stream_desc)
        if output_pic_desc:
            frame = acl.media.dvpp_get_pic_desc_data(output_pic_desc)
            self.frames.append(frame)
            acl.media.dvpp_destroy_pic_desc(output_pic_desc)

    def send_frame(self, frame_ptr, frame_size, out_size):
        self.stream_desc = acl.media.dvpp_create_stream_desc()
        acl.media.dvpp_set_stream_desc_data(self.stream_desc, frame_ptr)
        acl.media.dvpp_set_stream_desc_size(self.stream_desc, frame_size)
        out_mem, ret = acl.media.dvpp_malloc(out_size)
        check_ret("acl.media.dvpp_malloc", ret)
        self.pic_desc = acl.media.dvpp_create_pic_desc()
        acl.media.dvpp_set_pic_desc_data(self.pic_desc, out_mem)
        acl.media.dvpp_set_pic_desc_size(self.pic_desc, out_size)
        ret = acl.media.vdec_send_frame(self.channel_desc, self.stream_desc, self.pic_desc,
                                        self.frame_config, None)
        check_ret("acl.media.vdec_send_frame", ret)

    def close(self):
        for frame in self.frames:
            acl.media.dvpp_free(frame)
        self.frames = []
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
