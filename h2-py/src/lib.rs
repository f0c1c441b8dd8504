//! `h2._native`: the Rust half of the `h2` Python package (hyper-h2's API on h2-conn).
//!
//! Everything protocol-related happens in [`h2_conn::Connection`]; this module moves
//! values across the language boundary, and does the hot part of the API's shaping in
//! Rust: `h2.connection.H2Connection` subclasses `Connection`, whose methods raise
//! hyper-h2's exceptions (built by the Python layer's `make_error`) and whose
//! `receive_data` returns hyper-h2's event objects (module `events`); the classes are handed
//! over once by `_native._bind`. Settings, GOAWAY and unknown-frame events go to the
//! Python layer as dicts with a `"type"` key. The module functions (`check_headers`,
//! `stream_transition`, ...) raise `NativeError(kind, message, stream_id)`, which their
//! Python callers translate.
//!
//! A Rust panic unwinds into PyO3, which raises `pyo3_runtime.PanicException` instead of
//! aborting the interpreter.

// Our own code has no unsafe: denied here (the library crates forbid it; PyO3's macros
// expand to unsafe code of their own, which `forbid` would refuse).
#![deny(unsafe_code)]

use events::{HeaderCache, Text};
use h2_conn::frame::{PrioritySpec, SettingId, StreamId};
use h2_conn::{
    Bytes, ChangedSetting, Config, ErrorCode, Event, HeaderField, HeadersOptions, Role, Settings,
    StreamState, UserError,
};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyTuple};

mod events;
mod outbound;

create_exception!(
    _native,
    NativeError,
    PyException,
    "A call the connection refused: args are (kind, message, stream_id or None)."
);

/// The kind of a refused call (the Python layer maps kinds to hyper-h2's exception
/// classes), its message and the stream it concerns.
fn error_parts(e: &UserError) -> (&'static str, Option<u32>) {
    match *e {
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
    }
}

/// A refused connection call as the hyper-h2 exception the Python layer's `make_error`
/// builds (connection methods are called directly from Python, with no wrapper to
/// translate a `NativeError`).
fn conn_error(py: Python<'_>, e: UserError) -> PyErr {
    let (kind, stream) = error_parts(&e);
    make_error(py, kind, &e.to_string(), stream)
}

/// A hyper-h2 exception of `kind` ("Protocol", "RFC1122", ...) without a stream.
fn error_of_kind(py: Python<'_>, kind: &str, message: &str) -> PyErr {
    make_error(py, kind, message, None)
}

/// `make_error(kind, message, stream_id)` from the bound Python layer, or a
/// `NativeError` when nothing is bound.
fn make_error(py: Python<'_>, kind: &str, message: &str, stream: Option<u32>) -> PyErr {
    make_error_max(py, kind, message, stream, 0)
}

