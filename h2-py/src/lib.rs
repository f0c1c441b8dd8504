//! `h2._native`: the Rust half of the `h2` Python package (hyper-h2's API on h2-conn).
//!
//! Everything protocol-related happens in [`h2_conn::Connection`]; this module only moves
//! values across the language boundary. Events come out as dicts with a `"type"` key,
//! header lists as lists of `(name, value, sensitive)` tuples of bytes, and a refused call
//! raises `NativeError(kind, message, stream_id)`, which the Python layer
//! (`python/h2/connection.py`) turns into hyper-h2's exception classes.
//!
//! A Rust panic unwinds into PyO3, which raises `pyo3_runtime.PanicException` instead of
//! aborting the interpreter.

// Our own code has no unsafe: denied here (the library crates forbid it; PyO3's macros
// expand to unsafe code of their own, which `forbid` would refuse).
#![deny(unsafe_code)]

use h2_conn::frame::{PrioritySpec, SettingId, StreamId};
use h2_conn::{
    Bytes, ChangedSetting, Config, ErrorCode, Event, HeaderField, HeaderList, HeadersOptions,
    Priority, Role, Settings, StreamState, UserError,
};
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyTuple};

create_exception!(
    _native,
    NativeError,
    PyException,
    "A call the connection refused: args are (kind, message, stream_id or None)."
);

fn user_error(e: UserError) -> PyErr {
    let (kind, stream): (&str, Option<u32>) = match e {
        UserError::NoSuchStream(id) => ("NoSuchStream", Some(id.value())),
        UserError::StreamClosed(id) => ("StreamClosed", Some(id.value())),
        UserError::NotInitiated => ("Protocol", None),
        UserError::InvalidState { stream_id, .. } => ("Protocol", Some(stream_id.value())),
        UserError::InvalidStreamId(id) => ("StreamIdTooLow", Some(id.value())),
        UserError::InvalidHeaders(_) => ("Protocol", None),
        UserError::FlowControlBlocked { stream_id, .. } => ("FlowControl", Some(stream_id.value())),
        UserError::HeaderListTooLarge { stream_id, .. } => ("Protocol", Some(stream_id.value())),
        UserError::WindowOverflow => ("WindowOverflow", None),
        UserError::TooManyStreams(_) => ("TooManyStreams", None),
        UserError::PushDisabled => ("Protocol", None),
        UserError::ConnectionClosed => ("Protocol", None),
        UserError::GoingAway { .. } => ("Protocol", None),
        UserError::StreamIdsExhausted => ("NoAvailableStreamId", None),
        UserError::Encode(_) => ("FrameTooLarge", None),
        UserError::InvalidSetting(_) => ("InvalidSettingsValue", None),
        UserError::TooManyOutstanding(_) => ("Protocol", None),
        UserError::SendBufferFull { stream_id, .. } => ("FlowControl", Some(stream_id.value())),
        UserError::WrongRole(_) => ("Protocol", None),
        _ => ("Protocol", None),
    };
    NativeError::new_err((kind, e.to_string(), stream))
}

fn sid(id: u32) -> StreamId {
    StreamId::new(id)
}

/// An octet-string argument. PyO3's own `Vec<u8>` extraction walks a `bytes` object as a
/// sequence, one Python `int` per octet (~10 ns each: 16 KiB of DATA cost ~160 us); this
/// copies a `bytes` or `bytearray` in one go and falls back to that for anything else.
struct Octets(Vec<u8>);

impl<'py> FromPyObject<'py> for Octets {
    fn extract_bound(ob: &Bound<'py, PyAny>) -> PyResult<Self> {
        if let Ok(b) = ob.downcast::<PyBytes>() {
            return Ok(Octets(b.as_bytes().to_vec()));
        }
        if let Ok(b) = ob.downcast::<PyByteArray>() {
            return Ok(Octets(b.to_vec()));
        }
        ob.extract::<Vec<u8>>().map(Octets)
    }
}

