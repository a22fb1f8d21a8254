"""Detection with leaky_pkg, whose release helpers live in another module (firing).

Run as a script: python corpus/ownership/app_leaky_pkg.py
The findings are reported inside the package (see leaky_pkg/__init__.py):
ACL106 at the output malloc in leaky_pkg/buffers.py, ACL203 at the
reset_device in leaky_pkg/teardown.py. This file itself is clean.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import acl  # noqa: E402

from leaky_pkg.detector import Detector  # noqa: E402
from leaky_pkg.status import check_ret  # noqa: E402

MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "tiny_cls.json")


def main():
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        detector = Detector(MODEL_PATH, 0)
        try:
            for frame in range(2):
                print("outputs:", detector.detect(bytes([frame]) * (3 * 32 * 32 * 4)))
        finally:
            detector.close()
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
