//! [`Config`]: the role, header handling, initial settings, flow-control policy and limits
//! of a connection (hyper-h2's `H2Configuration`, plus what hardening needs).

use crate::bdp::AdaptiveWindow;
use crate::flow::{HalfConsumed, HyperH2Windows, WindowPolicy};
use crate::limits::Limits;
use crate::rate::RateLimits;
use crate::timers::Timeouts;
use h2_frame::{
    SettingId, Settings, DEFAULT_INITIAL_WINDOW_SIZE, DEFAULT_MAX_FRAME_SIZE, MAX_WINDOW_SIZE,
};
use h2_stream::{Role, ValidationConfig};
use std::fmt;
use std::sync::Arc;

/// How a [`Connection`](crate::Connection) behaves. Start from [`Config::client`] or
/// [`Config::server`] and adjust fields.
///
/// | hyper-h2 `H2Configuration` | here |
/// |---|---|
/// | `client_side` | [`Config::role`] |
/// | `header_encoding` | not needed: fields are bytes ([`HeaderField`](crate::HeaderField)) |
/// | `validate_outbound_headers` | `validation.validate_outbound_headers` |
/// | `normalize_outbound_headers` | `validation.normalize_outbound_headers` |
/// | `split_outbound_cookies` | `validation.split_outbound_cookies` |
/// | `validate_inbound_headers` | `validation.validate_inbound_headers` |
/// | `normalize_inbound_headers` | `validation.normalize_inbound_headers` |
/// | `logger` | not needed: events and frames are values you can log |
///
/// ```
/// use h2_conn::{Config, frame::SettingId};
/// let mut config = Config::server();
/// config.set_local_setting(SettingId::MAX_CONCURRENT_STREAMS, 256);
/// config.set_local_setting(SettingId::INITIAL_WINDOW_SIZE, 1 << 20);
/// assert_eq!(config.local_setting(SettingId::INITIAL_WINDOW_SIZE), 1 << 20);
/// ```
#[derive(Clone)]
pub struct Config {
    /// Which side of the connection we are.
    pub role: Role,
    /// Header validation and normalization switches (all on by default, as in hyper-h2).
    pub validation: ValidationConfig,
    /// The SETTINGS sent by `initiate_connection`. Values take effect for us once the
    /// peer acknowledges them (RFC 9113 6.5.3).
    ///
    /// Change one value with [`Config::set_local_setting`] (or both windows with
    /// [`Config::set_receive_windows`]); that keeps the other defaults. **Replacing the
    /// whole list drops them**: a setting left out is not announced and has its RFC
    /// 9113 6.5.2 initial value for the peer, e.g. no SETTINGS_MAX_CONCURRENT_STREAMS
    /// means the peer may open any number of streams, and no
    /// SETTINGS_INITIAL_WINDOW_SIZE means 65,535-octet stream windows.
    ///
    /// What we enforce on received frames, whatever is announced:
    /// * SETTINGS_MAX_HEADER_LIST_SIZE: the announced value, or
    ///   [`DEFAULT_MAX_HEADER_LIST_SIZE`] (64 KiB) when none is (so an HPACK bomb is
    ///   bounded either way); a request over it is answered with 431, other messages
    ///   are reset. [`Limits::max_header_block_bytes`](crate::Limits) and
    ///   `max_continuation_frames` bound the compressed block as well.
    /// * SETTINGS_MAX_FRAME_SIZE: the announced and acknowledged value, or 16,384.
    /// * SETTINGS_HEADER_TABLE_SIZE: the announced and acknowledged value, or 4,096.
    /// * SETTINGS_MAX_CONCURRENT_STREAMS: the lowest value announced (acknowledged or
    ///   not); not announced, no limit (RFC 9113 5.1.2), only the flood limits of
    ///   [`Limits`](crate::Limits) apply.
    /// * SETTINGS_INITIAL_WINDOW_SIZE and the connection window: flow control (RFC
    ///   9113 6.9), the announced value or 65,535.
    /// * SETTINGS_ENABLE_PUSH (client): once 0 is in force, a PUSH_PROMISE is a
    ///   connection error (RFC 9113 8.4).
    pub initial_settings: Settings,
    /// The connection-level receive window to open right after the preface (hyper-h2
    /// users call `increment_flow_control_window` for this). `None` keeps RFC 9113's
    /// 65,535. Defaults: [`DEFAULT_CLIENT_CONNECTION_WINDOW`] (2 MiB) for a client,
    /// [`DEFAULT_SERVER_CONNECTION_WINDOW`] (1 MiB) for a server; set it together with
    /// the stream window with [`Config::set_receive_windows`]. A value below 65,535 is
    /// not applied (a window cannot be shrunk, RFC 9113 6.9); lower it at run time with
    /// [`Connection::set_target_window_size`](crate::Connection::set_target_window_size).
    pub initial_connection_window: Option<u32>,
    /// When to send WINDOW_UPDATE for data the application acknowledged.
    pub window_policy: Arc<dyn WindowPolicy>,
    /// Bounds on everything a peer can make us hold or do.
    pub limits: Limits,
    /// How many streams we may have open at once before the peer's first SETTINGS frame
    /// arrives. RFC 9113 6.5.2 starts SETTINGS_MAX_CONCURRENT_STREAMS with no limit, but a
    /// client that opens streams right after its preface does not know the server's
    /// value yet, and streams over it would be refused. Once the peer's SETTINGS arrive
    /// ([`Connection::remote_settings_received`](crate::Connection::remote_settings_received)),
    /// its own value (or no limit, if it sent none) applies instead.
    ///
    /// Default [`DEFAULT_INITIAL_MAX_SEND_STREAMS`] (100): RFC 9113 6.5.2 recommends
    /// that servers advertise "no smaller than 100", so 100 streams fit under the limit of
    /// any peer that follows the recommendation, without holding back a client's first
    /// page of requests.
    pub initial_max_send_streams: u32,
    /// The most output the connection holds: octets framed and not yet taken with
    /// `data_to_send*`, plus body octets queued with
    /// [`queue_data`](crate::Connection::queue_data) and not yet framed. It is a
    /// high-water mark: a send is taken whole while less is held, and refused with
    /// [`UserError::SendBufferFull`](crate::UserError) once this much is held (so what
    /// is held passes it by at most one send), so a peer that stops reading stalls the
    /// application instead of growing our memory. Default [`DEFAULT_MAX_SEND_BUFFER`]
    /// (512 KiB).
    pub max_send_buffer: usize,
    /// The high-water mark of body octets one stream may have queued with
    /// [`queue_data`](crate::Connection::queue_data), so one stream cannot take the whole
    /// connection's buffer. Default [`DEFAULT_MAX_STREAM_SEND_BUFFER`] (256 KiB).
    pub max_stream_send_buffer: usize,
    /// Timers: keep-alive, SETTINGS acknowledgement, idle, graceful-shutdown deadline,
    /// preface and header-block deadlines. All off by default; they run only on the
    /// time the caller passes in ([`Connection::handle_timeout`](crate::Connection)).
    pub timeouts: Timeouts,
    /// Grow the receive windows from a bandwidth-delay-product estimate. Default `None`
    /// (off, as in hyperium `h2`): the windows stay as configured, so memory per
    /// connection stays what you set; turn it on for bulk downloads over long fat links.
    pub adaptive_window: Option<AdaptiveWindow>,
    /// Per-second flood caps next to the frame-count windows of [`Limits`]. All off by
    /// default.
    pub rate_limits: RateLimits,
    /// How the HPACK encoder chooses representations for the header blocks we send.
    /// Default [`EncoderPolicy::Compact`](h2_hpack_glue::EncoderPolicy::Compact);
    /// [`Config::hyper_h2`] uses `IndexAll`, as Python's `hpack` package encodes.
    pub hpack_policy: h2_hpack_glue::EncoderPolicy,
    /// Whether [`send_data`](crate::Connection::send_data) splits a payload larger than
    /// the peer's SETTINGS_MAX_FRAME_SIZE into several DATA frames (default `true`).
    /// With `false` such a send is refused with
    /// [`UserError::Encode`](crate::UserError::Encode)`(PayloadTooLarge)` and nothing is
    /// sent, as hyper-h2's `send_data` raises `FrameTooLargeError`.
    pub split_data: bool,
    /// Whether the peer's first frame after the preface must be SETTINGS (RFC 9113 3.4:
    /// anything else is a connection error of type PROTOCOL_ERROR). Default `true`.
    /// hyper-h2 does not check this, so [`Config::hyper_h2`] sets `false`: the peer's
    /// SETTINGS may come later, and frames before it are processed as usual.
    pub require_settings_first: bool,
    /// Whether a stream error the peer causes (RFC 9113 5.4.2: malformed headers,
    /// content-length mismatch, ...) ends the whole connection with GOAWAY instead of
    /// resetting the one stream. Default `false` (RST_STREAM, as the RFC prefers);
    /// hyper-h2 treats them all as connection errors except STREAM_CLOSED (and the
    /// CANCEL of a promise on a stream we reset, which is no fault), so
    /// [`Config::hyper_h2`] sets `true`. RFC 9113 5.4.1 allows either. The GOAWAY
    /// carries the stream error's code, except REFUSED_STREAM (a stream over
    /// SETTINGS_MAX_CONCURRENT_STREAMS, a promise refused), which means nothing for a
    /// whole connection: it becomes PROTOCOL_ERROR (RFC 9113 5.1.2 allows either for
    /// the concurrency limit), as in hyper-h2.
    pub stream_errors_close_connection: bool,
    /// Whether the GOAWAY we send on a peer fault carries the reason as debug data
    /// (RFC 9113 6.8). Default `true`; [`Config::hyper_h2`] sets `false`, as hyper-h2
    /// sends none. The reason stays available from
    /// [`Connection::local_error_reason`](crate::Connection::local_error_reason).
    pub goaway_debug_data: bool,
    /// Whether a connection error of type COMPRESSION_ERROR (an HPACK block we cannot
    /// decode, RFC 9113 4.3 / RFC 7541) is sent in GOAWAY, and reported, as
    /// PROTOCOL_ERROR instead. Default `false` (COMPRESSION_ERROR, as RFC 9113 says);
    /// hyper-h2 answers every such fault with PROTOCOL_ERROR, so [`Config::hyper_h2`]
    /// sets `true`.
    pub compression_error_as_protocol_error: bool,
    /// Whether commands and `receive_data` need
    /// [`initiate_connection`](crate::Connection::initiate_connection) first. Default
    /// `true`: commands before it are refused with `UserError::NotInitiated`, and
    /// `receive_data` initiates the connection itself (our SETTINGS go out). hyper-h2
    /// allows both without sending anything, so [`Config::hyper_h2`] sets `false`.
    pub require_initiate: bool,
    /// Whether the SETTINGS sent by `initiate_connection` take effect for us at once
    /// instead of when the peer acknowledges them (RFC 9113 6.5.3). Default `false`.
    /// hyper-h2 counts its initial values as in force from the start, so the peer's first
    /// SETTINGS ACK applies the first `update_settings`; [`Config::hyper_h2`] sets `true`.
    /// The cost, as in hyper-h2: an `update_settings` made before the peer acknowledged
    /// the initial SETTINGS takes effect one ACK early.
    pub initial_settings_in_force: bool,
    /// Whether HEADERS and DATA the peer sends on a stream we reset are answered with
    /// RST_STREAM(STREAM_CLOSED), and a PUSH_PROMISE on it refused with
    /// RST_STREAM(REFUSED_STREAM) on the promised stream. Default `false`: RFC 9113 5.1
    /// "closed" says such frames, which may have been in flight when our RST_STREAM
    /// left, are ignored ("An endpoint MUST ignore frames that it receives on closed
    /// streams after it has sent a RST_STREAM frame"), and a promise on such a stream is
    /// cancelled with CANCEL. hyper-h2 answers each one, so [`Config::hyper_h2`] sets
    /// `true`. The answers are no reset reported as an event, and count against
    /// [`Limits`](crate::Limits)' local-reset and pending-control-frame limits as every
    /// RST_STREAM a peer makes us send does.
    pub answer_frames_after_local_reset: bool,
    /// Whether a received header list over our SETTINGS_MAX_HEADER_LIST_SIZE (an HPACK
    /// bomb, RFC 9113 10.5.1) ends the connection with GOAWAY(ENHANCE_YOUR_CALM) instead
    /// of being refused on its stream (431 for a new request, RST_STREAM otherwise).
    /// Default `false`; hyper-h2 raises `DenialOfServiceError` and closes the
    /// connection, so [`Config::hyper_h2`] sets `true`. Either way the list is bounded
    /// the same: decoding stops at the limit.
    pub header_list_too_large_closes_connection: bool,
    /// Whether [`close_connection`](crate::Connection::close_connection) may be called
    /// again once the connection is closed, each call sending one more GOAWAY (RFC 9113
    /// 6.8 allows several). Default `false`: it is refused with
    /// `UserError::ConnectionClosed`. hyper-h2 sends one GOAWAY per call, so
    /// [`Config::hyper_h2`] sets `true`. Only the application's calls send them.
    pub repeat_goaway: bool,
    /// Whether a GOAWAY received discards the output not yet taken with `data_to_send*`
    /// (our unsent frames, even the rest of a frame partly taken with
    /// `data_to_send_into`). Default `false`: it stays to be sent (RFC 9113 6.8 lets the
    /// streams up to the GOAWAY's last stream id finish). hyper-h2 clears its outbound
    /// buffer on GOAWAY, so [`Config::hyper_h2`] sets `true`.
    pub discard_output_on_goaway: bool,
}

