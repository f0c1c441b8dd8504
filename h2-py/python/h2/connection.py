"""``H2Connection``: hyper-h2's connection object over h2-conn's ``Connection``.

Every frame is parsed, checked, answered and produced by the Rust stack (``h2._native``);
this module converts arguments and results to hyper-h2's types: header tuples, event
classes, settings mappings and exceptions.
"""
from __future__ import annotations

import base64
import struct
from enum import Enum, IntEnum
from typing import Any

from . import _native
from . import events as ev
from .config import DummyLogger, H2Configuration
from .errors import ErrorCodes, _error_code_from_int
from .exceptions import (
    DenialOfServiceError,
    FlowControlError,
    FrameDataMissingError,
    FrameTooLargeError,
    InvalidBodyLengthError,
    InvalidSettingsValueError,
    NoAvailableStreamIDError,
    NoSuchStreamError,
    ProtocolError,
    RFC1122Error,
    StreamClosedError,
    StreamIDTooLowError,
    TooManyStreamsError,
)
from .settings import ChangedSetting, SettingCodes, Settings, _setting_code_from_int
from .utilities import HeaderTuple, NeverIndexedHeaderTuple


class ConnectionState(Enum):
    IDLE = 0
    CLIENT_OPEN = 1
    SERVER_OPEN = 2
    CLOSED = 3


class ConnectionInputs(Enum):
    SEND_HEADERS = 0
    SEND_PUSH_PROMISE = 1
    SEND_DATA = 2
    SEND_GOAWAY = 3
    SEND_WINDOW_UPDATE = 4
    SEND_PING = 5
    SEND_SETTINGS = 6
    SEND_RST_STREAM = 7
    SEND_PRIORITY = 8
    RECV_HEADERS = 9
    RECV_PUSH_PROMISE = 10
    RECV_DATA = 11
    RECV_GOAWAY = 12
    RECV_WINDOW_UPDATE = 13
    RECV_PING = 14
    RECV_SETTINGS = 15
    RECV_RST_STREAM = 16
    RECV_PRIORITY = 17
    SEND_ALTERNATIVE_SERVICE = 18
    RECV_ALTERNATIVE_SERVICE = 19


class AllowedStreamIDs(IntEnum):
    EVEN = 0
    ODD = 1


# Inputs about the connection as a whole: allowed in every state but CLOSED, and they
# leave the state as it is.
_CONNECTION_LEVEL = frozenset((
    ConnectionInputs.SEND_SETTINGS, ConnectionInputs.RECV_SETTINGS,
    ConnectionInputs.SEND_PING, ConnectionInputs.RECV_PING,
    ConnectionInputs.SEND_WINDOW_UPDATE, ConnectionInputs.RECV_WINDOW_UPDATE,
    ConnectionInputs.SEND_PRIORITY, ConnectionInputs.RECV_PRIORITY,
))

# Stream-carrying inputs of an open connection; what only a server may send (push,
# ALTSVC) a client may only receive, and the other way round.
_STREAM_LEVEL = frozenset((
    ConnectionInputs.SEND_HEADERS, ConnectionInputs.RECV_HEADERS,
    ConnectionInputs.SEND_DATA, ConnectionInputs.RECV_DATA,
    ConnectionInputs.SEND_RST_STREAM, ConnectionInputs.RECV_RST_STREAM,
))
_SERVER_SENDS = frozenset((
    ConnectionInputs.SEND_PUSH_PROMISE, ConnectionInputs.SEND_ALTERNATIVE_SERVICE,
))
_CLIENT_RECEIVES = frozenset((
    ConnectionInputs.RECV_PUSH_PROMISE, ConnectionInputs.RECV_ALTERNATIVE_SERVICE,
))

# The first input that decides which side we are, from IDLE.
_OPENED_BY = {
    ConnectionInputs.SEND_HEADERS: ConnectionState.CLIENT_OPEN,
    ConnectionInputs.RECV_HEADERS: ConnectionState.SERVER_OPEN,
    ConnectionInputs.SEND_ALTERNATIVE_SERVICE: ConnectionState.SERVER_OPEN,
    ConnectionInputs.RECV_ALTERNATIVE_SERVICE: ConnectionState.CLIENT_OPEN,
}


