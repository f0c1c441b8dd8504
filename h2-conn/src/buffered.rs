//! Buffered sending: bodies queued (or pulled from a [`BodySource`]) whatever the windows,
//! under the configured send-buffer bounds, with the backpressure and priority commands
//! around them. `framing.rs` turns the queues into frames when output is taken.

use crate::body::BodySource;
use crate::connection::{Connection, Phase};
use crate::priority::ExtensiblePriority;
use crate::registry::Entry;
use crate::send_queue::Item;
use bytes::Bytes;
use h2_events::{HeaderField, SendBuffer, UserError};
use h2_frame::{Frame, StreamId};
use h2_stream::Role;

impl Connection {
    /// Queues body data on a stream, whatever the flow-control windows: it is framed and
    /// sent as the windows allow when output is taken (`data_to_send*`), in RFC 9218
    /// priority order across streams. `data` is never copied on the way to
    /// [`data_to_send_vectored`](Connection::data_to_send_vectored).
    ///
    /// With `end_stream`, the stream ends after this data; trailers and
    /// [`end_stream`](Connection::end_stream) called while data is queued are queued behind
    /// it, in order.
    ///
    /// The send buffers work like a socket's high-water mark: while the connection's
    /// buffer ([`Config::max_send_buffer`](crate::Config)) and the stream's
    /// ([`Config::max_stream_send_buffer`](crate::Config)) are below their limits, a call
    /// is taken whole, whatever its size (so a whole body can go in one call); once one of
    /// them is at its limit, calls are refused with [`UserError::SendBufferFull`],
    /// changing nothing, and the stream is reported by
    /// [`writable_streams`](Connection::writable_streams) once there is room again
    /// ([`send_capacity`](Connection::send_capacity) says how much room is left). This is
    /// the backpressure that keeps a peer that stops reading from growing our memory.
    ///
    /// `data` is taken without a copy (`Bytes`, `Vec<u8>`, `String`, a `'static`
    /// literal); a borrowed `&[u8]`/`&str` that is not `'static` does not compile
    /// ("... requires that it is borrowed for `'static`"): pass
    /// [`Bytes::copy_from_slice`]`(slice)`, one copy.
    ///
    /// ```
    /// use h2_conn::{Config, Connection, HeaderField};
    /// let mut client = Connection::new(Config::client());
    /// let mut server = Connection::new(Config::server());
    /// client.initiate_connection();
    /// server.initiate_connection();
    /// let id = client.next_stream_id().unwrap();
    /// let request = [
    ///     HeaderField::new(":method", "POST"),
    ///     HeaderField::new(":scheme", "http"),
    ///     HeaderField::new(":authority", "example.com"),
    ///     HeaderField::new(":path", "/upload"),
    /// ];
    /// client.send_headers(id, &request, false).unwrap();
    /// // 200 KB: three times the initial 64 KiB window. No loop, no window arithmetic.
    /// client.queue_data(id, vec![7u8; 200_000], true).unwrap();
    /// let mut received = 0;
    /// while received < 200_000 {
    ///     while client.wants_write() {
    ///         let bytes = client.data_to_send();
    ///         for event in server.receive_bytes(bytes).unwrap() {
    ///             if let h2_conn::Event::DataReceived { stream_id, data, flow_controlled_length, .. } = event {
    ///                 received += data.len();
    ///                 server.acknowledge_received_data(flow_controlled_length, stream_id).unwrap();
    ///             }
    ///         }
    ///     }
    ///     client.receive_bytes(server.data_to_send()).unwrap(); // WINDOW_UPDATEs
    /// }
    /// assert_eq!(client.queued_len(id), 0);
    /// ```
    pub fn queue_data(
        &mut self,
        stream_id: StreamId,
        data: impl Into<Bytes>,
        end_stream: bool,
    ) -> Result<(), UserError> {
        self.check_usable()?;
        let data: Bytes = data.into();
        self.check_queueable(stream_id, data.len())?;
        let missing = self.streams.missing(stream_id);
        self.streams
            .with(stream_id, |e| {
                e.stream.reserve_data(data.len() as u64, end_stream)
            })
            .unwrap_or(Err(missing))?;
        let len = data.len();
        if len > 0 {
            self.streams.push_item(stream_id, Item::Data(data), len);
        }
        if end_stream {
            self.streams.push_item(stream_id, Item::End, 0);
        }
        Ok(())
    }

