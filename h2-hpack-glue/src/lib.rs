//! HPACK (RFC 7541) and HTTP/2 header blocks.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(unreachable_pub)]

pub use h2_frame as frame;
