//! Header blocks: the glue between HPACK and HEADERS / PUSH_PROMISE / CONTINUATION frames.

mod decode;
mod encode;

pub use decode::{BlockLimits, HeaderBlockDecoder};
pub use encode::HeaderBlockEncoder;
