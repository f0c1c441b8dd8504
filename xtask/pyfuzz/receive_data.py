"""Fuzz the Python binding's receive_data (issue 16): arbitrary bytes, in arbitrary
chunks, into a client and a server H2Connection, through the same conversion code every
Python caller uses. Allowed outcomes: events, or an h2.exceptions.ProtocolError (hyper-h2's
way of reporting a peer's fault). Anything else (another exception, a crash of the
interpreter) is a finding.

Run by `cargo xtask pycompat --fuzz SECONDS` in the pycompat venv (atheris from PyPI).
"""

import sys

import atheris

with atheris.instrument_imports():
    import h2.config
    import h2.connection
    import h2.events
    import h2.exceptions

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    client_side = fdp.ConsumeBool()
    config = h2.config.H2Configuration(client_side=client_side)
    conn = h2.connection.H2Connection(config=config)
    conn.initiate_connection()
    conn.data_to_send()
    # A server mostly wants the preface first, or nothing past it is reached.
    pending = (b"" if client_side or fdp.ConsumeBool() else PREFACE) + fdp.ConsumeBytes(
        fdp.remaining_bytes()
    )
    try:
        while pending:
            step = 1 + (pending[0] % 64) * 16
            chunk, pending = pending[:step], pending[step:]
            for event in conn.receive_data(chunk):
                repr(event)
                if isinstance(event, h2.events.DataReceived) and event.stream_id:
                    try:
                        conn.acknowledge_received_data(
                            event.flow_controlled_length, event.stream_id
                        )
                    except h2.exceptions.ProtocolError:
                        pass
            conn.data_to_send()
    except h2.exceptions.ProtocolError:
        pass


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
