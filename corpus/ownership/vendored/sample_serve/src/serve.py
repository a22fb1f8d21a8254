"""A serving sample with its own copy of vlite: each request builds a VModel; a failure is
logged and the loop goes on to the next request, so the dataset VModel() leaks when a malloc
fails is lost while the process lives: ACL102 stays (in this sample's copy only)."""
import acl

from vlite.vmodel import VModel

DEVICE_ID = 0


def serve(requests):
    for sizes in requests:
        try:
            model = VModel(sizes)
        except RuntimeError as exc:
            print("request failed:", exc)
            continue
        model.close()


def main():
    ret = acl.init()
    if ret != 0:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == 0:
        serve([[1024], [2048, 512]])
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