class H2ConnectionStateMachine:
    """The connection-level state machine of hyper-h2's API, standalone (our
    ``H2Connection`` keeps its state in Rust; this is for code that drives the machine
    itself). GOAWAY either way closes; in CLOSED only GOAWAY is accepted; any input
    not allowed in the current state closes the connection and raises
    ``ProtocolError``."""

    def __init__(self) -> None:
        self.state = ConnectionState.IDLE

    def _next_state(self, input_: ConnectionInputs) -> ConnectionState | None:
        state = self.state
        if input_ in (ConnectionInputs.SEND_GOAWAY, ConnectionInputs.RECV_GOAWAY):
            return ConnectionState.CLOSED
        if state == ConnectionState.CLOSED:
            return None
        if input_ in _CONNECTION_LEVEL:
            return state
        if state == ConnectionState.IDLE:
            return _OPENED_BY.get(input_)
        if input_ in _STREAM_LEVEL:
            return state
        client = state == ConnectionState.CLIENT_OPEN
        allowed = _CLIENT_RECEIVES if client else _SERVER_SENDS
        return state if input_ in allowed else None

    def process_input(self, input_: ConnectionInputs) -> list:
        """Steps the machine; returns the (always empty) list of events."""
        if not isinstance(input_, ConnectionInputs):
            msg = "Input must be an instance of ConnectionInputs"
            raise ValueError(msg)
        old = self.state
        new = self._next_state(input_)
        if new is None:
            self.state = ConnectionState.CLOSED
            msg = f"Invalid input {input_} in state {old}"
            raise ProtocolError(msg)
        self.state = new
        return []


class _StateView:
    """``conn.state_machine``: the connection's state, read from the Rust connection."""

    def __init__(self, conn: H2Connection) -> None:
        self._conn = conn

    @property
    def state(self) -> ConnectionState:
        c = self._conn
        if c._closed or c._connection_state() == "CLOSED":
            return ConnectionState.CLOSED
        if not c._initiated:
            return ConnectionState.IDLE
        return ConnectionState.CLIENT_OPEN if c.config.client_side else ConnectionState.SERVER_OPEN


_KIND_TO_EXC = {
    "FlowControl": FlowControlError,
    "WindowOverflow": FlowControlError,
    "TooManyStreams": TooManyStreamsError,
    "NoAvailableStreamId": NoAvailableStreamIDError,
    "FrameTooLarge": FrameTooLargeError,
    "RFC1122": RFC1122Error,
    "Protocol": ProtocolError,
}

_CODE_TO_EXC = {
    ErrorCodes.FLOW_CONTROL_ERROR: FlowControlError,
    ErrorCodes.FRAME_SIZE_ERROR: FrameTooLargeError,
    ErrorCodes.ENHANCE_YOUR_CALM: DenialOfServiceError,
    ErrorCodes.REFUSED_STREAM: TooManyStreamsError,
}


def _make_error(kind: str, message: str, stream_id: int | None,
                max_stream_id: int = 0) -> Exception:
    """The hyper-h2 exception for a call the Rust connection refused (it raises what
    this returns: connection methods are called without a Python wrapper).
    ``max_stream_id``: for StreamIdTooLow, the highest stream ID we opened."""
    if kind == "NoSuchStream":
        return NoSuchStreamError(stream_id)
    if kind == "StreamClosed":
        return StreamClosedError(stream_id)
    if kind == "StreamIdTooLow":
        return StreamIDTooLowError(stream_id, max_stream_id)
    if kind == "InvalidSettingsValue":
        return InvalidSettingsValueError(message, error_code=ErrorCodes.PROTOCOL_ERROR)
    return _KIND_TO_EXC.get(kind, ProtocolError)(message)


def _to_bytes(x: Any, what: str = "header") -> bytes:
    if isinstance(x, bytes):
        return x
    if isinstance(x, str):
        return x.encode("utf-8")
    if isinstance(x, (bytearray, memoryview)):
        return bytes(x)
    msg = f"{what} must be bytes or str, not {type(x).__name__}"
    raise TypeError(msg)


