//! One typed struct per frame type, and the [`Frame`] enum over them.

mod altsvc;
mod continuation;
mod data;
mod goaway;
mod headers;
mod origin;
mod ping;
mod priority;
mod priority_update;
mod push_promise;
mod rst_stream;
mod settings;
mod unknown;
mod window_update;

pub use altsvc::AltSvc;
pub use continuation::Continuation;
pub use data::Data;
pub use goaway::GoAway;
pub use headers::Headers;
pub use origin::Origin;
pub use ping::Ping;
pub use priority::{Priority, PrioritySpec};
pub use priority_update::PriorityUpdate;
pub use push_promise::PushPromise;
pub use rst_stream::RstStream;
pub use settings::SettingsFrame;
pub use unknown::Unknown;
pub use window_update::WindowUpdate;

use crate::{EncodeError, ErrorCode, FrameType, H2Error, Head, StreamId};
use bytes::{Buf, Bytes, BytesMut};

/// Any HTTP/2 frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// DATA (RFC 9113 6.1).
    Data(Data),
    /// HEADERS (RFC 9113 6.2).
    Headers(Headers),
    /// PRIORITY (RFC 9113 6.3).
    Priority(Priority),
    /// RST_STREAM (RFC 9113 6.4).
    RstStream(RstStream),
    /// SETTINGS (RFC 9113 6.5).
    Settings(SettingsFrame),
    /// PUSH_PROMISE (RFC 9113 6.6).
    PushPromise(PushPromise),
    /// PING (RFC 9113 6.7).
    Ping(Ping),
    /// GOAWAY (RFC 9113 6.8).
    GoAway(GoAway),
    /// WINDOW_UPDATE (RFC 9113 6.9).
    WindowUpdate(WindowUpdate),
    /// CONTINUATION (RFC 9113 6.10).
    Continuation(Continuation),
    /// ALTSVC (RFC 7838 4).
    AltSvc(AltSvc),
    /// ORIGIN (RFC 8336 2).
    Origin(Origin),
    /// PRIORITY_UPDATE (RFC 9218 7.1).
    PriorityUpdate(PriorityUpdate),
    /// A frame of a type we do not know, or an extension frame the RFC says to ignore.
    Unknown(Unknown),
}

impl Frame {
    /// Decodes one frame from its header and its whole payload (`payload.len()` must equal
    /// `head.length`; the [`FrameDecoder`](crate::FrameDecoder) guarantees it).
    // Inlined into the decoder's `next_frame`, the frame is built where it is returned:
    // as a call, the frame went through a stack copy whose reload the CPU could not
    // forward from the narrower stores that wrote it (a stall per frame, measured).
    #[inline]
    pub fn decode(head: Head, payload: Bytes) -> Result<Frame, H2Error> {
        debug_assert_eq!(payload.len(), head.length as usize);
        Ok(match head.kind {
            FrameType::DATA => Frame::Data(Data::decode(&head, payload)?),
            FrameType::HEADERS => Frame::Headers(Headers::decode(&head, payload)?),
            FrameType::PRIORITY => Frame::Priority(Priority::decode(&head, payload)?),
            FrameType::RST_STREAM => Frame::RstStream(RstStream::decode(&head, payload)?),
            FrameType::SETTINGS => Frame::Settings(SettingsFrame::decode(&head, payload)?),
            FrameType::PUSH_PROMISE => Frame::PushPromise(PushPromise::decode(&head, payload)?),
            FrameType::PING => Frame::Ping(Ping::decode(&head, payload)?),
            FrameType::GOAWAY => Frame::GoAway(GoAway::decode(&head, payload)?),
            FrameType::WINDOW_UPDATE => Frame::WindowUpdate(WindowUpdate::decode(&head, payload)?),
            FrameType::CONTINUATION => Frame::Continuation(Continuation::decode(&head, payload)?),
            FrameType::ALTSVC => AltSvc::decode(&head, payload)?,
            FrameType::ORIGIN => Origin::decode(&head, payload)?,
            FrameType::PRIORITY_UPDATE => {
                Frame::PriorityUpdate(PriorityUpdate::decode(&head, payload)?)
            }
            _ => Frame::Unknown(Unknown::from_parts(&head, payload)),
        })
    }

