//! A frame-level trace of a connection, like `nghttp -v` (feature `tracing`).
//!
//! With the `tracing` feature on, every frame a [`Connection`](crate::Connection) parses
//! and every frame it queues is reported as a [`tracing`](https://docs.rs/tracing) event
//! at `DEBUG` level with the target `h2_conn::frame` and a `role` field (`Client` or
//! `Server`). Header blocks are shown decoded, one field per line, as they were sent
//! (after validation and normalization) or received (before validation); values of
//! never-indexed fields ([`HeaderField::sensitive`](crate::HeaderField::sensitive)) are
//! replaced by `<sensitive>`. Lines look like this:
//!
//! ```text
//! send SETTINGS frame <stream_id=0> (niv=2) [MAX_CONCURRENT_STREAMS(0x3):128] [MAX_HEADER_LIST_SIZE(0x6):65536]
//! recv SETTINGS frame <stream_id=0, ACK>
//! send HEADERS frame <stream_id=1, END_STREAM, END_HEADERS>
//!     :method: GET
//!     :path: /
//! recv HEADERS frame <stream_id=1, block=14 bytes, END_HEADERS>
//! recv header block <stream_id=1>
//!     :status: 200
//! recv DATA frame <stream_id=1, length=5, END_STREAM>
//! ```
//!
//! Install any subscriber to see it, for example with `tracing-subscriber`:
//! `RUST_LOG=h2_conn::frame=debug` and `tracing_subscriber::fmt().with_env_filter(..)`.
//!
//! Without the feature the hooks are empty inline functions: nothing is formatted,
//! nothing is linked, and the connection's code is the same as if they were not there.
//! The trace has no timestamps: the connection has no clock (the subscriber adds them).
//!
//! The received side shows each frame as parsed, before the connection acts on it, so a
//! frame that is then rejected as a protocol error still appears. Bytes that are not a
//! frame (the client connection preface) are not shown.

#[cfg(not(feature = "tracing"))]
mod hooks {
    use crate::connection::BlockStart;
    use h2_frame::{Data, Frame, Head, StreamId};
    use h2_hpack_glue::{HeaderField, HeaderList};
    use h2_stream::Role;

    #[inline(always)]
    pub(crate) fn received(_: Role, _: &Frame) {}
    #[inline(always)]
    pub(crate) fn received_headers_in_place(_: Role, _: &Head, _: &[u8]) {}
    #[inline(always)]
    pub(crate) fn received_data_in_place(_: Role, _: &Data) {}
    #[inline(always)]
    pub(crate) fn received_block(_: Role, _: &BlockStart, _: &HeaderList) {}
    #[inline(always)]
    pub(crate) fn sent(_: Role, _: &Frame) {}
    #[inline(always)]
    pub(crate) fn sent_data(_: Role, _: StreamId, _: usize, _: bool) {}
    #[inline(always)]
    pub(crate) fn sent_headers(_: Role, _: StreamId, _: &[HeaderField], _: bool) {}
    #[inline(always)]
    pub(crate) fn sent_push_promise(_: Role, _: StreamId, _: StreamId, _: &[HeaderField]) {}
}

#[cfg(feature = "tracing")]
mod hooks {
    use crate::connection::BlockStart;
    use h2_frame::{Data, Frame, Head, Headers, StreamId};
    use h2_hpack_glue::{FieldRef, HeaderField, HeaderList};
    use h2_stream::Role;
    use std::fmt::{self, Display, Formatter, Write};

    const TARGET: &str = "h2_conn::frame";

    pub(crate) fn received(role: Role, frame: &Frame) {
        tracing::debug!(target: TARGET, ?role, "recv {}", FrameLine(frame));
    }

    /// A HEADERS frame the connection handled where it lay in the input (END_HEADERS,
    /// no padding or priority fields): shown as `received` shows it, built only when
    /// someone listens.
    pub(crate) fn received_headers_in_place(role: Role, head: &Head, block: &[u8]) {
        if tracing::enabled!(target: TARGET, tracing::Level::DEBUG) {
            let frame = Headers::new(
                head.stream_id,
                bytes::Bytes::copy_from_slice(block),
                head.flags.end_stream(),
                true,
            );
            received(role, &Frame::Headers(frame));
        }
    }

