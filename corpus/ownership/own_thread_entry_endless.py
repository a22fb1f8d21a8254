"""A worker thread whose function never returns, never stopped (ACL105).

The same reader as own_thread_entry_returns.py, but its worker serves the
callbacks of the stream in an endless `while True:` loop: the thread only
ends when acl.util.stop_thread is called on its id, and no method of Reader
does that.
"""
import acl

ACL_SUCCESS = 0


class Reader(object):
    def __init__(self, frames):
        self.pending = list(frames)
        self.worker_id = None

    def _work(self, args):
        while True:
            acl.rt.process_report(100)

    def open(self):
        self.worker_id, ret = acl.util.start_thread(self._work, [])  # expect[static]: ACL105
        if ret != ACL_SUCCESS:
            raise RuntimeError("acl.util.start_thread failed: {}".format(ret))
        return self.worker_id
