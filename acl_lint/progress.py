"""A progress line on stderr for runs longer than about a second (TTY only)."""

from __future__ import annotations

import threading
import time
from typing import Optional, TextIO

DELAY = 1.0
INTERVAL = 0.1


class Progress:
    """Call with (done, total); shows ``acl-lint: checking done/total files``
    once the run has taken DELAY seconds, and erases it at ``close()``."""

    def __init__(self, stream: TextIO, total: int = 0) -> None:
        self.stream = stream
        self.total = total
        self.done = 0
        self.start = time.monotonic()
        self._shown = False
        self._last = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = threading.Thread(target=self._tick, daemon=True)
        self._thread.start()

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        now = time.monotonic()
        if now - self.start >= DELAY and now - self._last >= INTERVAL:
            self._draw()

    def _tick(self) -> None:
        while not self._stop.wait(INTERVAL * 2):
            if time.monotonic() - self.start >= DELAY:
                self._draw()

    def _draw(self) -> None:
        with self._lock:
            if self._stop.is_set():
                return
            self._last = time.monotonic()
            if self.total:
                text = f"acl-lint: checking {self.done}/{self.total} files"
            else:
                text = "acl-lint: checking files"
            try:
                self.stream.write("\r\x1b[K" + text)
                self.stream.flush()
                self._shown = True
            except (OSError, ValueError):
                pass

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1)
            self._thread = None
        with self._lock:
            if self._shown:
                try:
                    self.stream.write("\r\x1b[K")
                    self.stream.flush()
                except (OSError, ValueError):
                    pass
                self._shown = False
