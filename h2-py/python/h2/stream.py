"""Stream states (hyper-h2's ``h2.stream``); the state machine itself is h2-stream's."""
from __future__ import annotations

from enum import Enum, IntEnum


class StreamState(IntEnum):
    IDLE = 0
    RESERVED_REMOTE = 1
    RESERVED_LOCAL = 2
    OPEN = 3
    HALF_CLOSED_REMOTE = 4
    HALF_CLOSED_LOCAL = 5
    CLOSED = 6


class StreamClosedBy(Enum):
    SEND_END_STREAM = 0
    RECV_END_STREAM = 1
    SEND_RST_STREAM = 2
    RECV_RST_STREAM = 3


class StreamInputs(Enum):
    SEND_HEADERS = 0
    SEND_PUSH_PROMISE = 1
    SEND_RST_STREAM = 2
    SEND_DATA = 3
    SEND_WINDOW_UPDATE = 4
    SEND_END_STREAM = 5
    RECV_HEADERS = 6
    RECV_PUSH_PROMISE = 7
    RECV_RST_STREAM = 8
    RECV_DATA = 9
    RECV_WINDOW_UPDATE = 10
    RECV_END_STREAM = 11
    RECV_CONTINUATION = 12
    SEND_INFORMATIONAL_HEADERS = 13
    RECV_INFORMATIONAL_HEADERS = 14
    SEND_ALTERNATIVE_SERVICE = 15
    RECV_ALTERNATIVE_SERVICE = 16
    UPGRADE_CLIENT = 17
    UPGRADE_SERVER = 18


_INPUT_NAMES = {
    StreamInputs.SEND_HEADERS: "send_headers",
    StreamInputs.SEND_INFORMATIONAL_HEADERS: "send_headers",
    StreamInputs.SEND_PUSH_PROMISE: "send_push_promise",
    StreamInputs.SEND_RST_STREAM: "send_rst_stream",
    StreamInputs.SEND_DATA: "send_data",
    StreamInputs.SEND_WINDOW_UPDATE: "send_window_update",
    StreamInputs.SEND_END_STREAM: "send_end_stream",
    StreamInputs.RECV_HEADERS: "recv_headers",
    StreamInputs.RECV_INFORMATIONAL_HEADERS: "recv_headers",
    StreamInputs.RECV_CONTINUATION: "recv_headers",
    StreamInputs.RECV_PUSH_PROMISE: "recv_push_promise",
    StreamInputs.RECV_RST_STREAM: "recv_rst_stream",
    StreamInputs.RECV_DATA: "recv_data",
    StreamInputs.RECV_WINDOW_UPDATE: "recv_window_update",
    StreamInputs.RECV_END_STREAM: "recv_end_stream",
}


class H2StreamStateMachine:
    """One stream's RFC 9113 5.1 state machine, stepped by h2-stream's transition
    functions (hyper-h2's ``H2StreamStateMachine``, minus its event bookkeeping)."""

    def __init__(self, stream_id: int) -> None:
        self.state = StreamState.IDLE
        self.stream_id = stream_id
        self.client: bool | None = None

    def process_input(self, input_: StreamInputs) -> list:
        from . import _native
        from .exceptions import ProtocolError, StreamClosedError

        if not isinstance(input_, StreamInputs):
            msg = "Input must be an instance of StreamInputs"
            raise ValueError(msg)
        if input_ in (StreamInputs.SEND_ALTERNATIVE_SERVICE,
                      StreamInputs.RECV_ALTERNATIVE_SERVICE,
                      StreamInputs.UPGRADE_CLIENT, StreamInputs.UPGRADE_SERVER):
            if self.state == StreamState.CLOSED and input_ == StreamInputs.SEND_ALTERNATIVE_SERVICE:
                raise ProtocolError("cannot send ALTSVC on a closed stream")
            return []
        if self.client is None and self.state == StreamState.IDLE:
            if input_ == StreamInputs.SEND_HEADERS:
                self.client = True
            elif input_ == StreamInputs.RECV_HEADERS:
                self.client = False
        client = True if self.client is None else self.client
        try:
            new = _native.stream_transition(self.state.name, _INPUT_NAMES[input_], client,
                                            self.stream_id)
        except _native.NativeError as e:
            before, self.state = self.state, StreamState.CLOSED
            # hyper-h2 reports "stream closed" only for frames on a closed stream, DATA
            # out of place, and frames after the peer's END_STREAM; other faults are
            # plain protocol errors.
            closed = e.args[0] == "StreamClosed" and input_ != StreamInputs.SEND_PUSH_PROMISE and (
                before == StreamState.CLOSED
                or input_ == StreamInputs.RECV_DATA
                or (before == StreamState.HALF_CLOSED_REMOTE and input_ in (
                    StreamInputs.RECV_HEADERS, StreamInputs.RECV_PUSH_PROMISE,
                    StreamInputs.RECV_CONTINUATION))
            )
            if closed:
                raise StreamClosedError(self.stream_id) from None
            raise ProtocolError(e.args[1]) from None
        self.state = StreamState[new]
        return []


class H2Stream:
    """A stream as hyper-h2's ``H2Stream`` presents it: its ID and state machine
    (standalone; our ``H2Connection`` keeps its streams in Rust)."""

    def __init__(self, stream_id: int, config: object, inbound_window_size: int,
                 outbound_window_size: int) -> None:
        self.stream_id = stream_id
        self.config = config
        self.inbound_flow_control_window = inbound_window_size
        self.outbound_flow_control_window = outbound_window_size
        self.state_machine = H2StreamStateMachine(stream_id)

    @property
    def state(self) -> StreamState:
        return self.state_machine.state

    def __repr__(self) -> str:
        return f"<{type(self).__name__} id:{self.stream_id} state:{self.state_machine.state!r}>"
