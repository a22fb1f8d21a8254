"""A script over script_pkg: App builds a Net in open() (`self.net = Net(...)`),
infer() reads the output back through `self.net.fetch()`; main() runs it from
the `__main__` block with nothing catching. A failed copy inside
script_pkg.utils.copy_to_host raises through App.infer -> Net.fetch and ends
the process: a process-exit leak, not reported by default (design.md section 7).
"""
import os
import sys

import acl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from script_pkg.net import Net  # noqa: E402

DEVICE_ID = 0
SIZE = 1024


class App(object):
    def __init__(self):
        self.net = None

    def open(self):
        self.net = Net(SIZE)

    def infer(self):
        host_ptr = self.net.fetch()
        acl.rt.free_host(host_ptr)

    def close(self):
        self.net.close()


def main():
    ret = acl.init()
    if ret != 0:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == 0:
        app = App()
        app.open()
        for _ in range(3):
            app.infer()
        app.close()
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
