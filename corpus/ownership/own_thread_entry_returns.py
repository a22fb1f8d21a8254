"""A worker thread whose function returns on its own is not leaked (low value, not reported).

Reader.open() starts a thread with acl.util.start_thread and keeps its id in
self.worker_id; the worker decodes until its input runs out (self.pending is
empty) and returns, so the thread ends by itself: never calling
acl.util.stop_thread on the id costs nothing (rules/low_value.toml [leak],
reported with `report-low-value-leaks = true`). The look-alike whose worker
never returns is own_thread_entry_endless.py.
"""
import acl

ACL_SUCCESS = 0


class Reader(object):
    def __init__(self, frames):
        self.pending = list(frames)
        self.decoded = []
        self.worker_id = None

    def _work(self, args):
        while self.pending:
            frame = self.pending.pop(0)
            self.decoded.append(len(frame))
        return ACL_SUCCESS

    def open(self):
        self.worker_id, ret = acl.util.start_thread(self._work, [])
        if ret != ACL_SUCCESS:
            raise RuntimeError("acl.util.start_thread failed: {}".format(ret))
        return self.worker_id
