"""acl.media video codecs (VENC, VDEC) and DVPP stream / batch picture descriptions: the
object lifecycles, setters and getters.

Encoding and decoding themselves (venc_send_frame, vdec_send_frame) and batch VPC are not
simulated: rules/simulation.toml gives the reason, and calling them on the simulator raises an
AttributeError that says so.

Error codes (pyacl-reference.md section 3 classes, as for the other DVPP objects):
* a null handle: 100000 INVALID_PARAM; a handle that is unknown, released or of another
  kind: 200005 INVALID_RESOURCE_HANDLE;
* a second create_channel on one description, destroy_channel without a channel, a batch
  index out of range: 100000 INVALID_PARAM;
* destroy_channel after the description was destroyed fails [en850:0234] (the handle is
  released: 200005), and the channel can then never be destroyed;
* a VDEC channel description whose channel still exists cannot be destroyed: 200004
  RESOURCE_NOT_MATCH, as for DVPP channels [py5046:0202].
"""

from . import _core as C
from ._core import fail
from ._errors import INVALID_PARAM, SimError
from ._impl_media import PicDesc, _destroy, channel_creator, channel_desc_destroyer, channel_destroyer


class _ParamObj(C.Obj):
    """An object whose setters store values that the getters return."""

    __slots__ = ("params", "channel")

    def __init__(self):
        self.params = {}
        self.channel = False


def _kind(name, kind):
    return type(name, (_ParamObj,), {"__slots__": (), "KIND": kind})


VencChannelDesc = _kind("VencChannelDesc", C.K_VENC_CHANNEL_DESC)
VencFrameConfig = _kind("VencFrameConfig", C.K_VENC_FRAME_CONFIG)
VdecChannelDesc = _kind("VdecChannelDesc", C.K_VDEC_CHANNEL_DESC)
VdecFrameConfig = _kind("VdecFrameConfig", C.K_VDEC_FRAME_CONFIG)
StreamDesc = _kind("StreamDesc", C.K_STREAM_DESC)


class BatchPicDesc(C.Obj):
    __slots__ = ("pics",)
    KIND = C.K_BATCH_PIC_DESC

    def __init__(self, n):
        self.pics = [C.register(PicDesc()) for _ in range(n)]


def _get(h, cls, api):
    return C.lookup_or_raise(h, cls, api, C.KIND_NAMES[cls.KIND])


def _creator(cls):
    def create():
        return C.register(cls())
    return create


def _destroyer(cls, api):
    def destroy(handle):
        return _destroy(handle, cls, api)
    return destroy


def _setter(cls, api, key):
    def setter(handle, value):
        try:
            o = _get(handle, cls, api)
        except SimError as e:
            return fail(e.code, str(e))
        o.params[key] = value
        return 0
    return setter


def _getter(cls, api, key):
    def getter(handle):
        o, _err = C.checked(handle, cls, api, C.KIND_NAMES[cls.KIND])
        if o is None:
            return 0
        return o.params.get(key, 0)
    return getter


def _accessors(prefix, cls, setters, getters):
    """{name: function} for the setters and getters of one object kind: ``prefix`` is the
    getter prefix (``venc_get_channel_desc``), the setters have ``_set_`` in its place."""
    out = {}
    for key in setters:
        name = "%s_%s" % (prefix.replace("_get_", "_set_"), key)
        out[name] = _setter(cls, "acl.media." + name, key)
    for key in getters:
        name = "%s_%s" % (prefix, key)
        out[name] = _getter(cls, "acl.media." + name, key)
    return out


_VENC_DESC = ("thread_id", "callback", "entype", "pic_format", "pic_width", "pic_height",
              "key_frame_interval", "buf_addr", "buf_size", "rc_mode", "src_rate", "max_bit_rate")
_VDEC_DESC = ("channel_id", "thread_id", "callback", "entype", "out_pic_format", "out_mode",
              "out_pic_width", "out_pic_height", "ref_frame_num", "display_frame_num")