/// Default [`Config::max_send_buffer`]: 512 KiB, in the range of nghttp2's and hyperium
/// `h2`'s per-connection buffering, and more than one default 64 KiB window per stream
/// for several streams at once.
pub const DEFAULT_MAX_SEND_BUFFER: usize = 512 * 1024;
/// Default [`Config::max_stream_send_buffer`]: 256 KiB, half the connection's buffer.
pub const DEFAULT_MAX_STREAM_SEND_BUFFER: usize = 256 * 1024;

/// Default stream receive window, advertised as SETTINGS_INITIAL_WINDOW_SIZE by
/// [`Config::client`] and [`Config::server`]: 1 MiB.
///
/// RFC 9113's initial 65,535 octets cap one stream at 64 KiB per round trip (about
/// 10 Mbit/s at 50 ms); 1 MiB lets one stream move about 160 Mbit/s at 50 ms, as Go's
/// `net/http` server allows. The cost is memory the peer can make us hold: up to this
/// much per stream that the application has received and not yet acknowledged, and the
/// connection window below caps the total over all streams.
pub const DEFAULT_STREAM_WINDOW: u32 = 1 << 20;
/// Default connection receive window of [`Config::client`]: 2 MiB, two streams at full
/// stream window. A client holds few connections and downloads are what it does.
pub const DEFAULT_CLIENT_CONNECTION_WINDOW: u32 = 2 << 20;
/// Default connection receive window of [`Config::server`]: 1 MiB (as Go's `net/http`
/// server). A server holds many connections, and this bounds what each one's client
/// may send ahead of the application, over all its streams.
pub const DEFAULT_SERVER_CONNECTION_WINDOW: u32 = 1 << 20;

