"""acl.media (DVPP v1) and acl.himpi (dvpp-v2 memory)."""

import struct

from . import _core as C
from . import _memory as Mem
from ._core import S, SimError, fail, lookup, need_ctx, stream_of
from ._errors import (
    INVALID_PARAM,
    INVALID_RESOURCE_HANDLE,
    RESOURCE_NOT_MATCH,
    RT_CONTEXT_NULL,
    RT_MEMORY_ALLOCATION,
    RT_PARAM_INVALID,
)
from ._impl_rt import free_by


# --------------------------------------------------------------------------
# memory
# --------------------------------------------------------------------------
def _alloc(kind, device_of, size, api):
    """Allocate DVPP memory of ``kind`` on the device ``device_of()`` names: (ptr, ret)."""
    try:
        dev = device_of()
        size = C.int_arg(size, "size")
        if size <= 0:
            raise SimError(INVALID_PARAM, "size must be > 0")
        r = Mem.alloc_region(kind, size, dev, True, api, ("device", dev), RT_MEMORY_ALLOCATION)
    except SimError as e:
        return 0, fail(e.code, "%s: %s" % (api, e))
    return r.base, 0


def dvpp_malloc(size):
    c = C.cur_ctx()
    if c is None:
        return 0, fail(RT_CONTEXT_NULL, "acl.media.dvpp_malloc: no current context")
    return _alloc("dvpp", lambda: c.device, size, "acl.media.dvpp_malloc")


def dvpp_free(dev_ptr):
    return free_by(dev_ptr, "dvpp", "acl.media.dvpp_free")


def himpi_dvpp_malloc(dev_id, size):
    return _alloc("himpi", lambda: C.device(dev_id).id, size, "acl.himpi.dvpp_malloc")


def himpi_dvpp_free(ptr):
    return free_by(ptr, "himpi", "acl.himpi.dvpp_free")


# --------------------------------------------------------------------------
# objects
# --------------------------------------------------------------------------
class ChannelDesc(C.Obj):
    __slots__ = ("channel", "params")
    KIND = C.K_CHANNEL_DESC

    def __init__(self):
        self.channel = False
        self.params = {}


class PicDesc(C.Obj):
    __slots__ = ("data", "size", "format", "width", "height", "width_stride", "height_stride",
                 "ret_code")
    KIND = C.K_PIC_DESC

    def __init__(self):
        self.data = 0
        self.size = 0
        self.format = 0
        self.width = 0
        self.height = 0
        self.width_stride = 0
        self.height_stride = 0
        self.ret_code = 0


class RoiConfig(C.Obj):
    __slots__ = ("left", "right", "top", "bottom")
    KIND = C.K_ROI_CONFIG

    def __init__(self, left, right, top, bottom):
        self.left, self.right, self.top, self.bottom = left, right, top, bottom


class ResizeConfig(C.Obj):
    __slots__ = ("interpolation",)
    KIND = C.K_RESIZE_CONFIG

    def __init__(self):
        self.interpolation = 0


class JpegeConfig(C.Obj):
    __slots__ = ("level",)
    KIND = C.K_JPEGE_CONFIG

    def __init__(self):
        self.level = 100


_MEDIA_KINDS = (ChannelDesc, PicDesc, RoiConfig, ResizeConfig, JpegeConfig)


def _obj(h, cls, api):
    return C.lookup_or_raise(h, cls, api, "handle")


_destroy = C.release_checked


def _set_fields(h, cls, api, **fields):
    """Setters of a live ``cls`` object that take any value: set ``fields``, return 0."""
    o, err = C.checked(h, cls, api)
    if o is None:
        return err
    for name, value in fields.items():
        setattr(o, name, value)
    return 0


# channel -------------------------------------------------------------------
def dvpp_create_channel_desc():
    return C.register(ChannelDesc())


def channel_creator(cls, api):
    """create_channel(desc) -> ret for a description class with a ``channel`` flag (DVPP,
    VENC, VDEC): one channel per description, under a current context."""
    def create_channel(channel_desc):
        try:
            need_ctx()
            d = _obj(channel_desc, cls, api)
        except SimError as e:
            return fail(e.code, str(e) if e.code != RT_CONTEXT_NULL else "%s: %s" % (api, e))
        if d.channel:
            return fail(INVALID_PARAM, "%s: a channel already exists for desc %#x" % (api, d.handle))
        d.channel = True
        return 0
    create_channel.__name__ = api.rpartition(".")[2]
    return create_channel


