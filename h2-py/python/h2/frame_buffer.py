"""``FrameBuffer``: splits a byte stream into frames.

The connection never uses this (h2-frame parses what ``receive_data`` gets); it exists
for callers and tests that inspect bytes, and yields ``hyperframe`` frame objects, so it
needs the ``hyperframe`` package, imported on first use.
"""
from __future__ import annotations

from .exceptions import FrameDataMissingError, FrameTooLargeError, ProtocolError

CONNECTION_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
CONTINUATION_BACKLOG = 64


class FrameBuffer:
    """Accumulates bytes and yields the complete frames in them, HEADERS or
    PUSH_PROMISE joined with their CONTINUATION frames."""

    def __init__(self, server: bool = False) -> None:
        self._data = bytearray()
        self.max_frame_size = 0
        self._preamble = CONNECTION_PREFACE if server else b""
        self._preamble_len = len(self._preamble)
        self._headers_buffer: list = []

    def add_data(self, data: bytes) -> None:
        if self._preamble_len:
            n = min(len(data), self._preamble_len)
            start = len(self._preamble) - self._preamble_len
            if self._preamble[start:start + n] != data[:n]:
                msg = "Invalid HTTP/2 preamble."
                raise ProtocolError(msg)
            data = data[n:]
            self._preamble_len -= n
        self._data += data

    def __iter__(self):
        return self

    def __next__(self):
        from hyperframe.exceptions import InvalidDataError, InvalidFrameError
        from hyperframe.frame import ContinuationFrame, Frame, HeadersFrame, PushPromiseFrame

        while True:
            if len(self._data) < 9:
                raise StopIteration
            try:
                f, length = Frame.parse_frame_header(memoryview(self._data[:9]))
            except (InvalidDataError, InvalidFrameError) as err:
                msg = f"Received frame with invalid header: {err!s}"
                raise ProtocolError(msg) from err
            if len(self._data) < length + 9:
                raise StopIteration
            if length > self.max_frame_size:
                msg = f"Received overlong frame: length {length}, max {self.max_frame_size}"
                raise FrameTooLargeError(msg)
            try:
                f.parse_body(memoryview(self._data[9:9 + length]))
            except InvalidDataError as err:
                msg = "Received frame with non-compliant data"
                raise ProtocolError(msg) from err
            except InvalidFrameError as err:
                msg = "Frame data missing or invalid"
                raise FrameDataMissingError(msg) from err
            del self._data[:9 + length]
            f = self._join_headers(f, HeadersFrame, PushPromiseFrame, ContinuationFrame)
            if f is not None:
                return f

    def _join_headers(self, f, headers_cls, push_cls, continuation_cls):
        if self._headers_buffer:
            if not isinstance(f, continuation_cls) or f.stream_id != self._headers_buffer[0].stream_id:
                msg = "Invalid frame during header block."
                raise ProtocolError(msg)
            if len(self._headers_buffer) > CONTINUATION_BACKLOG:
                msg = "Too many continuation frames received."
                raise ProtocolError(msg)
            self._headers_buffer.append(f)
            if "END_HEADERS" in f.flags:
                first = self._headers_buffer[0]
                first.flags.add("END_HEADERS")
                first.data = b"".join(x.data for x in self._headers_buffer)
                self._headers_buffer = []
                return first
            return None
        if isinstance(f, (headers_cls, push_cls)) and "END_HEADERS" not in f.flags:
            self._headers_buffer.append(f)
            return None
        if isinstance(f, continuation_cls):
            msg = "Received unexpected CONTINUATION frame."
            raise ProtocolError(msg)
        return f