fn headers_in(headers: Vec<(Octets, Octets, bool)>) -> Vec<HeaderField> {
    headers
        .into_iter()
        .map(|(Octets(n), Octets(v), sensitive)| {
            if sensitive {
                HeaderField::sensitive(n, v)
            } else {
                HeaderField::new(n, v)
            }
        })
        .collect()
}

fn headers_out<'py>(py: Python<'py>, headers: &HeaderList) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for f in headers {
        let t = PyTuple::new(
            py,
            [
                PyBytes::new(py, f.name).into_any(),
                PyBytes::new(py, f.value).into_any(),
                f.sensitive.into_pyobject(py)?.to_owned().into_any(),
            ],
        )?;
        list.append(t)?;
    }
    Ok(list)
}

fn changed_out<'py>(py: Python<'py>, changed: &[ChangedSetting]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for c in changed {
        list.append((c.setting.0, c.original_value, c.new_value))?;
    }
    Ok(list)
}

fn priority_out<'py>(py: Python<'py>, d: &Bound<'py, PyDict>, p: &PrioritySpec) -> PyResult<()> {
    let _ = py;
    d.set_item("depends_on", p.dependency.value())?;
    d.set_item("exclusive", p.exclusive)?;
    d.set_item("weight", u16::from(p.weight) + 1)?;
    Ok(())
}

