"""Two-input inference through infer_pkg (clean).

Run as a script: python corpus/ownership/app_infer_pkg.py
DeviceRuntime (a context manager) owns process/device/context/stream;
InferEngine owns the model and its datasets and releases them through
infer_pkg.helpers.release_dataset in close().
"""

import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from infer_pkg.engine import InferEngine  # noqa: E402
from infer_pkg.runtime import DeviceRuntime  # noqa: E402

MODEL_PATH = os.path.join(os.path.dirname(__file__), "models", "two_input.json")


def main():
    with DeviceRuntime(0) as runtime:
        engine = InferEngine(MODEL_PATH, runtime.stream)
        engine.open()
        try:
            for step in range(3):
                tokens = struct.pack("<16f", *[float(step + i) for i in range(16)])
                mask = struct.pack("<4f", 1.0, 1.0, 0.0, 0.0)
                outputs = engine.infer(tokens, mask)
                print(step, struct.unpack("<8f", outputs[0]))
        finally:
            engine.close()


if __name__ == "__main__":
    main()
