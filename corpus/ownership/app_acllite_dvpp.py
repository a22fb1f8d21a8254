"""DVPP resize followed by classification, with the acllite_like package (clean).

Run as a script: python corpus/ownership/app_acllite_dvpp.py
The resized images come back as DvppImage objects, which own their DVPP
memory; each is destroyed once the model has consumed it.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from acllite_like.dvpp import AclLiteImageProc  # noqa: E402
from acllite_like.model import AclLiteModel  # noqa: E402
from acllite_like.resource import AclLiteResource  # noqa: E402
from acllite_like.utils import yuv420sp_size  # noqa: E402

MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "dvpp_cls.json")
SRC_WIDTH, SRC_HEIGHT = 640, 480


def make_yuv_frame(width, height, seed):
    return bytes((i + seed) % 256 for i in range(yuv420sp_size(width, height)))


def main():
    resource = AclLiteResource(device_id=0)
    resource.init()
    try:
        dvpp = AclLiteImageProc(resource)
        model = AclLiteModel(MODEL_PATH)
        for seed in range(2):
            image = dvpp.copy_to_dvpp(make_yuv_frame(SRC_WIDTH, SRC_HEIGHT, seed),
                                      SRC_WIDTH, SRC_HEIGHT)
            resized = dvpp.resize(image, 448, 224)
            image.destroy()
            if resized is None:
                print("resize failed for frame", seed)
                continue
            outputs = model.execute([(resized.data(), resized.size)])
            resized.destroy()
            if outputs is not None:
                print("frame", seed, "output bytes", len(outputs[0]))
    finally:
        resource.release()


if __name__ == "__main__":
    main()