fn event_out<'py>(py: Python<'py>, event: &Event) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    match event {
        Event::RequestReceived {
            stream_id,
            headers,
            end_stream,
            priority,
        } => {
            d.set_item("type", "RequestReceived")?;
            d.set_item("stream_id", stream_id.value())?;
            d.set_item("headers", headers_out(py, headers)?)?;
            d.set_item("end_stream", *end_stream)?;
            if let Some(p) = priority {
                let pd = PyDict::new(py);
                priority_out(py, &pd, p)?;
                d.set_item("priority", pd)?;
            }
        }
        Event::ResponseReceived {
            stream_id,
            headers,
            end_stream,
        } => {
            d.set_item("type", "ResponseReceived")?;
            d.set_item("stream_id", stream_id.value())?;
            d.set_item("headers", headers_out(py, headers)?)?;
            d.set_item("end_stream", *end_stream)?;
        }
        Event::InformationalResponseReceived { stream_id, headers } => {
            d.set_item("type", "InformationalResponseReceived")?;
            d.set_item("stream_id", stream_id.value())?;
            d.set_item("headers", headers_out(py, headers)?)?;
        }
        Event::TrailersReceived { stream_id, headers } => {
            d.set_item("type", "TrailersReceived")?;
            d.set_item("stream_id", stream_id.value())?;
            d.set_item("headers", headers_out(py, headers)?)?;
            d.set_item("end_stream", true)?;
        }
        Event::DataReceived {
            stream_id,
            data,
            flow_controlled_length,
            end_stream,
        } => {
            d.set_item("type", "DataReceived")?;
            d.set_item("stream_id", stream_id.value())?;
            d.set_item("data", PyBytes::new(py, data))?;
            d.set_item("flow_controlled_length", *flow_controlled_length)?;
            d.set_item("end_stream", *end_stream)?;
        }
        Event::WindowUpdated { stream_id, delta } => {
            d.set_item("type", "WindowUpdated")?;
            d.set_item("stream_id", stream_id.value())?;
            d.set_item("delta", *delta)?;
        }
        Event::RemoteSettingsChanged { changed } => {
            d.set_item("type", "RemoteSettingsChanged")?;
            d.set_item("changed", changed_out(py, changed)?)?;
        }
        Event::SettingsAcknowledged { changed } => {
            d.set_item("type", "SettingsAcknowledged")?;
            d.set_item("changed", changed_out(py, changed)?)?;
        }
        Event::PingReceived { data } => {
            d.set_item("type", "PingReceived")?;
            d.set_item("data", PyBytes::new(py, data))?;
        }
        Event::PingAckReceived { data } => {
            d.set_item("type", "PingAckReceived")?;
            d.set_item("data", PyBytes::new(py, data))?;
        }
        Event::StreamEnded { stream_id } => {
            d.set_item("type", "StreamEnded")?;
            d.set_item("stream_id", stream_id.value())?;
        }
        Event::StreamReset {
            stream_id,
            error_code,
            remote_reset,
        } => {
            d.set_item("type", "StreamReset")?;
            d.set_item("stream_id", stream_id.value())?;
            d.set_item("error_code", error_code.0)?;
            d.set_item("remote_reset", *remote_reset)?;
        }
        Event::PushedStreamReceived {
            pushed_stream_id,
            parent_stream_id,
            headers,
        } => {
            d.set_item("type", "PushedStreamReceived")?;
            d.set_item("pushed_stream_id", pushed_stream_id.value())?;
            d.set_item("parent_stream_id", parent_stream_id.value())?;
            d.set_item("headers", headers_out(py, headers)?)?;
        }
        Event::PriorityUpdated {
            stream_id,
            priority,
        } => {
            d.set_item("type", "PriorityUpdated")?;
            d.set_item("stream_id", stream_id.value())?;
            match priority {
                Priority::Rfc7540(p) => priority_out(py, &d, p)?,
                Priority::Rfc9218(v) => d.set_item("field_value", PyBytes::new(py, v))?,
            }
        }
        Event::ConnectionTerminated {
            error_code,
            last_stream_id,
            additional_data,
            remote,
        } => {
            d.set_item("type", "ConnectionTerminated")?;
            d.set_item("error_code", error_code.0)?;
            d.set_item("last_stream_id", last_stream_id.value())?;
            d.set_item("additional_data", PyBytes::new(py, additional_data))?;
            d.set_item("remote", *remote)?;
        }
        Event::AlternativeServiceAvailable {
            stream_id,
            origin,
            field_value,
        } => {
            d.set_item("type", "AlternativeServiceAvailable")?;
            d.set_item("stream_id", stream_id.value())?;
            d.set_item("origin", PyBytes::new(py, origin))?;
            d.set_item("field_value", PyBytes::new(py, field_value))?;
        }
        Event::OriginReceived { origins } => {
            d.set_item("type", "OriginReceived")?;
            let list = PyList::empty(py);
            for o in origins {
                list.append(PyBytes::new(py, o))?;
            }
            d.set_item("origins", list)?;
        }
        Event::UnknownFrameReceived { frame } => {
            d.set_item("type", "UnknownFrameReceived")?;
            d.set_item("frame_type", frame.kind.0)?;
            d.set_item("flags", frame.flags.0)?;
            d.set_item("stream_id", frame.stream_id.value())?;
            d.set_item("payload", PyBytes::new(py, &frame.payload))?;
        }
        _ => {
            d.set_item("type", "Unknown")?;
        }
    }
    Ok(d)
}

fn state_name(s: StreamState) -> &'static str {
    match s {
        StreamState::Idle => "IDLE",
        StreamState::ReservedLocal => "RESERVED_LOCAL",
        StreamState::ReservedRemote => "RESERVED_REMOTE",
        StreamState::Open => "OPEN",
        StreamState::HalfClosedLocal => "HALF_CLOSED_LOCAL",
        StreamState::HalfClosedRemote => "HALF_CLOSED_REMOTE",
        _ => "CLOSED",
    }
}

/// One HTTP/2 connection: [`h2_conn::Connection`] configured as hyper-h2 behaves.
#[pyclass(module = "h2._native", unsendable)]
struct Connection {
    inner: h2_conn::Connection,
}