def _settings_from_header(header: bytes) -> list:
    """The ``(id, value)`` pairs of an HTTP2-Settings header (RFC 7540 3.2.1: a SETTINGS
    payload in base64url, padding optional)."""
    payload = base64.urlsafe_b64decode(header + b"=" * (-len(header) % 4))
    return [struct.unpack_from(">HI", payload, at) for at in range(0, len(payload) - 5, 6)]


def _header_in(h: Any) -> tuple:
    """One header the Rust side does not read itself (str, bytearray, a list, ...) as
    ``(name, value, sensitive)`` bytes."""
    n, v = h
    return (_to_bytes(n), _to_bytes(v), not getattr(h, "indexable", True))


def _headers_in(headers: Any) -> list:
    if isinstance(headers, dict):
        headers = list(headers.items())
    return [_header_in(h) for h in headers]


# What the Rust side builds events, header tuples and errors from.
_native._bind({
    "object_new": object.__new__,
    "tuple_new": tuple.__new__,
    "HeaderTuple": HeaderTuple,
    "NeverIndexedHeaderTuple": NeverIndexedHeaderTuple,
    "RequestReceived": ev.RequestReceived,
    "ResponseReceived": ev.ResponseReceived,
    "InformationalResponseReceived": ev.InformationalResponseReceived,
    "TrailersReceived": ev.TrailersReceived,
    "DataReceived": ev.DataReceived,
    "StreamEnded": ev.StreamEnded,
    "WindowUpdated": ev.WindowUpdated,
    "StreamReset": ev.StreamReset,
    "PingReceived": ev.PingReceived,
    "PingAckReceived": ev.PingAckReceived,
    "PriorityUpdated": ev.PriorityUpdated,
    "PushedStreamReceived": ev.PushedStreamReceived,
    "AlternativeServiceAvailable": ev.AlternativeServiceAvailable,
    "error_code_from_int": _error_code_from_int,
    "make_error": _make_error,
    "DummyLogger": DummyLogger,
    "header_in": _header_in,
})


