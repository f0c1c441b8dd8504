//! Framing queued output: when output is taken, the streams' queues become DATA frames
//! (and trailers, and ends of streams), within both windows, in RFC 9218 order, up to a
//! batch per call.

use crate::body::Pull;
use crate::connection::{Connection, Phase};
use crate::priority::ExtensiblePriority;
use crate::send_queue::Item;
use bytes::Bytes;
use h2_events::{Event, HeaderField};
use h2_frame::{Data, ErrorCode, Frame, RstStream, StreamId};
use h2_hpack_glue::syntax::KnownValid;

/// How much queued DATA one `data_to_send`/`data_to_send_vectored` call frames (64 KiB,
/// a typical socket write): enough to amortize a write, small enough that the copy of
/// `data_to_send` and the reader's copy stay in the CPU cache (measured: with 512 KiB
/// batches the copying plain path ran at 60% of this speed).
pub const WRITE_BATCH: usize = 64 * 1024;

/// What one turn of a stream's queue produced.
enum Turn {
    /// A DATA frame (its octets are already taken from the stream window).
    Data(Data),
    /// Trailers, checked and accounted by the stream, to encode.
    Trailers(Vec<HeaderField>),
    /// Nothing to send now (a source paused, or the queue is empty).
    Idle,
    /// A pulled body broke a message rule (content-length): the stream is reset.
    Fault(&'static str),
}

impl Connection {
    /// The stream whose queued output goes next, if any can go now.
    pub(crate) fn next_sendable(&self) -> Option<StreamId> {
        let conn_window = self.send_window.available();
        self.streams.scheduler.first_ready(|id| {
            self.streams.get(id).is_some_and(|e| {
                e.queue
                    .as_ref()
                    .is_some_and(|q| q.sendable(e.stream.send_window(), conn_window))
            })
        })
    }

    /// Frames queued output until `budget` octets are waiting (or nothing can go), DATA
    /// payloads by reference (`by_ref`, for vectored output) or copied once into the
    /// output buffer.
    pub(crate) fn fill_output(&mut self, budget: usize, by_ref: bool) {
        if matches!(self.phase, Phase::Closed | Phase::NotStarted) {
            return;
        }
        if self.output.len() >= budget {
            return;
        }
        let Some(mut id) = self.next_sendable() else {
            return;
        };
        if !by_ref {
            // Copied DATA: room for the batch at once, not by doubling (and none taken
            // when every queue waits for a window).
            let conn_window = self.send_window.available().max(0) as usize;
            let batch = budget.saturating_sub(self.output.len());
            self.output.reserve(batch.min(conn_window + 1024));
        }
        loop {
            let first_again = self.take_turn(id, by_ref);
            if self.output.len() >= budget {
                return;
            }
            if !first_again {
                match self.next_sendable() {
                    Some(next) => id = next,
                    None => return,
                }
            }
        }
    }