/// Our defaults for settings we always advertise.
pub const DEFAULT_MAX_CONCURRENT_STREAMS: u32 = 128;
/// Default [`Config::initial_max_send_streams`]: the smallest
/// SETTINGS_MAX_CONCURRENT_STREAMS RFC 9113 6.5.2 recommends a peer advertise.
pub const DEFAULT_INITIAL_MAX_SEND_STREAMS: u32 = 100;
/// Default SETTINGS_MAX_HEADER_LIST_SIZE we advertise and enforce: 64 KiB (as hyper-h2).
pub const DEFAULT_MAX_HEADER_LIST_SIZE: u32 = 65_536;

impl Config {
    /// A client configuration: strict validation, SETTINGS_MAX_HEADER_LIST_SIZE 64 KiB,
    /// SETTINGS_MAX_CONCURRENT_STREAMS 128 (for pushed streams), push allowed, receive
    /// windows of [`DEFAULT_STREAM_WINDOW`] (1 MiB) per stream and
    /// [`DEFAULT_CLIENT_CONNECTION_WINDOW`] (2 MiB) for the connection.
    pub fn client() -> Config {
        Config::new(Role::Client)
    }

    /// A server configuration: strict validation, SETTINGS_MAX_CONCURRENT_STREAMS 128,
    /// SETTINGS_MAX_HEADER_LIST_SIZE 64 KiB, SETTINGS_ENABLE_PUSH 0 (a server must not
    /// send 1, RFC 9113 6.5.2), receive windows of [`DEFAULT_STREAM_WINDOW`] (1 MiB) per
    /// stream and [`DEFAULT_SERVER_CONNECTION_WINDOW`] (1 MiB) for the connection.
    pub fn server() -> Config {
        Config::new(Role::Server)
    }

