"""``H2Connection``: hyper-h2's connection object over h2-conn's ``Connection``.

Every frame is parsed, checked, answered and produced by the Rust stack (``h2._native``);
this module converts arguments and results to hyper-h2's types: header tuples, event
classes, settings mappings and exceptions.
"""
from __future__ import annotations

from enum import Enum, IntEnum
from typing import Any

from . import _native
from . import events as ev
from .config import H2Configuration
from .errors import ErrorCodes, _error_code_from_int
from .exceptions import (
    DenialOfServiceError,
    FlowControlError,
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


class _StateView:
    """``conn.state_machine``: the connection's state, read from the Rust connection."""

    def __init__(self, conn: H2Connection) -> None:
        self._conn = conn

    @property
    def state(self) -> ConnectionState:
        c = self._conn
        if c._closed or c._native.connection_state() == "CLOSED":
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


def _raise_native(err: Exception):
    kind, message, stream_id = err.args
    if kind == "NoSuchStream":
        raise NoSuchStreamError(stream_id) from None
    if kind == "StreamClosed":
        raise StreamClosedError(stream_id) from None
    if kind == "StreamIdTooLow":
        raise StreamIDTooLowError(stream_id, 0) from None
    if kind == "InvalidSettingsValue":
        raise InvalidSettingsValueError(message, error_code=ErrorCodes.PROTOCOL_ERROR) from None
    raise _KIND_TO_EXC.get(kind, ProtocolError)(message) from None


# Native event types that carry a header block (their events may own a later StreamEnded
# or PriorityUpdated of the same call).
_HEADER_EVENTS = frozenset(
    ("RequestReceived", "ResponseReceived", "TrailersReceived", "InformationalResponseReceived")
)


def _call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except _native.NativeError as e:
        _raise_native(e)


def _to_bytes(x: Any, what: str = "header") -> bytes:
    if isinstance(x, bytes):
        return x
    if isinstance(x, str):
        return x.encode("utf-8")
    if isinstance(x, (bytearray, memoryview)):
        return bytes(x)
    msg = f"{what} must be bytes or str, not {type(x).__name__}"
    raise TypeError(msg)


def _headers_in(headers: Any) -> list:
    if isinstance(headers, dict):
        headers = list(headers.items())
    out = []
    append = out.append
    for h in headers:
        n, v = h
        # The common case first: a plain tuple of bytes (no `indexable` to look up).
        if type(h) is tuple and type(n) is bytes and type(v) is bytes:
            append((n, v, False))
            continue
        sensitive = not getattr(h, "indexable", True)
        append((_to_bytes(n), _to_bytes(v), sensitive))
    return out


# Header tuples are made with tuple.__new__ directly: both classes' __new__ only does
# that, and skipping the Python-level call is most of the cost of a received header.
_new_tuple = tuple.__new__


class H2Connection:
    """A sans-IO HTTP/2 connection, as hyper-h2's ``H2Connection``."""

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
        self._native = self._make_native()
        self.state_machine = _StateView(self)

    def _settings_list(self) -> list:
        return [(int(k), v) for k, v in self.local_settings.items()]

    def _make_native(self):
        c = self.config
        settings = self._settings_list()
        self._native_settings = settings
        return _native.Connection(
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
    def open_outbound_streams(self) -> int:
        return self._native.open_outbound_streams

    @property
    def open_inbound_streams(self) -> int:
        return self._native.open_inbound_streams

    @property
    def max_outbound_frame_size(self) -> int:
        return self._native.max_outbound_frame_size

    @property
    def max_inbound_frame_size(self) -> int:
        return self._native.max_inbound_frame_size

    @property
    def outbound_flow_control_window(self) -> int:
        return _call(self._native.local_flow_control_window, 0)

    @property
    def inbound_flow_control_window(self) -> int:
        return _call(self._native.remote_flow_control_window, 0)

    # -- commands ------------------------------------------------------------------

    def _fresh_native(self) -> None:
        # local_settings may have been replaced or changed since construction; the
        # SETTINGS we announce are fixed when the Rust connection is made.
        if self._settings_list() != self._native_settings:
            self._native = self._make_native()

    def initiate_connection(self) -> None:
        self.config.logger.debug("Initializing connection")
        if not self._initiated:
            self._fresh_native()
        self._native.initiate_connection()
        self._initiated = True

    def initiate_upgrade_connection(self, settings_header: bytes | None = None) -> bytes | None:
        self.config.logger.debug("Upgrade connection. Current settings: %s", self.local_settings)
        if not self._initiated:
            self._fresh_native()
        if settings_header is not None:
            settings_header = _to_bytes(settings_header)
        value = _call(self._native.initiate_upgrade_connection, settings_header)
        self._initiated = True
        if value is None:
            return None
        return value.encode("ascii") if isinstance(value, str) else value

    def get_next_available_stream_id(self) -> int:
        return _call(self._native.get_next_available_stream_id)

    def send_headers(self, stream_id: int, headers: Any, end_stream: bool = False,
                     priority_weight: int | None = None, priority_depends_on: int | None = None,
                     priority_exclusive: bool | None = None) -> None:
        self.config.logger.debug("Send headers on stream ID %d", stream_id)
        priority = None
        if (priority_weight is not None or priority_depends_on is not None
                or priority_exclusive is not None):
            if not self.config.client_side:
                msg = "Servers SHOULD NOT prioritize streams."
                raise RFC1122Error(msg)
            if priority_weight is not None and not 1 <= priority_weight <= 256:
                msg = f"Weight must be between 1 and 256, not {priority_weight}"
                raise ProtocolError(msg)
            if priority_depends_on is not None and priority_depends_on == stream_id:
                msg = "Stream cannot depend on itself"
                raise ProtocolError(msg)
            priority = (
                16 if priority_weight is None else priority_weight,
                0 if priority_depends_on is None else priority_depends_on,
                bool(priority_exclusive),
            )
        _call(self._native.send_headers, stream_id, _headers_in(headers), end_stream, priority)

    def send_data(self, stream_id: int, data: bytes | memoryview, end_stream: bool = False,
                  pad_length: Any = None) -> None:
        if pad_length is not None:
            if not isinstance(pad_length, int):
                msg = "pad_length must be an int"
                raise TypeError(msg)
            if pad_length < 0 or pad_length > 255:
                msg = "pad_length must be within range: [0, 255]"
                raise ValueError(msg)
        _call(self._native.send_data, stream_id, bytes(data), end_stream, pad_length)

    def end_stream(self, stream_id: int) -> None:
        _call(self._native.end_stream, stream_id)

    def reset_stream(self, stream_id: int, error_code: ErrorCodes | int = 0) -> None:
        _call(self._native.reset_stream, stream_id, int(error_code))

    def push_stream(self, stream_id: int, promised_stream_id: int, request_headers: Any) -> None:
        if not self.remote_settings.enable_push:
            msg = "Remote peer has disabled stream push"
            raise ProtocolError(msg)
        _call(self._native.push_stream, stream_id, promised_stream_id, _headers_in(request_headers))

    def ping(self, opaque_data: bytes | str) -> None:
        if not isinstance(opaque_data, bytes) or len(opaque_data) != 8:
            msg = f"Invalid value for ping data: {opaque_data!r}"
            raise ValueError(msg)
        _call(self._native.ping, opaque_data)

    def close_connection(self, error_code: ErrorCodes | int = 0,
                         additional_data: bytes | None = None,
                         last_stream_id: int | None = None) -> None:
        _call(self._native.close_connection, int(error_code), additional_data, last_stream_id)
        self._closed = True

    def update_settings(self, new_settings: dict) -> None:
        for k, v in new_settings.items():
            self.local_settings[k] = v
        _call(self._native.update_settings, [(int(k), v) for k, v in new_settings.items()])

    def advertise_alternative_service(self, field_value: bytes | str, origin: bytes | None = None,
                                      stream_id: int | None = None) -> None:
        if not isinstance(field_value, bytes):
            msg = "Field must be bytestring."
            raise ValueError(msg)
        if origin is not None and stream_id is not None:
            msg = "Must not provide both origin and stream_id"
            raise ValueError(msg)
        _call(self._native.advertise_alternative_service, field_value, origin, stream_id)

    def prioritize(self, stream_id: int, weight: int | None = None, depends_on: int | None = None,
                   exclusive: bool | None = None) -> None:
        if not self.config.client_side:
            msg = "Servers SHOULD NOT prioritize streams."
            raise RFC1122Error(msg)
        weight = 16 if weight is None else weight
        if not 1 <= weight <= 256:
            msg = "Weight must be between 1 and 256, not %d" % weight
            raise ProtocolError(msg)
        _call(self._native.send_priority, stream_id, weight,
              0 if depends_on is None else depends_on, bool(exclusive))

    def local_flow_control_window(self, stream_id: int) -> int:
        return _call(self._native.local_flow_control_window, stream_id)

    def remote_flow_control_window(self, stream_id: int) -> int:
        return _call(self._native.remote_flow_control_window, stream_id)

    def increment_flow_control_window(self, increment: int, stream_id: int | None = None) -> None:
        if not (1 <= increment <= self.MAX_WINDOW_INCREMENT):
            msg = f"Flow control increment must be between 1 and {self.MAX_WINDOW_INCREMENT}"
            raise ValueError(msg)
        _call(self._native.increment_flow_control_window, increment, stream_id)

    def acknowledge_received_data(self, acknowledged_size: int, stream_id: int) -> None:
        if stream_id <= 0:
            msg = f"Stream ID {stream_id} is not valid for acknowledge_received_data"
            raise ValueError(msg)
        if acknowledged_size < 0:
            msg = f"Cannot acknowledge negative data, got {acknowledged_size}"
            raise ValueError(msg)
        _call(self._native.acknowledge_received_data, acknowledged_size, stream_id)

    def data_to_send(self, amount: int | None = None) -> bytes:
        return self._native.data_to_send(amount)

    def clear_outbound_data_buffer(self) -> None:
        self._native.clear_outbound_data_buffer()

    # -- receiving -----------------------------------------------------------------

    def receive_data(self, data: bytes) -> list:
        self.config.logger.trace("Process received data on connection. Received data: %r", data)
        raw = _call(self._native.receive_data, bytes(data))
        out: list = []
        pending_end: dict[int, Any] = {}
        # The ("headers", id) keys _convert leaves in pending_end, so dropping them does
        # not scan every key for each event (quadratic in the events of one call).
        header_keys: list = []
        for e in raw:
            t = e["type"]
            if t == "ConnectionTerminated" and not e["remote"]:
                self._closed = True
                code = _error_code_from_int(e["error_code"])
                exc = _CODE_TO_EXC.get(code, ProtocolError)
                msg = self._native.local_error_reason() or f"connection error {code!s}"
                if msg.startswith("SETTINGS_"):
                    raise InvalidSettingsValueError(msg, error_code=code)
                lengths = self._native.local_error_content_length()
                if lengths is not None and ("content-length" in msg or "no content" in msg):
                    raise InvalidBodyLengthError(*lengths)
                raise exc(msg)
            if header_keys and t not in ("PriorityUpdated", "StreamEnded"):
                for key in header_keys:
                    pending_end.pop(key, None)
                header_keys.clear()
            converted = self._convert(e, pending_end)
            if t in _HEADER_EVENTS:
                header_keys.append(("headers", e["stream_id"]))
            if converted is not None:
                out.extend(converted)
        return out

    def _headers_out(self, headers: list) -> list:
        enc = self.config.header_encoding
        if enc:
            return [
                _new_tuple(
                    NeverIndexedHeaderTuple if sensitive else HeaderTuple,
                    (n.decode(enc), v.decode(enc)),
                )
                for n, v, sensitive in headers
            ]
        return [
            _new_tuple(NeverIndexedHeaderTuple if sensitive else HeaderTuple, (n, v))
            for n, v, sensitive in headers
        ]

    def _convert(self, e: dict, pending_end: dict) -> list | None:
        t = e["type"]
        if t in ("RequestReceived", "ResponseReceived", "TrailersReceived",
                 "InformationalResponseReceived"):
            cls = getattr(ev, t)
            event = cls(stream_id=e["stream_id"], headers=self._headers_out(e["headers"]))
            result = [event]
            pending_end[("headers", e["stream_id"])] = event
            if e.get("end_stream"):
                pending_end[e["stream_id"]] = event
            p = e.get("priority")
            if p is not None:
                pu = ev.PriorityUpdated()
                pu.stream_id = e["stream_id"]
                pu.weight = p["weight"]
                pu.depends_on = p["depends_on"]
                pu.exclusive = p["exclusive"]
                event.priority_updated = pu
                result.append(pu)
            return result
        if t == "DataReceived":
            event = ev.DataReceived(
                stream_id=e["stream_id"], data=e["data"],
                flow_controlled_length=e["flow_controlled_length"],
            )
            if e["end_stream"]:
                pending_end[e["stream_id"]] = event
            return [event]
        if t == "StreamEnded":
            event = ev.StreamEnded(stream_id=e["stream_id"])
            owner = pending_end.pop(e["stream_id"], None)
            if owner is not None:
                owner.stream_ended = event
            return [event]
        if t == "WindowUpdated":
            return [ev.WindowUpdated(stream_id=e["stream_id"], delta=e["delta"])]
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
        if t == "PingReceived":
            return [ev.PingReceived(ping_data=e["data"])]
        if t == "PingAckReceived":
            return [ev.PingAckReceived(ping_data=e["data"])]
        if t == "StreamReset":
            return [ev.StreamReset(stream_id=e["stream_id"],
                                   error_code=_error_code_from_int(e["error_code"]),
                                   remote_reset=e["remote_reset"])]
        if t == "PushedStreamReceived":
            event = ev.PushedStreamReceived()
            event.pushed_stream_id = e["pushed_stream_id"]
            event.parent_stream_id = e["parent_stream_id"]
            event.headers = self._headers_out(e["headers"])
            return [event]
        if t == "PriorityUpdated":
            if "weight" not in e:
                return []
            event = ev.PriorityUpdated()
            event.stream_id = e["stream_id"]
            event.weight = e["weight"]
            event.depends_on = e["depends_on"]
            event.exclusive = e["exclusive"]
            # Priority fields of a HEADERS frame come right after its event.
            owner = pending_end.get(("headers", e["stream_id"]))
            if owner is not None and owner.priority_updated is None:
                owner.priority_updated = event
            return [event]
        if t == "ConnectionTerminated":
            self._closed = True
            event = ev.ConnectionTerminated()
            event.error_code = _error_code_from_int(e["error_code"])
            event.last_stream_id = e["last_stream_id"]
            event.additional_data = e["additional_data"] or None
            return [event]
        if t == "AlternativeServiceAvailable":
            event = ev.AlternativeServiceAvailable()
            event.origin = e["origin"]
            event.field_value = e["field_value"]
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
