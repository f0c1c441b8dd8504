"""Events returned by ``H2Connection.receive_data`` (hyper-h2's ``h2.events``)."""
from __future__ import annotations

import binascii
from dataclasses import dataclass
from typing import Any

from .settings import ChangedSetting, _setting_code_from_int

_LAZY_INIT: Any = object()


class Event:
    """Base class for h2 events."""


@dataclass(kw_only=True)
class RequestReceived(Event):
    """A request's headers arrived (server side)."""

    stream_id: int
    headers: list = _LAZY_INIT
    stream_ended: StreamEnded | None = None
    priority_updated: PriorityUpdated | None = None

    def __repr__(self) -> str:
        return f"<RequestReceived stream_id:{self.stream_id}, headers:{self.headers}>"


@dataclass(kw_only=True)
class ResponseReceived(Event):
    """A response's headers arrived (client side)."""

    stream_id: int
    headers: list = _LAZY_INIT
    stream_ended: StreamEnded | None = None
    priority_updated: PriorityUpdated | None = None

    def __repr__(self) -> str:
        return f"<ResponseReceived stream_id:{self.stream_id}, headers:{self.headers}>"


@dataclass(kw_only=True)
class TrailersReceived(Event):
    """Trailers arrived; they always end the stream."""

    stream_id: int
    headers: list = _LAZY_INIT
    stream_ended: StreamEnded | None = None
    priority_updated: PriorityUpdated | None = None

    def __repr__(self) -> str:
        return f"<TrailersReceived stream_id:{self.stream_id}, headers:{self.headers}>"


class _HeadersSent(Event):
    pass


class _ResponseSent(_HeadersSent):
    pass


class _RequestSent(_HeadersSent):
    pass


class _TrailersSent(_HeadersSent):
    pass


class _PushedRequestSent(_HeadersSent):
    pass


@dataclass(kw_only=True)
class InformationalResponseReceived(Event):
    """A 1xx response arrived."""

    stream_id: int
    headers: list = _LAZY_INIT
    priority_updated: PriorityUpdated | None = None

    def __repr__(self) -> str:
        return f"<InformationalResponseReceived stream_id:{self.stream_id}, headers:{self.headers}>"


@dataclass(kw_only=True)
class DataReceived(Event):
    """A DATA frame arrived."""

    stream_id: int
    data: bytes = _LAZY_INIT
    flow_controlled_length: int = _LAZY_INIT
    stream_ended: StreamEnded | None = None

    def __repr__(self) -> str:
        return "<DataReceived stream_id:{}, flow_controlled_length:{}, data:{}>".format(
            self.stream_id,
            self.flow_controlled_length,
            _bytes_representation(self.data[:20]) if self.data else "",
        )


@dataclass(kw_only=True)
class WindowUpdated(Event):
    """A WINDOW_UPDATE arrived (stream 0: the connection's window)."""

    stream_id: int
    delta: int = _LAZY_INIT

    def __repr__(self) -> str:
        return f"<WindowUpdated stream_id:{self.stream_id}, delta:{self.delta}>"


class RemoteSettingsChanged(Event):
    """The peer's SETTINGS arrived (and were acknowledged)."""

    def __init__(self) -> None:
        self.changed_settings: dict = {}

    @classmethod
    def from_settings(cls, old_settings, new_settings) -> RemoteSettingsChanged:
        e = cls()
        for setting, new_value in new_settings.items():
            s = _setting_code_from_int(setting)
            e.changed_settings[s] = ChangedSetting(s, old_settings.get(s), new_value)
        return e

    def __repr__(self) -> str:
        return "<RemoteSettingsChanged changed_settings:{{{}}}>".format(
            ", ".join(repr(cs) for cs in self.changed_settings.values()),
        )


@dataclass(kw_only=True)
class PingReceived(Event):
    """A PING arrived (the ACK is already queued)."""

    ping_data: bytes

    def __repr__(self) -> str:
        return f"<PingReceived ping_data:{_bytes_representation(self.ping_data)}>"


@dataclass(kw_only=True)
class PingAckReceived(Event):
    """The ACK of one of our PINGs arrived."""

    ping_data: bytes

    def __repr__(self) -> str:
        return f"<PingAckReceived ping_data:{_bytes_representation(self.ping_data)}>"


@dataclass(kw_only=True)
class StreamEnded(Event):
    """The peer ended its side of a stream."""

    stream_id: int

    def __repr__(self) -> str:
        return f"<StreamEnded stream_id:{self.stream_id}>"


@dataclass(kw_only=True)
class StreamReset(Event):
    """A stream was reset, by the peer or by us on a stream error."""

    stream_id: int
    error_code: Any = _LAZY_INIT
    remote_reset: bool = True

    def __repr__(self) -> str:
        return (
            f"<StreamReset stream_id:{self.stream_id}, error_code:{self.error_code!s}, "
            f"remote_reset:{self.remote_reset}>"
        )


class PushedStreamReceived(Event):
    """A PUSH_PROMISE arrived (client side)."""

    def __init__(self) -> None:
        self.pushed_stream_id: int | None = None
        self.parent_stream_id: int | None = None
        self.headers: list | None = None

    def __repr__(self) -> str:
        return (
            f"<PushedStreamReceived pushed_stream_id:{self.pushed_stream_id}, "
            f"parent_stream_id:{self.parent_stream_id}, headers:{self.headers}>"
        )


class SettingsAcknowledged(Event):
    """The peer acknowledged our SETTINGS; the values are now in force."""

    def __init__(self) -> None:
        self.changed_settings: dict = {}

    def __repr__(self) -> str:
        s = ", ".join(repr(cs) for cs in self.changed_settings.values())
        return f"<SettingsAcknowledged changed_settings:{{{s}}}>"


class PriorityUpdated(Event):
    """RFC 7540 priority information arrived for a stream."""

    def __init__(self) -> None:
        self.stream_id: int | None = None
        self.weight: int | None = None
        self.depends_on: int | None = None
        self.exclusive: bool | None = None

    def __repr__(self) -> str:
        return (
            f"<PriorityUpdated stream_id:{self.stream_id}, weight:{self.weight}, "
            f"depends_on:{self.depends_on}, exclusive:{self.exclusive}>"
        )


class ConnectionTerminated(Event):
    """The peer sent GOAWAY."""

    def __init__(self) -> None:
        self.error_code = None
        self.last_stream_id: int | None = None
        self.additional_data: bytes | None = None

    def __repr__(self) -> str:
        return "<ConnectionTerminated error_code:{!s}, last_stream_id:{}, additional_data:{}>".format(
            self.error_code,
            self.last_stream_id,
            _bytes_representation(self.additional_data[:20] if self.additional_data else None),
        )


class AlternativeServiceAvailable(Event):
    """An ALTSVC frame arrived (client side)."""

    def __init__(self) -> None:
        self.origin: bytes | None = None
        self.field_value: bytes | None = None

    def __repr__(self) -> str:
        return "<AlternativeServiceAvailable origin:{}, field_value:{}>".format(
            (self.origin or b"").decode("utf-8", "ignore"),
            (self.field_value or b"").decode("utf-8", "ignore"),
        )


@dataclass(kw_only=True)
class UnknownFrameReceived(Event):
    """A frame of a type h2 does not implement arrived; it was otherwise ignored."""

    frame: Any

    def __repr__(self) -> str:
        return "<UnknownFrameReceived>"


def _bytes_representation(data: bytes | None) -> str | None:
    if data is None:
        return None
    return binascii.hexlify(data).decode("ascii")