    /// Sends the front of one stream's queue: one DATA frame, the end, or trailers.
    /// Returns whether the stream is still the first that can send: a non-incremental
    /// stream that can send again keeps its place, and no stream before it became ready
    /// (a turn only takes window, and no input arrives while output is framed), so the
    /// scheduler need not be searched again.
    fn take_turn(&mut self, id: StreamId, by_ref: bool) -> bool {
        let conn_window = self.send_window.available();
        let max_frame = self.remote.max_frame_size() as usize;
        let cfg = self.config.validation;
        let mut before = 0;
        let mut after = 0;
        // Where the stream goes in the scheduler after its turn, found in the same
        // lookup: `Some(true)` when its queue is now empty (the queue is dropped here).
        let mut emptied = None;
        let mut priority = ExtensiblePriority::default();
        let mut first_again = false;
        let turn = self
            .streams
            .with(id, |e| {
                before = e.queued();
                let window = e.stream.send_window().min(conn_window).max(0) as usize;
                let turn = next_turn(e, id, window.min(max_frame), &cfg);
                after = e.queued();
                priority = e.priority;
                let empty = e.queue.as_ref().is_some_and(|q| q.items.is_empty());
                if empty {
                    e.queue = None;
                }
                emptied = Some(empty);
                if let (Turn::Data(frame), false) = (&turn, priority.incremental) {
                    let conn_left = conn_window.saturating_sub(frame.data.len() as i32);
                    first_again = e
                        .queue
                        .as_ref()
                        .is_some_and(|q| q.sendable(e.stream.send_window(), conn_left));
                }
                turn
            })
            .unwrap_or(Turn::Idle);
        // Keep the scheduler in step: an empty queue leaves it, an incremental stream
        // that had its turn goes behind its peers. (A stream the turn closed left it
        // with its queue, if it still had one.)
        match emptied {
            Some(true) => self.streams.scheduler.remove(id, priority),
            Some(false) => self.streams.scheduler.rotate(id, priority),
            None => {}
        }
        self.streams.queued = self.streams.queued + after - before;
        match turn {
            Turn::Data(frame) => {
                let len = frame.data.len() as u32;
                let _ = self.send_window.decrease(len);
                crate::trace::sent_data(
                    self.role,
                    frame.stream_id,
                    frame.data.len(),
                    frame.end_stream,
                );
                let max = self.remote.max_frame_size();
                let written = self.output.write(|buf| frame.encode_head(buf, max));
                debug_assert!(written.is_ok(), "a DATA head within the frame size encodes");
                self.output.push_payload(frame.data, by_ref);
            }
            Turn::Trailers(list) => {
                crate::trace::sent_headers(self.role, id, &list, true);
                let max = self.remote.max_frame_size();
                let encoder = &mut self.hpack_out;
                self.output
                    .write(|buf| encoder.encode_headers(id, &list, true, max, buf));
            }
            Turn::Fault(why) => {
                let _ = self.streams.with(id, |e| {
                    e.stream.on_local_reset(ErrorCode::INTERNAL_ERROR);
                });
                // `write_frame` traces it; `why` is for a debugger.
                let _ = why;
                self.write_frame(&Frame::RstStream(RstStream {
                    stream_id: id,
                    code: ErrorCode::INTERNAL_ERROR,
                }));
                self.deferred.push(Event::StreamReset {
                    stream_id: id,
                    error_code: ErrorCode::INTERNAL_ERROR,
                    remote_reset: false,
                });
            }
            Turn::Idle => {}
        }
        first_again
    }
}

/// One turn of a stream's queue, `max` octets of DATA at most (both windows and the
/// frame size). Sources are pulled and their data turned into queue items here, so one
/// framing path serves both.
fn next_turn(
    e: &mut crate::registry::Entry,
    id: StreamId,
    max: usize,
    cfg: &h2_stream::ValidationConfig,
) -> Turn {
    let Some(queue) = e.queue.as_mut() else {
        return Turn::Idle;
    };
    loop {
        match queue.items.front_mut() {
            None => return Turn::Idle,
            Some(Item::Source { source, paused }) => {
                if *paused || max == 0 {
                    return Turn::Idle;
                }
                match source.pull(max) {
                    Pull::Data(chunk) if !chunk.is_empty() => {
                        if e.stream.reserve_data(chunk.len() as u64, false).is_err() {
                            return Turn::Fault("body source passed content-length");
                        }
                        if chunk.len() <= max {
                            // The usual pull (a source asked for at most `max`): one
                            // frame now, without a trip through the queue.
                            if e.stream
                                .send_reserved_data(chunk.len() as u32, false)
                                .is_err()
                            {
                                return Turn::Fault("pulled DATA no longer allowed on the stream");
                            }
                            return Turn::Data(Data::new(id, chunk, false));
                        }
                        queue.queued += chunk.len();
                        queue.items.push_front(Item::Data(chunk));
                    }
                    Pull::Data(_) | Pull::Pending => {
                        *paused = true;
                        return Turn::Idle;
                    }
                    Pull::Last(chunk) => {
                        if e.stream.reserve_data(chunk.len() as u64, true).is_err() {
                            return Turn::Fault("body source does not match content-length");
                        }
                        queue.items.pop_front();
                        queue.items.push_front(Item::End);
                        queue.ended = true;
                        if !chunk.is_empty() {
                            queue.queued += chunk.len();
                            queue.items.push_front(Item::Data(chunk));
                        }
                    }
                    Pull::Done => {
                        queue.items.pop_front();
                    }
                }
            }
            Some(Item::Data(bytes)) => {
                if max == 0 {
                    return Turn::Idle;
                }
                let chunk = if bytes.len() <= max {
                    let chunk = std::mem::take(bytes);
                    queue.items.pop_front();
                    chunk
                } else {
                    bytes.split_to(max)
                };
                queue.queued -= chunk.len();
                let end = matches!(queue.items.front(), Some(Item::End));
                if end {
                    queue.items.pop_front();
                }
                if e.stream
                    .send_reserved_data(chunk.len() as u32, end)
                    .is_err()
                {
                    return Turn::Fault("queued DATA no longer allowed on the stream");
                }
                return Turn::Data(Data::new(id, chunk, end));
            }
            Some(Item::End) => {
                queue.items.pop_front();
                if e.stream.send_reserved_data(0, true).is_err() {
                    return Turn::Fault("queued END_STREAM no longer allowed on the stream");
                }
                return Turn::Data(Data::new(id, Bytes::new(), true));
            }
            Some(Item::Trailers(headers)) => {
                let headers = std::mem::take(headers);
                queue.items.pop_front();
                return match e.stream.send_headers(&headers, KnownValid::NONE, true, cfg) {
                    Ok(list) => Turn::Trailers(list.into_owned()),
                    Err(_) => Turn::Fault("queued trailers no longer allowed on the stream"),
                };
            }
        }
    }
}