#[pymethods]
impl Connection {
    /// `settings`: the local SETTINGS to announce, in order, as `(id, value)` pairs.
    #[new]
    #[pyo3(signature = (client_side, settings, validate_outbound_headers=true,
        normalize_outbound_headers=true, split_outbound_cookies=false,
        validate_inbound_headers=true, normalize_inbound_headers=true))]
    fn new(
        client_side: bool,
        settings: Vec<(u16, u32)>,
        validate_outbound_headers: bool,
        normalize_outbound_headers: bool,
        split_outbound_cookies: bool,
        validate_inbound_headers: bool,
        normalize_inbound_headers: bool,
    ) -> Self {
        let role = if client_side {
            Role::Client
        } else {
            Role::Server
        };
        let mut config = Config::hyper_h2(role);
        let mut initial = Settings::new();
        for (id, value) in settings {
            initial.set(SettingId(id), value);
        }
        config.initial_settings = initial;
        config.validation.validate_outbound_headers = validate_outbound_headers;
        config.validation.normalize_outbound_headers = normalize_outbound_headers;
        config.validation.split_outbound_cookies = split_outbound_cookies;
        config.validation.validate_inbound_headers = validate_inbound_headers;
        config.validation.normalize_inbound_headers = normalize_inbound_headers;
        Connection {
            inner: h2_conn::Connection::new(config),
        }
    }

    fn initiate_connection(&mut self) {
        self.inner.initiate_connection();
    }

    #[pyo3(signature = (settings_header=None))]
    fn initiate_upgrade_connection(
        &mut self,
        settings_header: Option<Vec<u8>>,
    ) -> PyResult<Option<String>> {
        self.inner
            .initiate_upgrade_connection(settings_header.as_deref())
            .map_err(user_error)
    }

    fn get_next_available_stream_id(&self) -> PyResult<u32> {
        self.inner
            .next_stream_id()
            .map(StreamId::value)
            .map_err(user_error)
    }

    #[pyo3(signature = (stream_id, headers, end_stream=false, priority=None, pad_length=None))]
    fn send_headers(
        &mut self,
        stream_id: u32,
        headers: Vec<(Octets, Octets, bool)>,
        end_stream: bool,
        priority: Option<(u16, u32, bool)>,
        pad_length: Option<u8>,
    ) -> PyResult<()> {
        let headers = headers_in(headers);
        let mut options = HeadersOptions::new();
        if let Some((weight, depends_on, exclusive)) = priority {
            options = options.priority(PrioritySpec::from_weight(
                sid(depends_on),
                exclusive,
                weight,
            ));
        }
        if let Some(pad) = pad_length {
            options = options.padded(pad);
        }
        self.inner
            .send_headers_with(sid(stream_id), &headers, end_stream, options)
            .map_err(user_error)
    }

    #[pyo3(signature = (stream_id, data, end_stream=false, pad_length=None))]
    fn send_data(
        &mut self,
        stream_id: u32,
        data: Octets,
        end_stream: bool,
        pad_length: Option<u8>,
    ) -> PyResult<()> {
        let Octets(data) = data;
        let r = match pad_length {
            Some(pad) => self
                .inner
                .send_data_padded(sid(stream_id), data, end_stream, pad),
            None => self.inner.send_data(sid(stream_id), data, end_stream),
        };
        r.map_err(user_error)
    }

    fn end_stream(&mut self, stream_id: u32) -> PyResult<()> {
        self.inner.end_stream(sid(stream_id)).map_err(user_error)
    }

    #[pyo3(signature = (stream_id, error_code=0))]
    fn reset_stream(&mut self, stream_id: u32, error_code: u32) -> PyResult<()> {
        self.inner
            .reset_stream(sid(stream_id), ErrorCode(error_code))
            .map_err(user_error)
    }

    fn push_stream(
        &mut self,
        stream_id: u32,
        promised_stream_id: u32,
        headers: Vec<(Octets, Octets, bool)>,
    ) -> PyResult<()> {
        let headers = headers_in(headers);
        self.inner
            .push_stream(sid(stream_id), sid(promised_stream_id), &headers)
            .map_err(user_error)
    }

    fn ping(&mut self, data: [u8; 8]) -> PyResult<()> {
        self.inner.ping(data).map_err(user_error)
    }

    #[pyo3(signature = (error_code=0, additional_data=None, last_stream_id=None))]
    fn close_connection(
        &mut self,
        error_code: u32,
        additional_data: Option<Vec<u8>>,
        last_stream_id: Option<u32>,
    ) -> PyResult<()> {
        self.inner
            .close_connection(
                ErrorCode(error_code),
                last_stream_id.map(sid),
                additional_data.map(Bytes::from),
            )
            .map_err(user_error)
    }

    fn update_settings(&mut self, settings: Vec<(u16, u32)>) -> PyResult<()> {
        let mut s = Settings::new();
        for (id, value) in settings {
            s.set(SettingId(id), value);
        }
        self.inner.update_settings(s).map_err(user_error)
    }

    #[pyo3(signature = (increment, stream_id=None))]
    fn increment_flow_control_window(
        &mut self,
        increment: u32,
        stream_id: Option<u32>,
    ) -> PyResult<()> {
        self.inner
            .increment_flow_control_window(increment, stream_id.filter(|&s| s != 0).map(sid))
            .map_err(user_error)
    }

    fn acknowledge_received_data(&mut self, size: u32, stream_id: u32) -> PyResult<()> {
        self.inner
            .acknowledge_received_data(size, sid(stream_id))
            .map_err(user_error)
    }

    fn local_flow_control_window(&self, stream_id: u32) -> PyResult<i32> {
        self.inner
            .local_flow_control_window(sid(stream_id))
            .map_err(user_error)
    }

    fn remote_flow_control_window(&self, stream_id: u32) -> PyResult<i32> {
        self.inner
            .remote_flow_control_window(sid(stream_id))
            .map_err(user_error)
    }

    #[pyo3(signature = (stream_id, weight, depends_on, exclusive))]
    fn send_priority(
        &mut self,
        stream_id: u32,
        weight: u16,
        depends_on: u32,
        exclusive: bool,
    ) -> PyResult<()> {
        self.inner
            .send_priority(
                sid(stream_id),
                PrioritySpec::from_weight(sid(depends_on), exclusive, weight),
            )
            .map_err(user_error)
    }

    #[pyo3(signature = (field_value, origin=None, stream_id=None))]
    fn advertise_alternative_service(
        &mut self,
        field_value: Vec<u8>,
        origin: Option<Vec<u8>>,
        stream_id: Option<u32>,
    ) -> PyResult<()> {
        self.inner
            .advertise_alternative_service(field_value, origin.map(Bytes::from), stream_id.map(sid))
            .map_err(user_error)
    }

    fn receive_data<'py>(&mut self, py: Python<'py>, data: &[u8]) -> PyResult<Bound<'py, PyList>> {
        let events = self.inner.receive_data(data).map_err(user_error)?;
        let list = PyList::empty(py);
        for e in &events {
            list.append(event_out(py, e)?)?;
        }
        Ok(list)
    }

    #[pyo3(signature = (amount=None))]
    fn data_to_send<'py>(&mut self, py: Python<'py>, amount: Option<usize>) -> Bound<'py, PyBytes> {
        match amount {
            None => PyBytes::new(py, &self.inner.data_to_send()),
            Some(n) => {
                let mut buf = vec![0; n];
                let len = self.inner.data_to_send_into(&mut buf);
                PyBytes::new(py, &buf[..len])
            }
        }
    }

    fn clear_outbound_data_buffer(&mut self) {
        drop(self.inner.data_to_send());
    }

    fn stream_state(&self, stream_id: u32) -> Option<&'static str> {
        self.inner.stream_state(sid(stream_id)).map(state_name)
    }

    /// Why we ended the connection on a peer fault, if we did.
    fn local_error_reason(&self) -> Option<&'static str> {
        self.inner.local_error_reason()
    }

    /// The (declared, received) content-length of the stream whose fault ended the
    /// connection, if known.
    fn local_error_content_length(&self) -> Option<(u64, u64)> {
        self.inner.local_error_content_length()
    }

    fn connection_state(&self) -> &'static str {
        match self.inner.state() {
            h2_conn::ConnectionState::Open => "OPEN",
            h2_conn::ConnectionState::GoingAway { .. } => "GOING_AWAY",
            _ => "CLOSED",
        }
    }

    #[getter]
    fn max_outbound_frame_size(&self) -> u32 {
        self.inner.max_outbound_frame_size()
    }

    #[getter]
    fn max_inbound_frame_size(&self) -> u32 {
        self.inner.max_inbound_frame_size()
    }

    #[getter]
    fn open_outbound_streams(&self) -> u32 {
        self.inner.open_outbound_streams()
    }

    #[getter]
    fn open_inbound_streams(&self) -> u32 {
        self.inner.open_inbound_streams()
    }

    /// The local settings in force (acknowledged by the peer), as `{id: value}`.
    fn local_settings(&self) -> Vec<(u16, u32)> {
        settings_values(self.inner.local_settings())
    }

    /// The peer's settings in force, as `{id: value}`.
    fn remote_settings(&self) -> Vec<(u16, u32)> {
        settings_values(self.inner.remote_settings())
    }
}

