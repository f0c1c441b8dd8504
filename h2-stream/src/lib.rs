//! One HTTP/2 stream: state machine, flow control and message validation.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(unreachable_pub)]

pub use h2_events as events;
pub use h2_frame as frame;
pub use h2_hpack_glue as hpack;
