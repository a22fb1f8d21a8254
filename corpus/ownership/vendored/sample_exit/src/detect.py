"""A detection sample run as a script from its folder: `from vlite.vmodel import VModel`
reaches the copy beside it (the script's folder comes first on sys.path), not the copies of
other samples. Nothing catches: a failed malloc in VModel() ends the process, so the dataset
it leaks then is not reported (design.md section 7)."""
import acl

from vlite.vmodel import VModel

DEVICE_ID = 0


def main():
    ret = acl.init()
    if ret != 0:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == 0:
        model = VModel([1024, 2048])
        model.close()
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
