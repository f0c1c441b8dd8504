//! The send buffer: what each stream still has to send (body chunks, pulled sources, the
//! end of the stream, trailers), and the RFC 9218 scheduler that picks which stream's DATA
//! goes next when output is taken.

use crate::body::BodySource;
use crate::priority::ExtensiblePriority;
use bytes::Bytes;
use h2_frame::StreamId;
use h2_hpack_glue::HeaderField;
use std::collections::{BTreeSet, VecDeque};

/// One thing a stream has queued, sent in order.
#[derive(Debug)]
pub(crate) enum Item {
    /// Body octets, already held against content-length (`Stream::reserve_data`).
    Data(Bytes),
    /// A pulled body; `paused` after it answered `Pull::Pending`.
    Source {
        source: Box<dyn BodySource>,
        paused: bool,
    },
    /// END_STREAM: on the DATA frame carrying the last octets, or an empty DATA frame.
    End,
    /// Trailers (checked when queued), which end the stream.
    Trailers(Vec<HeaderField>),
}

/// A stream's queued output.
#[derive(Debug, Default)]
pub(crate) struct SendQueue {
    pub(crate) items: VecDeque<Item>,
    /// Octets of `Data` items.
    pub(crate) queued: usize,
    /// The end (or trailers) is queued: nothing more may follow.
    pub(crate) ended: bool,
}

impl SendQueue {
    /// Whether the front item can be sent now, given the stream and connection windows.
    /// The end and trailers need no window.
    pub(crate) fn sendable(&self, stream_window: i32, conn_window: i32) -> bool {
        match self.items.front() {
            Some(Item::Data(_)) => stream_window > 0 && conn_window > 0,
            Some(Item::Source { paused, .. }) => !paused && stream_window > 0 && conn_window > 0,
            Some(Item::End | Item::Trailers(_)) => true,
            None => false,
        }
    }
}

/// The order in which streams with queued output are served (RFC 9218 10): lower urgency
/// first; within an urgency, non-incremental streams one after another in stream-id order,
/// then incremental ones in turn, one DATA frame each.
#[derive(Debug, Default)]
pub(crate) struct Scheduler {
    levels: [Level; 8],
    /// Bit `u` set while urgency level `u` holds a stream: finding the next stream, and
    /// finding none, looks at occupied levels only.
    occupied: u8,
}

#[derive(Debug, Default)]
struct Level {
    sequential: BTreeSet<StreamId>,
    incremental: VecDeque<StreamId>,
}

impl Scheduler {
    pub(crate) fn insert(&mut self, id: StreamId, p: ExtensiblePriority) {
        let level = &mut self.levels[usize::from(p.urgency.min(7))];
        if p.incremental {
            if !level.incremental.contains(&id) {
                level.incremental.push_back(id);
            }
        } else {
            level.sequential.insert(id);
        }
        self.occupied |= 1 << p.urgency.min(7);
    }

    pub(crate) fn remove(&mut self, id: StreamId, p: ExtensiblePriority) {
        let level = &mut self.levels[usize::from(p.urgency.min(7))];
        if p.incremental {
            level.incremental.retain(|&s| s != id);
        } else {
            level.sequential.remove(&id);
        }
        if level.sequential.is_empty() && level.incremental.is_empty() {
            self.occupied &= !(1 << p.urgency.min(7));
        }
    }

    /// Streams in the order they should be served.
    #[cfg(test)]
    pub(crate) fn candidates(&self) -> impl Iterator<Item = StreamId> + '_ {
        self.levels.iter().flat_map(|level| {
            level
                .sequential
                .iter()
                .copied()
                .chain(level.incremental.iter().copied())
        })
    }

    /// The first stream, in the order they should be served, that `ready` accepts. Plain
    /// loops rather than a chain of iterator adapters: this runs once per DATA frame
    /// framed from the queues, and the adapters cost more than the lookups they wrap.
    #[inline]
    pub(crate) fn first_ready(&self, mut ready: impl FnMut(StreamId) -> bool) -> Option<StreamId> {
        let mut occupied = self.occupied;
        while occupied != 0 {
            let level = &self.levels[occupied.trailing_zeros() as usize];
            occupied &= occupied - 1;
            for &id in &level.sequential {
                if ready(id) {
                    return Some(id);
                }
            }
            for &id in &level.incremental {
                if ready(id) {
                    return Some(id);
                }
            }
        }
        None
    }

    /// An incremental stream had its turn: it goes behind its peers.
    pub(crate) fn rotate(&mut self, id: StreamId, p: ExtensiblePriority) {
        if !p.incremental {
            return;
        }
        let level = &mut self.levels[usize::from(p.urgency.min(7))];
        if level.incremental.front() == Some(&id) {
            level.incremental.rotate_left(1);
        } else if let Some(at) = level.incremental.iter().position(|&s| s == id) {
            level.incremental.remove(at);
            level.incremental.push_back(id);
        }
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        let empty = self
            .levels
            .iter()
            .all(|l| l.sequential.is_empty() && l.incremental.is_empty());
        assert_eq!(empty, self.occupied == 0, "occupied bits out of step");
        empty
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(s: &Scheduler) -> Vec<u32> {
        s.candidates().map(StreamId::value).collect()
    }

    fn p(urgency: u8, incremental: bool) -> ExtensiblePriority {
        ExtensiblePriority {
            urgency,
            incremental,
        }
    }

    #[test]
    fn rfc9218_10_urgency_then_sequential_then_incremental() {
        let mut s = Scheduler::default();
        s.insert(StreamId::new(9), p(3, true));
        s.insert(StreamId::new(7), p(3, false));
        s.insert(StreamId::new(5), p(3, true));
        s.insert(StreamId::new(3), p(0, false));
        s.insert(StreamId::new(1), p(3, false));
        assert_eq!(ids(&s), [3, 1, 7, 9, 5]);
        s.rotate(StreamId::new(9), p(3, true));
        assert_eq!(ids(&s), [3, 1, 7, 5, 9]);
        s.remove(StreamId::new(3), p(0, false));
        s.remove(StreamId::new(5), p(3, true));
        assert_eq!(ids(&s), [1, 7, 9]);
        assert!(!s.is_empty());
    }

    /// `first_ready` walks the same order as `candidates`, over occupied levels only,
    /// and finds nothing once every stream left (the occupied bits follow the levels).
    #[test]
    fn rfc9218_10_first_ready_follows_the_serving_order() {
        let mut s = Scheduler::default();
        let streams = [
            (9, p(7, true)),
            (7, p(2, false)),
            (5, p(2, true)),
            (3, p(7, false)),
        ];
        for (id, priority) in streams {
            s.insert(StreamId::new(id), priority);
        }
        assert_eq!(ids(&s), [7, 5, 3, 9]);
        let first = |s: &Scheduler, skip: &[u32]| {
            s.first_ready(|id| !skip.contains(&id.value()))
                .map(StreamId::value)
        };
        assert_eq!(first(&s, &[]), Some(7));
        assert_eq!(first(&s, &[7]), Some(5));
        assert_eq!(first(&s, &[7, 5]), Some(3));
        assert_eq!(first(&s, &[7, 5, 3]), Some(9));
        assert_eq!(first(&s, &[7, 5, 3, 9]), None);
        for (id, priority) in streams {
            assert!(!s.is_empty());
            s.remove(StreamId::new(id), priority);
        }
        assert!(s.is_empty());
        assert_eq!(first(&s, &[]), None);
        // A level emptied and filled again is found again.
        s.insert(StreamId::new(11), p(2, true));
        assert_eq!(first(&s, &[]), Some(11));
    }
}
