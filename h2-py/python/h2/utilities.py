"""Helpers shared by the h2 modules: header tuples (without needing ``hpack``)."""
from __future__ import annotations

try:  # Use hpack's classes when it is installed, so isinstance checks agree.
    from hpack import HeaderTuple, NeverIndexedHeaderTuple
except ImportError:  # pragma: no cover - exercised without hpack
    class HeaderTuple(tuple):
        """A header field; may be added to the HPACK dynamic table."""

        __slots__ = ()
        indexable = True

        def __new__(cls, *args):
            return tuple.__new__(cls, args)

    class NeverIndexedHeaderTuple(HeaderTuple):
        """A header field that must never be added to an HPACK table."""

        __slots__ = ()
        indexable = False

__all__ = ["HeaderTuple", "NeverIndexedHeaderTuple"]

import collections
from typing import Any, NamedTuple


class HeaderValidationFlags(NamedTuple):
    """What a header list is, for validation: which side, trailers, push."""

    is_client: bool
    is_trailer: bool
    is_response_header: bool
    is_push_promise: bool


def _kind(flags: HeaderValidationFlags) -> str:
    if flags.is_trailer:
        return "trailers"
    if flags.is_push_promise:
        return "push"
    return "response" if flags.is_response_header else "request"


def _fields(headers: Any) -> tuple[list, list]:
    items = list(headers)
    raw = []
    for h in items:
        n, v = h
        n = n.encode("utf-8") if isinstance(n, str) else bytes(n)
        v = v.encode("utf-8") if isinstance(v, str) else bytes(v)
        raw.append((n, v, not getattr(h, "indexable", True)))
    return items, raw


def _check(raw: list, kind: str, inbound: bool, validate: bool, normalize: bool,
           split: bool = False) -> list:
    from . import _native
    from .exceptions import ProtocolError

    try:
        return _native.check_headers(raw, kind, inbound, validate, normalize, split)
    except _native.NativeError as e:
        raise ProtocolError(e.args[1]) from None


def _tuples(checked: list) -> list:
    return [NeverIndexedHeaderTuple(n, v) if s else HeaderTuple(n, v) for n, v, s in checked]


def _validation_kinds(flags: HeaderValidationFlags) -> tuple:
    """The block kinds a list is checked as: its kind, and also a response when the
    flags say it is both trailers and a response header (it must pass both)."""
    kind = _kind(flags)
    if kind == "trailers" and flags.is_response_header:
        return (kind, "response")
    return (kind,)


def validate_headers(headers: Any, hdr_validation_flags: HeaderValidationFlags) -> Any:
    """Checks a received header list (RFC 9113 8.1-8.3) with h2-stream's rules; raises
    ProtocolError when it is malformed, else returns the headers unchanged."""
    items, raw = _fields(headers)
    for kind in _validation_kinds(hdr_validation_flags):
        _check(raw, kind, True, True, False)
    return iter(items)


def validate_outbound_headers(headers: Any, hdr_validation_flags: HeaderValidationFlags) -> Any:
    """Checks a header list we would send; raises ProtocolError when it is malformed."""
    items, raw = _fields(headers)
    for kind in _validation_kinds(hdr_validation_flags):
        _check(raw, kind, False, True, False)
    return iter(items)


def normalize_outbound_headers(headers: Any, hdr_validation_flags: HeaderValidationFlags | None,
                               should_split_outbound_cookies: bool = False) -> Any:
    """The header list as the connection would send it (lowercase names, connection
    fields stripped, sensitive fields marked, cookies split when asked)."""
    _, raw = _fields(headers)
    kind = _kind(hdr_validation_flags) if hdr_validation_flags else "request"
    return iter(_tuples(_check(raw, kind, False, False, True, should_split_outbound_cookies)))


def normalize_inbound_headers(headers: Any, hdr_validation_flags: HeaderValidationFlags) -> Any:
    """The received header list as the connection reports it (cookies joined)."""
    _, raw = _fields(headers)
    return iter(_tuples(_check(raw, _kind(hdr_validation_flags), True, False, True)))


def _to_bytes(v: bytes | str) -> bytes:
    return v if isinstance(v, bytes) else v.encode("utf-8")


def utf8_encode_headers(headers: Any) -> list:
    """Header fields with ``str`` names and values encoded as UTF-8."""
    out = []
    for header in headers:
        cls = header.__class__ if isinstance(header, HeaderTuple) else HeaderTuple
        out.append(cls(_to_bytes(header[0]), _to_bytes(header[1])))
    return out


def extract_method_header(headers: Any) -> bytes | None:
    """The ``:method`` value of a header list, as bytes, or None."""
    for k, v in headers:
        if isinstance(v, bytes) and k == b":method":
            return v
        if isinstance(v, str) and k == ":method":
            return v.encode("utf-8")
    return None


def is_informational_response(headers: Any) -> bool:
    """Whether a response header list is a 1xx response."""
    for n, v in headers:
        if isinstance(n, bytes):
            sigil, status, start = b":", b":status", b"1"
        else:
            sigil, status, start = ":", ":status", "1"
        if not n.startswith(sigil):
            return False
        if n != status:
            continue
        return v.startswith(start)
    return False


def guard_increment_window(current: int, increment: int) -> int:
    """The window after ``increment``; FlowControlError past 2**31-1."""
    from .exceptions import FlowControlError

    largest = 2**31 - 1
    new_size = current + increment
    if new_size > largest:
        msg = f"May not increment flow control window past {largest}"
        raise FlowControlError(msg)
    return new_size


class SizeLimitDict(collections.OrderedDict):
    """An OrderedDict that drops its oldest entries past ``size_limit``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._size_limit = kwargs.pop("size_limit", None)
        super().__init__(*args, **kwargs)
        self._check_size_limit()

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        self._check_size_limit()

    def _check_size_limit(self) -> None:
        if self._size_limit is not None:
            while len(self) > self._size_limit:
                self.popitem(last=False)
