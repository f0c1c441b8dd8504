"""Flow-control window bookkeeping (hyper-h2's ``WindowManager``).

The decision when to return window is h2-conn's ``HyperH2Windows`` policy, which the
connection itself uses; this class keeps the counters for callers that manage windows
themselves.
"""
from __future__ import annotations

from . import _native
from .exceptions import FlowControlError

LARGEST_FLOW_CONTROL_WINDOW = 2**31 - 1


class WindowManager:
    """Tracks one flow-control window we advertise and says when to send WINDOW_UPDATE."""

    def __init__(self, max_window_size: int) -> None:
        assert max_window_size <= LARGEST_FLOW_CONTROL_WINDOW
        self.max_window_size = max_window_size
        self.current_window_size = max_window_size
        self._bytes_processed = 0

    def window_consumed(self, size: int) -> None:
        self.current_window_size -= size
        if self.current_window_size < 0:
            msg = "Flow control window shrunk below 0"
            raise FlowControlError(msg)

    def window_opened(self, size: int) -> None:
        self.current_window_size += size
        if self.current_window_size > LARGEST_FLOW_CONTROL_WINDOW:
            msg = f"Flow control window mustn't exceed {LARGEST_FLOW_CONTROL_WINDOW}"
            raise FlowControlError(msg)
        self.max_window_size = max(self.current_window_size, self.max_window_size)

    def process_bytes(self, size: int) -> int | None:
        self._bytes_processed += size
        return self._maybe_update_window()

    def _maybe_update_window(self) -> int | None:
        if not self._bytes_processed:
            return None
        increment = _native.window_increment(
            self.max_window_size, self.current_window_size, self._bytes_processed,
        )
        if increment is None:
            increment = 0
        else:
            self._bytes_processed = 0
        self.current_window_size += increment
        return increment


__all__ = ["WindowManager"]
