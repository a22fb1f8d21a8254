"""Detection-style inference through the mmdeploy_like wrapper set (clean).

Run as a script: python corpus/ownership/app_mmdeploy_like.py
The process and the device are set up in main() with try/finally; the
AscendWrapper and its DataBuffer/Dataset/ModelDesc objects are destroyed
explicitly before the device is reset.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import acl  # noqa: E402

from mmdeploy_like.errors import _check  # noqa: E402
from mmdeploy_like.wrapper import AscendWrapper  # noqa: E402

MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "yolo_tiny.json")
DEVICE_ID = 0


def main():
    _check(acl.init(), "acl.init")
    try:
        ret = acl.rt.set_device(DEVICE_ID)
        _check(ret, "acl.rt.set_device")
        try:
            model = AscendWrapper(MODEL_PATH, "npu:%d" % DEVICE_ID)
            try:
                input_size = 1 * 3 * 64 * 64 * 4
                for frame in range(2):
                    outputs = model.forward({"input0": bytes([frame]) * input_size})
                    for name in model.output_names:
                        print(frame, name, len(outputs[name]))
            finally:
                model.destroy()
        finally:
            acl.rt.reset_device(DEVICE_ID)
    finally:
        acl.finalize()


if __name__ == "__main__":
    main()