/// [`make_error`] with the highest stream ID we opened (for `StreamIDTooLowError`).
fn make_error_max(
    py: Python<'_>,
    kind: &str,
    message: &str,
    stream: Option<u32>,
    max_stream_id: u32,
) -> PyErr {
    let Some(api) = events::api_if_bound(py) else {
        return NativeError::new_err((kind.to_owned(), message.to_owned(), stream));
    };
    match api
        .make_error
        .bind(py)
        .call1((kind, message, stream, max_stream_id))
    {
        Ok(exc) => PyErr::from_value(exc),
        Err(e) => e,
    }
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

/// A header list `check_headers` produced, as `(name, value, sensitive)` tuples (not
/// received headers: those become event objects in [`events::headers_to_py`]).
fn checked_headers_out<'py>(
    py: Python<'py>,
    headers: &[HeaderField],
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for f in headers {
        let t = PyTuple::new(
            py,
            [
                PyBytes::new(py, &f.name).into_any(),
                PyBytes::new(py, &f.value).into_any(),
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

/// The events [`events::convert`] leaves to the Python layer, as dicts with a `"type"`
/// key (settings changes, GOAWAY, unknown frames): rare, and they update Python-side
/// state.
fn event_out<'py>(py: Python<'py>, event: &Event) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    match event {
        Event::RemoteSettingsChanged { changed } => {
            d.set_item("type", "RemoteSettingsChanged")?;
            d.set_item("changed", changed_out(py, changed)?)?;
        }
        Event::SettingsAcknowledged { changed } => {
            d.set_item("type", "SettingsAcknowledged")?;
            d.set_item("changed", changed_out(py, changed)?)?;
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

/// Inputs to `receive_data` from this size on are parsed in place (see there).
const RECEIVE_SHARED_FROM: usize = 16 * 1024;

/// The `h2_conn` configuration hyper-h2's `H2Configuration` switches select.
#[allow(clippy::fn_params_excessive_bools)]
fn native_connection(
    client_side: bool,
    settings: Vec<(u16, u32)>,
    validation: [bool; 5],
) -> h2_conn::Connection {
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
    let [vo, no, split, vi, ni] = validation;
    config.validation.validate_outbound_headers = vo;
    config.validation.normalize_outbound_headers = no;
    config.validation.split_outbound_cookies = split;
    config.validation.validate_inbound_headers = vi;
    config.validation.normalize_inbound_headers = ni;
    h2_conn::Connection::new(config)
}

/// One HTTP/2 connection: [`h2_conn::Connection`] configured as hyper-h2 behaves.
///
/// `h2.connection.H2Connection` subclasses it: the hot methods (`send_headers`,
/// `send_data`, `receive_data`, `data_to_send`, ...) are these, called without a Python
/// frame in between, and raise hyper-h2's exceptions directly; the rest are
/// underscore-named helpers the Python class wraps.
#[pyclass(module = "h2._native", unsendable, subclass)]
struct Connection {
    inner: h2_conn::Connection,
    /// Scratch for `receive_data`'s events (kept to reuse its allocation).
    events: Vec<Event>,
    /// Scratch for `send_headers`' fields.
    fields: Vec<HeaderField>,
    /// Scratch for `data_to_send`'s output chunks.
    chunks: Vec<Bytes>,
    /// Header tuples made for received headers (see [`events::HeaderCache`]).
    cache: HeaderCache,
}

impl Connection {
    /// Everything queued as one `bytes` object, DATA payloads copied once: straight
    /// from the chunks the connection holds (often the caller's own `bytes`) into it,
    /// not first into a contiguous buffer.
    fn all_output<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let mut chunks = std::mem::take(&mut self.chunks);
        chunks.clear();
        self.inner.data_to_send_vectored(&mut chunks);
        let total = chunks.iter().map(Bytes::len).sum();
        let out = PyBytes::new_with(py, total, |buf| {
            let mut rest = buf;
            for chunk in &chunks {
                let (head, tail) = rest.split_at_mut(chunk.len());
                head.copy_from_slice(chunk);
                rest = tail;
            }
            Ok(())
        });
        chunks.clear();
        self.chunks = chunks;
        out
    }

    /// [`conn_error`], with the highest stream ID we opened when the call used one too
    /// low (hyper-h2's `StreamIDTooLowError.max_stream_id`).
    fn refused(&self, py: Python<'_>, e: UserError) -> PyErr {
        let UserError::InvalidStreamId(id) = e else {
            return conn_error(py, e);
        };
        // The next ID is the highest opened plus 2 (or the first ID when none was).
        let highest = match self.inner.next_stream_id() {
            Ok(next) => next.value().saturating_sub(2),
            Err(_) => i32::MAX as u32,
        };
        let message = e.to_string();
        make_error_max(py, "StreamIdTooLow", &message, Some(id.value()), highest)
    }
}

#[pymethods]
impl Connection {
    /// Takes any arguments (those of the Python subclass's `__init__`); the connection
    /// is configured by `_configure`.
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn new(_args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>) -> Self {
        Connection {
            inner: native_connection(true, Vec::new(), [true, true, false, true, true]),
            events: Vec::new(),
            fields: Vec::new(),
            chunks: Vec::new(),
            cache: HeaderCache::default(),
        }
    }

    /// Replaces the connection with a new one: `settings` are the local SETTINGS to
    /// announce, in order, as `(id, value)` pairs.
    #[pyo3(signature = (client_side, settings, validate_outbound_headers=true,
        normalize_outbound_headers=true, split_outbound_cookies=false,
        validate_inbound_headers=true, normalize_inbound_headers=true))]
    // One argument per hyper-h2 configuration switch, as Python passes them.
    #[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
    fn _configure(
        &mut self,
        client_side: bool,
        settings: Vec<(u16, u32)>,
        validate_outbound_headers: bool,
        normalize_outbound_headers: bool,
        split_outbound_cookies: bool,
        validate_inbound_headers: bool,
        normalize_inbound_headers: bool,
    ) {
        self.inner = native_connection(
            client_side,
            settings,
            [
                validate_outbound_headers,
                normalize_outbound_headers,
                split_outbound_cookies,
                validate_inbound_headers,
                normalize_inbound_headers,
            ],
        );
        self.cache = HeaderCache::default();
    }

    fn _initiate_connection(&mut self) {
        self.inner.initiate_connection();
    }

    #[pyo3(signature = (settings_header=None))]
    fn _initiate_upgrade_connection(
        &mut self,
        py: Python<'_>,
        settings_header: Option<Vec<u8>>,
    ) -> PyResult<Option<String>> {
        self.inner
            .initiate_upgrade_connection(settings_header.as_deref())
            .map_err(|e| conn_error(py, e))
    }

    /// hyper-h2's `get_next_available_stream_id`.
    fn get_next_available_stream_id(&self, py: Python<'_>) -> PyResult<u32> {
        self.inner
            .next_stream_id()
            .map(StreamId::value)
            .map_err(|e| conn_error(py, e))
    }

    /// hyper-h2's `send_headers`: `headers` is any iterable of 2-item header tuples (or
    /// a dict); bytes and str names/values; `NeverIndexedHeaderTuple` marks sensitive.
    #[pyo3(signature = (stream_id, headers, end_stream=false, priority_weight=None,
        priority_depends_on=None, priority_exclusive=None))]
    fn send_headers(
        slf: &Bound<'_, Self>,
        stream_id: u32,
        headers: &Bound<'_, PyAny>,
        end_stream: bool,
        priority_weight: Option<&Bound<'_, PyAny>>,
        priority_depends_on: Option<u32>,
        priority_exclusive: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let py = slf.py();
        let api = events::api(py)?;
        let config = slf.getattr(intern!(py, "config"))?;
        if let Some(logger) = events::live_logger(api, &config)? {
            logger.call_method1(
                intern!(py, "debug"),
                ("Send headers on stream ID %d", stream_id),
            )?;
        }
        let mut options = HeadersOptions::new();
        if priority_weight.is_some()
            || priority_depends_on.is_some()
            || priority_exclusive.is_some()
        {
            let spec = headers_priority(
                &config,
                stream_id,
                priority_weight,
                priority_depends_on,
                priority_exclusive,
            )?;
            options = options.priority(spec);
        }
        let mut fields = std::mem::take(&mut slf.borrow_mut().fields);
        fields.clear();
        outbound::collect_headers(api, headers, &mut fields)?;
        let mut this = slf.borrow_mut();
        let r = this
            .inner
            .send_headers_with(sid(stream_id), &fields, end_stream, options);
        fields.clear();
        this.fields = fields;
        r.map_err(|e| this.refused(py, e))
    }

    /// hyper-h2's `send_data` (`pad_length`: 0-255 octets of padding).
    #[pyo3(signature = (stream_id, data, end_stream=false, pad_length=None))]
    fn send_data(
        &mut self,
        py: Python<'_>,
        stream_id: u32,
        data: &Bound<'_, PyAny>,
        end_stream: bool,
        pad_length: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let pad = match pad_length {
            None => None,
            Some(p) => Some(outbound::pad_length(p)?),
        };
        let data = outbound::octets(data)?;
        let r = match pad {
            Some(pad) => self
                .inner
                .send_data_padded(sid(stream_id), data, end_stream, pad),
            None => self.inner.send_data(sid(stream_id), data, end_stream),
        };
        r.map_err(|e| conn_error(py, e))
    }

    /// hyper-h2's `end_stream`.
    fn end_stream(&mut self, py: Python<'_>, stream_id: u32) -> PyResult<()> {
        self.inner
            .end_stream(sid(stream_id))
            .map_err(|e| conn_error(py, e))
    }

    #[pyo3(signature = (stream_id, error_code=0))]
    fn _reset_stream(&mut self, py: Python<'_>, stream_id: u32, error_code: u32) -> PyResult<()> {
        self.inner
            .reset_stream(sid(stream_id), ErrorCode(error_code))
            .map_err(|e| conn_error(py, e))
    }

    fn _push_stream(
        &mut self,
        py: Python<'_>,
        stream_id: u32,
        promised_stream_id: u32,
        headers: Vec<(Octets, Octets, bool)>,
    ) -> PyResult<()> {
        let headers = headers_in(headers);
        self.inner
            .push_stream(sid(stream_id), sid(promised_stream_id), &headers)
            .map_err(|e| self.refused(py, e))
    }

    fn _ping(&mut self, py: Python<'_>, data: [u8; 8]) -> PyResult<()> {
        self.inner.ping(data).map_err(|e| conn_error(py, e))
    }

    #[pyo3(signature = (error_code=0, additional_data=None, last_stream_id=None))]
    fn _close_connection(
        &mut self,
        py: Python<'_>,
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
            .map_err(|e| conn_error(py, e))
    }

    fn _update_settings(&mut self, py: Python<'_>, settings: Vec<(u16, u32)>) -> PyResult<()> {
        let mut s = Settings::new();
        for (id, value) in settings {
            s.set(SettingId(id), value);
        }
        self.inner.update_settings(s).map_err(|e| conn_error(py, e))
    }

    #[pyo3(signature = (increment, stream_id=None))]
    fn _increment_flow_control_window(
        &mut self,
        py: Python<'_>,
        increment: u32,
        stream_id: Option<u32>,
    ) -> PyResult<()> {
        self.inner
            .increment_flow_control_window(increment, stream_id.filter(|&s| s != 0).map(sid))
            .map_err(|e| conn_error(py, e))
    }

    /// hyper-h2's `acknowledge_received_data` (ValueError for a stream ID below 1 or a
    /// negative size, as hyper-h2 checks before anything else).
    fn acknowledge_received_data(
        &mut self,
        py: Python<'_>,
        acknowledged_size: &Bound<'_, PyAny>,
        stream_id: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        // Compared as Python objects: any int (however large) gets hyper-h2's ValueError.
        if stream_id.le(0)? {
            return Err(PyValueError::new_err(format!(
                "Stream ID {stream_id} is not valid for acknowledge_received_data"
            )));
        }
        if acknowledged_size.lt(0)? {
            return Err(PyValueError::new_err(format!(
                "Cannot acknowledge negative data, got {acknowledged_size}"
            )));
        }
        let size: u32 = acknowledged_size.extract()?;
        let id: u32 = stream_id.extract()?;
        // hyper-h2 refuses a stream that was never opened (NoSuchStreamError) but
        // accepts one already closed; h2-conn tells them apart for an unknown stream.
        if self.inner.stream_state(sid(id)).is_none() {
            if let Err(e @ UserError::NoSuchStream(_)) =
                self.inner.local_flow_control_window(sid(id))
            {
                return Err(conn_error(py, e));
            }
        }
        self.inner
            .acknowledge_received_data(size, sid(id))
            .map_err(|e| conn_error(py, e))
    }

    /// hyper-h2's `local_flow_control_window` (stream 0: the connection's window).
    fn local_flow_control_window(&self, py: Python<'_>, stream_id: u32) -> PyResult<i32> {
        self.inner
            .local_flow_control_window(sid(stream_id))
            .map_err(|e| conn_error(py, e))
    }

    /// hyper-h2's `remote_flow_control_window` (stream 0: the connection's window).
    fn remote_flow_control_window(&self, py: Python<'_>, stream_id: u32) -> PyResult<i32> {
        self.inner
            .remote_flow_control_window(sid(stream_id))
            .map_err(|e| conn_error(py, e))
    }

    #[pyo3(signature = (stream_id, weight, depends_on, exclusive))]
    fn _send_priority(
        &mut self,
        py: Python<'_>,
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
            .map_err(|e| conn_error(py, e))
    }

    #[pyo3(signature = (field_value, origin=None, stream_id=None))]
    fn _advertise_alternative_service(
        &mut self,
        py: Python<'_>,
        field_value: Vec<u8>,
        origin: Option<Vec<u8>>,
        stream_id: Option<u32>,
    ) -> PyResult<()> {
        self.inner
            .advertise_alternative_service(field_value, origin.map(Bytes::from), stream_id.map(sid))
            .map_err(|e| conn_error(py, e))
    }

    /// hyper-h2's `receive_data`: the events as hyper-h2's event objects. Settings,
    /// GOAWAY and unknown-frame events are converted by the subclass's `_slow_event`
    /// (they update Python-side state); a connection error we detected raises.
    fn receive_data<'py>(
        slf: &Bound<'py, Self>,
        data: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let py = slf.py();
        let api = events::api(py)?;
        let config = slf.getattr(intern!(py, "config"))?;
        if let Some(logger) = events::live_logger(api, &config)? {
            logger.call_method1(
                intern!(py, "trace"),
                (
                    "Process received data on connection. Received data: %r",
                    data,
                ),
            )?;
        }
        let how = Text::from_setting(&config.getattr(intern!(py, "header_encoding"))?)?;
        // The scratch vectors leave the object while Python code may run (the subclass's
        // hook calls back into this object).
        let (mut events, mut cache) = {
            let mut this = slf.borrow_mut();
            let mut events = std::mem::take(&mut this.events);
            events.clear();
            let r = match data.downcast_exact::<PyBytes>() {
                // A large input is parsed in place (DATA payloads are slices of it) rather
                // than copied into the connection's input buffer first.
                Ok(b) if b.as_bytes().len() >= RECEIVE_SHARED_FROM => {
                    this.inner.receive_into(outbound::bytes_of(b), &mut events)
                }
                Ok(b) => this.inner.receive_data_into(b.as_bytes(), &mut events),
                Err(_) => {
                    let owned = outbound::octets(data)?;
                    this.inner.receive_data_into(&owned, &mut events)
                }
            };
            r.map_err(|e| conn_error(py, e))?;
            (events, std::mem::take(&mut this.cache))
        };
        let out = PyList::empty(py);
        let r = convert_all(slf, api, &mut cache, &how, &events, &out);
        events.clear();
        let mut this = slf.borrow_mut();
        this.events = events;
        this.cache = cache;
        r.map(|()| out)
    }

    /// hyper-h2's `data_to_send`: everything queued, or at most `amount` octets.
    #[pyo3(signature = (amount=None))]
    fn data_to_send<'py>(
        &mut self,
        py: Python<'py>,
        amount: Option<usize>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        match amount {
            None => self.all_output(py),
            Some(n) => {
                let mut buf = vec![0; n];
                let len = self.inner.data_to_send_into(&mut buf);
                Ok(PyBytes::new(py, &buf[..len]))
            }
        }
    }

    /// hyper-h2's `clear_outbound_data_buffer`.
    fn clear_outbound_data_buffer(&mut self) {
        drop(self.inner.data_to_send());
    }

    fn _stream_state(&self, stream_id: u32) -> Option<&'static str> {
        self.inner.stream_state(sid(stream_id)).map(state_name)
    }

    /// Why we ended the connection on a peer fault, if we did.
    fn _local_error_reason(&self) -> Option<&'static str> {
        self.inner.local_error_reason()
    }

    /// The (declared, received) content-length of the stream whose fault ended the
    /// connection, if known.
    fn _local_error_content_length(&self) -> Option<(u64, u64)> {
        self.inner.local_error_content_length()
    }

    /// The stream whose frame ended the connection, if known.
    fn _local_error_stream_id(&self) -> Option<u32> {
        self.inner.local_error_stream_id().map(|id| id.value())
    }

    fn _connection_state(&self) -> &'static str {
        match self.inner.state() {
            h2_conn::ConnectionState::Open => "OPEN",
            h2_conn::ConnectionState::GoingAway { .. } => "GOING_AWAY",
            _ => "CLOSED",
        }
    }

    /// hyper-h2's `max_outbound_frame_size`.
    #[getter]
    fn max_outbound_frame_size(&self) -> u32 {
        self.inner.max_outbound_frame_size()
    }

    /// hyper-h2's `max_inbound_frame_size`.
    #[getter]
    fn max_inbound_frame_size(&self) -> u32 {
        self.inner.max_inbound_frame_size()
    }

    /// hyper-h2's `open_outbound_streams`.
    #[getter]
    fn open_outbound_streams(&self) -> u32 {
        self.inner.open_outbound_streams()
    }

    /// hyper-h2's `open_inbound_streams`.
    #[getter]
    fn open_inbound_streams(&self) -> u32 {
        self.inner.open_inbound_streams()
    }

    /// The local settings in force (acknowledged by the peer), as `(id, value)` pairs.
    fn _local_settings_values(&self) -> Vec<(u16, u32)> {
        settings_values(self.inner.local_settings())
    }

    /// The peer's settings in force, as `(id, value)` pairs.
    fn _remote_settings_values(&self) -> Vec<(u16, u32)> {
        settings_values(self.inner.remote_settings())
    }
}

