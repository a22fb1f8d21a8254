"""Classification with the acllite_like package (clean).

Run as a script: python corpus/ownership/app_acllite_classify.py
(the directory of this file is put on sys.path so `acllite_like` imports).
AclLiteResource owns process/device/context/stream; AclLiteModel registers
itself in the global resource_list, which AclLiteResource.release() destroys
before the stream and context go away.
"""

import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import acl  # noqa: E402

from acllite_like.model import AclLiteModel  # noqa: E402
from acllite_like.resource import AclLiteResource  # noqa: E402
from acllite_like.utils import copy_data_host_to_device  # noqa: E402

MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "tiny_cls.json")


def make_image(size, seed):
    count = size // 4
    return struct.pack("<%df" % count, *[((i * 7 + seed) % 255) / 255.0 for i in range(count)])


def top1(data):
    scores = struct.unpack("<%df" % (len(data) // 4), data)
    best = 0
    for i, score in enumerate(scores):
        if score > scores[best]:
            best = i
    return best


def main():
    resource = AclLiteResource(device_id=0)
    resource.init()
    try:
        model = AclLiteModel(MODEL_PATH)
        size = model.input_size(0)
        for seed in range(3):
            dev_ptr = copy_data_host_to_device(make_image(size, seed), size)
            outputs = model.execute([(dev_ptr, size)])
            acl.rt.free(dev_ptr)
            if outputs is None:
                print("inference failed for image", seed)
                continue
            print("image", seed, "class", top1(outputs[0]))
    finally:
        resource.release()


if __name__ == "__main__":
    main()
