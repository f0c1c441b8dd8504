//! The events and error types of the h2-sans-io HTTP/2 stack.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(unreachable_pub)]

pub use h2_frame as frame;
pub use h2_hpack_glue as hpack;
