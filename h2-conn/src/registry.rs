//! The stream registry: every stream the connection knows, the id rules (RFC 9113 5.1.1),
//! concurrency counts (5.1.2) and bounded bookkeeping of closed streams.

use crate::limits::EarlyResets;
use crate::priority::ExtensiblePriority;
use crate::send_queue::{Scheduler, SendQueue};
use bytes::Bytes;
use h2_events::UserError;
use h2_frame::{H2Error, StreamId};
use h2_stream::{CloseCause, Role, Stream, StreamState};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A stream and the connection's bookkeeping for it.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) stream: Stream,
    /// Received bytes the application acknowledged but we have not returned yet.
    pub(crate) pending_ack: u32,
    /// We sent a header block (response, 1xx, request) on this stream. A request the
    /// peer resets before this is an early reset (Rapid Reset, [`EarlyResets`]).
    pub(crate) answered: bool,
    /// Output queued with the buffered send API; `None` while nothing is queued.
    pub(crate) queue: Option<Box<SendQueue>>,
    /// How the scheduler orders this stream's DATA (RFC 9218).
    pub(crate) priority: ExtensiblePriority,
    /// Set by `Connection::set_priority` on a server: the client's signals no longer apply.
    pub(crate) priority_pinned: bool,
    /// A buffered send was refused for lack of room: report the stream as writable again.
    pub(crate) wants_capacity: bool,
    /// Client: the `:authority` of the request on this stream (sent, or promised by the
    /// server), the origin an ALTSVC frame on the stream speaks for (RFC 7838 4).
    pub(crate) authority: Option<Bytes>,
}

impl Entry {
    /// Octets queued on this stream.
    pub(crate) fn queued(&self) -> usize {
        self.queue.as_ref().map_or(0, |q| q.queued)
    }
}

/// Where an unknown stream id stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unknown {
    /// Never used: above the highest id of its initiator.
    Idle,
    /// Used and then forgotten (closed long ago, or skipped and so implicitly closed).
    Forgotten,
}

/// Hashes stream ids by multiplication: ids are small distinct integers, SipHash is
/// wasted work on the hot path.
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

#[derive(Debug)]
pub(crate) struct Registry {
    role: Role,
    /// Streams not closed.
    streams: HashMap<StreamId, Entry, BuildHasherDefault<IdHasher>>,
    /// How recently closed streams closed: all a late frame needs (RFC 9113 5.1
    /// "closed"), in a few octets instead of a whole [`Stream`].
    closed: ClosedStreams,
    /// Highest stream id the peer opened or promised.
    pub(crate) highest_inbound: StreamId,
    /// Highest stream id we opened or promised.
    pub(crate) highest_outbound: StreamId,
    open_inbound: u32,
    open_outbound: u32,
    /// Requests the peer reset before we answered them, net of completed requests.
    pub(crate) early_resets: EarlyResets,
    /// Streams with queued output, in the order they are served.
    pub(crate) scheduler: Scheduler,
    /// Octets queued on all streams.
    pub(crate) queued: usize,
    /// Streams that were refused room in the send buffer, to report once there is room.
    pub(crate) blocked: Vec<StreamId>,
}

/// RFC 9113 5.1.2: "Streams that are in the "open" state or in either of the "half-closed"
/// states count toward the maximum number of streams".
fn counts(state: StreamState) -> bool {
    matches!(
        state,
        StreamState::Open | StreamState::HalfClosedLocal | StreamState::HalfClosedRemote
    )
}

impl Registry {
    pub(crate) fn new(role: Role, max_closed: usize) -> Registry {
        Registry {
            role,
            streams: HashMap::default(),
            closed: ClosedStreams::new(max_closed),
            highest_inbound: StreamId::ZERO,
            highest_outbound: StreamId::ZERO,
            open_inbound: 0,
            open_outbound: 0,
            early_resets: EarlyResets::default(),
            scheduler: Scheduler::default(),
            queued: 0,
            blocked: Vec::new(),
        }
    }

    /// Whether we (not the peer) initiate streams with this id's parity.
    pub(crate) fn is_local(&self, id: StreamId) -> bool {
        match self.role {
            Role::Client => id.is_client_initiated(),
            Role::Server => id.is_server_initiated(),
        }
    }

    pub(crate) fn open_inbound(&self) -> u32 {
        self.open_inbound
    }

    pub(crate) fn open_outbound(&self) -> u32 {
        self.open_outbound
    }

    pub(crate) fn len(&self) -> usize {
        self.streams.len()
    }

