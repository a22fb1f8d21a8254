"""A sample without its own copy: it appends the shared `../common` folder to sys.path (as
the samples do, from the script's own folder) and imports that copy. Nothing catches: a
failed malloc in VModel() ends the process (not reported in common/vlite/vmodel.py)."""
import os
import sys

import acl

path = os.path.dirname(os.path.abspath(__file__))
sys.path.append(os.path.join(path, "../common"))

from vlite.vmodel import VModel  # noqa: E402

DEVICE_ID = 0


def main():
    ret = acl.init()
    if ret != 0:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == 0:
        model = VModel([4096])
        model.close()
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