fn settings_values(v: &h2_conn::SettingValues) -> Vec<(u16, u32)> {
    [
        SettingId::HEADER_TABLE_SIZE,
        SettingId::ENABLE_PUSH,
        SettingId::INITIAL_WINDOW_SIZE,
        SettingId::MAX_FRAME_SIZE,
        SettingId::ENABLE_CONNECT_PROTOCOL,
        SettingId::MAX_CONCURRENT_STREAMS,
        SettingId::MAX_HEADER_LIST_SIZE,
    ]
    .into_iter()
    .map(|id| (id.0, v.get(id)))
    .collect()
}

/// Checks one setting value as RFC 9113 6.5.2 requires; returns the error code to
/// answer with, or `None` when the value is valid.
#[pyfunction]
fn validate_setting(id: u16, value: u32) -> Option<u32> {
    let mut s = Settings::new();
    s.set(SettingId(id), value);
    s.validate().err().map(|e| e.code().0)
}

/// Checks a header list outside a connection, with h2-stream's rules (hyper-h2's
/// `validate_headers` / `validate_outbound_headers` / `normalize_outbound_headers`).
/// `kind` is "request", "push", "response" or "trailers"; returns the list as the
/// connection would use it, or raises `NativeError("Protocol", why, None)`.
#[pyfunction]
#[pyo3(signature = (headers, kind, inbound, validate, normalize, split_cookies=false))]
fn check_headers<'py>(
    py: Python<'py>,
    headers: Vec<(Octets, Octets, bool)>,
    kind: &str,
    inbound: bool,
    validate: bool,
    normalize: bool,
    split_cookies: bool,
) -> PyResult<Bound<'py, PyList>> {
    use h2_conn::stream::{check_inbound_headers, check_outbound_headers, HeaderBlockKind};
    let kind = match kind {
        "push" => HeaderBlockKind::PushPromise,
        "response" => HeaderBlockKind::Response,
        "trailers" => HeaderBlockKind::Trailers,
        _ => HeaderBlockKind::Request,
    };
    let cfg = h2_conn::ValidationConfig {
        validate_inbound_headers: validate,
        normalize_inbound_headers: normalize,
        validate_outbound_headers: validate,
        normalize_outbound_headers: normalize,
        split_outbound_cookies: split_cookies,
        // As a connection in hyper-h2 mode (Config::hyper_h2).
        allow_status_101: true,
    };
    let mut fields = headers_in(headers);
    let result = if inbound {
        check_inbound_headers(&mut fields, kind, &cfg).map(|()| fields)
    } else {
        check_outbound_headers(&fields, kind, &cfg)
    };
    match result {
        Ok(list) => headers_out(py, &HeaderList::from(list)),
        Err(why) => Err(NativeError::new_err(("Protocol", why, None::<u32>))),
    }
}