    /// A stream that is not closed.
    pub(crate) fn get(&self, id: StreamId) -> Option<&Entry> {
        self.streams.get(&id)
    }

    /// How a recently closed stream closed; `None` for streams not closed or forgotten.
    pub(crate) fn closed_cause(&self, id: StreamId) -> Option<CloseCause> {
        self.closed.get(id)
    }

    /// The state of a stream we remember.
    pub(crate) fn state(&self, id: StreamId) -> Option<StreamState> {
        match self.streams.get(&id) {
            Some(entry) => Some(entry.stream.state()),
            None => self.closed_cause(id).map(StreamState::Closed),
        }
    }

    /// The caller error for a command on a stream that is not active.
    pub(crate) fn missing(&self, id: StreamId) -> UserError {
        if self.closed.get(id).is_some()
            || (id.value() != 0 && self.unknown(id) == Unknown::Forgotten)
        {
            UserError::StreamClosed(id)
        } else {
            UserError::NoSuchStream(id)
        }
    }

    /// Classifies an id that is not active.
    pub(crate) fn unknown(&self, id: StreamId) -> Unknown {
        let highest = if self.is_local(id) {
            self.highest_outbound
        } else {
            self.highest_inbound
        };
        if id > highest {
            Unknown::Idle
        } else {
            Unknown::Forgotten
        }
    }

    /// Adds a new stream (idle) and records its id as the highest of its initiator.
    /// The caller checked the id is idle.
    pub(crate) fn insert(&mut self, stream: Stream) {
        self.insert_with(stream, |_| {});
    }

    /// [`Registry::insert`], with `init` setting the new entry's fields before it goes in
    /// (one hash lookup where an insert followed by a `with` takes two).
    #[inline]
    pub(crate) fn insert_with(&mut self, stream: Stream, init: impl FnOnce(&mut Entry)) {
        let id = stream.id();
        if self.is_local(id) {
            self.highest_outbound = self.highest_outbound.max(id);
        } else {
            self.highest_inbound = self.highest_inbound.max(id);
        }
        let state = stream.state();
        let mut entry = Entry {
            stream,
            pending_ack: 0,
            answered: false,
            queue: None,
            priority: ExtensiblePriority::default(),
            priority_pinned: false,
            wants_capacity: false,
            authority: None,
        };
        init(&mut entry);
        self.streams.insert(id, entry);
        // Streams may arrive already past idle (opened by a send before insertion).
        self.on_transition(id, StreamState::Idle, state);
    }

    /// Runs `f` on a stream and keeps the counts and the closed list in step with any
    /// state change it makes. `None` when the stream is unknown.
    pub(crate) fn with<R>(&mut self, id: StreamId, f: impl FnOnce(&mut Entry) -> R) -> Option<R> {
        let entry = self.streams.get_mut(&id)?;
        let before = entry.stream.state();
        let result = f(entry);
        let after = entry.stream.state();
        if before != after {
            self.on_transition(id, before, after);
        }
        Some(result)
    }

    /// [`with`](Registry::with) for a closure that returns the stream's verdict on a
    /// frame; `None` when the stream is unknown. The verdict is looked at inside the
    /// closure rather than carried out of it: returned as `Option<Result<..>>` it was
    /// copied 16 bytes at a time right after `Ok` had been stored as 4, a stall on store
    /// forwarding for every frame.
    #[inline]
    pub(crate) fn judge(
        &mut self,
        id: StreamId,
        f: impl FnOnce(&mut Entry) -> Result<(), H2Error>,
    ) -> Option<Result<(), H2Error>> {
        let mut failed = None;
        let found = self.with(id, |e| {
            if let Err(err) = f(e) {
                failed = Some(err);
            }
        });
        match (found, failed) {
            (None, _) => None,
            (Some(()), None) => Some(Ok(())),
            (Some(()), Some(err)) => Some(Err(err)),
        }
    }

    fn on_transition(&mut self, id: StreamId, before: StreamState, after: StreamState) {
        let delta = i64::from(counts(after)) - i64::from(counts(before));
        let counter = if self.is_local(id) {
            &mut self.open_outbound
        } else {
            &mut self.open_inbound
        };
        *counter = (i64::from(*counter) + delta) as u32;
        if let StreamState::Closed(cause) = after {
            // A stream the peer opened that ended cleanly both ways pays back one early
            // reset (Rapid Reset accounting).
            if cause == CloseCause::EndStream && !self.is_local(id) {
                self.early_resets.on_completed();
            }
            // Keep only the cause, in a table that forgets the oldest ids first. Output
            // still queued (a reset stream) is dropped here and its memory returned.
            if let Some(entry) = self.streams.remove(&id) {
                if let Some(queue) = entry.queue {
                    self.queued -= queue.queued;
                    self.scheduler.remove(id, entry.priority);
                }
            }
            self.closed.insert(id, cause);
        }
    }