    /// Registers a body the connection pulls from as windows open (like nghttp2's data
    /// provider), so nothing needs to be queued up front; see [`BodySource`]. It takes its
    /// turn behind anything already queued on the stream, and anything queued after it
    /// (data, trailers, the end) follows once it answers [`Pull::Done`](crate::Pull::Done).
    pub fn queue_source(
        &mut self,
        stream_id: StreamId,
        source: Box<dyn BodySource>,
    ) -> Result<(), UserError> {
        self.check_usable()?;
        self.check_queueable(stream_id, 0)?;
        let missing = self.streams.missing(stream_id);
        // Checks that DATA may be sent on the stream now; reserves nothing.
        self.streams
            .with(stream_id, |e| e.stream.reserve_data(0, false))
            .unwrap_or(Err(missing))?;
        let item = Item::Source {
            source,
            paused: false,
        };
        self.streams.push_item(stream_id, item, 0);
        Ok(())
    }

    /// Asks the stream's paused [`BodySource`] (it answered [`Pull::Pending`](crate::Pull::Pending)) for data
    /// again at the next output.
    pub fn resume_source(&mut self, stream_id: StreamId) -> Result<(), UserError> {
        self.check_usable()?;
        let missing = self.streams.missing(stream_id);
        self.streams
            .with(stream_id, |e| {
                for item in e.queue.iter_mut().flat_map(|q| q.items.iter_mut()) {
                    if let Item::Source { paused, .. } = item {
                        *paused = false;
                    }
                }
            })
            .ok_or(missing)
    }

    /// Body octets queued on a stream and not yet framed (0 for unknown streams).
    pub fn queued_len(&self, stream_id: StreamId) -> usize {
        self.streams.get(stream_id).map_or(0, |e| e.queued())
    }

    /// Room left on `stream_id` before the send buffers reach their limits. While it is
    /// above 0 the next [`queue_data`](Connection::queue_data) is taken whole, whatever
    /// its size; at 0 it is refused with [`UserError::SendBufferFull`].
    pub fn send_capacity(&self, stream_id: StreamId) -> usize {
        let stream_queued = self.queued_len(stream_id);
        let conn_room = self
            .config
            .max_send_buffer
            .saturating_sub(self.held_output());
        let stream_room = self
            .config
            .max_stream_send_buffer
            .saturating_sub(stream_queued);
        conn_room.min(stream_room)
    }

    /// Moves into `out` the streams whose buffered send was refused for lack of room and
    /// that have room again (the buffer is at most half full). Call it after taking
    /// output; a runtime adapter turns it into write readiness.
    pub fn writable_streams(&mut self, out: &mut Vec<StreamId>) {
        if self.streams.blocked.is_empty() || self.held_output() > self.config.max_send_buffer / 2 {
            return;
        }
        let mut blocked = std::mem::take(&mut self.streams.blocked);
        for id in blocked.drain(..) {
            let woken = self
                .streams
                .with(id, |e| std::mem::replace(&mut e.wants_capacity, false));
            if woken == Some(true) {
                out.push(id);
            }
        }
        // Keep the allocation for next time.
        self.streams.blocked = blocked;
    }

    /// True when there is output to take: frames waiting, or queued DATA that the windows
    /// let us send. Loop on `data_to_send*` while it holds. Once the connection is closed
    /// (our GOAWAY) queued DATA is no longer framed, so only the waiting frames count.
    pub fn wants_write(&self) -> bool {
        self.output.len() > 0
            || (!matches!(self.phase, Phase::Closed | Phase::NotStarted)
                && self.next_sendable().is_some())
    }

    /// Changes how a stream's queued DATA is scheduled against other streams' (RFC 9218).
    /// On a client it also tells the server with PRIORITY_UPDATE (RFC 9218 7.1); on a
    /// server it overrides what the client signalled, from now on.
    pub fn set_priority(
        &mut self,
        stream_id: StreamId,
        priority: ExtensiblePriority,
    ) -> Result<(), UserError> {
        self.check_usable()?;
        if priority.urgency > 7 || stream_id.is_zero() {
            return Err(UserError::InvalidState {
                stream_id,
                why: "urgency must be 0..=7 on a non-zero stream",
            });
        }
        if self.streams.get(stream_id).is_none() {
            return Err(self.streams.missing(stream_id));
        }
        if self.role == Role::Client {
            self.write_frame(&Frame::PriorityUpdate(h2_frame::PriorityUpdate {
                prioritized_stream_id: stream_id,
                field_value: priority.field_bytes(),
            }));
        } else {
            let _ = self.streams.with(stream_id, |e| e.priority_pinned = true);
        }
        self.streams.set_priority(stream_id, priority);
        Ok(())
    }