    /// A configuration for `role` with the defaults above.
    pub fn new(role: Role) -> Config {
        let connection_window = match role {
            Role::Client => DEFAULT_CLIENT_CONNECTION_WINDOW,
            Role::Server => DEFAULT_SERVER_CONNECTION_WINDOW,
        };
        let mut initial_settings = Settings::new();
        initial_settings.set(
            SettingId::MAX_CONCURRENT_STREAMS,
            DEFAULT_MAX_CONCURRENT_STREAMS,
        );
        initial_settings.set(
            SettingId::MAX_HEADER_LIST_SIZE,
            DEFAULT_MAX_HEADER_LIST_SIZE,
        );
        if role == Role::Server {
            initial_settings.set(SettingId::ENABLE_PUSH, 0);
        }
        initial_settings.set(SettingId::INITIAL_WINDOW_SIZE, DEFAULT_STREAM_WINDOW);
        Config {
            role,
            validation: ValidationConfig::default(),
            initial_settings,
            initial_connection_window: Some(connection_window),
            window_policy: Arc::new(HalfConsumed),
            limits: Limits::default(),
            initial_max_send_streams: DEFAULT_INITIAL_MAX_SEND_STREAMS,
            max_send_buffer: DEFAULT_MAX_SEND_BUFFER,
            max_stream_send_buffer: DEFAULT_MAX_STREAM_SEND_BUFFER,
            timeouts: Timeouts::default(),
            adaptive_window: None,
            rate_limits: RateLimits::default(),
            hpack_policy: h2_hpack_glue::EncoderPolicy::default(),
            split_data: true,
            require_settings_first: true,
            stream_errors_close_connection: false,
            goaway_debug_data: true,
            compression_error_as_protocol_error: false,
            require_initiate: true,
            initial_settings_in_force: false,
            answer_frames_after_local_reset: false,
            header_list_too_large_closes_connection: false,
            repeat_goaway: false,
            discard_output_on_goaway: false,
        }
    }

