//! Allocation calls of the plain I/O calls once warm: a client reading a 4 MiB body from
//! a fixed-size read buffer (`data_to_send_into` on the server, `receive_data_into`
//! with a slice on the client, events dropped between reads as an application does)
//! makes none per call, whatever the read size, including reads that cut DATA frames
//! anywhere (a frame cut by one read is completed in place by the next).
mod support;

use bytes::Bytes;
use h2_conn::{Config, Connection, Event, HeaderField, StreamId};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use support::request_fields;

thread_local! {
    static CALLS: Cell<u64> = const { Cell::new(0) };
}

/// Counts allocation calls (alloc, alloc_zeroed, realloc) per thread.
struct CountingAlloc;

// SAFETY: every call is forwarded unchanged to `System`; the count is a const-initialized
// thread-local without a destructor, which never allocates.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = CALLS.try_with(|c| c.set(c.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let _ = CALLS.try_with(|c| c.set(c.get() + 1));
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = CALLS.try_with(|c| c.set(c.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

fn allocations() -> u64 {
    CALLS.with(Cell::get)
}

const BODY: usize = 4 << 20;

/// A client and a server, both started, nothing exchanged yet (the handshake goes the
/// way each test moves bytes), and the client's request queued on its stream.
fn started(method: &str, path: &str, end_stream: bool) -> (Connection, Connection, StreamId) {
    let mut client = Connection::new(Config::client());
    let mut server = Connection::new(Config::server());
    client.initiate_connection();
    server.initiate_connection();
    let id = client.next_stream_id().unwrap();
    client
        .send_headers(id, &request_fields(method, path), end_stream)
        .unwrap();
    (client, server, id)
}

/// Allocation calls made by the client's `receive_data_into` and the server's
/// `data_to_send_into` after the first 256 KiB of body, reading `read` octets at a time.
/// (The previous input handling, which copied a cut frame into a buffer of its own,
/// made 420 with 10,000-octet reads.)
fn steady_allocations(read: usize) -> (u64, u64) {
    let (mut client, mut server, id) = started("GET", "/large", true);
    let body = Bytes::from(vec![7u8; 64 * 1024]);
    let (mut sent, mut received, mut answered) = (0, 0, false);
    let (mut recv_allocs, mut send_allocs) = (0, 0);
    let mut buf = vec![0u8; read];
    let mut events = Vec::with_capacity(1024);
    let mut rounds = 0;
    while received < BODY {
        rounds += 1;
        assert!(rounds < 100_000, "stalled at {received} of {BODY}");
        if answered {
            let window = server.local_flow_control_window(id).unwrap();
            let n = (BODY - sent).min(window.max(0) as usize).min(body.len());
            if n > 0 {
                sent += n;
                // The stream stays open: closing it is bookkeeping, not steady state.
                server.send_data(id, body.slice(..n), false).unwrap();
            }
        }
        let warm = received >= 256 * 1024;
        for (from_server, count) in [(false, false), (true, warm)] {
            let (from, to) = if from_server {
                (&mut server, &mut client)
            } else {
                (&mut client, &mut server)
            };
            loop {
                let before = allocations();
                let n = from.data_to_send_into(&mut buf);
                if count {
                    send_allocs += allocations() - before;
                }
                if n == 0 {
                    break;
                }
                let before = allocations();
                to.receive_data_into(&buf[..n], &mut events).unwrap();
                if count {
                    recv_allocs += allocations() - before;
                }
                for event in events.drain(..) {
                    match event {
                        Event::RequestReceived { stream_id, .. } => {
                            let response = [HeaderField::new(":status", "200")];
                            to.send_headers(stream_id, &response, false).unwrap();
                            answered = true;
                        }
                        Event::DataReceived {
                            stream_id,
                            data,
                            flow_controlled_length,
                            ..
                        } => {
                            received += data.len();
                            to.acknowledge_received_data(flow_controlled_length, stream_id)
                                .unwrap();
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    (recv_allocs, send_allocs)
}

#[test]
fn fixed_size_reads_allocate_nothing_once_warm() {
    // A frame and its header per read, several frames per read, reads cutting frames at
    // shifting places, and reads smaller than a frame.
    for read in [16_384 + 9, 65_536, 10_000, 4_096] {
        let (recv, send) = steady_allocations(read);
        assert_eq!(
            (recv, send),
            (0, 0),
            "{read}-byte reads: allocations in receive_data_into, data_to_send_into"
        );
    }
}

/// Allocation calls in the server's `receive_data_into` after the first 256 KiB of a
/// 4 MiB upload that reaches it as a socket delivers it: everything the client writes,
/// from its first octet (the preface and SETTINGS included), goes through a pipe from
/// which the server reads `read` octets at a time whenever that many wait, whatever
/// frames they cut.
fn piped_upload_allocations(read: usize) -> u64 {
    let (mut client, mut server, id) = started("POST", "/upload", false);
    let body = Bytes::from(vec![7u8; 64 * 1024]);
    let mut pipe = std::collections::VecDeque::new();
    let (mut sent, mut received, mut allocs) = (0, 0, 0);
    let (mut out, mut buf) = (vec![0u8; 64 * 1024], vec![0u8; read]);
    let mut events = Vec::with_capacity(1024);
    for round in 0.. {
        assert!(round < 100_000, "stalled at {received} of {BODY}");
        let window = client.local_flow_control_window(id).unwrap();
        let n = (BODY - sent).min(window.max(0) as usize).min(body.len());
        if n > 0 {
            sent += n;
            client.send_data(id, body.slice(..n), false).unwrap();
        }
        loop {
            let n = client.data_to_send_into(&mut out);
            if n == 0 {
                break;
            }
            pipe.extend(&out[..n]);
        }
        // Whole reads while there are; the rest only when nothing more can come.
        let stuck = n == 0;
        while pipe.len() >= read || (stuck && !pipe.is_empty()) {
            let n = read.min(pipe.len());
            for (slot, octet) in buf.iter_mut().zip(pipe.drain(..n)) {
                *slot = octet;
            }
            let before = allocations();
            server.receive_data_into(&buf[..n], &mut events).unwrap();
            if received >= 256 * 1024 {
                allocs += allocations() - before;
            }
            for event in events.drain(..) {
                if let Event::DataReceived {
                    stream_id,
                    data,
                    flow_controlled_length,
                    ..
                } = event
                {
                    received += data.len();
                    server
                        .acknowledge_received_data(flow_controlled_length, stream_id)
                        .unwrap();
                }
            }
        }
        client.receive_data(server.data_to_send()).unwrap();
        if received == BODY {
            break;
        }
    }
    allocs
}

#[test]
fn reads_that_cut_the_preface_and_every_frame_allocate_nothing_once_warm() {
    for read in [10_000, 4_096, 65_536, 16_384 + 9] {
        assert_eq!(
            piped_upload_allocations(read),
            0,
            "{read}-byte reads: allocations in receive_data_into"
        );
    }
}
