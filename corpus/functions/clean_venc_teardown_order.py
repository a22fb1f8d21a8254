"""Clean look-alike of venc_channel_desc_destroyed_first: the encoder destroys its
frame config, then the channel, then the channel description [en850:0234].
"""
import acl

ACL_SUCCESS = 0
DEVICE_ID = 0
H265_MAIN = 0
PIXEL_FORMAT_YUV_SEMIPLANAR_420 = 1
WIDTH, HEIGHT = 128, 128


class Encoder:
    def __init__(self):
        self.channel_desc = acl.media.venc_create_channel_desc()
        ret = acl.media.venc_set_channel_desc_entype(self.channel_desc, H265_MAIN)
        if ret == ACL_SUCCESS:
            ret = acl.media.venc_set_channel_desc_pic_format(self.channel_desc, PIXEL_FORMAT_YUV_SEMIPLANAR_420)
        if ret == ACL_SUCCESS:
            ret = acl.media.venc_set_channel_desc_pic_width(self.channel_desc, WIDTH)
        if ret == ACL_SUCCESS:
            ret = acl.media.venc_set_channel_desc_pic_height(self.channel_desc, HEIGHT)
        if ret == ACL_SUCCESS:
            ret = acl.media.venc_create_channel(self.channel_desc)
        self.ok = ret == ACL_SUCCESS
        self.frame_config = acl.media.venc_create_frame_config()

    def last_frame(self):
        return acl.media.venc_set_frame_config_eos(self.frame_config, 1)

    def close(self):
        acl.media.venc_destroy_frame_config(self.frame_config)
        if self.ok:
            ret = acl.media.venc_destroy_channel(self.channel_desc)
            print("destroy channel:", ret)
        acl.media.venc_destroy_channel_desc(self.channel_desc)


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        encoder = Encoder()
        print("eos:", encoder.last_frame())
        encoder.close()
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