    /// A DATA frame the connection took apart itself: shown as `received` shows it.
    pub(crate) fn received_data_in_place(role: Role, data: &Data) {
        if tracing::enabled!(target: TARGET, tracing::Level::DEBUG) {
            received(role, &Frame::Data(data.clone()));
        }
    }

    pub(crate) fn received_block(role: Role, start: &BlockStart, fields: &HeaderList) {
        let fields = fields.iter();
        match *start {
            BlockStart::Headers { stream_id, .. } => tracing::debug!(
                target: TARGET, ?role,
                "recv header block <stream_id={stream_id}>{}", Fields(fields)
            ),
            BlockStart::PushPromise { parent, promised } => tracing::debug!(
                target: TARGET, ?role,
                "recv push promise block <stream_id={parent}, promised_stream_id={promised}>{}",
                Fields(fields)
            ),
        }
    }

    pub(crate) fn sent(role: Role, frame: &Frame) {
        tracing::debug!(target: TARGET, ?role, "send {}", FrameLine(frame));
    }

    pub(crate) fn sent_data(role: Role, stream_id: StreamId, len: usize, end_stream: bool) {
        tracing::debug!(
            target: TARGET, ?role,
            "send DATA frame <stream_id={}, length={}{}>",
            stream_id, len, flag(end_stream, "END_STREAM")
        );
    }

    pub(crate) fn sent_headers(role: Role, stream_id: StreamId, fields: &[HeaderField], end: bool) {
        tracing::debug!(
            target: TARGET, ?role,
            "send HEADERS frame <stream_id={stream_id}{}, END_HEADERS>{}",
            flag(end, "END_STREAM"), Fields(fields.iter().map(HeaderField::view))
        );
    }

    pub(crate) fn sent_push_promise(
        role: Role,
        stream_id: StreamId,
        promised: StreamId,
        fields: &[HeaderField],
    ) {
        tracing::debug!(
            target: TARGET, ?role,
            "send PUSH_PROMISE frame <stream_id={stream_id}, promised_stream_id={promised}, END_HEADERS>{}",
            Fields(fields.iter().map(HeaderField::view))
        );
    }

    fn flag(on: bool, name: &'static str) -> Flag {
        Flag(on, name)
    }

    /// `, NAME` when set.
    struct Flag(bool, &'static str);

    impl Display for Flag {
        fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
            if self.0 {
                write!(f, ", {}", self.1)
            } else {
                Ok(())
            }
        }
    }