    /// A configuration that behaves on the wire as Python's hyper-h2 4.x does, for the
    /// `h2` Python binding (h2-py) and for tests that compare bytes with hyper-h2:
    ///
    /// * initial SETTINGS as hyper-h2 announces them, in its order: HEADER_TABLE_SIZE
    ///   4,096, ENABLE_PUSH 1 (0 for a server),
    ///   INITIAL_WINDOW_SIZE 65,535, MAX_FRAME_SIZE 16,384, ENABLE_CONNECT_PROTOCOL 0,
    ///   MAX_CONCURRENT_STREAMS 100, MAX_HEADER_LIST_SIZE 65,536;
    /// * no connection WINDOW_UPDATE after the preface (RFC 9113's 65,535 window);
    /// * WINDOW_UPDATE for acknowledged data when hyper-h2's `WindowManager` sends it
    ///   ([`HyperH2Windows`](crate::HyperH2Windows));
    /// * HPACK as the `hpack` package encodes: every field that is not sensitive enters
    ///   the dynamic table, every string is Huffman-coded
    ///   ([`EncoderPolicy::IndexAll`](crate::hpack::EncoderPolicy::IndexAll));
    /// * no send-buffer bound beyond the flow-control windows (hyper-h2 holds whatever
    ///   the application sends), and DATA larger than the peer's SETTINGS_MAX_FRAME_SIZE
    ///   is refused rather than split ([`Config::split_data`]);
    /// * the peer's first frame need not be SETTINGS ([`Config::require_settings_first`]);
    /// * a stream error caused by the peer ends the connection
    ///   ([`Config::stream_errors_close_connection`]), with a GOAWAY that carries no
    ///   debug data ([`Config::goaway_debug_data`]); an undecodable header block is a
    ///   PROTOCOL_ERROR ([`Config::compression_error_as_protocol_error`]);
    /// * commands and `receive_data` work before `initiate_connection`
    ///   ([`Config::require_initiate`]), and the initial SETTINGS count as in force at
    ///   once ([`Config::initial_settings_in_force`]);
    /// * frames on a stream we reset are answered with RST_STREAM
    ///   ([`Config::answer_frames_after_local_reset`]);
    /// * a header list over SETTINGS_MAX_HEADER_LIST_SIZE ends the connection with
    ///   ENHANCE_YOUR_CALM ([`Config::header_list_too_large_closes_connection`]);
    /// * `close_connection` may send GOAWAY again ([`Config::repeat_goaway`]), and a
    ///   GOAWAY received discards our unsent output ([`Config::discard_output_on_goaway`]);
    /// * `:status 101` passes as an informational response
    ///   ([`ValidationConfig::allow_status_101`](crate::ValidationConfig::allow_status_101)).
    pub fn hyper_h2(role: Role) -> Config {
        let mut config = Config::new(role);
        let mut s = Settings::new();
        s.set(SettingId::HEADER_TABLE_SIZE, 4096);
        s.set(SettingId::ENABLE_PUSH, u32::from(role == Role::Client));
        s.set(SettingId::INITIAL_WINDOW_SIZE, DEFAULT_INITIAL_WINDOW_SIZE);
        s.set(SettingId::MAX_FRAME_SIZE, DEFAULT_MAX_FRAME_SIZE);
        s.set(SettingId::ENABLE_CONNECT_PROTOCOL, 0);
        s.set(SettingId::MAX_CONCURRENT_STREAMS, 100);
        s.set(
            SettingId::MAX_HEADER_LIST_SIZE,
            DEFAULT_MAX_HEADER_LIST_SIZE,
        );
        config.initial_settings = s;
        config.initial_connection_window = None;
        config.window_policy = Arc::new(HyperH2Windows);
        config.max_send_buffer = usize::MAX;
        config.max_stream_send_buffer = usize::MAX;
        config.hpack_policy = h2_hpack_glue::EncoderPolicy::IndexAll;
        config.split_data = false;
        config.require_settings_first = false;
        config.stream_errors_close_connection = true;
        config.goaway_debug_data = false;
        config.compression_error_as_protocol_error = true;
        config.require_initiate = false;
        config.initial_settings_in_force = true;
        config.answer_frames_after_local_reset = true;
        config.header_list_too_large_closes_connection = true;
        config.repeat_goaway = true;
        config.discard_output_on_goaway = true;
        config.validation.allow_status_101 = true;
        config
    }

