//! The [`Event`] enum and its payload types.

use bytes::Bytes;
use h2_frame::{ErrorCode, PrioritySpec, SettingId, StreamId, Unknown};
use h2_hpack_glue::HeaderList;

/// Something that happened on the connection, reported in wire order.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A server received a request's header block on a new stream.
    RequestReceived {
        /// The new stream.
        stream_id: StreamId,
        /// The request fields, pseudo-headers first.
        headers: HeaderList,
        /// END_STREAM came with the headers (no body); a [`Event::StreamEnded`] follows.
        end_stream: bool,
        /// RFC 7540 priority fields carried by the HEADERS frame, if any.
        priority: Option<PrioritySpec>,
    },
    /// A client received a final (non-1xx) response's header block.
    ResponseReceived {
        /// The request's stream.
        stream_id: StreamId,
        /// The response fields, `:status` first.
        headers: HeaderList,
        /// END_STREAM came with the headers; a [`Event::StreamEnded`] follows.
        end_stream: bool,
    },
    /// A client received an informational (1xx) response.
    InformationalResponseReceived {
        /// The request's stream.
        stream_id: StreamId,
        /// The response fields.
        headers: HeaderList,
    },
    /// Trailers arrived; they always end the stream, so a [`Event::StreamEnded`] follows.
    TrailersReceived {
        /// The stream.
        stream_id: StreamId,
        /// The trailer fields.
        headers: HeaderList,
    },
    /// DATA arrived. Give the window back with `acknowledge_received_data` once consumed.
    ///
    /// One event is one DATA frame (at most our SETTINGS_MAX_FRAME_SIZE octets, 16 KiB
    /// by default), not one read: a large body comes as many events. `data` is a view of
    /// the received buffer (when `receive_data` was given a `Bytes`, or a `Vec` or
    /// `BytesMut` by value; always with `receive_bytes`) or of the connection's copy of it
    /// (given a slice); keeping it keeps that buffer alive.
    DataReceived {
        /// The stream.
        stream_id: StreamId,
        /// The data: a view of the received bytes, no copy.
        data: Bytes,
        /// The length counted against flow control, padding included.
        flow_controlled_length: u32,
        /// END_STREAM came with the data; a [`Event::StreamEnded`] follows.
        end_stream: bool,
    },
    /// The peer opened a send window (stream 0: the connection window).
    WindowUpdated {
        /// The stream, or 0 for the connection.
        stream_id: StreamId,
        /// The increment.
        delta: u32,
    },
    /// The peer's SETTINGS took effect (we acknowledged them).
    RemoteSettingsChanged {
        /// Each setting in the frame, with its previous and new value.
        changed: Vec<ChangedSetting>,
    },
    /// The peer acknowledged our SETTINGS; the listed local settings are now in force.
    SettingsAcknowledged {
        /// Each setting that took effect, with its previous and new value.
        changed: Vec<ChangedSetting>,
    },
    /// The peer sent a PING; the ACK is already queued.
    PingReceived {
        /// The opaque payload.
        data: [u8; 8],
    },
    /// The peer answered one of our PINGs.
    PingAckReceived {
        /// The opaque payload (the one we sent).
        data: [u8; 8],
    },
    /// The peer ended its side of the stream.
    StreamEnded {
        /// The stream.
        stream_id: StreamId,
    },
    /// The stream was reset, by the peer (`remote_reset`) or by us because of a peer
    /// fault (the RST_STREAM is already queued).
    ///
    /// Retrying (RFC 9113 8.7): a request on a stream the peer reset with
    /// `REFUSED_STREAM` was not processed and "can be safely retried", even with a
    /// non-idempotent method. The connection also reports `REFUSED_STREAM` (with
    /// `remote_reset: true`) for our streams above the last stream id of a GOAWAY the
    /// peer sent: those were not processed either. Retry them on a new stream, on this
    /// connection if it still accepts new streams, otherwise on a new connection. Any
    /// other code gives no such guarantee.
    StreamReset {
        /// The stream.
        stream_id: StreamId,
        /// The RST_STREAM error code.
        error_code: ErrorCode,
        /// True when the peer sent the RST_STREAM.
        remote_reset: bool,
    },
    /// A client received a PUSH_PROMISE: the server reserved `pushed_stream_id`.
    PushedStreamReceived {
        /// The reserved stream that will carry the pushed response.
        pushed_stream_id: StreamId,
        /// The stream the promise came on.
        parent_stream_id: StreamId,
        /// The promised request's fields.
        headers: HeaderList,
    },
    /// The peer reprioritized a stream.
    PriorityUpdated {
        /// The stream.
        stream_id: StreamId,
        /// The new priority.
        priority: Priority,
    },
    /// A GOAWAY (RFC 9113 6.8): the peer sent one (`remote: true`), or we sent one
    /// because of a peer fault (`remote: false`).
    ///
    /// * `remote: true`: no new streams may be opened (`Connection::can_open_streams` is
    ///   false, opening one is refused with `UserError::GoingAway`). Streams at or below
    ///   `last_stream_id` carry on and may complete, so keep reading; streams we opened
    ///   above it were not processed and follow as `StreamReset` with `REFUSED_STREAM`
    ///   (safe to retry on a new connection). With an error code other than `NO_ERROR`
    ///   the peer is closing the transport. The peer may send several, with falling
    ///   `last_stream_id`s (graceful shutdown); each is reported.
    /// * `remote: false`: the connection is closed (`Connection::is_closed`): nothing more
    ///   is processed or sent. Write out the pending output (our GOAWAY) and close.
    ConnectionTerminated {
        /// The GOAWAY error code.
        error_code: ErrorCode,
        /// The last stream the sender of GOAWAY processed.
        last_stream_id: StreamId,
        /// Opaque debug data from GOAWAY.
        additional_data: Bytes,
        /// True when the peer sent the GOAWAY.
        remote: bool,
    },
    /// An ALTSVC frame (RFC 7838) arrived (client side). Frames RFC 7838 4 says to
    /// ignore are not reported: on stream 0 without an origin, on a stream with one, or
    /// on a stream whose request we do not know.
    AlternativeServiceAvailable {
        /// The stream (0 when `origin` is given).
        stream_id: StreamId,
        /// The origin the alternative is for: the frame's, or on a stream the
        /// `:authority` of the stream's request.
        origin: Bytes,
        /// The Alt-Svc field value.
        field_value: Bytes,
    },
    /// An ORIGIN frame (RFC 8336) arrived.
    OriginReceived {
        /// The origins, in order.
        origins: Vec<Bytes>,
    },
    /// A frame of an unknown type arrived; it was otherwise ignored (RFC 9113 5.5).
    UnknownFrameReceived {
        /// The frame as received.
        frame: Unknown,
    },
}

/// A priority signal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Priority {
    /// RFC 7540 dependency/weight (PRIORITY frame or HEADERS priority fields; deprecated
    /// by RFC 9113 5.3.2 but reported).
    Rfc7540(PrioritySpec),
    /// RFC 9218 Priority Field Value from PRIORITY_UPDATE, e.g. `u=1, i`.
    Rfc9218(Bytes),
}

/// One setting's change, as in hyper-h2's `ChangedSetting`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChangedSetting {
    /// The setting.
    pub setting: SettingId,
    /// Its value before (`None` when it had only its default and the default is unknown).
    pub original_value: Option<u32>,
    /// Its value now.
    pub new_value: u32,
}
