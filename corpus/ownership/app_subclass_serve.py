"""A serving loop over subclass_pkg: each request builds a FrameStager; a failure is logged
and the loop goes on, so what BaseStager's constructor leaks on a failed malloc is lost for
good while the process lives (ACL102 stays in stager.py)."""
import acl

from subclass_pkg.stager import FrameStager

DEVICE_ID = 0


def serve(requests):
    for size in requests:
        try:
            stager = FrameStager(size)
        except RuntimeError as exc:
            print("request failed:", exc)
            continue
        stager.close()


def main():
    ret = acl.init()
    if ret != 0:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == 0:
        serve([1024, 4096])
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
