//! Errors: HPACK decoding faults and header-block assembly faults, each mapped to the
//! RFC 9113 5.4 scope and code the connection must answer with.

use h2_frame::{ErrorCode, H2Error, StreamId};

/// A fault in an HPACK header block (RFC 7541).
///
/// Every variant except [`DecodeError::HeaderListTooLarge`] leaves the decoder's dynamic
/// table out of step with the peer's encoder, so it is a connection error of type
/// COMPRESSION_ERROR (RFC 9113 4.3: "A decoding error in a field block MUST be treated as
/// a connection error of type COMPRESSION_ERROR").
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The block ends inside an integer, a string or a representation.
    #[error("header block truncated")]
    Truncated,
    /// An integer exceeds 2^32 - 1 or uses more than 5 continuation bytes (RFC 7541 5.1).
    #[error("HPACK integer overflow")]
    IntegerOverflow,
    /// Index 0, or an index past the end of the static and dynamic tables (RFC 7541 2.3.3).
    #[error("invalid HPACK index {index}")]
    InvalidIndex {
        /// The index received.
        index: u32,
    },
    /// A Huffman string contains EOS or has invalid padding (RFC 7541 5.2).
    #[error("invalid Huffman-encoded string")]
    InvalidHuffman,
    /// A dynamic table size update after the first field of a block (RFC 7541 4.2).
    #[error("dynamic table size update not at the start of a header block")]
    SizeUpdateNotAtStart,
    /// A dynamic table size update above our SETTINGS_HEADER_TABLE_SIZE (RFC 7541 6.3).
    #[error("dynamic table size update to {size} exceeds the limit {max}")]
    SizeUpdateTooLarge {
        /// The size the peer asked for.
        size: u32,
        /// Our acknowledged SETTINGS_HEADER_TABLE_SIZE.
        max: u32,
    },
    /// We lowered SETTINGS_HEADER_TABLE_SIZE below the table size the peer's encoder used,
    /// and its next block did not start with a size update (RFC 7541 4.2).
    #[error("missing dynamic table size update after SETTINGS_HEADER_TABLE_SIZE was lowered")]
    MissingSizeUpdate,
    /// The decoded header list exceeds the limit (RFC 9113 6.5.2,
    /// SETTINGS_MAX_HEADER_LIST_SIZE). The whole block was decoded, so the HPACK context is
    /// still in sync; the fields were discarded.
    #[error("decoded header list of {size} bytes exceeds the limit of {limit}")]
    HeaderListTooLarge {
        /// The size of the whole decoded list (RFC 9113 6.5.2 accounting).
        size: usize,
        /// The limit in force.
        limit: usize,
    },
}

impl DecodeError {
    /// A short reason, for GOAWAY debug data and logs.
    pub const fn why(&self) -> &'static str {
        match self {
            DecodeError::Truncated => "HPACK: header block truncated",
            DecodeError::IntegerOverflow => "HPACK: integer overflow",
            DecodeError::InvalidIndex { .. } => "HPACK: invalid index",
            DecodeError::InvalidHuffman => "HPACK: invalid Huffman string",
            DecodeError::SizeUpdateNotAtStart => "HPACK: table size update not at block start",
            DecodeError::SizeUpdateTooLarge { .. } => "HPACK: table size update above our limit",
            DecodeError::MissingSizeUpdate => "HPACK: missing table size update",
            DecodeError::HeaderListTooLarge { .. } => {
                "header list exceeds SETTINGS_MAX_HEADER_LIST_SIZE"
            }
        }
    }

    /// The RFC 9113 error for this fault on `stream_id`: a connection COMPRESSION_ERROR
    /// (RFC 9113 4.3), except [`DecodeError::HeaderListTooLarge`], which is a stream error
    /// REFUSED_STREAM on `stream_id` (RFC 9113 10.5.1 leaves the response open; like
    /// hyperium `h2`, a server may first answer 431).
    pub fn to_h2_error(&self, stream_id: StreamId) -> H2Error {
        match self {
            DecodeError::HeaderListTooLarge { .. } => {
                H2Error::stream(stream_id, ErrorCode::REFUSED_STREAM, self.why())
            }
            _ => H2Error::conn(ErrorCode::COMPRESSION_ERROR, self.why()),
        }
    }
}