    /// Sets both receive windows, the one documented way to size them: `stream` is
    /// advertised as SETTINGS_INITIAL_WINDOW_SIZE (each stream's window, RFC 9113
    /// 6.9.2), `connection` is opened with WINDOW_UPDATE right after the preface (the
    /// window shared by all streams, [`Config::initial_connection_window`]). Values over
    /// 2^31-1 are clamped to it.
    ///
    /// Together they bound the DATA the peer may send that the application has not yet
    /// acknowledged ([`Connection::acknowledge_received_data`](crate::Connection::acknowledge_received_data)):
    /// at most `stream` per stream and `connection` in total, and they cap the speed of
    /// a transfer at one window per round trip. At run time, change the connection's with
    /// [`Connection::set_target_window_size`](crate::Connection::set_target_window_size)
    /// and the streams' with `update_settings`.
    ///
    /// ```
    /// use h2_conn::{Config, frame::SettingId};
    /// let mut config = Config::client();
    /// config.set_receive_windows(4 << 20, 16 << 20); // 4 MiB per stream, 16 MiB in all
    /// assert_eq!(config.local_setting(SettingId::INITIAL_WINDOW_SIZE), 4 << 20);
    /// assert_eq!(config.initial_connection_window, Some(16 << 20));
    /// // The RFC 9113 defaults (65,535 each), for tests or tiny devices:
    /// config.set_receive_windows(65_535, 65_535);
    /// ```
    pub fn set_receive_windows(&mut self, stream: u32, connection: u32) -> &mut Config {
        self.initial_settings
            .set(SettingId::INITIAL_WINDOW_SIZE, stream.min(MAX_WINDOW_SIZE));
        self.initial_connection_window = Some(connection.min(MAX_WINDOW_SIZE));
        self
    }

