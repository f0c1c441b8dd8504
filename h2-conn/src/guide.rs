//! Porting from Python's hyper-h2 (`h2` on PyPI).
//!
//! [`Connection`] follows hyper-h2's `H2Connection`: the same sans-IO model (bytes in,
//! events out; commands in, bytes out), the same method names where they make sense,
//! the same event names. This page maps every public piece of hyper-h2 4.x to its
//! counterpart here and lists where the two differ on purpose. It holds no code.
//!
//! To keep the Python code itself, use the `h2-py` crate of this workspace: it is
//! hyper-h2's API (`import h2`) on this crate, with each connection made from
//! [`Config::hyper_h2`](crate::Config::hyper_h2), which switches on the behaviours
//! hyper-h2 has where ours differ (HPACK choices, WINDOW_UPDATE timing, SETTINGS
//! defaults and acknowledgement, stream faults ending the connection, no DATA
//! splitting, no GOAWAY debug data). Rust code that must produce hyper-h2's exact bytes
//! can use that configuration too.
//!
//! # The loop, side by side
//!
//! A hyper-h2 server:
//!
//! ```python
//! conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=False))
//! conn.initiate_connection()
//! sock.sendall(conn.data_to_send())
//! while True:
//!     data = sock.recv(65535)
//!     for event in conn.receive_data(data):
//!         if isinstance(event, h2.events.RequestReceived):
//!             conn.send_headers(event.stream_id, [(":status", "200")])
//!             conn.send_data(event.stream_id, b"hello", end_stream=True)
//!         elif isinstance(event, h2.events.DataReceived):
//!             conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
//!     sock.sendall(conn.data_to_send())
//! ```
//!
//! The same server here (the socket is replaced by a client [`Connection`] so the example
//! runs as a test):
//!
//! ```
//! use h2_conn::{Config, Connection, Event, HeaderField};
//!
//! let mut conn = Connection::new(Config::server());
//! conn.initiate_connection();
//! # let mut peer = Connection::new(Config::client());
//! # peer.initiate_connection();
//! # let id = peer.next_stream_id().unwrap();
//! # peer.send_headers(id, &[
//! #     HeaderField::new(":method", "GET"), HeaderField::new(":scheme", "http"),
//! #     HeaderField::new(":authority", "a"), HeaderField::new(":path", "/"),
//! # ], true).unwrap();
//! # let data = peer.data_to_send();
//! // `data` is what the socket read.
//! for event in conn.receive_data(&data).unwrap() {
//!     match event {
//!         Event::RequestReceived { stream_id, .. } => {
//!             conn.send_headers(stream_id, &[HeaderField::new(":status", "200")], false).unwrap();
//!             conn.send_data(stream_id, "hello", true).unwrap();
//!         }
//!         Event::DataReceived { stream_id, flow_controlled_length, .. } => {
//!             conn.acknowledge_received_data(flow_controlled_length, stream_id).unwrap();
//!         }
//!         _ => {}
//!     }
//! }
//! let to_write = conn.data_to_send(); // sock.sendall(...)
//! # assert!(!to_write.is_empty());
//! ```
//!
//! What changes when porting:
//!
//! * Events are one `enum` ([`Event`]); `isinstance` becomes `match`. Variants are
//!   `#[non_exhaustive]`, so keep a `_ => {}` arm.
//! * Header lists are bytes, never `str`: there is no `header_encoding`. You send a
//!   slice of [`HeaderField`]s (build them from borrowed text with
//!   [`HeaderField::copy_from`]); you receive a [`HeaderList`](crate::HeaderList), one
//!   buffer per header block: `for f in &headers` gives borrowed `f.name` / `f.value`
//!   (hyper-h2's `for name, value in event.headers`), `headers.get(b"content-type")`
//!   and `headers.status()` look fields up, and `headers.to_vec()` gives owned
//!   `HeaderField`s without copying. With the `http` feature, `http_compat` converts
//!   `http::Request`/`Response` to and from header lists.
//! * `end_stream` is a required argument (hyper-h2's keyword defaults to `False`).
//! * Stream ids are [`StreamId`](crate::StreamId), not `int`; stream 0 is
//!   [`StreamId::ZERO`](crate::StreamId::ZERO).
//! * A peer's protocol violation never raises. hyper-h2 raises `ProtocolError` from
//!   `receive_data` after queuing GOAWAY; here the GOAWAY is queued too and the events end
//!   with [`Event::ConnectionTerminated`] with `remote: false`. Write out `data_to_send()`
//!   and close the socket. `Err` only ever means *your* call was refused
//!   ([`UserError`](crate::UserError)), and then nothing was changed or queued.
//! * Stream errors caused by the peer (malformed headers, content-length mismatch, ...)
//!   are answered with RST_STREAM automatically and reported as [`Event::StreamReset`]
//!   with `remote_reset: false`, as hyper-h2 does.
//!
//! # `H2Connection` methods and attributes
//!
//! | hyper-h2 `H2Connection` | here |
//! |---|---|
//! | `H2Connection(config=...)` | [`Connection::new`]`(`[`Config`](crate::Config)`)` |
//! | `initiate_connection()` | [`Connection::initiate_connection`] |
//! | `initiate_upgrade_connection(settings_header=None)` | [`Connection::initiate_upgrade_connection`] (`None` on a client returns the `HTTP2-Settings` value) |
//! | `get_next_available_stream_id()` | [`Connection::next_stream_id`] |
//! | `send_headers(stream_id, headers, end_stream, priority_weight, priority_depends_on, priority_exclusive)` | [`Connection::send_headers`]`(stream_id, &headers, end_stream)`; with priority arguments: [`Connection::send_headers_with`]`(.., `[`HeadersOptions`](crate::HeadersOptions)`::new().priority(`[`PrioritySpec::from_weight`](crate::frame::PrioritySpec::from_weight)`(depends_on, exclusive, weight)))` (RFC 7540 fields, deprecated by RFC 9113 5.3.2; [`Connection::prioritize`] sends the RFC 9218 signal). After GOAWAY, opening a stream is [`UserError::GoingAway`](crate::UserError::GoingAway) |
//! | `send_data(stream_id, data, end_stream, pad_length)` | [`Connection::send_data`]; split into frames for you; the whole payload must fit the window or nothing is sent ([`UserError::FlowControlBlocked`](crate::UserError::FlowControlBlocked) says how much fits). With `pad_length`: [`Connection::send_data_padded`] (padding counts against the windows). Borrowed `bytes`: pass [`Bytes::copy_from_slice`](crate::Bytes::copy_from_slice). Without window arithmetic: [`Connection::queue_data`] |
//! | `end_stream(stream_id)` | [`Connection::end_stream`] |
//! | `push_stream(stream_id, promised_stream_id, request_headers)` | [`Connection::push_stream`] |
//! | `reset_stream(stream_id, error_code=0)` | [`Connection::reset_stream`]`(stream_id, `[`ErrorCode`](crate::ErrorCode)`)` |
//! | `close_connection(error_code=0, additional_data=None, last_stream_id=None)` | [`Connection::close_connection`]`(code, last_stream_id, debug_data)` |
//! | — | [`Connection::begin_graceful_shutdown`]: two-phase GOAWAY of RFC 9113 6.8 |
//! | `update_settings(new_settings)` (a dict) | [`Connection::update_settings`]`(`[`Settings`](crate::Settings)`)` |
//! | `ping(opaque_data)` | [`Connection::ping`]`([u8; 8])`; its ACK also gives [`Connection::rtt`] when you pass the time in |
//! | — (hyper-h2 has no timers) | time passed in, quinn-proto style: [`Connection::set_now`], [`Connection::handle_timeout`], [`Connection::poll_timeout`]; timers in [`Config::timeouts`](crate::Config::timeouts) |
//! | `prioritize(stream_id, weight, depends_on, exclusive)` | [`Connection::prioritize`]`(stream_id, urgency, incremental)`: RFC 9218 PRIORITY_UPDATE instead of an RFC 7540 PRIORITY frame |
//! | `advertise_alternative_service(field_value, origin=None, stream_id=None)` | [`Connection::advertise_alternative_service`] |
//! | — | [`Connection::send_origin`] (RFC 8336 ORIGIN), [`Connection::send_extension_frame`] |
//! | `increment_flow_control_window(increment, stream_id=None)` | [`Connection::increment_flow_control_window`]; for the connection, [`Connection::set_target_window_size`] sets the window the policy keeps (like hyperium `h2`) |
//! | `acknowledge_received_data(acknowledged_size, stream_id)` | [`Connection::acknowledge_received_data`]; when WINDOW_UPDATE goes out is decided by [`Config::window_policy`](crate::Config::window_policy) |
//! | `local_flow_control_window(stream_id)` | [`Connection::local_flow_control_window`] |
//! | `remote_flow_control_window(stream_id)` | [`Connection::remote_flow_control_window`] |
//! | `inbound_flow_control_window` (attribute) | [`Connection::remote_flow_control_window`]`(StreamId::ZERO)` |
//! | `outbound_flow_control_window` (attribute) | no separate getter: [`Connection::local_flow_control_window`] already returns the smaller of the stream and connection windows |
//! | `receive_data(data)` | [`Connection::receive_data`]: copies a `&[u8]`; keeps a `Bytes` (by value or by reference) or a `Vec<u8>` or `BytesMut` by value with no copy, DATA payloads being views of it ([`ReceivedOctets`](crate::ReceivedOctets)); [`Connection::receive_data_into`] reuses your event vector |
//! | `data_to_send(amount=None)` | [`Connection::data_to_send`]; with an amount: [`Connection::data_to_send_into`]; for `writev`: [`Connection::data_to_send_vectored`] |
//! | `clear_outbound_data_buffer()` | `drop(conn.data_to_send())` |
//! | `open_outbound_streams` / `open_inbound_streams` | [`Connection::open_outbound_streams`] / [`Connection::open_inbound_streams`] |
//! | `max_outbound_frame_size` / `max_inbound_frame_size` | [`Connection::max_outbound_frame_size`] / [`Connection::max_inbound_frame_size`] |
//! | `local_settings` / `remote_settings` | [`Connection::local_settings`] / [`Connection::remote_settings`] ([`SettingValues`](crate::SettingValues): typed getters, values in force) |
//! | `config` | [`Connection::config`] |
//! | `highest_inbound_stream_id` / `highest_outbound_stream_id` | not exposed; [`Connection::next_stream_id`] covers the use |
//! | `state_machine`, `encoder`, `decoder` | internal; [`Connection::stream_state`] reports a stream's RFC 9113 5.1 state, [`Connection::state`] the connection's ([`ConnectionState`](crate::ConnectionState): `Open`, `GoingAway` after a GOAWAY either way, `Closed`), [`Connection::can_open_streams`] whether a request may start |
//! | `DEFAULT_MAX_OUTBOUND_FRAME_SIZE` / `DEFAULT_MAX_INBOUND_FRAME_SIZE` | [`frame::DEFAULT_MAX_FRAME_SIZE`](crate::frame::DEFAULT_MAX_FRAME_SIZE) |
//! | `DEFAULT_MAX_HEADER_LIST_SIZE` | [`DEFAULT_MAX_HEADER_LIST_SIZE`](crate::DEFAULT_MAX_HEADER_LIST_SIZE) (64 KiB, advertised) |
//! | `MAX_WINDOW_INCREMENT` | [`frame::MAX_WINDOW_SIZE`](crate::frame::MAX_WINDOW_SIZE) |
//!
//! # `H2Configuration` options
//!
//! | hyper-h2 `H2Configuration` | here ([`Config`](crate::Config)) |
//! |---|---|
//! | `client_side=True` / `False` | [`Config::client`](crate::Config::client) / [`Config::server`](crate::Config::server) (field [`role`](crate::Config::role)) |
//! | `header_encoding` | not needed: names and values are bytes |
//! | `validate_outbound_headers` | `config.validation.validate_outbound_headers` ([`ValidationConfig`](crate::ValidationConfig)) |
//! | `normalize_outbound_headers` | `config.validation.normalize_outbound_headers` |
//! | `split_outbound_cookies` | `config.validation.split_outbound_cookies` |
//! | `validate_inbound_headers` | `config.validation.validate_inbound_headers` |
//! | `normalize_inbound_headers` | `config.validation.normalize_inbound_headers` |
//! | `logger` | not needed: events are values; the `tracing` feature adds a frame trace ([`trace`](crate::trace)) |
//! | `local_settings` passed to `H2Connection` / `update_settings` before `initiate_connection` | [`Config::set_local_setting`](crate::Config::set_local_setting) (one value, keeps our defaults); replacing [`Config::initial_settings`](crate::Config::initial_settings) whole drops them |
//! | `increment_flow_control_window(n)` right after the preface | [`Config::set_receive_windows`](crate::Config::set_receive_windows)`(stream, connection)` (defaults 1 MiB per stream, 2 MiB / 1 MiB per client / server connection, not hyper-h2's 65,535) |
//! | `h2.windows.WindowManager` | [`HalfConsumed`](crate::HalfConsumed) (default), [`Manual`](crate::Manual), or your own [`WindowPolicy`](crate::WindowPolicy) |
//! | — | [`Config::limits`](crate::Config::limits): [`Limits`](crate::Limits) against floods and resource exhaustion; [`Config::rate_limits`](crate::Config::rate_limits): the same per second |
//! | — | [`Config::timeouts`](crate::Config::timeouts): keep-alive, SETTINGS ACK, idle, graceful-shutdown, preface and header-block timers ([`Timeouts`](crate::Timeouts), all off by default) |
//! | — | [`Config::adaptive_window`](crate::Config::adaptive_window): receive windows grown from a bandwidth-delay-product estimate ([`AdaptiveWindow`](crate::AdaptiveWindow), off by default) |
//!
//! # Events (`h2.events`)
//!
//! | hyper-h2 | here ([`Event`]) |
//! |---|---|
//! | `RequestReceived(stream_id, headers, stream_ended, priority_updated)` | [`Event::RequestReceived`] `{ stream_id, headers, end_stream, priority }` |
//! | `ResponseReceived` | [`Event::ResponseReceived`] |
//! | `InformationalResponseReceived` | [`Event::InformationalResponseReceived`] |
//! | `TrailersReceived` | [`Event::TrailersReceived`] |
//! | `DataReceived(stream_id, data, flow_controlled_length, stream_ended)` | [`Event::DataReceived`] `{ stream_id, data, flow_controlled_length, end_stream }` |
//! | `WindowUpdated(stream_id, delta)` | [`Event::WindowUpdated`] (stream 0 = connection) |
//! | `RemoteSettingsChanged(changed_settings)` | [`Event::RemoteSettingsChanged`] `{ changed }` (the ACK is already queued) |
//! | `SettingsAcknowledged(changed_settings)` | [`Event::SettingsAcknowledged`] |
//! | `PingReceived(ping_data)` / `PingAckReceived(ping_data)` | [`Event::PingReceived`] / [`Event::PingAckReceived`] `{ data }` |
//! | `StreamEnded(stream_id)` | [`Event::StreamEnded`] |
//! | `StreamReset(stream_id, error_code, remote_reset)` | [`Event::StreamReset`] |
//! | `PushedStreamReceived(pushed_stream_id, parent_stream_id, headers)` | [`Event::PushedStreamReceived`] |
//! | `PriorityUpdated(stream_id, weight, depends_on, exclusive)` | [`Event::PriorityUpdated`] `{ stream_id, priority }`, [`Priority`](crate::Priority) is RFC 7540 fields or an RFC 9218 field value |
//! | `ConnectionTerminated(error_code, last_stream_id, additional_data)` | [`Event::ConnectionTerminated`] plus `remote` (false when *we* ended it on a peer fault). Unlike hyper-h2, a peer's GOAWAY does not close the connection: streams up to `last_stream_id` carry on ([`ConnectionState::GoingAway`](crate::ConnectionState::GoingAway)) |
//! | `AlternativeServiceAvailable(origin, field_value)` | [`Event::AlternativeServiceAvailable`] |
//! | `UnknownFrameReceived(frame)` | [`Event::UnknownFrameReceived`] |
//! | — | [`Event::OriginReceived`] (RFC 8336) |
//! | `h2.settings.ChangedSetting` | [`ChangedSetting`](crate::ChangedSetting) |
//!
//! # Exceptions (`h2.exceptions`)
//!
//! hyper-h2 raises one exception hierarchy for two different things: the peer broke the
//! protocol, or the caller asked for something impossible. Here they are separate.
//! Peer faults are never an `Err`: they become frames (GOAWAY or RST_STREAM) and events.
//! Caller mistakes are [`UserError`](crate::UserError) values and change nothing.
//!
//! | hyper-h2 | peer fault (in the events) | caller mistake ([`UserError`](crate::UserError)) |
//! |---|---|---|
//! | `H2Error` (base) | [`H2Error`](crate::H2Error) (internal; surfaces as the events below) | [`UserError`](crate::UserError) |
//! | `ProtocolError` | [`Event::ConnectionTerminated`] `PROTOCOL_ERROR`, or [`Event::StreamReset`] `PROTOCOL_ERROR` for a malformed message | `InvalidState`, `InvalidHeaders` |
//! | `FrameTooLargeError` | `ConnectionTerminated` `FRAME_SIZE_ERROR` | `Encode(PayloadTooLarge)` (DATA is split for you) |
//! | `FrameDataMissingError` | `ConnectionTerminated` `FRAME_SIZE_ERROR` | — |
//! | `TooManyStreamsError` | `StreamReset` `REFUSED_STREAM` (peer over our limit) | `TooManyStreams(limit)` |
//! | `FlowControlError` | `ConnectionTerminated` / `StreamReset` `FLOW_CONTROL_ERROR` | `FlowControlBlocked { window, available, .. }`, `WindowOverflow` |
//! | `StreamIDTooLowError` | `ConnectionTerminated` `PROTOCOL_ERROR` | `InvalidStreamId` |
//! | `NoAvailableStreamIDError` | — | `StreamIdsExhausted` |
//! | `NoSuchStreamError` | — | `NoSuchStream` |
//! | `StreamClosedError` | `StreamReset` / `ConnectionTerminated` `STREAM_CLOSED` | `StreamClosed` |
//! | `InvalidSettingsValueError` | `ConnectionTerminated` `PROTOCOL_ERROR` / `FLOW_CONTROL_ERROR` | `InvalidSetting` |
//! | `InvalidBodyLengthError` | `StreamReset` `PROTOCOL_ERROR` (RFC 9113 8.1.1) | `InvalidState` / `InvalidHeaders` |
//! | `UnsupportedFrameError` | not raised: unknown frames are [`Event::UnknownFrameReceived`] | — |
//! | `RFC1122Error` | — | `WrongRole`, `PushDisabled`, `InvalidState` |
//! | `DenialOfServiceError` | `ConnectionTerminated` `ENHANCE_YOUR_CALM` (see [`Limits`](crate::Limits)) | — |
//! | — | — | `ConnectionClosed`, `GoingAway`, `NotInitiated`, `TooManyOutstanding`, `Encode`, `HeaderListTooLarge`, `SendBufferFull` |
//!
//! [`UserError::code`](crate::UserError::code) gives the HTTP/2 error code closest to a
//! mistake, for callers that map it onto the wire themselves.
//!
//! # Other modules
//!
//! | hyper-h2 | here |
//! |---|---|
//! | `h2.errors.ErrorCodes` | [`ErrorCode`](crate::ErrorCode) (constants such as `ErrorCode::CANCEL`) |
//! | `h2.settings.SettingCodes` | [`SettingId`](crate::SettingId) |
//! | `h2.settings.Settings` | [`SettingValues`](crate::SettingValues) (in force), [`Settings`](crate::Settings) (a frame's list) |
//! | `h2.frame_buffer`, `hyperframe` | [`frame`](crate::frame) (`h2-frame` crate) |
//! | `hpack` package | [`hpack`](crate::hpack) (`h2-hpack-glue` crate) |
//! | `h2.stream.H2StreamStateMachine` | [`stream`](crate::stream) (`h2-stream` crate), [`StreamState`](crate::StreamState) |
//! | `h2.utilities` header validation | [`ValidationConfig`](crate::ValidationConfig) switches, done inside `send_headers` and `receive_data` |

//!
//! # Beyond hyper-h2
//!
//! hyper-h2 leaves sending a body larger than the window to the application (the loop
//! on `local_flow_control_window` and `WindowUpdated`). Here the connection does it:
//!
//! | need | here |
//! |---|---|
//! | send a body of any size | [`Connection::queue_data`]: framed as the windows open, when output is taken; loop `data_to_send` while [`Connection::wants_write`] |
//! | generate a body as it is sent (nghttp2's data provider) | [`Connection::queue_source`] with a [`BodySource`](crate::BodySource) |
//! | trailers or the end after a queued body | `send_headers(.., true)` / `end_stream` as usual: they queue behind it |
//! | backpressure | [`Connection::send_capacity`], [`Connection::writable_streams`], [`UserError::SendBufferFull`](crate::UserError::SendBufferFull), [`Config::max_send_buffer`](crate::Config) |
//! | RFC 9218 priorities | honoured by the server's scheduler from the `priority` header and PRIORITY_UPDATE; [`Connection::set_priority`] overrides (server) or signals (client) |

#[allow(unused_imports)] // Only for the intra-doc links above.
use crate::{Connection, Event, HeaderField};
