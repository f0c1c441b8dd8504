//! Shared by the byte-stream targets: cut the input into chunks, feed them, play a
//! well-behaved application on the events, and check what must hold after every step.

use h2_conn::{Bytes, Connection, Event, HeaderField, StreamId};

/// Bytes the connection may hold besides queued output: one frame being reassembled
/// (16 KiB max frame + 9) and bookkeeping; queued output is bounded separately.
pub const MAX_HELD: usize = 4 << 20;

/// Splits `input` into chunks: each starts with a length octet (0 means "the rest").
pub fn chunks(mut input: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while let Some((&n, rest)) = input.split_first() {
        let n = if n == 0 {
            rest.len()
        } else {
            usize::from(n).min(rest.len())
        };
        out.push(&rest[..n]);
        input = &rest[n..];
    }
    out
}

/// Feeds one chunk and acts on the events like an application would. `mode` bits:
/// 1 = take output after this chunk, 2 = answer requests, 4 = acknowledge data,
/// 8 = reset streams that sent trailers or ended, 32 = feed chunks of odd length as
/// `Bytes` with `receive_vectored`, cut after their first 9 octets (mixed with slices:
/// a frame a slice cut off is completed by a `Bytes`, and the other way round).
pub fn feed(conn: &mut Connection, chunk: &[u8], mode: u8) {
    let was_closed = conn.is_closed();
    let received = if mode & 32 != 0 && chunk.len() % 2 == 1 {
        let bytes = Bytes::copy_from_slice(chunk);
        let cut = chunk.len().min(9);
        let mut events = Vec::new();
        conn.receive_vectored([bytes.slice(..cut), bytes.slice(cut..)], &mut events)
            .map(|()| events)
    } else {
        conn.receive_data(chunk)
    };
    let events = match received {
        Ok(events) => events,
        Err(_) => {
            assert!(was_closed, "receive_data fails only on a closed connection");
            return;
        }
    };
    let mut terminated_locally = false;
    for event in &events {
        match event {
            Event::RequestReceived { stream_id, .. } if mode & 2 != 0 => {
                let _ = conn.send_headers(*stream_id, &[HeaderField::new(":status", "200")], false);
                let _ = conn.send_data(*stream_id, Bytes::from_static(b"fuzz"), true);
            }
            Event::DataReceived {
                stream_id,
                flow_controlled_length,
                ..
            } if mode & 4 != 0 => {
                let _ = conn.acknowledge_received_data(*flow_controlled_length, *stream_id);
            }
            Event::StreamEnded { stream_id } if mode & 8 != 0 => {
                let _ = conn.reset_stream(*stream_id, h2_conn::ErrorCode::CANCEL);
            }
            Event::PushedStreamReceived {
                pushed_stream_id, ..
            } => {
                let _ = conn.reset_stream(*pushed_stream_id, h2_conn::ErrorCode::REFUSED_STREAM);
            }
            Event::ConnectionTerminated { remote: false, .. } => terminated_locally = true,
            _ => {}
        }
    }
    if terminated_locally {
        assert!(
            conn.is_closed(),
            "a local termination closes the connection"
        );
    }
    let held = conn.memory_usage() - conn.pending_output_len();
    assert!(held <= MAX_HELD, "connection holds {held} bytes");
    if mode & 1 != 0 {
        let _ = conn.data_to_send();
    }
    // Getters never panic.
    let _ = conn.next_stream_id();
    let _ = conn.local_flow_control_window(StreamId::new(1));
    let _ = conn.remote_flow_control_window(StreamId::ZERO);
}
