"""A plain script over script_pkg: it imports script_pkg.loader.run_once and
calls it once from its `__main__` block, with nothing catching. It never names
the runtime module itself, yet it is the caller that makes a raise inside
read_sizes() end the process (design.md section 7): clean.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from script_pkg.loader import run_once  # noqa: E402

MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models", "resnet50.json")


def main():
    print("input sizes:", run_once(MODEL_PATH))


if __name__ == "__main__":
    main()