def channel_destroyer(cls, api):
    def destroy_channel(channel_desc):
        d, err = C.checked(channel_desc, cls, api)
        if d is None:
            return err
        if not d.channel:
            return fail(INVALID_PARAM, "%s: desc %#x has no channel" % (api, d.handle))
        d.channel = False
        return 0
    destroy_channel.__name__ = api.rpartition(".")[2]
    return destroy_channel


def channel_desc_destroyer(cls, api, destroy_channel_api):
    """destroy_channel_desc(desc) -> ret: 200004 while the channel still exists [py5046:0202]."""
    def destroy_channel_desc(channel_desc):
        d, err = C.checked(channel_desc, cls, api)
        if d is None:
            return err
        if d.channel:
            return fail(RESOURCE_NOT_MATCH, "%s: the channel of desc %#x still exists; call "
                        "%s first" % (api, d.handle, destroy_channel_api))
        C.release(d)
        return 0
    destroy_channel_desc.__name__ = api.rpartition(".")[2]
    return destroy_channel_desc


dvpp_create_channel = channel_creator(ChannelDesc, "acl.media.dvpp_create_channel")
dvpp_destroy_channel = channel_destroyer(ChannelDesc, "acl.media.dvpp_destroy_channel")
dvpp_destroy_channel_desc = channel_desc_destroyer(
    ChannelDesc, "acl.media.dvpp_destroy_channel_desc", "acl.media.dvpp_destroy_channel")


# pic desc ------------------------------------------------------------------
def dvpp_create_pic_desc():
    return C.register(PicDesc())


def dvpp_destroy_pic_desc(pic_desc):
    return _destroy(pic_desc, PicDesc, "acl.media.dvpp_destroy_pic_desc")


def _pic_setter(field):
    api = "acl.media.dvpp_set_pic_desc_" + field
    attr = {"data": "data", "size": "size", "format": "format", "width": "width",
            "height": "height", "width_stride": "width_stride",
            "height_stride": "height_stride", "ret_code": "ret_code"}[field]

    def setter(pic_desc, value):
        p = lookup(pic_desc, PicDesc)
        if p is None:
            return fail(INVALID_RESOURCE_HANDLE if pic_desc else INVALID_PARAM,
                        "%s: %s" % (api, C.describe_handle(pic_desc)))
        try:
            setattr(p, attr, C.int_arg(value or 0, field))
        except SimError as e:
            return fail(e.code, "%s: %s" % (api, e))
        return 0

    setter.__name__ = "dvpp_set_pic_desc_" + field
    return setter


def _pic_getter(field):
    api = "acl.media.dvpp_get_pic_desc_" + field

    def getter(pic_desc):
        p = lookup(pic_desc, PicDesc)
        if p is None:
            fail(INVALID_RESOURCE_HANDLE, "%s: %s" % (api, C.describe_handle(pic_desc)))
            return 0
        return getattr(p, field)

    getter.__name__ = "dvpp_get_pic_desc_" + field
    return getter


PIC_FIELDS = ("data", "size", "format", "width", "height", "width_stride", "height_stride")
PIC_SETTERS = {"dvpp_set_pic_desc_" + f: _pic_setter(f) for f in PIC_FIELDS}
PIC_GETTERS = {"dvpp_get_pic_desc_" + f: _pic_getter(f) for f in PIC_FIELDS + ("ret_code",)}


# configs -------------------------------------------------------------------
def dvpp_create_roi_config(left, right, top, bottom):
    return C.register(RoiConfig(left, right, top, bottom))


def dvpp_set_roi_config(roi_config, left, right, top, bottom):
    return _set_fields(roi_config, RoiConfig, "acl.media.dvpp_set_roi_config",
                       left=left, right=right, top=top, bottom=bottom)


def dvpp_destroy_roi_config(roi_config):
    return _destroy(roi_config, RoiConfig, "acl.media.dvpp_destroy_roi_config")


def dvpp_create_resize_config():
    return C.register(ResizeConfig())


def dvpp_set_resize_config_interpolation(resize_config, interpolation):
    return _set_fields(resize_config, ResizeConfig, "acl.media.dvpp_set_resize_config_interpolation",
                       interpolation=interpolation)


def dvpp_destroy_resize_config(resize_config):
    return _destroy(resize_config, ResizeConfig, "acl.media.dvpp_destroy_resize_config")


def dvpp_create_jpege_config():
    return C.register(JpegeConfig())