    /// Adds `item` (carrying `octets` of body) to a stream's queue and schedules it.
    pub(crate) fn push_item(&mut self, id: StreamId, item: crate::send_queue::Item, octets: usize) {
        let Some(entry) = self.streams.get_mut(&id) else {
            return;
        };
        let queue = entry.queue.get_or_insert_with(Box::default);
        if queue.items.is_empty() {
            self.scheduler.insert(id, entry.priority);
        }
        if matches!(
            item,
            crate::send_queue::Item::End | crate::send_queue::Item::Trailers(_)
        ) {
            queue.ended = true;
        }
        queue.items.push_back(item);
        queue.queued += octets;
        self.queued += octets;
    }

    /// Remembers a stream refused room, to report when there is room again. Streams
    /// that closed meanwhile are dropped from the list before it outgrows the open
    /// streams, so a peer that cycles streams while we cannot send does not grow it.
    pub(crate) fn note_blocked(&mut self, id: StreamId) {
        if self.blocked.len() > 2 * self.streams.len() + 16 {
            let streams = &self.streams;
            self.blocked.retain(|id| streams.contains_key(id));
        }
        self.blocked.push(id);
    }

    /// Changes how a stream is scheduled.
    pub(crate) fn set_priority(&mut self, id: StreamId, priority: ExtensiblePriority) {
        let Some(entry) = self.streams.get_mut(&id) else {
            return;
        };
        if entry.priority == priority {
            return;
        }
        if entry.queue.as_ref().is_some_and(|q| !q.items.is_empty()) {
            self.scheduler.remove(id, entry.priority);
            self.scheduler.insert(id, priority);
        }
        entry.priority = priority;
    }

    /// Streams we initiated with an id above `last`: a GOAWAY says the peer never
    /// processed them (RFC 9113 6.8).
    pub(crate) fn local_streams_above(&self, last: StreamId) -> Vec<StreamId> {
        let mut ids: Vec<StreamId> = self
            .streams
            .iter()
            .filter(|(id, _)| self.is_local(**id) && **id > last)
            .map(|(id, _)| *id)
            .collect();
        ids.sort();
        ids
    }

    /// Ids of every stream not closed (for settings that touch all streams).
    pub(crate) fn active_ids(&self) -> Vec<StreamId> {
        self.streams
            .iter()
            .filter(|(_, e)| !e.stream.is_closed())
            .map(|(id, _)| *id)
            .collect()
    }

    /// Approximate heap bytes held by the registry.
    pub(crate) fn memory_usage(&self) -> usize {
        self.streams.capacity() * (std::mem::size_of::<(StreamId, Entry)>() + 1)
            + self.closed.memory_usage()
            + self.queued
            + self.blocked.capacity() * std::mem::size_of::<StreamId>()
    }
}

/// How recently closed streams closed, in a fixed table indexed by stream id: a slot holds
/// the latest closed id that maps to it, so the table remembers the most recent stream ids
/// of each initiator (about `capacity / 2` each) with no hashing and no growth.
#[derive(Debug)]
struct ClosedStreams {
    /// `(id, cause)`; id 0 marks an empty slot (stream 0 never closes). Allocated on the
    /// first close.
    slots: Vec<(StreamId, CloseCause)>,
    capacity: usize,
}

impl ClosedStreams {
    fn new(max_closed: usize) -> ClosedStreams {
        ClosedStreams {
            slots: Vec::new(),
            capacity: max_closed.max(2).next_power_of_two(),
        }
    }

    fn slot(&self, id: StreamId) -> usize {
        id.value() as usize & (self.capacity - 1)
    }

    fn get(&self, id: StreamId) -> Option<CloseCause> {
        match self.slots.get(self.slot(id)) {
            Some(&(held, cause)) if held == id => Some(cause),
            _ => None,
        }
    }

    fn insert(&mut self, id: StreamId, cause: CloseCause) {
        if self.slots.is_empty() {
            self.slots = vec![(StreamId::ZERO, CloseCause::EndStream); self.capacity];
        }
        let slot = self.slot(id);
        // A higher id replaces a lower one; a lower id (closed late) never evicts a
        // more recent stream.
        if self.slots[slot].0 <= id {
            self.slots[slot] = (id, cause);
        }
    }

    fn memory_usage(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<(StreamId, CloseCause)>()
    }
}
