"""Exceptions raised by h2 (hyper-h2's hierarchy)."""
from __future__ import annotations

from .errors import ErrorCodes


class H2Error(Exception):
    """The base class for all exceptions for the HTTP/2 module."""


class ProtocolError(H2Error):
    """An action was attempted in violation of the HTTP/2 protocol."""

    #: The error code that corresponds to this kind of Protocol Error.
    error_code = ErrorCodes.PROTOCOL_ERROR


class FrameTooLargeError(ProtocolError):
    """The frame that we tried to send or that we received was too large."""

    error_code = ErrorCodes.FRAME_SIZE_ERROR


class FrameDataMissingError(ProtocolError):
    """The frame that we received is missing some data."""

    error_code = ErrorCodes.FRAME_SIZE_ERROR


class TooManyStreamsError(ProtocolError):
    """An attempt was made to open a stream that would lead to too many concurrent
    streams."""


class FlowControlError(ProtocolError):
    """An attempted action violates flow control constraints."""

    error_code = ErrorCodes.FLOW_CONTROL_ERROR


class StreamIDTooLowError(ProtocolError):
    """An attempt was made to open a stream that had an ID lower than the highest ID
    we have seen on this connection."""

    def __init__(self, stream_id: int, max_stream_id: int) -> None:
        self.stream_id = stream_id
        self.max_stream_id = max_stream_id

    def __str__(self) -> str:
        return f"StreamIDTooLowError: {self.stream_id} is lower than {self.max_stream_id}"


class NoAvailableStreamIDError(ProtocolError):
    """There are no available stream IDs left to the connection."""


class NoSuchStreamError(ProtocolError):
    """A stream-specific action referenced a stream that does not exist."""

    def __init__(self, stream_id: int) -> None:
        self.stream_id = stream_id


class StreamClosedError(NoSuchStreamError):
    """A more specific form of NoSuchStreamError: the stream has been closed."""

    def __init__(self, stream_id: int) -> None:
        self.stream_id = stream_id
        self.error_code = ErrorCodes.STREAM_CLOSED
        self._events: list = []


class InvalidSettingsValueError(ProtocolError, ValueError):
    """An attempt was made to set an invalid Settings value."""

    def __init__(self, msg: str, error_code: ErrorCodes) -> None:
        super().__init__(msg)
        self.error_code = error_code


class InvalidBodyLengthError(ProtocolError):
    """The remote peer sent more or less data than the Content-Length header indicated."""

    def __init__(self, expected: int, actual: int) -> None:
        self.expected_length = expected
        self.actual_length = actual

    def __str__(self) -> str:
        return (
            f"InvalidBodyLengthError: Expected {self.expected_length} bytes, "
            f"received {self.actual_length}"
        )


class UnsupportedFrameError(ProtocolError):
    """The remote peer sent a frame that is unsupported in this context."""


class RFC1122Error(H2Error):
    """Emitted when users attempt to do something that is literally allowed by the
    relevant RFC, but is sufficiently ill-defined that it's unwise to allow users to
    actually do it."""


class DenialOfServiceError(ProtocolError):
    """Emitted when the remote peer exhibits a behaviour that is likely to be an
    attempt to perform a Denial of Service attack on the implementation."""

    error_code = ErrorCodes.ENHANCE_YOUR_CALM


__all__ = [
    "DenialOfServiceError",
    "FlowControlError",
    "FrameDataMissingError",
    "FrameTooLargeError",
    "H2Error",
    "InvalidBodyLengthError",
    "InvalidSettingsValueError",
    "NoAvailableStreamIDError",
    "NoSuchStreamError",
    "ProtocolError",
    "RFC1122Error",
    "StreamClosedError",
    "StreamIDTooLowError",
    "TooManyStreamsError",
    "UnsupportedFrameError",
]
