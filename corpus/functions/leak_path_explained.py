"""A leaking path that explains only this resource's fate (EXPECTED.snap pins it):
the picture description is never destroyed. The test of a plain value in the
loop (`frame == b"skip"`) decides nothing about it and is left out of its path,
and so is the release of the other handle (`staging`). The function runs off
its end: the exit step points at its last line, not at the acquire.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
DEVICE_ID = 0


def prepare(soc_version, frames):
    width = 64
    if soc_version == "Ascend310P3":
        width = 128
    staging, ret = acl.rt.malloc(width * width, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return 0
    desc = acl.media.dvpp_create_pic_desc()  # expect: ACL101
    for frame in frames:
        if frame == b"skip":
            continue
        acl.media.dvpp_set_pic_desc_width(desc, width)
        print("frame", frame)
    acl.rt.free(staging)
    print("prepared", len(frames), "frames")


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            prepare("Ascend310", [b"a", b"b"])
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