/// One step of h2-stream's stream state machine (RFC 9113 5.1), for hyper-h2's
/// `H2StreamStateMachine`: `state` as [`state_name`] spells it, `input` one of
/// `send_headers`, `send_end_stream`, `send_data`, `send_rst_stream`,
/// `send_window_update`, `send_push_promise`, `send_priority` and their `recv_`
/// twins. Returns the new state, or raises `NativeError` (`StreamClosed` or
/// `Protocol`); an input the stream ignores leaves the state as it was.
#[pyfunction]
fn stream_transition(
    state: &str,
    input: &str,
    client: bool,
    stream_id: u32,
) -> PyResult<&'static str> {
    use h2_conn::stream::{
        recv_transition, send_transition, CloseCause, RecvInput, RecvStep, SendInput,
    };
    let state = match state {
        "IDLE" => StreamState::Idle,
        "RESERVED_LOCAL" => StreamState::ReservedLocal,
        "RESERVED_REMOTE" => StreamState::ReservedRemote,
        "OPEN" => StreamState::Open,
        "HALF_CLOSED_LOCAL" => StreamState::HalfClosedLocal,
        "HALF_CLOSED_REMOTE" => StreamState::HalfClosedRemote,
        _ => StreamState::Closed(CloseCause::EndStream),
    };
    let role = if client { Role::Client } else { Role::Server };
    let id = sid(stream_id);
    let (send, what) = match input.split_once('_') {
        Some(("send", what)) => (true, what),
        Some(("recv", what)) => (false, what),
        _ => {
            return Err(NativeError::new_err((
                "Protocol",
                "unknown input",
                None::<u32>,
            )))
        }
    };
    let closed = |why: String| NativeError::new_err(("StreamClosed", why, Some(stream_id)));
    let protocol = |why: String| NativeError::new_err(("Protocol", why, Some(stream_id)));
    if send {
        let input = match what {
            "headers" => SendInput::Headers { end_stream: false },
            "end_stream" => SendInput::Data { end_stream: true },
            "data" => SendInput::Data { end_stream: false },
            "rst_stream" => SendInput::RstStream(ErrorCode::CANCEL),
            "window_update" => SendInput::WindowUpdate,
            "push_promise" => SendInput::PushPromise,
            _ => SendInput::Priority,
        };
        match send_transition(state, role, id, input) {
            Ok(s) => Ok(state_name(s)),
            Err(e @ UserError::StreamClosed(_)) => Err(closed(e.to_string())),
            Err(e) => Err(protocol(e.to_string())),
        }
    } else {
        let input = match what {
            "headers" => RecvInput::Headers { end_stream: false },
            "end_stream" => RecvInput::Data { end_stream: true },
            "data" => RecvInput::Data { end_stream: false },
            "rst_stream" => RecvInput::RstStream(ErrorCode::CANCEL),
            "window_update" => RecvInput::WindowUpdate,
            "push_promise" => RecvInput::PushPromise,
            _ => RecvInput::Priority,
        };
        match recv_transition(state, role, id, input) {
            Ok(RecvStep::Process(s)) => Ok(state_name(s)),
            Ok(_) => Ok(state_name(state)),
            Err(e) if e.code() == ErrorCode::STREAM_CLOSED => Err(closed(e.to_string())),
            Err(e) => Err(protocol(e.to_string())),
        }
    }
}

/// hyper-h2's `WindowManager` decision (h2-conn's [`h2_conn::HyperH2Windows`]): the
/// WINDOW_UPDATE increment to send for `pending` processed octets, or `None`.
#[pyfunction]
fn window_increment(max_window: u32, current_window: i64, pending: u32) -> Option<u32> {
    use h2_conn::WindowPolicy;
    let window = h2_conn::Window::new(current_window.clamp(0, i64::from(i32::MAX)) as u32);
    h2_conn::HyperH2Windows.increment(max_window, window, pending)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Connection>()?;
    m.add_function(wrap_pyfunction!(validate_setting, m)?)?;
    m.add_function(wrap_pyfunction!(window_increment, m)?)?;
    m.add_function(wrap_pyfunction!(check_headers, m)?)?;
    m.add_function(wrap_pyfunction!(stream_transition, m)?)?;
    m.add("NativeError", m.py().get_type::<NativeError>())?;
    Ok(())
}