    /// Serializes the frame into `dst`. `max_frame_size` is the peer's
    /// SETTINGS_MAX_FRAME_SIZE; a larger payload is a caller error and nothing is written.
    pub fn encode(&self, dst: &mut BytesMut, max_frame_size: u32) -> Result<(), EncodeError> {
        match self {
            Frame::Data(f) => f.encode(dst, max_frame_size),
            Frame::Headers(f) => f.encode(dst, max_frame_size),
            Frame::Priority(f) => f.encode(dst),
            Frame::RstStream(f) => f.encode(dst),
            Frame::Settings(f) => f.encode(dst, max_frame_size),
            Frame::PushPromise(f) => f.encode(dst, max_frame_size),
            Frame::Ping(f) => {
                f.encode(dst);
                Ok(())
            }
            Frame::GoAway(f) => f.encode(dst, max_frame_size),
            Frame::WindowUpdate(f) => f.encode(dst),
            Frame::Continuation(f) => f.encode(dst, max_frame_size),
            Frame::AltSvc(f) => f.encode(dst, max_frame_size),
            Frame::Origin(f) => f.encode(dst, max_frame_size),
            Frame::PriorityUpdate(f) => f.encode(dst, max_frame_size),
            Frame::Unknown(f) => f.encode(dst, max_frame_size),
        }
    }

    /// The stream the frame is on (stream 0 for connection-level frames).
    pub fn stream_id(&self) -> StreamId {
        match self {
            Frame::Data(f) => f.stream_id,
            Frame::Headers(f) => f.stream_id,
            Frame::Priority(f) => f.stream_id,
            Frame::RstStream(f) => f.stream_id,
            Frame::PushPromise(f) => f.stream_id,
            Frame::Continuation(f) => f.stream_id,
            Frame::AltSvc(f) => f.stream_id,
            Frame::Unknown(f) => f.stream_id,
            Frame::Settings(_)
            | Frame::Ping(_)
            | Frame::GoAway(_)
            | Frame::WindowUpdate(WindowUpdate {
                stream_id: StreamId::ZERO,
                ..
            })
            | Frame::Origin(_)
            | Frame::PriorityUpdate(_) => StreamId::ZERO,
            Frame::WindowUpdate(f) => f.stream_id,
        }
    }

    /// The frame type octet.
    pub fn kind(&self) -> FrameType {
        match self {
            Frame::Data(_) => FrameType::DATA,
            Frame::Headers(_) => FrameType::HEADERS,
            Frame::Priority(_) => FrameType::PRIORITY,
            Frame::RstStream(_) => FrameType::RST_STREAM,
            Frame::Settings(_) => FrameType::SETTINGS,
            Frame::PushPromise(_) => FrameType::PUSH_PROMISE,
            Frame::Ping(_) => FrameType::PING,
            Frame::GoAway(_) => FrameType::GOAWAY,
            Frame::WindowUpdate(_) => FrameType::WINDOW_UPDATE,
            Frame::Continuation(_) => FrameType::CONTINUATION,
            Frame::AltSvc(_) => FrameType::ALTSVC,
            Frame::Origin(_) => FrameType::ORIGIN,
            Frame::PriorityUpdate(_) => FrameType::PRIORITY_UPDATE,
            Frame::Unknown(f) => f.kind,
        }
    }
}

// ---- helpers shared by the frame modules ----