_STREAM_DESC = ("data", "size", "format", "timestamp", "ret_code", "eos")
_VENC_FRAME = ("eos", "force_i_frame")


FUNCS = {
    "venc_create_channel_desc": _creator(VencChannelDesc),
    "venc_destroy_channel_desc": _destroyer(VencChannelDesc, "acl.media.venc_destroy_channel_desc"),
    "venc_create_channel": channel_creator(VencChannelDesc, "acl.media.venc_create_channel"),
    "venc_destroy_channel": channel_destroyer(VencChannelDesc, "acl.media.venc_destroy_channel"),
    "venc_create_frame_config": _creator(VencFrameConfig),
    "venc_destroy_frame_config": _destroyer(VencFrameConfig, "acl.media.venc_destroy_frame_config"),
    "vdec_create_channel_desc": _creator(VdecChannelDesc),
    "vdec_destroy_channel_desc": channel_desc_destroyer(
        VdecChannelDesc, "acl.media.vdec_destroy_channel_desc", "acl.media.vdec_destroy_channel"),
    "vdec_create_channel": channel_creator(VdecChannelDesc, "acl.media.vdec_create_channel"),
    "vdec_destroy_channel": channel_destroyer(VdecChannelDesc, "acl.media.vdec_destroy_channel"),
    "vdec_create_frame_config": _creator(VdecFrameConfig),
    "vdec_destroy_frame_config": _destroyer(VdecFrameConfig, "acl.media.vdec_destroy_frame_config"),
    "dvpp_create_stream_desc": _creator(StreamDesc),
    "dvpp_destroy_stream_desc": _destroyer(StreamDesc, "acl.media.dvpp_destroy_stream_desc"),
}
FUNCS.update(_accessors("venc_get_channel_desc", VencChannelDesc, _VENC_DESC, _VENC_DESC))
FUNCS.update(_accessors("venc_get_frame_config", VencFrameConfig, _VENC_FRAME, _VENC_FRAME))
FUNCS.update(_accessors("vdec_get_channel_desc", VdecChannelDesc, _VDEC_DESC, _VDEC_DESC))
FUNCS.update(_accessors("dvpp_get_stream_desc", StreamDesc, _STREAM_DESC, _STREAM_DESC))


# batch picture descriptions ------------------------------------------------------------------
def dvpp_create_batch_pic_desc(batch_size):
    try:
        n = C.int_arg(batch_size, "batch_size")
        if n <= 0:
            raise SimError(INVALID_PARAM, "batch_size must be > 0")
    except SimError as e:
        fail(e.code, "acl.media.dvpp_create_batch_pic_desc: %s" % e)
        return 0
    return C.register(BatchPicDesc(n))


def dvpp_destroy_batch_pic_desc(batch_pic_desc):
    """Destroys the batch and the picture descriptions it holds."""
    api = "acl.media.dvpp_destroy_batch_pic_desc"
    try:
        b = _get(batch_pic_desc, BatchPicDesc, api)
    except SimError as e:
        return fail(e.code, str(e))
    for h in b.pics:
        p = C.lookup(h, PicDesc)
        if p is not None:
            C.release(p)
    C.release(b)
    return 0


def dvpp_get_pic_desc(batch_pic_desc, index):
    """The index-th picture description of a batch (owned by the batch), 0 on failure."""
    api = "acl.media.dvpp_get_pic_desc"
    try:
        b = _get(batch_pic_desc, BatchPicDesc, api)
        i = C.int_arg(index, "index")
        if not 0 <= i < len(b.pics):
            raise SimError(INVALID_PARAM, "%s: index %d out of range (batch of %d)" % (api, i, len(b.pics)))
    except SimError as e:
        fail(e.code, str(e))
        return 0
    return b.pics[i]


FUNCS.update({
    "dvpp_create_batch_pic_desc": dvpp_create_batch_pic_desc,
    "dvpp_destroy_batch_pic_desc": dvpp_destroy_batch_pic_desc,
    "dvpp_get_pic_desc": dvpp_get_pic_desc,
})
