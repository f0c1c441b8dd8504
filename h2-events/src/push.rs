//! Appending events without a copy through the stack.

use crate::Event;

/// Appends the event `make` returns to `events`, built where it will lie in the vector.
///
/// The same as `events.push(make())`, written for the code it compiles to. In the builds
/// we measure, `push` built the event on the stack and then copied it into the vector:
/// its small fields (the variant, a stream id, a length, a flag) were stored a few bytes
/// at a time and read back 16 bytes at a time, which the processor cannot forward from
/// its store buffer, so each push stalled for about as long as a cache miss. Extending by
/// [`core::iter::once_with`] reserves first, and the compiler then writes the fields
/// straight into the vector's memory. Used for the events of every frame (headers, DATA,
/// stream end, window updates); rare ones may just `push`.
///
/// ```
/// use h2_events::{push_event, Event, StreamId};
/// let mut events = vec![Event::StreamEnded { stream_id: StreamId::new(1) }];
/// push_event(&mut events, || Event::StreamEnded { stream_id: StreamId::new(3) });
/// assert_eq!(events[1], Event::StreamEnded { stream_id: StreamId::new(3) });
/// assert_eq!(events.len(), 2);
/// ```
#[inline(always)]
pub fn push_event(events: &mut Vec<Event>, make: impl FnOnce() -> Event) {
    events.extend(core::iter::once_with(make));
}
