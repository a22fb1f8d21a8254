"""A serving loop over script_pkg: each request stages the output through
Net.stage -> script_pkg.utils.copy_to_device; a failure is logged and the loop
goes on to the next request, so the memory that copy_to_device leaks when its
copy fails is lost for good while the process lives: ACL102 stays (in utils.py).
"""
import os
import sys

import acl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from script_pkg.net import Net  # noqa: E402

DEVICE_ID = 0
SIZE = 1024


def serve(requests):
    net = Net(SIZE)
    for _ in requests:
        try:
            staged = net.stage()
        except RuntimeError as exc:
            print("request failed:", exc)
            continue
        acl.rt.free(staged)
    net.close()


def main():
    ret = acl.init()
    if ret != 0:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == 0:
        serve(range(3))
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
