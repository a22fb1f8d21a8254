"""AclLiteImageProc: a DVPP channel and a resize config, plus per-image resize.

The stream is borrowed from the AclLiteResource (not owned here). Pic descs
are created and destroyed inside each call; resized images are handed to the
caller as DvppImage objects, which own their DVPP memory.
"""

import acl

from . import constants as const
from .image import DvppImage
from .resource_list import resource_list
from .utils import align_up, check_ret, log_error, yuv420sp_size


def _set_pic_desc(pic_desc, ptr, size, width, height):
    ret = acl.media.dvpp_set_pic_desc_data(pic_desc, ptr)
    if ret != const.ACL_SUCCESS:
        return ret
    ret = acl.media.dvpp_set_pic_desc_size(pic_desc, size)
    if ret != const.ACL_SUCCESS:
        return ret
    ret = acl.media.dvpp_set_pic_desc_format(
        pic_desc, const.PIXEL_FORMAT_YUV_SEMIPLANAR_420)
    if ret != const.ACL_SUCCESS:
        return ret
    ret = acl.media.dvpp_set_pic_desc_width(pic_desc, width)
    if ret != const.ACL_SUCCESS:
        return ret
    ret = acl.media.dvpp_set_pic_desc_height(pic_desc, height)
    if ret != const.ACL_SUCCESS:
        return ret
    ret = acl.media.dvpp_set_pic_desc_width_stride(pic_desc, align_up(width, 16))
    if ret != const.ACL_SUCCESS:
        return ret
    ret = acl.media.dvpp_set_pic_desc_height_stride(pic_desc, align_up(height, 2))
    return ret


class AclLiteImageProc(object):
    def __init__(self, acl_resource):
        self._stream = acl_resource.stream
        self._dvpp_channel_desc = None
        self._resize_config = None
        self._is_destroyed = False
        self._init_resource()
        resource_list.register(self)

    def _init_resource(self):
        self._dvpp_channel_desc = acl.media.dvpp_create_channel_desc()
        ret = acl.media.dvpp_create_channel(self._dvpp_channel_desc)
        check_ret("acl.media.dvpp_create_channel", ret)
        self._resize_config = acl.media.dvpp_create_resize_config()

    def copy_to_dvpp(self, data, width, height):
        size = len(data)
        dvpp_ptr, ret = acl.media.dvpp_malloc(size)
        check_ret("acl.media.dvpp_malloc", ret)
        ret = acl.rt.memcpy(dvpp_ptr, size, acl.util.bytes_to_ptr(data), size,
                            const.ACL_MEMCPY_HOST_TO_DEVICE)
        if ret != const.ACL_SUCCESS:
            acl.media.dvpp_free(dvpp_ptr)
            raise Exception("acl.rt.memcpy failed ret={}".format(ret))
        return DvppImage(dvpp_ptr, size, width, height)

    def _create_pic_desc(self, ptr, size, width, height):
        pic_desc = acl.media.dvpp_create_pic_desc()
        if pic_desc == 0:
            log_error("acl.media.dvpp_create_pic_desc failed")
            return None
        ret = _set_pic_desc(pic_desc, ptr, size, width, height)
        if ret != const.ACL_SUCCESS:
            log_error("set pic desc failed", ret)
            acl.media.dvpp_destroy_pic_desc(pic_desc)
            return None
        return pic_desc

    def resize(self, image, resize_width, resize_height):
        input_desc = self._create_pic_desc(image.data(), image.size,
                                           image.width, image.height)
        if input_desc is None:
            return None
        out_width = align_up(resize_width, 16)
        out_height = align_up(resize_height, 2)
        out_size = yuv420sp_size(out_width, out_height)
        out_buffer, ret = acl.media.dvpp_malloc(out_size)
        if ret != const.ACL_SUCCESS:
            log_error("acl.media.dvpp_malloc failed", ret)
            acl.media.dvpp_destroy_pic_desc(input_desc)
            return None
        output_desc = self._create_pic_desc(out_buffer, out_size,
                                            out_width, out_height)
        if output_desc is None:
            acl.media.dvpp_free(out_buffer)
            acl.media.dvpp_destroy_pic_desc(input_desc)
            return None

        ret = acl.media.dvpp_vpc_resize_async(self._dvpp_channel_desc,
                                              input_desc, output_desc,
                                              self._resize_config, self._stream)
        sync_ret = acl.rt.synchronize_stream(self._stream)
        acl.media.dvpp_destroy_pic_desc(output_desc)
        acl.media.dvpp_destroy_pic_desc(input_desc)
        if (ret, sync_ret) != (const.ACL_SUCCESS, const.ACL_SUCCESS):
            log_error("vpc resize failed", ret, sync_ret)
            acl.media.dvpp_free(out_buffer)
            return None
        return DvppImage(out_buffer, out_size, out_width, out_height)

    def destroy(self):
        if self._is_destroyed:
            return
        if self._resize_config is not None:
            acl.media.dvpp_destroy_resize_config(self._resize_config)
            self._resize_config = None
        if self._dvpp_channel_desc is not None:
            acl.media.dvpp_destroy_channel(self._dvpp_channel_desc)
            acl.media.dvpp_destroy_channel_desc(self._dvpp_channel_desc)
            self._dvpp_channel_desc = None
        self._is_destroyed = True
        resource_list.unregister(self)

    def __del__(self):
        self.destroy()