/// Converts one call's events in order into `out`; the kinds [`events::convert`] leaves
/// to Python go, as dicts, through the subclass's `_slow_event`.
fn convert_all<'py>(
    slf: &Bound<'py, Connection>,
    api: &events::Api,
    cache: &mut HeaderCache,
    how: &Text,
    events: &[Event],
    out: &Bound<'py, PyList>,
) -> PyResult<()> {
    let py = slf.py();
    let mut links = events::Links::default();
    for e in events {
        links.before(e);
        if events::convert(py, api, cache, how, &mut links, e, out)? {
            continue;
        }
        let converted = slf.call_method1(intern!(py, "_slow_event"), (event_out(py, e)?,))?;
        if !converted.is_none() {
            for item in converted.try_iter()? {
                out.append(item?)?;
            }
        }
    }
    Ok(())
}

/// The priority a `send_headers` call asked for, checked as hyper-h2 does (servers may
/// not prioritize; weight 1-256; a stream cannot depend on itself).
fn headers_priority(
    config: &Bound<'_, PyAny>,
    stream_id: u32,
    weight: Option<&Bound<'_, PyAny>>,
    depends_on: Option<u32>,
    exclusive: Option<&Bound<'_, PyAny>>,
) -> PyResult<PrioritySpec> {
    let py = config.py();
    if !config.getattr(intern!(py, "client_side"))?.is_truthy()? {
        return Err(error_of_kind(
            py,
            "RFC1122",
            "Servers SHOULD NOT prioritize streams.",
        ));
    }
    let weight = match weight {
        None => 16,
        Some(w) => {
            let w: i64 = w.extract()?;
            if !(1..=256).contains(&w) {
                let msg = format!("Weight must be between 1 and 256, not {w}");
                return Err(error_of_kind(py, "Protocol", &msg));
            }
            w as u16
        }
    };
    if depends_on == Some(stream_id) {
        return Err(error_of_kind(
            py,
            "Protocol",
            "Stream cannot depend on itself",
        ));
    }
    let exclusive = match exclusive {
        Some(x) => x.is_truthy()?,
        None => false,
    };
    Ok(PrioritySpec::from_weight(
        sid(depends_on.unwrap_or(0)),
        exclusive,
        weight,
    ))
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
        Ok(list) => checked_headers_out(py, &list),
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
    m.add_function(wrap_pyfunction!(events::bind, m)?)?;
    m.add_function(wrap_pyfunction!(validate_setting, m)?)?;
    m.add_function(wrap_pyfunction!(window_increment, m)?)?;
    m.add_function(wrap_pyfunction!(check_headers, m)?)?;
    m.add_function(wrap_pyfunction!(stream_transition, m)?)?;
    m.add("NativeError", m.py().get_type::<NativeError>())?;
    Ok(())
}
