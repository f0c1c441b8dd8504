//! A small async driver for interop tests: pumps bytes between one of our sans-IO
//! [`Connection`]s and a tokio stream, handing each batch of events to the test, and an
//! [`Outbox`] that sends queued bodies as flow-control windows allow.

use h2_conn::{Bytes, Connection, Event, HeaderField, StreamId};
use std::collections::{BTreeMap, VecDeque};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Runs `conn` over `io` until `on_events` returns true (after its output is written) or
/// the peer closes the stream. `on_events` is called once with no events at the start, then
/// after every read, and may issue commands on the connection.
pub async fn run<IO, F>(conn: &mut Connection, io: &mut IO, mut on_events: F)
where
    IO: AsyncRead + AsyncWrite + Unpin,
    F: FnMut(&mut Connection, Vec<Event>) -> bool,
{
    let mut buf = vec![0u8; 64 * 1024];
    let mut done = on_events(conn, Vec::new());
    loop {
        let out = conn.data_to_send();
        if !out.is_empty() && io.write_all(&out).await.is_err() {
            return;
        }
        if done || conn.is_closed() {
            let _ = io.flush().await;
            return;
        }
        let n = match io.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let events = match conn.receive_data(&buf[..n]) {
            Ok(events) => events,
            Err(_) => return,
        };
        done = on_events(conn, events);
    }
}

enum Item {
    Data(Bytes, bool),
    Trailers(Vec<HeaderField>),
}

/// Bodies waiting for flow-control window, per stream, sent in order.
#[derive(Default)]
pub struct Outbox {
    queues: BTreeMap<StreamId, VecDeque<Item>>,
}

impl Outbox {
    /// Queues DATA (`end_stream` on the last chunk).
    pub fn data(&mut self, id: StreamId, data: impl Into<Bytes>, end_stream: bool) {
        self.queues
            .entry(id)
            .or_default()
            .push_back(Item::Data(data.into(), end_stream));
    }

    /// Queues trailers (they end the stream).
    pub fn trailers(&mut self, id: StreamId, fields: Vec<HeaderField>) {
        self.queues
            .entry(id)
            .or_default()
            .push_back(Item::Trailers(fields));
    }

    /// Drops what is queued for a reset stream.
    pub fn forget(&mut self, id: StreamId) {
        self.queues.remove(&id);
    }

    /// Nothing left to send.
    pub fn is_empty(&self) -> bool {
        self.queues.is_empty()
    }

    /// Sends as much as the windows allow.
    pub fn flush(&mut self, conn: &mut Connection) {
        let ids: Vec<StreamId> = self.queues.keys().copied().collect();
        for id in ids {
            let queue = self.queues.get_mut(&id).expect("listed");
            while let Some(item) = queue.front_mut() {
                match item {
                    Item::Trailers(fields) => {
                        conn.send_headers(id, fields, true).expect("trailers");
                        queue.pop_front();
                    }
                    Item::Data(data, end) => {
                        let window = conn.local_flow_control_window(id).unwrap_or(0).max(0);
                        let n = data.len().min(window as usize);
                        if n == 0 && !data.is_empty() {
                            break;
                        }
                        let chunk = data.split_to(n);
                        let last = data.is_empty();
                        conn.send_data(id, chunk, *end && last).expect("send_data");
                        if last {
                            queue.pop_front();
                        }
                    }
                }
            }
            if queue.is_empty() {
                self.queues.remove(&id);
            }
        }
    }
}
