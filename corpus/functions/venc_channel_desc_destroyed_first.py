"""ACL203 + ACL105: a VENC encoder is torn down in the wrong order: the channel
description is destroyed before the channel made from it (the later
venc_destroy_channel then fails, as documented [en850:0234]), and no method
destroys the frame config (at run time: still live when the audit ends, ACL101).
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
        self.frame_config = acl.media.venc_create_frame_config()  # expect[static]: ACL105  # expect[runtime]: ACL101

    def last_frame(self):
        return acl.media.venc_set_frame_config_eos(self.frame_config, 1)

    def close(self):
        acl.media.venc_destroy_channel_desc(self.channel_desc)  # expect: ACL203
        if self.ok:
            ret = acl.media.venc_destroy_channel(self.channel_desc)
            print("destroy channel:", ret)


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