    /// The priority a stream's queued DATA is scheduled with.
    pub fn priority(&self, stream_id: StreamId) -> Option<ExtensiblePriority> {
        self.streams.get(stream_id).map(|e| e.priority)
    }

    // ---------------------------------------------------------------- internals

    /// Framed output plus queued body octets: what the send buffer bounds.
    pub(crate) fn held_output(&self) -> usize {
        self.output.len() + self.streams.queued
    }

    /// A priority signalled by the peer (request header or PRIORITY_UPDATE), unless the
    /// application pinned the stream's priority.
    pub(crate) fn on_priority_signal(&mut self, stream_id: StreamId, value: &[u8]) {
        self.on_priority(stream_id, ExtensiblePriority::parse(value));
    }

    /// [`on_priority_signal`](Connection::on_priority_signal) with the value parsed.
    pub(crate) fn on_priority(&mut self, stream_id: StreamId, priority: ExtensiblePriority) {
        if let Some(entry) = self.streams.get(stream_id) {
            if !entry.priority_pinned {
                self.streams.set_priority(stream_id, priority);
            }
        }
    }

    /// The stream, if more may be queued on it (it exists, and its end is not queued).
    pub(crate) fn queue_open(&self, stream_id: StreamId) -> Result<&Entry, UserError> {
        let Some(entry) = self.streams.get(stream_id) else {
            return Err(self.streams.missing(stream_id));
        };
        if entry.queue.as_ref().is_some_and(|q| q.ended) {
            return Err(UserError::InvalidState {
                stream_id,
                why: "the end of the stream is already queued",
            });
        }
        Ok(entry)
    }

    /// Checks that `len` more octets may be queued on the stream; marks it blocked if not.
    fn check_queueable(&mut self, stream_id: StreamId, len: usize) -> Result<(), UserError> {
        let stream_queued = self.queue_open(stream_id)?.queued();
        let result = self.check_room(stream_id, stream_queued, len);
        if result.is_err() {
            let newly = self.streams.with(stream_id, |e| {
                !std::mem::replace(&mut e.wants_capacity, true)
            });
            if newly == Some(true) {
                self.streams.note_blocked(stream_id);
            }
        }
        result
    }

    /// The send-buffer bounds, a high-water mark like a socket's: a send is taken whole
    /// while the connection's (and the stream's) buffer is below its limit, and refused
    /// once it is at or above it. So what is held passes the limit by at most the last
    /// send taken, and a body of any size can be handed over in one call when there is
    /// room. Sends of no octets (the end of a stream, a source) always pass.
    pub(crate) fn check_room(
        &self,
        stream_id: StreamId,
        stream_queued: usize,
        len: usize,
    ) -> Result<(), UserError> {
        if len == 0 {
            return Ok(());
        }
        let held = self.held_output();
        let limit = self.config.max_send_buffer;
        if held >= limit {
            return Err(UserError::SendBufferFull {
                stream_id,
                buffer: SendBuffer::Connection,
                held,
                limit,
                len,
            });
        }
        let limit = self.config.max_stream_send_buffer;
        if stream_queued >= limit {
            return Err(UserError::SendBufferFull {
                stream_id,
                buffer: SendBuffer::Stream,
                held: stream_queued,
                limit,
                len,
            });
        }
        Ok(())
    }

    /// Whether the stream has queued output, which then must go behind the queue.
    pub(crate) fn has_queue(&self, stream_id: StreamId) -> bool {
        self.streams
            .get(stream_id)
            .is_some_and(|e| e.queue.as_ref().is_some_and(|q| !q.items.is_empty()))
    }

    /// Queues trailers (already checked by the caller on a copy of the stream) or the end
    /// behind the stream's queued body.
    pub(crate) fn queue_end(&mut self, stream_id: StreamId, trailers: Option<&[HeaderField]>) {
        let item = match trailers {
            Some(headers) => Item::Trailers(headers.to_vec()),
            None => Item::End,
        };
        self.streams.push_item(stream_id, item, 0);
    }
}
