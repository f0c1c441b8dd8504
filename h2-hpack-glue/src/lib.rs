//! HPACK (RFC 7541) and HTTP/2 header blocks (RFC 9113 4.3, 6.2, 6.6, 6.10).
//!
//! This layer sits between the frames of [`h2_frame`] (re-exported as [`frame`]) and the
//! stream and connection layers. It turns a header list into HEADERS or PUSH_PROMISE plus
//! CONTINUATION frames, and reassembles and decodes received fragments back into a list,
//! with every limit enforced while fragments arrive.
//!
//! * [`HeaderField`]: one field, with `sensitive` for never-indexed fields.
//! * [`HeaderList`]: a received list, held in one buffer (one per header block, no
//!   handle per field), read through borrowed [`FieldRef`]s; owned fields on demand.
//! * [`Encoder`] / [`Decoder`]: our HPACK codec. Zero allocation per decoded field in the
//!   common cases (static entries are `Bytes::from_static`, dynamic entries are
//!   reference-counted clones, plain literals are slices of the input block, Huffman text
//!   is split off a reused buffer); table-driven Huffman coding; O(1) encoder lookups.
//!   Never panics on any input; every integer, length and table reference is bounded.
//! * [`HeaderBlockEncoder`] / [`HeaderBlockDecoder`]: framing, reassembly and the limits
//!   of [`BlockLimits`] (block bytes and CONTINUATION count against CONTINUATION floods,
//!   SETTINGS_MAX_HEADER_LIST_SIZE against HPACK bombs). Decoded blocks come out as
//!   [`HeaderList`]s, written through [`Decoder::decode_list`] into one reused buffer.
//! * [`DecodeError`] / [`BlockError`]: every fault with its RFC 9113 5.4 scope and code via
//!   `to_h2_error`.
//! * [`syntax`]: the RFC 9113 8.2.1 character rules for names and values. Table entries
//!   keep their verdict and the class of their name, and the codec reports which fields
//!   of a list came from entries that passed and what their names are
//!   ([`syntax::KnownValid`]), so message validation scans a repeated field once; a
//!   [`syntax::VerdictMemo`] does the same for the lists we send, by content.
//!
//! The HPACK codec is written here. The `httlib-hpack` crate (0.1.3) is kept as the
//! independent reference implementation our codec is cross-checked against, as a
//! dev-dependency only: differential tests, the `hpack_differential` fuzz target and the
//! benchmark. It is not used at run time because it panics on truncated blocks (so it is
//! only ever fed valid blocks) and allocates owned vectors for every name and value.
//!
//! ```
//! use bytes::{Bytes, BytesMut};
//! use h2_hpack_glue::frame::{Frame, FrameDecoder, StreamId, DEFAULT_MAX_FRAME_SIZE};
//! use h2_hpack_glue::{BlockLimits, HeaderBlockDecoder, HeaderBlockEncoder, HeaderField};
//!
//! // Client side: encode a request's header list into frames.
//! let request = [
//!     HeaderField::new(":method", "GET"),
//!     HeaderField::new(":scheme", "https"),
//!     HeaderField::new(":authority", "example.com"),
//!     HeaderField::new(":path", "/"),
//!     HeaderField::new("authorization", "Bearer secret"), // never indexed
//! ];
//! let mut encoder = HeaderBlockEncoder::new();
//! let mut wire = BytesMut::new();
//! encoder.encode_headers(StreamId::new(1), &request, true, DEFAULT_MAX_FRAME_SIZE, &mut wire);
//!
//! // Server side: parse frames, reassemble and decode the block.
//! let mut frames = FrameDecoder::new(DEFAULT_MAX_FRAME_SIZE);
//! frames.push_bytes(wire.freeze());
//! let mut blocks = HeaderBlockDecoder::new(BlockLimits::default());
//! let list = match frames.next_frame().unwrap() {
//!     Some(Frame::Headers(h)) => blocks.begin(h.stream_id, h.block, h.end_headers).unwrap(),
//!     other => panic!("unexpected {other:?}"),
//! };
//! let list = list.expect("END_HEADERS was set");
//! assert_eq!(list.to_vec()[..4], request[..4]);
//! assert_eq!(list.get("authorization"), Some(&b"Bearer secret"[..]));
//! assert!(list.get_index(4).unwrap().sensitive);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(unreachable_pub)]

mod block;
mod error;
mod field;
mod hpack;
mod list;
pub mod syntax;

pub use h2_frame as frame;

pub use block::{BlockLimits, HeaderBlockDecoder, HeaderBlockEncoder};
pub use error::{BlockError, DecodeError};
pub use field::HeaderField;
pub use hpack::{Decoder, Encoder, EncoderPolicy, DEFAULT_TABLE_SIZE};
pub use list::{FieldRef, HeaderList, HeaderListBuilder, Iter};