def dvpp_set_jpege_config_level(jpege_config, level):
    api = "acl.media.dvpp_set_jpege_config_level"
    j, err = C.checked(jpege_config, JpegeConfig, api)
    if j is None:
        return err
    if level.__class__ is not int or not 0 <= level <= 100:
        return fail(INVALID_PARAM, "%s: level must be 0..100" % api)
    j.level = level
    return 0


def dvpp_get_jpege_config_level(jpege_config):
    j = lookup(jpege_config, JpegeConfig)
    return 0 if j is None else j.level


def dvpp_destroy_jpege_config(jpege_config):
    return _destroy(jpege_config, JpegeConfig, "acl.media.dvpp_destroy_jpege_config")


def media_setter(name):
    """Generic acl.media.dvpp_set_*(handle, ...) -> ret for setters not modelled one by one."""
    api = "acl.media." + name

    def setter(handle, *args):
        o = S.objs.get(handle)
        if o is None or not isinstance(o, _MEDIA_KINDS):
            return fail(INVALID_RESOURCE_HANDLE if handle else INVALID_PARAM,
                        "%s: %s" % (api, C.describe_handle(handle)))
        if isinstance(o, ChannelDesc):
            o.params[name] = args
        return 0

    setter.__name__ = name
    return setter


# --------------------------------------------------------------------------
# image headers
# --------------------------------------------------------------------------
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def jpeg_info(data):
    """(width, height, components) from the SOF segment of a JPEG, or None."""
    if len(data) < 4 or data[0] != 0xFF or data[1] != 0xD8:
        return None
    i, n = 2, len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            i += 1
            continue
        m = data[i + 1]
        if m == 0xFF:
            i += 1
            continue
        if m == 0x01 or 0xD0 <= m <= 0xD8:
            i += 2
            continue
        if m in (0xD9, 0xDA):
            return None
        seg = (data[i + 2] << 8) | data[i + 3]
        if m in _SOF:
            if seg < 8 or i + 10 > n:
                return None
            h = (data[i + 5] << 8) | data[i + 6]
            w = (data[i + 7] << 8) | data[i + 8]
            return w, h, data[i + 9]
        i += 2 + seg
    return None


_PNG_SIG = b"\x89PNG\r\n\x1a\n"


def png_info(data):
    if len(data) < 26 or data[:8] != _PNG_SIG or data[12:16] != b"IHDR":
        return None
    w, h = struct.unpack(">II", data[16:24])
    comps = {0: 1, 2: 3, 3: 3, 4: 2, 6: 4}.get(data[25], 3)
    return w, h, comps


def make_jpeg(width, height, payload):
    """A minimal baseline JPEG header (SOI, SOF0, COM payload, EOI) that
    dvpp_jpeg_get_image_info can read back."""
    sof = struct.pack(">BBHBHHB", 0xFF, 0xC0, 17, 8, height & 0xFFFF, width & 0xFFFF, 3)
    sof += b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    com = struct.pack(">BBH", 0xFF, 0xFE, 2 + len(payload)) + payload
    return b"\xff\xd8" + sof + com + b"\xff\xd9"


def _image_bytes(data, size, api):
    size = C.int_arg(size, "size")
    if not data or size <= 0:
        raise SimError(INVALID_PARAM, "%s: null data or size <= 0" % api)
    return Mem.read_for(data, size, api)


def _image_info(data, size, parse, what, api):
    """(width, height, components, ret) of the ``what`` image at ``data`` read by ``parse``."""
    try:
        info = parse(_image_bytes(data, size, api))
    except SimError as e:
        return 0, 0, 0, fail(e.code, str(e))
    if info is None:
        return 0, 0, 0, fail(INVALID_PARAM, "%s: not a %s image" % (api, what))
    return info[0], info[1], info[2], 0


def dvpp_jpeg_get_image_info(data, size):
    return _image_info(data, size, jpeg_info, "JPEG", "acl.media.dvpp_jpeg_get_image_info")


def dvpp_png_get_image_info(data, size):
    return _image_info(data, size, png_info, "PNG", "acl.media.dvpp_png_get_image_info")


def yuv_size(width, height, fmt):
    ws, hs = Mem.align(width, 128), Mem.align(height, 16)
    if fmt in (3, 4):  # YUV422 semi-planar
        return ws * hs * 2
    if fmt in (5, 6):  # YUV444 semi-planar
        return ws * hs * 3
    return ws * hs * 3 // 2


def dvpp_jpeg_predict_dec_size(data, size, output_pixel_format):
    w, h, _, ret = _image_info(data, size, jpeg_info, "JPEG", "acl.media.dvpp_jpeg_predict_dec_size")
    return (0, ret) if ret else (yuv_size(w, h, output_pixel_format), 0)