    /// Bytes as text, with anything not printable escaped.
    struct Text<'a>(&'a [u8]);

    impl Display for Text<'_> {
        fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
            for chunk in self.0.utf8_chunks() {
                for c in chunk.valid().chars() {
                    if c.is_control() {
                        write!(f, "{}", c.escape_default())?;
                    } else {
                        f.write_char(c)?;
                    }
                }
                for b in chunk.invalid() {
                    write!(f, "\\x{b:02x}")?;
                }
            }
            Ok(())
        }
    }

    /// A header list, one indented field per line.
    /// A header list, one field per line, sensitive values hidden.
    struct Fields<I>(I);

    impl<'a, I: Iterator<Item = FieldRef<'a>> + Clone> Display for Fields<I> {
        fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
            for field in self.0.clone() {
                write!(f, "\n    {}: ", Text(field.name))?;
                if field.sensitive {
                    f.write_str("<sensitive>")?;
                } else {
                    write!(f, "{}", Text(field.value))?;
                }
            }
            Ok(())
        }
    }

    /// One frame in the style of `nghttp -v`: type, then `<stream and flags>`, then the
    /// payload fields.
    struct FrameLine<'a>(&'a Frame);

    impl Display for FrameLine<'_> {
        fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
            let frame = self.0;
            write!(f, "{} frame <stream_id={}", frame.kind(), frame.stream_id())?;
            match frame {
                Frame::Data(d) => {
                    write!(f, ", length={}", d.data.len())?;
                    if let Some(pad) = d.pad_len {
                        write!(f, ", padlen={pad}")?;
                    }
                    write!(f, "{}>", flag(d.end_stream, "END_STREAM"))
                }
                Frame::Headers(h) => {
                    write!(f, ", block={} bytes", h.block.len())?;
                    if let Some(pad) = h.pad_len {
                        write!(f, ", padlen={pad}")?;
                    }
                    write!(
                        f,
                        "{}{}",
                        flag(h.end_stream, "END_STREAM"),
                        flag(h.end_headers, "END_HEADERS")
                    )?;
                    match h.priority {
                        Some(p) => write!(
                            f,
                            ", PRIORITY> (dep_stream_id={}, weight={}, exclusive={})",
                            p.dependency,
                            u16::from(p.weight) + 1,
                            u8::from(p.exclusive)
                        ),
                        None => f.write_str(">"),
                    }
                }
                Frame::Priority(p) => write!(
                    f,
                    "> (dep_stream_id={}, weight={}, exclusive={})",
                    p.spec.dependency,
                    u16::from(p.spec.weight) + 1,
                    u8::from(p.spec.exclusive)
                ),
                Frame::RstStream(r) => write!(f, "> (error_code={})", r.code),
                Frame::Settings(s) => {
                    if s.ack {
                        return f.write_str(", ACK>");
                    }
                    write!(f, "> (niv={})", s.settings.len())?;
                    for (id, value) in s.settings.iter() {
                        write!(f, " [{id}({:#x}):{value}]", id.0)?;
                    }
                    Ok(())
                }
                Frame::PushPromise(p) => write!(
                    f,
                    ", block={} bytes{}> (promised_stream_id={})",
                    p.block.len(),
                    flag(p.end_headers, "END_HEADERS"),
                    p.promised_id
                ),
                Frame::Ping(p) => {
                    write!(f, "{}> (opaque_data=", flag(p.ack, "ACK"))?;
                    for b in p.payload {
                        write!(f, "{b:02x}")?;
                    }
                    f.write_str(")")
                }
                Frame::GoAway(g) => write!(
                    f,
                    "> (last_stream_id={}, error_code={}, opaque_data(len={})=\"{}\")",
                    g.last_stream_id,
                    g.code,
                    g.debug_data.len(),
                    Text(&g.debug_data)
                ),
                Frame::WindowUpdate(w) => write!(f, "> (window_size_increment={})", w.increment),
                Frame::Continuation(c) => write!(
                    f,
                    ", block={} bytes{}>",
                    c.block.len(),
                    flag(c.end_headers, "END_HEADERS")
                ),
                Frame::AltSvc(a) => write!(
                    f,
                    "> (origin=\"{}\", field_value=\"{}\")",
                    Text(&a.origin),
                    Text(&a.field_value)
                ),
                Frame::Origin(o) => {
                    write!(f, "> (origins={})", o.origins.len())?;
                    for origin in &o.origins {
                        write!(f, " \"{}\"", Text(origin))?;
                    }
                    Ok(())
                }
                Frame::PriorityUpdate(p) => write!(
                    f,
                    "> (prioritized_stream_id={}, priority_field_value=\"{}\")",
                    p.prioritized_stream_id,
                    Text(&p.field_value)
                ),
                Frame::Unknown(u) => {
                    write!(f, ", flags={:#04x}, length={}>", u.flags.0, u.payload.len())
                }
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use bytes::Bytes;
        use h2_frame::{ErrorCode, GoAway, Ping, SettingId, Settings, SettingsFrame};

        #[test]
        fn lines_look_like_nghttp() {
            let mut settings = Settings::new();
            settings.set(SettingId::MAX_CONCURRENT_STREAMS, 100);
            let line = FrameLine(&Frame::Settings(SettingsFrame::new(settings))).to_string();
            assert_eq!(
                line,
                "SETTINGS frame <stream_id=0> (niv=1) [MAX_CONCURRENT_STREAMS(0x3):100]"
            );
            let ping = Frame::Ping(Ping {
                ack: true,
                payload: *b"\0\0\0\0\0\0\0\x01",
            });
            assert_eq!(
                FrameLine(&ping).to_string(),
                "PING frame <stream_id=0, ACK> (opaque_data=0000000000000001)"
            );
            let goaway = Frame::GoAway(GoAway {
                last_stream_id: StreamId::new(3),
                code: ErrorCode::PROTOCOL_ERROR,
                debug_data: Bytes::from_static(b"bad\n"),
            });
            assert_eq!(
                FrameLine(&goaway).to_string(),
                "GOAWAY frame <stream_id=0> (last_stream_id=3, error_code=PROTOCOL_ERROR, opaque_data(len=4)=\"bad\\n\")"
            );
            let fields = [
                HeaderField::new(":status", "200"),
                HeaderField::sensitive("set-cookie", "secret"),
            ];
            assert_eq!(
                Fields(fields.iter().map(HeaderField::view)).to_string(),
                "\n    :status: 200\n    set-cookie: <sensitive>"
            );
        }

        /// Collects the message of every event with our target.
        #[derive(Default)]
        struct Capture(std::sync::Mutex<Vec<String>>);

        struct Message<'a>(&'a mut String);

        impl tracing::field::Visit for Message<'_> {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
                if field.name() == "message" {
                    let _ = write!(self.0, "{value:?}");
                }
            }
        }

        impl tracing::Subscriber for &'static Capture {
            fn enabled(&self, meta: &tracing::Metadata<'_>) -> bool {
                meta.target() == TARGET
            }
            fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
                tracing::span::Id::from_u64(1)
            }
            fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
            fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
            fn event(&self, event: &tracing::Event<'_>) {
                let mut line = String::new();
                event.record(&mut Message(&mut line));
                self.0.lock().unwrap().push(line);
            }
            fn enter(&self, _: &tracing::span::Id) {}
            fn exit(&self, _: &tracing::span::Id) {}
        }

        #[test]
        fn a_conversation_is_traced_both_ways() {
            use crate::{Config, Connection};
            let capture: &'static Capture = Box::leak(Box::default());
            tracing::subscriber::with_default(capture, || {
                let mut client = Connection::new(Config::client());
                let mut server = Connection::new(Config::server());
                client.initiate_connection();
                server.initiate_connection();
                let id = client.next_stream_id().unwrap();
                let request = [
                    HeaderField::new(":method", "GET"),
                    HeaderField::new(":scheme", "http"),
                    HeaderField::new(":authority", "a"),
                    HeaderField::new(":path", "/"),
                ];
                client.send_headers(id, &request, true).unwrap();
                server.receive_bytes(client.data_to_send()).unwrap();
                server
                    .send_headers(id, &[HeaderField::new(":status", "200")], false)
                    .unwrap();
                server.send_data(id, "hello", true).unwrap();
                client.receive_bytes(server.data_to_send()).unwrap();
            });
            let lines = capture.0.lock().unwrap();
            let has = |prefix: &str| lines.iter().any(|l| l.starts_with(prefix));
            assert!(has("send SETTINGS frame <stream_id=0> (niv="), "{lines:#?}");
            assert!(has("recv SETTINGS frame <stream_id=0> (niv="), "{lines:#?}");
            assert!(has("send SETTINGS frame <stream_id=0, ACK>"), "{lines:#?}");
            assert!(
                has("send HEADERS frame <stream_id=1, END_STREAM, END_HEADERS>\n    :method: GET"),
                "{lines:#?}"
            );
            assert!(has("recv HEADERS frame <stream_id=1, block="), "{lines:#?}");
            assert!(
                has("recv header block <stream_id=1>\n    :status: 200"),
                "{lines:#?}"
            );
            assert!(
                has("send DATA frame <stream_id=1, length=5, END_STREAM>"),
                "{lines:#?}"
            );
            assert!(
                has("recv DATA frame <stream_id=1, length=5, END_STREAM>"),
                "{lines:#?}"
            );
        }
    }
}

pub(crate) use hooks::*;