    /// Sets one of the initial local settings, keeping the others (the way to change
    /// one; see [`Config::initial_settings`] for what replacing the list drops).
    pub fn set_local_setting(&mut self, id: SettingId, value: u32) -> &mut Config {
        self.initial_settings.set(id, value);
        self
    }

    /// The value an initial local setting will have (its RFC default when not set).
    pub fn local_setting(&self, id: SettingId) -> u32 {
        self.initial_settings
            .get(id)
            .unwrap_or_else(|| setting_default(id))
    }
}

/// The value a setting has before any SETTINGS frame (RFC 9113 6.5.2). Unknown and
/// unlimited settings answer `u32::MAX`.
pub(crate) fn setting_default(id: SettingId) -> u32 {
    match id {
        SettingId::HEADER_TABLE_SIZE => 4096,
        SettingId::ENABLE_PUSH => 1,
        SettingId::INITIAL_WINDOW_SIZE => DEFAULT_INITIAL_WINDOW_SIZE,
        SettingId::MAX_FRAME_SIZE => DEFAULT_MAX_FRAME_SIZE,
        SettingId::ENABLE_CONNECT_PROTOCOL | SettingId::NO_RFC7540_PRIORITIES => 0,
        _ => u32::MAX,
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("role", &self.role)
            .field("validation", &self.validation)
            .field("initial_settings", &self.initial_settings)
            .field("initial_connection_window", &self.initial_connection_window)
            .field("limits", &self.limits)
            .field("initial_max_send_streams", &self.initial_max_send_streams)
            .field("max_send_buffer", &self.max_send_buffer)
            .field("max_stream_send_buffer", &self.max_stream_send_buffer)
            .field("timeouts", &self.timeouts)
            .field("adaptive_window", &self.adaptive_window)
            .field("rate_limits", &self.rate_limits)
            .field("hpack_policy", &self.hpack_policy)
            .field("split_data", &self.split_data)
            .field("require_settings_first", &self.require_settings_first)
            .field(
                "stream_errors_close_connection",
                &self.stream_errors_close_connection,
            )
            .field("goaway_debug_data", &self.goaway_debug_data)
            .field(
                "compression_error_as_protocol_error",
                &self.compression_error_as_protocol_error,
            )
            .field("require_initiate", &self.require_initiate)
            .field("initial_settings_in_force", &self.initial_settings_in_force)
            .field(
                "answer_frames_after_local_reset",
                &self.answer_frames_after_local_reset,
            )
            .field(
                "header_list_too_large_closes_connection",
                &self.header_list_too_large_closes_connection,
            )
            .field("repeat_goaway", &self.repeat_goaway)
            .field("discard_output_on_goaway", &self.discard_output_on_goaway)
            .finish_non_exhaustive()
    }
}