/// RFC 9113 6.1/6.2/6.6: strips the Pad Length octet and the padding, returning the pad
/// length. `fixed` is the number of octets of fixed fields that follow the Pad Length
/// (priority fields, promised stream id) and must fit beside the padding.
fn strip_padding(head: &Head, payload: &mut Bytes, fixed: usize) -> Result<Option<u8>, H2Error> {
    if !head.flags.padded() {
        return Ok(None);
    }
    // RFC 9113 4.2: "An endpoint MUST send an error code of FRAME_SIZE_ERROR if a frame ...
    // is too small to contain mandatory frame data": the Pad Length octet and the fixed
    // fields must fit before the padding is looked at.
    if payload.len() < 1 + fixed {
        return Err(H2Error::conn(
            ErrorCode::FRAME_SIZE_ERROR,
            "padded frame too short for its Pad Length and fixed fields",
        ));
    }
    let pad_len = payload.get_u8();
    // RFC 9113 6.1: "If the length of the padding is the length of the frame payload or
    // greater, the recipient MUST treat this as a connection error of type PROTOCOL_ERROR."
    // The same rule for HEADERS (6.2) and PUSH_PROMISE (6.6); padding that would overlap
    // their fixed fields is treated the same way (RFC 7540 6.2 spelled this out).
    if pad_len as usize > payload.len() - fixed {
        return Err(H2Error::conn(
            ErrorCode::PROTOCOL_ERROR,
            "padding is as long as the frame payload or longer",
        ));
    }
    payload.truncate(payload.len() - pad_len as usize);
    Ok(Some(pad_len))
}

/// RFC 9113 6.1/6.2/6.4/6.6/6.10: frames that belong to a stream are a connection
/// PROTOCOL_ERROR on stream 0.
fn require_stream(head: &Head, why: &'static str) -> Result<(), H2Error> {
    if head.stream_id.is_zero() {
        Err(H2Error::conn(ErrorCode::PROTOCOL_ERROR, why))
    } else {
        Ok(())
    }
}

/// RFC 9113 6.5/6.7/6.8: connection-level frames are a connection PROTOCOL_ERROR on any
/// other stream.
fn require_connection(head: &Head, why: &'static str) -> Result<(), H2Error> {
    if head.stream_id.is_zero() {
        Ok(())
    } else {
        Err(H2Error::conn(ErrorCode::PROTOCOL_ERROR, why))
    }
}

/// Checks a payload length against the peer's maximum frame size before anything is
/// written.
fn check_payload_len(len: usize, max: u32) -> Result<u32, EncodeError> {
    if len > max as usize || len >= 1 << 24 {
        Err(EncodeError::PayloadTooLarge { len, max })
    } else {
        Ok(len as u32)
    }
}

/// Writes a frame made of a header and up to three payload parts.
fn write_frame(dst: &mut BytesMut, head: Head, parts: &[&[u8]]) {
    // Reserve what is written here, not `head.length`: `Data::encode_head` writes only the
    // header and leaves the payload to a separate buffer.
    dst.reserve(crate::HEAD_LEN + parts.iter().map(|p| p.len()).sum::<usize>());
    dst.extend_from_slice(&head.to_bytes());
    // Empty parts (a DATA head without padding, a frame with no flags' fields) are
    // skipped: each copy is a `memcpy` call even for zero octets.
    for part in parts.iter().filter(|p| !p.is_empty()) {
        dst.extend_from_slice(part);
    }
}

/// Writes the Pad Length octet and returns the padding to write after the payload.
fn padding_parts(pad_len: Option<u8>) -> (&'static [u8], &'static [u8]) {
    const ZEROS: [u8; 256] = [0; 256];
    const PAD_LENS: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut i = 0;
        while i < 256 {
            t[i] = i as u8;
            i += 1;
        }
        t
    };
    match pad_len {
        None => (&[], &[]),
        Some(n) => (&PAD_LENS[n as usize..n as usize + 1], &ZEROS[..n as usize]),
    }
}

/// Length of the padding fields: Pad Length octet plus padding.
fn padding_overhead(pad_len: Option<u8>) -> usize {
    pad_len.map_or(0, |n| n as usize + 1)
}