class H2Connection(_native.Connection):
    """A sans-IO HTTP/2 connection, as hyper-h2's ``H2Connection``.

    The hot methods (``send_headers``, ``send_data``, ``end_stream``, ``receive_data``,
    ``data_to_send``, ``acknowledge_received_data``, ``get_next_available_stream_id``,
    the flow-control windows and frame-size properties) are the Rust base class's,
    called without a Python frame; this class adds the rest of hyper-h2's API.
    """

    DEFAULT_MAX_OUTBOUND_FRAME_SIZE = 65535
    DEFAULT_MAX_INBOUND_FRAME_SIZE = 2**24
    HIGHEST_ALLOWED_STREAM_ID = 2**31 - 1
    MAX_WINDOW_INCREMENT = 2**31 - 1
    DEFAULT_MAX_HEADER_LIST_SIZE = 2**16
    MAX_CLOSED_STREAMS = 2**16

    def __init__(self, config: H2Configuration | None = None) -> None:
        if config is None:
            config = H2Configuration(client_side=True)
        self.config = config
        self.local_settings = Settings(
            client=config.client_side,
            initial_values={
                SettingCodes.MAX_CONCURRENT_STREAMS: 100,
                SettingCodes.MAX_HEADER_LIST_SIZE: self.DEFAULT_MAX_HEADER_LIST_SIZE,
            },
        )
        self.remote_settings = Settings(client=not config.client_side)
        self._initiated = False
        self._closed = False
        self._configure_native()
        self.state_machine = _StateView(self)

    def _settings_list(self) -> list:
        return [(int(k), v) for k, v in self.local_settings.items()]

    def _configure_native(self) -> None:
        c = self.config
        settings = self._settings_list()
        self._native_settings = settings
        self._configure(
            c.client_side,
            settings,
            validate_outbound_headers=c.validate_outbound_headers,
            normalize_outbound_headers=c.normalize_outbound_headers,
            split_outbound_cookies=c.split_outbound_cookies,
            validate_inbound_headers=c.validate_inbound_headers,
            normalize_inbound_headers=c.normalize_inbound_headers,
        )

    # -- properties ----------------------------------------------------------------

    @property
    def outbound_flow_control_window(self) -> int:
        return self.local_flow_control_window(0)

    @property
    def inbound_flow_control_window(self) -> int:
        return self.remote_flow_control_window(0)

    # -- commands ------------------------------------------------------------------

    def _fresh_native(self) -> None:
        # local_settings may have been replaced or changed since construction; the
        # SETTINGS we announce are fixed when the Rust connection is made.
        if self._settings_list() != self._native_settings:
            self._configure_native()

    def _refuse_when_closed(self, what: str) -> None:
        """hyper-h2's state machine: once closed (a GOAWAY sent or received), only
        another GOAWAY may be sent; every other command raises ProtocolError."""
        if self._closed or (self._initiated and self._connection_state() == "CLOSED"):
            msg = f"Invalid input ConnectionInputs.{what} in state ConnectionState.CLOSED"
            raise ProtocolError(msg)

    def initiate_connection(self) -> None:
        self.config.logger.debug("Initializing connection")
        self._refuse_when_closed("SEND_SETTINGS")
        if not self._initiated:
            self._fresh_native()
        self._initiate_connection()
        self._initiated = True

    def initiate_upgrade_connection(self, settings_header: bytes | None = None) -> bytes | None:
        self.config.logger.debug("Upgrade connection. Current settings: %s", self.local_settings)
        if not self._initiated:
            self._fresh_native()
        if settings_header is not None:
            settings_header = _to_bytes(settings_header)
        value = self._initiate_upgrade_connection(settings_header)
        self._initiated = True
        if settings_header is not None and not self.config.client_side:
            # The client's HTTP2-Settings are in force now (the Rust side checked and
            # applied them); mirror them in remote_settings.
            for code, setting in _settings_from_header(settings_header):
                self.remote_settings[_setting_code_from_int(code)] = setting
            self.remote_settings.acknowledge()
        if value is None:
            return None
        return value.encode("ascii") if isinstance(value, str) else value

    def reset_stream(self, stream_id: int, error_code: ErrorCodes | int = 0) -> None:
        self._reset_stream(stream_id, int(error_code))

    def push_stream(self, stream_id: int, promised_stream_id: int, request_headers: Any) -> None:
        if not self.remote_settings.enable_push:
            msg = "Remote peer has disabled stream push"
            raise ProtocolError(msg)
        self._push_stream(stream_id, promised_stream_id, _headers_in(request_headers))

    def ping(self, opaque_data: bytes | str) -> None:
        if not isinstance(opaque_data, bytes) or len(opaque_data) != 8:
            msg = f"Invalid value for ping data: {opaque_data!r}"
            raise ValueError(msg)
        self._refuse_when_closed("SEND_PING")
        self._ping(opaque_data)

    def close_connection(self, error_code: ErrorCodes | int = 0,
                         additional_data: bytes | None = None,
                         last_stream_id: int | None = None) -> None:
        self._close_connection(int(error_code), additional_data, last_stream_id)
        self._closed = True

    def update_settings(self, new_settings: dict) -> None:
        self._refuse_when_closed("SEND_SETTINGS")
        for k, v in new_settings.items():
            self.local_settings[k] = v
        self._update_settings([(int(k), v) for k, v in new_settings.items()])

    def advertise_alternative_service(self, field_value: bytes | str, origin: bytes | None = None,
                                      stream_id: int | None = None) -> None:
        if not isinstance(field_value, bytes):
            msg = "Field must be bytestring."
            raise ValueError(msg)
        if origin is not None and stream_id is not None:
            msg = "Must not provide both origin and stream_id"
            raise ValueError(msg)
        self._advertise_alternative_service(field_value, origin, stream_id)

    def prioritize(self, stream_id: int, weight: int | None = None, depends_on: int | None = None,
                   exclusive: bool | None = None) -> None:
        if not self.config.client_side:
            msg = "Servers SHOULD NOT prioritize streams."
            raise RFC1122Error(msg)
        weight = 16 if weight is None else weight
        if not 1 <= weight <= 256:
            msg = "Weight must be between 1 and 256, not %d" % weight
            raise ProtocolError(msg)
        self._refuse_when_closed("SEND_PRIORITY")
        self._send_priority(stream_id, weight, 0 if depends_on is None else depends_on,
                            bool(exclusive))

    def increment_flow_control_window(self, increment: int, stream_id: int | None = None) -> None:
        if not (1 <= increment <= self.MAX_WINDOW_INCREMENT):
            msg = f"Flow control increment must be between 1 and {self.MAX_WINDOW_INCREMENT}"
            raise ValueError(msg)
        self._refuse_when_closed("SEND_WINDOW_UPDATE")
        self._increment_flow_control_window(increment, stream_id)

    # -- receiving -----------------------------------------------------------------

    def _slow_event(self, e: dict) -> list | None:
        """The events ``receive_data`` (Rust) leaves to Python: they update state kept
        here (settings, the closed flag) or raise our own connection error."""
        t = e["type"]
        if t == "ConnectionTerminated" and not e["remote"]:
            self._closed = True
            code = _error_code_from_int(e["error_code"])
            exc = _CODE_TO_EXC.get(code, ProtocolError)
            msg = self._local_error_reason() or f"connection error {code!s}"
            if msg.endswith((" on stream 0", " on a stream other than 0")):
                # A frame whose header names a stream its type cannot be on (h2-frame's
                # wording), reported in hyper-h2's terms.
                msg = f"Received frame with invalid header: {msg}"
            if msg.startswith("SETTINGS_"):
                raise InvalidSettingsValueError(msg, error_code=code)
            if code == ErrorCodes.FRAME_SIZE_ERROR and "larger than" not in msg:
                # A payload too short for its frame type (hyper-h2's wording).
                raise FrameDataMissingError(msg)
            if "field name is empty" in msg:
                raise ProtocolError("Received header name with zero length.")
            if msg == "concurrent stream limit reached":
                raise TooManyStreamsError(msg)
            if msg.startswith("HEADERS on a stream id that is not above"):
                raise StreamIDTooLowError(self._local_error_stream_id(), e["last_stream_id"])
            lengths = self._local_error_content_length()
            if lengths is not None and ("content-length" in msg or "no content" in msg):
                raise InvalidBodyLengthError(*lengths)
            raise exc(msg)
        if t == "RemoteSettingsChanged":
            event = ev.RemoteSettingsChanged()
            for code, original, new in e["changed"]:
                s = _setting_code_from_int(code)
                event.changed_settings[s] = ChangedSetting(s, self.remote_settings.get(s, original), new)
                self.remote_settings[s] = new
            self.remote_settings.acknowledge()
            return [event]
        if t == "SettingsAcknowledged":
            event = ev.SettingsAcknowledged()
            event.changed_settings = self.local_settings.acknowledge()
            return [event]
        if t == "ConnectionTerminated":
            self._closed = True
            event = ev.ConnectionTerminated()
            event.error_code = _error_code_from_int(e["error_code"])
            event.last_stream_id = e["last_stream_id"]
            event.additional_data = e["additional_data"] or None
            return [event]
        if t == "UnknownFrameReceived":
            return [ev.UnknownFrameReceived(frame=_unknown_frame(e))]
        return None


try:  # hyper-h2 hands out hyperframe's ExtensionFrame; do so when it is installed.
    from hyperframe.frame import ExtensionFrame as _ExtensionFrame
except ImportError:  # pragma: no cover
    _ExtensionFrame = None


def _unknown_frame(e: dict) -> Any:
    if _ExtensionFrame is not None:
        return _ExtensionFrame(type=e["frame_type"], stream_id=e["stream_id"],
                               flag_byte=e["flags"], body=e["payload"])
    return _UnknownFrame(e)


class _UnknownFrame:
    """The frame carried by an UnknownFrameReceived event."""

    def __init__(self, e: dict) -> None:
        self.type = e["frame_type"]
        self.flag_byte = e["flags"]
        self.stream_id = e["stream_id"]
        self.body = e["payload"]

    def __repr__(self) -> str:
        return f"ExtensionFrame(type={self.type}, stream_id={self.stream_id})"
