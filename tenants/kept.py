"""What every page shows and rarely changes, kept by each process for a few seconds: the
agency profile in page headers, the colleagues in the assignment lists. A change saved in
the process forgets the copy at once (its owner connects `forget` to the signals); another
process's copy is at most `seconds` old."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class KeptPerProcess(Generic[T]):
    def __init__(self, read: Callable[[], T], seconds: float) -> None:
        self.read, self.seconds = read, seconds
        self._kept: tuple[float, T] | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        """The kept value; read again when older than `seconds` or forgotten."""
        now = time.monotonic()
        kept = self._kept
        if kept is not None and now - kept[0] < self.seconds:
            return kept[1]
        value = self.read()
        with self._lock:
            self._kept = (now, value)
        return value

    def peek(self) -> T | None:
        """The kept value whatever its age, or None when there is none: reads nothing."""
        kept = self._kept
        return None if kept is None else kept[1]

    def forget(self, **_signal: object) -> None:
        """Drops the copy: the next `get` reads again."""
        with self._lock:
            self._kept = None