def png_out_size(width, height, fmt):
    bpp = 4 if fmt in (14, 15, 16, 17) else 3  # ARGB/ABGR/RGBA/BGRA_8888, else 3 bytes
    return Mem.align(width * bpp, 128) * Mem.align(height, 16)


def dvpp_png_predict_dec_size(data, size, output_pixel_format):
    w, h, _, ret = _image_info(data, size, png_info, "PNG", "acl.media.dvpp_png_predict_dec_size")
    return (0, ret) if ret else (png_out_size(w, h, output_pixel_format), 0)


def dvpp_jpeg_predict_enc_size(input_desc, jpege_config):
    api = "acl.media.dvpp_jpeg_predict_enc_size"
    try:
        p = _obj(input_desc, PicDesc, api)
        _obj(jpege_config, JpegeConfig, api)
    except SimError as e:
        return 0, fail(e.code, str(e))
    ws = p.width_stride or Mem.align(p.width, 16)
    hs = p.height_stride or Mem.align(p.height, 2)
    if ws <= 0 or hs <= 0:
        return 0, fail(INVALID_PARAM, "%s: the pic desc has no width/height" % api)
    return Mem.align(ws * hs * 3 // 2 + 1024, 128), 0


# --------------------------------------------------------------------------
# async processing
# --------------------------------------------------------------------------
def _dvpp_mem(addr, size, what, api):
    if not addr:
        raise SimError(INVALID_PARAM, "%s: %s has no memory" % (api, what))
    try:
        r, off = Mem.resolve(addr, size)
    except SimError as e:
        raise SimError(e.code, "%s: %s: %s" % (api, what, e))
    if S.cfg.strict_memory_sides and (r is None or r.alloc not in ("dvpp", "himpi")):
        raise SimError(RT_PARAM_INVALID, "%s: %s must be DVPP memory (acl.media.dvpp_malloc), "
                       "not %s" % (api, what, "host memory" if r is None else r.origin))
    return r, off


def _pic_mem(p, what, api):
    if not p.alive:
        raise SimError(INVALID_RESOURCE_HANDLE, "%s: %s was destroyed" % (api, what))
    if p.size <= 0:
        raise SimError(INVALID_PARAM, "%s: %s has no size" % (api, what))
    return _dvpp_mem(p.data, p.size, what, api)


def _channel(desc, api):
    d = _obj(desc, ChannelDesc, api)
    if not d.channel:
        raise SimError(INVALID_PARAM, "%s: desc %#x has no channel (call "
                       "acl.media.dvpp_create_channel)" % (api, d.handle))
    return d


def _live_channel(d, api):
    if not d.alive or not d.channel:
        raise SimError(INVALID_PARAM, "%s: the channel was destroyed before the task ran" % api)


def _fill_out(pout, r, off, tag, src):
    digest = C.digest_of([tag.encode(), src, struct.pack("<II", pout.width, pout.height)])
    Mem.write_region(r, off, C.fill_bytes(digest, 0, 4, pout.size))
    pout.ret_code = 0


def _vpc_task(chan, pin, pout, api):
    _live_channel(chan, api)
    ri, oi = _pic_mem(pin, "input pic desc", api)
    ro, oo = _pic_mem(pout, "output pic desc", api)
    _fill_out(pout, ro, oo, api, Mem.read_region(ri, oi, pin.size))
    return 0


def _submit_vpc(api, channel_desc, input_desc, output_desc, stream, cfgs):
    try:
        ctx = need_ctx()
        chan = _channel(channel_desc, api)
        pin = _obj(input_desc, PicDesc, api)
        pout = _obj(output_desc, PicDesc, api)
        for h, cls in cfgs:
            _obj(h, cls, api)
        s = stream_of(stream, ctx)
        _pic_mem(pin, "input pic desc", api)
        _pic_mem(pout, "output pic desc", api)
    except SimError as e:
        return fail(e.code, str(e))
    C.enqueue(s, _vpc_task, (chan, pin, pout, api), api)
    return 0


def dvpp_vpc_resize_async(channel_desc, input_desc, output_desc, resize_config, stream):
    return _submit_vpc("acl.media.dvpp_vpc_resize_async", channel_desc, input_desc, output_desc,
                       stream, [(resize_config, ResizeConfig)])


def dvpp_vpc_crop_async(channel_desc, input_desc, output_desc, crop_area, stream):
    return _submit_vpc("acl.media.dvpp_vpc_crop_async", channel_desc, input_desc, output_desc,
                       stream, [(crop_area, RoiConfig)])


def dvpp_vpc_crop_and_paste_async(channel_desc, input_desc, output_desc, crop_area, paste_area,
                                  stream):
    return _submit_vpc("acl.media.dvpp_vpc_crop_and_paste_async", channel_desc, input_desc,
                       output_desc, stream, [(crop_area, RoiConfig), (paste_area, RoiConfig)])


def dvpp_vpc_convert_color_async(channel_desc, input_desc, output_desc, stream):
    return _submit_vpc("acl.media.dvpp_vpc_convert_color_async", channel_desc, input_desc,
                       output_desc, stream, [])


def _decode_task(chan, data, size, pout, api, info_fn, size_fn):
    _live_channel(chan, api)
    ri, oi = _dvpp_mem(data, size, "input data", api)
    src = Mem.read_region(ri, oi, size)
    info = info_fn(src)
    if info is None:
        pout.ret_code = INVALID_PARAM
        raise SimError(INVALID_PARAM, "%s: the input is not a valid image" % api)
    need = size_fn(info[0], info[1], pout.format)
    if pout.size < need:
        pout.ret_code = INVALID_PARAM
        raise SimError(INVALID_PARAM, "%s: output pic desc size %d < %d needed for %dx%d"
                       % (api, pout.size, need, info[0], info[1]))
    ro, oo = _pic_mem(pout, "output pic desc", api)
    if not pout.width:
        pout.width, pout.height = info[0], info[1]
    _fill_out(pout, ro, oo, api, src)
    return 0


def _submit_decode(api, channel_desc, data, size, output_desc, stream, info_fn, size_fn):
    try:
        ctx = need_ctx()
        chan = _channel(channel_desc, api)
        pout = _obj(output_desc, PicDesc, api)
        s = stream_of(stream, ctx)
        size = C.int_arg(size, "size")
        if size <= 0:
            raise SimError(INVALID_PARAM, "%s: size must be > 0" % api)
        _dvpp_mem(data, size, "input data", api)
        _pic_mem(pout, "output pic desc", api)
    except SimError as e:
        return fail(e.code, str(e))
    C.enqueue(s, _decode_task, (chan, data, size, pout, api, info_fn, size_fn), api)
    return 0


def dvpp_jpeg_decode_async(channel_desc, data, size, output_desc, stream):
    return _submit_decode("acl.media.dvpp_jpeg_decode_async", channel_desc, data, size,
                          output_desc, stream, jpeg_info, yuv_size)


def dvpp_png_decode_async(channel_desc, data, size, output_desc, stream):
    return _submit_decode("acl.media.dvpp_png_decode_async", channel_desc, data, size,
                          output_desc, stream, png_info, png_out_size)


def _encode_task(chan, pin, out, out_size_ptr, api):
    _live_channel(chan, api)
    ri, oi = _pic_mem(pin, "input pic desc", api)
    src = Mem.read_region(ri, oi, pin.size)
    cap = struct.unpack("<I", Mem.read(out_size_ptr, 4))[0]
    payload = C.fill_bytes(C.digest_of([api.encode(), src]), 0, 4, 64)
    jpg = make_jpeg(pin.width, pin.height, payload)
    if len(jpg) > cap:
        raise SimError(INVALID_PARAM, "%s: output capacity %d < %d" % (api, cap, len(jpg)))
    ro, oo = _dvpp_mem(out, len(jpg), "output buffer", api)
    Mem.write_region(ro, oo, jpg)
    Mem.write(out_size_ptr, struct.pack("<I", len(jpg)))
    return 0


def dvpp_jpeg_encode_async(channel_desc, input_desc, data, size, config, stream):
    """``size`` is a pointer to a uint32 holding the capacity of ``data``; the encoder
    writes the JPEG size there (samples pass numpy_to_ptr(np.array([n], np.int32)))."""
    api = "acl.media.dvpp_jpeg_encode_async"
    try:
        ctx = need_ctx()
        chan = _channel(channel_desc, api)
        pin = _obj(input_desc, PicDesc, api)
        _obj(config, JpegeConfig, api)
        s = stream_of(stream, ctx)
        _pic_mem(pin, "input pic desc", api)
        _dvpp_mem(data, 1, "output buffer", api)
        if not size:
            raise SimError(INVALID_PARAM, "%s: null size pointer" % api)
        Mem.resolve(size, 4)
    except SimError as e:
        return fail(e.code, str(e))
    C.enqueue(s, _encode_task, (chan, pin, data, size, api), api)
    return 0
