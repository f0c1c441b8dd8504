"""Configuration of an H2Connection (hyper-h2's ``H2Configuration``)."""
from __future__ import annotations

import sys
from typing import Any


class _BooleanConfigOption:
    def __init__(self, name: str) -> None:
        self.name = name
        self.attr_name = f"_{self.name}"

    def __get__(self, instance: Any, owner: Any) -> bool:
        return getattr(instance, self.attr_name)

    def __set__(self, instance: Any, value: bool) -> None:
        if not isinstance(value, bool):
            msg = f"{self.name} must be a bool"
            raise ValueError(msg)
        setattr(instance, self.attr_name, value)


class DummyLogger:
    """A logger that drops everything (the default)."""

    def __init__(self, *vargs) -> None:
        pass

    def debug(self, *vargs, **kwargs) -> None:
        pass

    def trace(self, *vargs, **kwargs) -> None:
        pass


class OutputLogger:
    """A logger that prints to a file (stderr by default)."""

    def __init__(self, file=None, trace_level=False) -> None:
        self.file = file or sys.stderr
        self.trace_level = trace_level

    def debug(self, fmtstr, *args) -> None:
        print(f"h2 (debug): {fmtstr % args}", file=self.file)

    def trace(self, fmtstr, *args) -> None:
        if self.trace_level:
            print(f"h2 (trace): {fmtstr % args}", file=self.file)


class H2Configuration:
    """Behaviour switches of an H2Connection; see hyper-h2's documentation."""

    client_side = _BooleanConfigOption("client_side")
    validate_outbound_headers = _BooleanConfigOption("validate_outbound_headers")
    normalize_outbound_headers = _BooleanConfigOption("normalize_outbound_headers")
    split_outbound_cookies = _BooleanConfigOption("split_outbound_cookies")
    validate_inbound_headers = _BooleanConfigOption("validate_inbound_headers")
    normalize_inbound_headers = _BooleanConfigOption("normalize_inbound_headers")

    def __init__(self,
                 client_side: bool = True,
                 header_encoding: bool | str | None = None,
                 validate_outbound_headers: bool = True,
                 normalize_outbound_headers: bool = True,
                 split_outbound_cookies: bool = False,
                 validate_inbound_headers: bool = True,
                 normalize_inbound_headers: bool = True,
                 logger: DummyLogger | OutputLogger | None = None) -> None:
        self.client_side = client_side
        self.header_encoding = header_encoding
        self.validate_outbound_headers = validate_outbound_headers
        self.normalize_outbound_headers = normalize_outbound_headers
        self.split_outbound_cookies = split_outbound_cookies
        self.validate_inbound_headers = validate_inbound_headers
        self.normalize_inbound_headers = normalize_inbound_headers
        self.logger = logger or DummyLogger(__name__)

    @property
    def header_encoding(self) -> bool | str | None:
        return self._header_encoding

    @header_encoding.setter
    def header_encoding(self, value: bool | str | None) -> None:
        if not isinstance(value, (bool, str, type(None))):
            msg = "header_encoding must be bool, string, or None"
            raise ValueError(msg)
        if value is True:
            msg = "header_encoding cannot be True"
            raise ValueError(msg)
        self._header_encoding = value
