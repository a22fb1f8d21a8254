"""A plain script over script_pkg: it imports script_pkg.loader.read_sizes and
calls it once from its `__main__` block, with nothing catching. It never names
the runtime module itself, yet it is the caller that makes a raise inside
read_sizes() end the process (design.md section 7): clean.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from script_pkg.loader import read_sizes  # noqa: E402


def main():
    print("input sizes:", read_sizes(0))


if __name__ == "__main__":
    main()