/// A fault while reassembling or decoding a header block (HEADERS or PUSH_PROMISE followed
/// by CONTINUATION frames).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BlockError {
    /// The HPACK block is malformed: connection error COMPRESSION_ERROR (RFC 9113 4.3).
    #[error(transparent)]
    Compression(DecodeError),
    /// The decoded list exceeds our SETTINGS_MAX_HEADER_LIST_SIZE. The block was fully
    /// decoded (the HPACK context is still in sync) and its fields discarded, so the
    /// connection may go on: a stream error, optionally after a 431 (RFC 9113 10.5.1).
    #[error("header list on stream {stream_id} is {size} bytes, over the limit of {limit}")]
    HeaderListTooLarge {
        /// The stream whose block this was.
        stream_id: StreamId,
        /// The decoded list size (RFC 9113 6.5.2 accounting).
        size: usize,
        /// Our SETTINGS_MAX_HEADER_LIST_SIZE.
        limit: u32,
    },
    /// The encoded block outgrew [`BlockLimits::max_block_bytes`](crate::BlockLimits)
    /// while fragments arrived (CONTINUATION flood): connection error ENHANCE_YOUR_CALM.
    /// The block was not decoded, so the HPACK context is lost.
    #[error("header block on stream {stream_id} exceeds {limit} bytes")]
    BlockTooLarge {
        /// The stream whose block this was.
        stream_id: StreamId,
        /// The limit in force.
        limit: usize,
    },
    /// More CONTINUATION frames than
    /// [`BlockLimits::max_continuation_frames`](crate::BlockLimits) (CONTINUATION flood,
    /// including empty frames): connection error ENHANCE_YOUR_CALM.
    #[error("header block on stream {stream_id} uses more than {limit} CONTINUATION frames")]
    TooManyContinuations {
        /// The stream whose block this was.
        stream_id: StreamId,
        /// The limit in force.
        limit: usize,
    },
    /// A CONTINUATION arrived with no block in progress: connection error PROTOCOL_ERROR
    /// (RFC 9113 6.10).
    #[error("CONTINUATION without a header block in progress")]
    UnexpectedContinuation,
    /// A new block started (or a CONTINUATION for another stream arrived) while a block
    /// was in progress: connection error PROTOCOL_ERROR (RFC 9113 4.3, 6.10).
    #[error("header block on stream {in_progress} interrupted by stream {stream_id}")]
    Interleaved {
        /// The stream of the block in progress.
        in_progress: StreamId,
        /// The stream of the offending frame.
        stream_id: StreamId,
    },
}

impl BlockError {
    /// The RFC 9113 error to answer with (GOAWAY for connection errors, RST_STREAM for
    /// stream errors).
    pub fn to_h2_error(&self) -> H2Error {
        match self {
            BlockError::Compression(e) => H2Error::conn(ErrorCode::COMPRESSION_ERROR, e.why()),
            BlockError::HeaderListTooLarge { stream_id, .. } => H2Error::stream(
                *stream_id,
                ErrorCode::REFUSED_STREAM,
                "header list exceeds SETTINGS_MAX_HEADER_LIST_SIZE",
            ),
            BlockError::BlockTooLarge { .. } => H2Error::conn(
                ErrorCode::ENHANCE_YOUR_CALM,
                "header block exceeds the reassembly limit",
            ),
            BlockError::TooManyContinuations { .. } => H2Error::conn(
                ErrorCode::ENHANCE_YOUR_CALM,
                "too many CONTINUATION frames in one header block",
            ),
            BlockError::UnexpectedContinuation => H2Error::conn(
                ErrorCode::PROTOCOL_ERROR,
                "CONTINUATION without a header block in progress",
            ),
            BlockError::Interleaved { .. } => H2Error::conn(
                ErrorCode::PROTOCOL_ERROR,
                "header block interleaved with another frame",
            ),
        }
    }
}
