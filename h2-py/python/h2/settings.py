"""HTTP/2 settings: codes, a settings mapping with values pending acknowledgement."""
from __future__ import annotations

import collections
import enum
from collections.abc import Iterator, MutableMapping

from . import _native
from .errors import ErrorCodes
from .exceptions import InvalidSettingsValueError


class SettingCodes(enum.IntEnum):
    """All known HTTP/2 setting codes."""

    HEADER_TABLE_SIZE = 0x1
    ENABLE_PUSH = 0x2
    MAX_CONCURRENT_STREAMS = 0x3
    INITIAL_WINDOW_SIZE = 0x4
    MAX_FRAME_SIZE = 0x5
    MAX_HEADER_LIST_SIZE = 0x6
    ENABLE_CONNECT_PROTOCOL = 0x8


def _setting_code_from_int(code: int) -> SettingCodes | int:
    try:
        return SettingCodes(code)
    except ValueError:
        return code


class ChangedSetting:
    """One setting that changed: its code, old value and new value."""

    def __init__(self, setting: SettingCodes | int, original_value: int | None, new_value: int) -> None:
        self.setting = setting
        self.original_value = original_value
        self.new_value = new_value

    def __repr__(self) -> str:
        return (
            f"ChangedSetting(setting={self.setting!s}, original_value={self.original_value}, "
            f"new_value={self.new_value})"
        )


def _validate_setting(setting: int, value: int, *, client: bool | None = None) -> ErrorCodes:
    """The error code a setting value calls for (NO_ERROR when valid); the RFC 9113
    6.5.2 checks are h2-frame's."""
    if not isinstance(value, int) or value < 0:
        if setting == SettingCodes.INITIAL_WINDOW_SIZE:
            return ErrorCodes.FLOW_CONTROL_ERROR
        return ErrorCodes.PROTOCOL_ERROR
    if value > 0xFFFFFFFF:
        if setting == SettingCodes.INITIAL_WINDOW_SIZE:
            return ErrorCodes.FLOW_CONTROL_ERROR
        if setting in (SettingCodes.ENABLE_PUSH, SettingCodes.MAX_FRAME_SIZE,
                       SettingCodes.ENABLE_CONNECT_PROTOCOL):
            return ErrorCodes.PROTOCOL_ERROR
        return ErrorCodes.NO_ERROR
    if client is False and setting == SettingCodes.ENABLE_PUSH and value != 0:
        return ErrorCodes.PROTOCOL_ERROR
    if setting > 0xFFFF:
        return ErrorCodes.NO_ERROR
    code = _native.validate_setting(int(setting), value)
    return ErrorCodes(code) if code is not None else ErrorCodes.NO_ERROR


class Settings(MutableMapping):
    """HTTP/2 settings of one side, with new values held until acknowledged.

    Reading a key gives the value in force; assigning queues a new value, which
    :meth:`acknowledge` puts in force.
    """

    def __init__(self, client: bool = True, initial_values: dict | None = None) -> None:
        self._client = client
        self._settings: dict = {
            SettingCodes.HEADER_TABLE_SIZE: collections.deque([4096]),
            SettingCodes.ENABLE_PUSH: collections.deque([int(client)]),
            SettingCodes.INITIAL_WINDOW_SIZE: collections.deque([65535]),
            SettingCodes.MAX_FRAME_SIZE: collections.deque([16384]),
            SettingCodes.ENABLE_CONNECT_PROTOCOL: collections.deque([0]),
        }
        if initial_values is not None:
            for key, value in initial_values.items():
                invalid = _validate_setting(key, value)
                if invalid:
                    msg = f"Setting {key} has invalid value {value}"
                    raise InvalidSettingsValueError(msg, error_code=invalid)
                self._settings[key] = collections.deque([value])

    def acknowledge(self) -> dict:
        """Puts pending values in force; returns ``{setting: ChangedSetting}``."""
        changed = {}
        for k, v in self._settings.items():
            if len(v) > 1:
                old = v.popleft()
                changed[k] = ChangedSetting(k, old, v[0])
        return changed

    def _property(code):  # noqa: N805
        def get(self):
            return self[code]

        def set_(self, value):
            self[code] = value

        return property(get, set_)

    header_table_size = _property(SettingCodes.HEADER_TABLE_SIZE)
    enable_push = _property(SettingCodes.ENABLE_PUSH)
    initial_window_size = _property(SettingCodes.INITIAL_WINDOW_SIZE)
    max_frame_size = _property(SettingCodes.MAX_FRAME_SIZE)
    enable_connect_protocol = _property(SettingCodes.ENABLE_CONNECT_PROTOCOL)

    @property
    def max_concurrent_streams(self) -> int:
        return self._settings.get(SettingCodes.MAX_CONCURRENT_STREAMS, [2**32 + 1])[0]

    @max_concurrent_streams.setter
    def max_concurrent_streams(self, value: int) -> None:
        self[SettingCodes.MAX_CONCURRENT_STREAMS] = value

    @property
    def max_header_list_size(self) -> int | None:
        return self._settings.get(SettingCodes.MAX_HEADER_LIST_SIZE, [None])[0]

    @max_header_list_size.setter
    def max_header_list_size(self, value: int) -> None:
        self[SettingCodes.MAX_HEADER_LIST_SIZE] = value

    del _property

    def __getitem__(self, key):
        val = self._settings[key][0]
        if val is None:
            raise KeyError(key)
        return val

    def __setitem__(self, key, value) -> None:
        invalid = _validate_setting(key, value)
        if invalid:
            msg = f"Setting {key} has invalid value {value}"
            raise InvalidSettingsValueError(msg, error_code=invalid)
        items = self._settings.get(key)
        if items is None:
            items = collections.deque([None])
            self._settings[key] = items
        items.append(value)

    def validate_received_setting(self, setting, value) -> None:
        invalid = _validate_setting(setting, value, client=self._client)
        if invalid != ErrorCodes.NO_ERROR:
            msg = f"Setting {setting} has invalid value {value}"
            raise InvalidSettingsValueError(msg, error_code=invalid)

    def __delitem__(self, key) -> None:
        del self._settings[key]

    def __iter__(self) -> Iterator:
        return iter(self._settings)

    def __len__(self) -> int:
        return len(self._settings)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Settings):
            return self._settings == other._settings
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        if isinstance(other, Settings):
            return not self == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


__all__ = ["ChangedSetting", "SettingCodes", "Settings"]
