"""Our own binding tests, run by `cargo xtask pycompat` after hyper-h2's suite.

A connection closed by a GOAWAY (sent or received) refuses every command but another
GOAWAY, with hyper-h2's exception class and wording (found by driving httpx and
hypercorn on both libraries side by side).
"""

import pytest

import h2.config
import h2.connection
import h2.exceptions


def _pair():
    client = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    server = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
    client.initiate_connection()
    server.initiate_connection()
    server.receive_data(client.data_to_send())
    client.receive_data(server.data_to_send())
    server.receive_data(client.data_to_send())
    return client, server


COMMANDS = [
    ("SEND_PING", lambda c: c.ping(b"12345678")),
    ("SEND_SETTINGS", lambda c: c.update_settings({})),
    ("SEND_WINDOW_UPDATE", lambda c: c.increment_flow_control_window(10)),
    ("SEND_PRIORITY", lambda c: c.prioritize(1)),
    ("SEND_SETTINGS", lambda c: c.initiate_connection()),
]


@pytest.mark.parametrize(("name", "command"), COMMANDS)
def test_commands_refused_after_goaway_received(name, command):
    client, server = _pair()
    server.close_connection()
    events = client.receive_data(server.data_to_send())
    assert [type(e).__name__ for e in events] == ["ConnectionTerminated"]
    assert client.state_machine.state == h2.connection.ConnectionState.CLOSED
    with pytest.raises(h2.exceptions.ProtocolError, match=f"ConnectionInputs.{name} in state ConnectionState.CLOSED"):
        command(client)
    assert client.data_to_send() == b""


@pytest.mark.parametrize(("name", "command"), COMMANDS)
def test_commands_refused_after_goaway_sent(name, command):
    client, _ = _pair()
    client.close_connection()
    client.data_to_send()
    with pytest.raises(h2.exceptions.ProtocolError, match=f"ConnectionInputs.{name}"):
        command(client)


def test_goaway_may_be_repeated_once_closed():
    client, server = _pair()
    server.close_connection()
    client.receive_data(server.data_to_send())
    client.close_connection()
    # One GOAWAY frame: 9-octet header + 8-octet payload.
    assert len(client.data_to_send()) == 17


def test_commands_allowed_before_close():
    client, _ = _pair()
    client.ping(b"12345678")
    client.increment_flow_control_window(10)
    assert client.data_to_send() != b""
