//! The HPACK codec (RFC 7541): integers, strings, Huffman, the tables, encoder, decoder.

mod decoder;
mod encoder;
mod huffman;
mod index;
mod integer;
mod static_table;
mod table;

pub use decoder::Decoder;
pub(crate) use encoder::eq;
pub use encoder::{Encoder, EncoderPolicy, DEFAULT_TABLE_SIZE};
