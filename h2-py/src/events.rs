//! Building hyper-h2's event objects (and the header tuples they carry) in Rust.
//!
//! `receive_data` used to hand the Python layer one dict per event, which Python then
//! turned into an event object and its header list into `HeaderTuple`s; that Python work
//! was most of the cost of a request. Here the final objects are made directly: each
//! event class's instance is created with `object.__new__` and its fields set (what the
//! dataclass `__init__` would do, without a Python frame), and header tuples come from a
//! small per-connection cache, since the same fields repeat request after request.
//!
//! The Python classes are handed over once, at import of `h2.connection`, by
//! [`bind`] (`_native._bind`).

use h2_conn::frame::PrioritySpec;
use h2_conn::{Event, HeaderList, Priority};
use pyo3::exceptions::{PyKeyError, PyRuntimeError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};

/// The Python objects events, header tuples and errors are made from.
pub(crate) struct Api {
    /// `object.__new__`: makes an instance without running its `__init__`.
    object_new: Py<PyAny>,
    /// `tuple.__new__`: makes a `HeaderTuple` without its Python-level `__new__`.
    tuple_new: Py<PyAny>,
    header_tuple: Py<PyAny>,
    never_indexed: Py<PyAny>,
    request_received: Py<PyAny>,
    response_received: Py<PyAny>,
    informational: Py<PyAny>,
    trailers_received: Py<PyAny>,
    data_received: Py<PyAny>,
    stream_ended: Py<PyAny>,
    window_updated: Py<PyAny>,
    stream_reset: Py<PyAny>,
    ping_received: Py<PyAny>,
    ping_ack_received: Py<PyAny>,
    priority_updated: Py<PyAny>,
    pushed_stream: Py<PyAny>,
    alt_svc: Py<PyAny>,
    /// `h2.errors._error_code_from_int`: an `ErrorCodes` member, or the int if unknown.
    error_code: Py<PyAny>,
    /// `(kind, message, stream_id) -> exception instance` (hyper-h2's classes).
    pub(crate) make_error: Py<PyAny>,
    /// `h2.config.DummyLogger`: a logger of this exact type is not called at all.
    dummy_logger: Py<PyAny>,
    /// `header -> (name, value, sensitive)` with bytes: the Python layer's conversion
    /// of a header given in a form [`crate::outbound`] does not read itself.
    pub(crate) header_in: Py<PyAny>,
}

static API: GILOnceCell<Api> = GILOnceCell::new();

/// The bound [`Api`]; an error if `h2.connection` has not been imported.
pub(crate) fn api(py: Python<'_>) -> PyResult<&'static Api> {
    API.get(py).ok_or_else(|| {
        PyRuntimeError::new_err("h2._native: h2.connection did not bind its classes")
    })
}

/// The bound [`Api`], if any (errors fall back to `NativeError` without it).
pub(crate) fn api_if_bound(py: Python<'_>) -> Option<&'static Api> {
    API.get(py)
}

/// `_native._bind(names)`: hands over the classes events are made of (a dict keyed by
/// their names). Called once by `h2.connection`; a later call keeps the first binding.
#[pyfunction]
#[pyo3(name = "_bind")]
pub(crate) fn bind(names: &Bound<'_, PyDict>) -> PyResult<()> {
    let py = names.py();
    let get = |key: &str| -> PyResult<Py<PyAny>> {
        names
            .get_item(key)?
            .map(Bound::unbind)
            .ok_or_else(|| PyKeyError::new_err(key.to_owned()))
    };
    let api = Api {
        object_new: get("object_new")?,
        tuple_new: get("tuple_new")?,
        header_tuple: get("HeaderTuple")?,
        never_indexed: get("NeverIndexedHeaderTuple")?,
        request_received: get("RequestReceived")?,
        response_received: get("ResponseReceived")?,
        informational: get("InformationalResponseReceived")?,
        trailers_received: get("TrailersReceived")?,
        data_received: get("DataReceived")?,
        stream_ended: get("StreamEnded")?,
        window_updated: get("WindowUpdated")?,
        stream_reset: get("StreamReset")?,
        ping_received: get("PingReceived")?,
        ping_ack_received: get("PingAckReceived")?,
        priority_updated: get("PriorityUpdated")?,
        pushed_stream: get("PushedStreamReceived")?,
        alt_svc: get("AlternativeServiceAvailable")?,
        error_code: get("error_code_from_int")?,
        make_error: get("make_error")?,
        dummy_logger: get("DummyLogger")?,
        header_in: get("header_in")?,
    };
    let _ = API.set(py, api);
    Ok(())
}

/// `config.logger`, unless it is a `DummyLogger` (whose methods do nothing, so calling
/// them would only cost time).
pub(crate) fn live_logger<'py>(
    api: &Api,
    config: &Bound<'py, PyAny>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let logger = config.getattr(intern!(config.py(), "logger"))?;
    if logger.get_type().is(api.dummy_logger.bind(config.py())) {
        return Ok(None);
    }
    Ok(Some(logger))
}

/// How received header names and values become Python objects (`header_encoding`).
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Text {
    /// `bytes` (header_encoding None or False).
    Bytes,
    /// `str` decoded as UTF-8 in Rust (Python's codec only to raise its error).
    Utf8,
    /// `str` decoded as ASCII in Rust (as above).
    Ascii,
    /// `str` decoded by Python's codec of that name.
    Other(String),
}

impl Text {
    /// The mode for a `header_encoding` value (falsy means bytes, as hyper-h2 tests it).
    pub(crate) fn from_setting(enc: &Bound<'_, PyAny>) -> PyResult<Text> {
        if !enc.is_truthy()? {
            return Ok(Text::Bytes);
        }
        let name: String = enc.extract()?;
        Ok(match name.to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => Text::Utf8,
            "ascii" | "us-ascii" => Text::Ascii,
            _ => Text::Other(name),
        })
    }

    /// One name or value in this mode.
    fn convert<'py>(&self, py: Python<'py>, raw: &[u8]) -> PyResult<Bound<'py, PyAny>> {
        let fast = match self {
            Text::Bytes => return Ok(PyBytes::new(py, raw).into_any()),
            Text::Utf8 => std::str::from_utf8(raw).ok(),
            Text::Ascii if raw.is_ascii() => std::str::from_utf8(raw).ok(),
            _ => None,
        };
        if let Some(s) = fast {
            return Ok(PyString::new(py, s).into_any());
        }
        // Python's codec: the other encodings, and the exact UnicodeDecodeError.
        let codec = match self {
            Text::Other(name) => name.as_str(),
            Text::Ascii => "ascii",
            _ => "utf-8",
        };
        PyBytes::new(py, raw).call_method1(intern!(py, "decode"), (codec,))
    }
}

/// Slots of a [`HeaderCache`] (a power of two).
const CACHE_SLOTS: usize = 512;
/// Longest name plus value cached (longer fields are rare and seldom repeat).
const CACHE_FIELD_BYTES: usize = 256;
/// Most key octets held by one cache; a field that would pass it is not cached.
const CACHE_BYTES: usize = 32 * 1024;
/// Multiplier of [`slot_hash`] (an odd 64-bit constant with well-spread bits).
const MIX: u64 = 0x9E37_79B9_7F4A_7C15;

/// Header tuples already made on this connection, by (sensitive, name, value), in the
/// current [`Text`] mode. Tuples are immutable, so handing out the same object again is
/// indistinguishable from a new one, and costs a hash and a compare instead of two
/// string objects and a tuple (the same fields repeat request after request).
///
/// Direct-mapped: each field has one slot, a new field takes it over. A peer choosing
/// fields that share slots (the hash is seeded per connection anyway) can only cause
/// misses, which cost what no cache would; there are no chains to lengthen. Memory is
/// bounded by [`CACHE_SLOTS`] and [`CACHE_BYTES`].
#[derive(Default)]
pub(crate) struct HeaderCache {
    /// `(key, tuple)` per slot; allocated at the first header block.
    slots: Vec<Option<(Vec<u8>, Py<PyAny>)>>,
    /// Octets of all keys held.
    bytes: usize,
    /// Seed of [`slot_hash`], random per cache.
    seed: u64,
    /// The lookup key, built here to avoid an allocation per field.
    key: Vec<u8>,
    /// The mode the cached objects were made in.
    mode: Option<Text>,
}

/// A seeded multiply-rotate hash of `data` (fast on short keys; not cryptographic,
/// which a direct-mapped cache does not need).
fn slot_hash(seed: u64, data: &[u8]) -> u64 {
    let mut h = seed ^ (data.len() as u64).wrapping_mul(MIX);
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w))
            .wrapping_mul(MIX)
            .rotate_left(29);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(w))
            .wrapping_mul(MIX)
            .rotate_left(29);
    }
    h ^= h >> 32;
    h.wrapping_mul(MIX) ^ (h >> 29)
}

impl HeaderCache {
    /// Starts over when the mode changed since the last header block; allocates the
    /// slots (and picks the seed) on first use.
    fn set_mode(&mut self, how: &Text) {
        if self.slots.is_empty() {
            use std::hash::BuildHasher;
            self.slots.resize_with(CACHE_SLOTS, || None);
            self.seed = std::collections::hash_map::RandomState::new().hash_one(0x6832_u64);
        }
        if self.mode.as_ref() != Some(how) {
            self.slots.iter_mut().for_each(|s| *s = None);
            self.bytes = 0;
            self.mode = Some(how.clone());
        }
    }

    /// The header tuple for one field, from the cache or new.
    fn tuple<'py>(
        &mut self,
        py: Python<'py>,
        api: &Api,
        how: &Text,
        (name, value, sensitive): (&[u8], &[u8], bool),
    ) -> PyResult<Bound<'py, PyAny>> {
        let cacheable = name.len() + value.len() <= CACHE_FIELD_BYTES;
        let mut index = 0;
        if cacheable {
            self.key.clear();
            self.key.push(u8::from(sensitive));
            self.key
                .extend_from_slice(&(name.len() as u32).to_le_bytes());
            self.key.extend_from_slice(name);
            self.key.extend_from_slice(value);
            index = (slot_hash(self.seed, &self.key) as usize) & (CACHE_SLOTS - 1);
            if let Some(Some((k, t))) = self.slots.get(index) {
                if *k == self.key {
                    return Ok(t.bind(py).clone());
                }
            }
        }
        let cls = if sensitive {
            &api.never_indexed
        } else {
            &api.header_tuple
        };
        let pair = PyTuple::new(py, [how.convert(py, name)?, how.convert(py, value)?])?;
        let t = api.tuple_new.bind(py).call1((cls.bind(py), pair))?;
        if cacheable {
            self.store(index, &t);
        }
        Ok(t)
    }

    /// Puts the tuple for `self.key` in slot `index`, replacing what was there, unless
    /// that would pass [`CACHE_BYTES`].
    fn store(&mut self, index: usize, t: &Bound<'_, PyAny>) {
        let Some(slot) = self.slots.get_mut(index) else {
            return;
        };
        let old = slot.as_ref().map_or(0, |(k, _)| k.len());
        if self.bytes - old + self.key.len() > CACHE_BYTES {
            return;
        }
        self.bytes = self.bytes - old + self.key.len();
        match slot {
            // Reuses the old key's allocation.
            Some((k, obj)) => {
                k.clear();
                k.extend_from_slice(&self.key);
                *obj = t.clone().unbind();
            }
            None => *slot = Some((self.key.clone(), t.clone().unbind())),
        }
    }
}

/// The conversion of a received header block into hyper-h2's list of `HeaderTuple` /
/// `NeverIndexedHeaderTuple` (bytes, or str per `header_encoding`). Every event with
/// headers goes through here, reading the `HeaderList`'s borrowed fields.
pub(crate) fn headers_to_py<'py>(
    py: Python<'py>,
    api: &Api,
    cache: &mut HeaderCache,
    how: &Text,
    headers: &HeaderList,
) -> PyResult<Bound<'py, PyList>> {
    cache.set_mode(how);
    let list = PyList::empty(py);
    for f in headers {
        list.append(cache.tuple(py, api, how, (f.name, f.value, f.sensitive))?)?;
    }
    Ok(list)
}

/// An instance of `cls` without running `__init__` (fields are set by the caller).
fn instance<'py>(py: Python<'py>, api: &Api, cls: &Py<PyAny>) -> PyResult<Bound<'py, PyAny>> {
    api.object_new.bind(py).call1((cls.bind(py),))
}

/// Events of one `receive_data` call that a later event of the same call links to:
/// hyper-h2 sets `stream_ended` on the event that carried END_STREAM, and
/// `priority_updated` on the HEADERS event whose frame carried priority.
#[derive(Default)]
pub(crate) struct Links<'py> {
    /// By stream: the event a later `StreamEnded` belongs to.
    ended: Vec<(u32, Bound<'py, PyAny>)>,
    /// By stream: header events a following `PriorityUpdated` belongs to; dropped at the
    /// next event that is neither `PriorityUpdated` nor `StreamEnded`.
    headers: Vec<(u32, Bound<'py, PyAny>)>,
}

/// Replaces the entry for `id` or adds one.
fn put<'py>(list: &mut Vec<(u32, Bound<'py, PyAny>)>, id: u32, event: &Bound<'py, PyAny>) {
    match list.iter_mut().find(|(k, _)| *k == id) {
        Some(slot) => slot.1 = event.clone(),
        None => list.push((id, event.clone())),
    }
}

impl<'py> Links<'py> {
    /// Called before each event: only priority and end-of-stream events may still link
    /// to the header event before them.
    pub(crate) fn before(&mut self, event: &Event) {
        if !matches!(
            event,
            Event::PriorityUpdated { .. } | Event::StreamEnded { .. }
        ) {
            self.headers.clear();
        }
    }
}

/// Converts one native event into hyper-h2 objects appended to `out`, linking them as
/// hyper-h2 does. Returns false for the kinds left to the Python layer (they touch
/// Python-side state: settings, the closed flag, local errors).
pub(crate) fn convert<'py>(
    py: Python<'py>,
    api: &Api,
    cache: &mut HeaderCache,
    how: &Text,
    links: &mut Links<'py>,
    event: &Event,
    out: &Bound<'py, PyList>,
) -> PyResult<bool> {
    // The four header events: (class, stream, headers, END_STREAM, whether the class
    // has `stream_ended`, RFC 7540 priority fields).
    let header_parts = match event {
        Event::RequestReceived {
            stream_id,
            headers,
            end_stream,
            priority,
        } => Some((
            &api.request_received,
            stream_id,
            headers,
            *end_stream,
            true,
            priority.as_ref(),
        )),
        Event::ResponseReceived {
            stream_id,
            headers,
            end_stream,
        } => Some((
            &api.response_received,
            stream_id,
            headers,
            *end_stream,
            true,
            None,
        )),
        Event::InformationalResponseReceived { stream_id, headers } => {
            Some((&api.informational, stream_id, headers, false, false, None))
        }
        Event::TrailersReceived { stream_id, headers } => {
            Some((&api.trailers_received, stream_id, headers, true, true, None))
        }
        _ => None,
    };
    if let Some((cls, stream_id, headers, end_stream, has_stream_ended, priority)) = header_parts {
        let list = headers_to_py(py, api, cache, how, headers)?;
        let ev = header_event(py, api, cls, *stream_id, list, has_stream_ended)?;
        let id = stream_id.value();
        after_header_event(py, api, links, &ev, id, end_stream, priority, out)?;
        return Ok(true);
    }
    match event {
        Event::DataReceived {
            stream_id,
            data,
            flow_controlled_length,
            end_stream,
        } => {
            let ev = instance(py, api, &api.data_received)?;
            ev.setattr(intern!(py, "stream_id"), stream_id.value())?;
            ev.setattr(intern!(py, "data"), PyBytes::new(py, data))?;
            ev.setattr(
                intern!(py, "flow_controlled_length"),
                *flow_controlled_length,
            )?;
            ev.setattr(intern!(py, "stream_ended"), py.None())?;
            if *end_stream {
                put(&mut links.ended, stream_id.value(), &ev);
            }
            out.append(ev)?;
        }
        Event::StreamEnded { stream_id } => {
            let ev = instance(py, api, &api.stream_ended)?;
            ev.setattr(intern!(py, "stream_id"), stream_id.value())?;
            let id = stream_id.value();
            if let Some(i) = links.ended.iter().position(|(k, _)| *k == id) {
                links
                    .ended
                    .swap_remove(i)
                    .1
                    .setattr(intern!(py, "stream_ended"), &ev)?;
            }
            out.append(ev)?;
        }
        Event::WindowUpdated { stream_id, delta } => {
            let ev = instance(py, api, &api.window_updated)?;
            ev.setattr(intern!(py, "stream_id"), stream_id.value())?;
            ev.setattr(intern!(py, "delta"), *delta)?;
            out.append(ev)?;
        }
        Event::StreamReset {
            stream_id,
            error_code,
            remote_reset,
        } => {
            let ev = instance(py, api, &api.stream_reset)?;
            ev.setattr(intern!(py, "stream_id"), stream_id.value())?;
            let code = api.error_code.bind(py).call1((error_code.0,))?;
            ev.setattr(intern!(py, "error_code"), code)?;
            ev.setattr(intern!(py, "remote_reset"), *remote_reset)?;
            out.append(ev)?;
        }
        Event::PingReceived { data } | Event::PingAckReceived { data } => {
            let cls = if matches!(event, Event::PingReceived { .. }) {
                &api.ping_received
            } else {
                &api.ping_ack_received
            };
            let ev = instance(py, api, cls)?;
            ev.setattr(intern!(py, "ping_data"), PyBytes::new(py, data))?;
            out.append(ev)?;
        }
        Event::PushedStreamReceived {
            pushed_stream_id,
            parent_stream_id,
            headers,
        } => {
            let list = headers_to_py(py, api, cache, how, headers)?;
            let ev = instance(py, api, &api.pushed_stream)?;
            ev.setattr(intern!(py, "pushed_stream_id"), pushed_stream_id.value())?;
            ev.setattr(intern!(py, "parent_stream_id"), parent_stream_id.value())?;
            ev.setattr(intern!(py, "headers"), list)?;
            out.append(ev)?;
        }
        Event::PriorityUpdated {
            stream_id,
            priority: Priority::Rfc7540(p),
        } => {
            let ev = priority_event(py, api, stream_id.value(), p)?;
            // Priority fields of a HEADERS frame come right after its event.
            let id = stream_id.value();
            if let Some((_, owner)) = links.headers.iter().find(|(k, _)| *k == id) {
                let slot = intern!(py, "priority_updated");
                if owner.getattr(slot)?.is_none() {
                    owner.setattr(slot, &ev)?;
                }
            }
            out.append(ev)?;
        }
        // RFC 9218 priority: hyper-h2 has no event for it.
        Event::PriorityUpdated { .. } => {}
        Event::AlternativeServiceAvailable {
            origin,
            field_value,
            ..
        } => {
            let ev = instance(py, api, &api.alt_svc)?;
            ev.setattr(intern!(py, "origin"), PyBytes::new(py, origin))?;
            ev.setattr(intern!(py, "field_value"), PyBytes::new(py, field_value))?;
            out.append(ev)?;
        }
        Event::OriginReceived { .. } => {}
        _ => return Ok(false),
    }
    Ok(true)
}

/// A `RequestReceived`-like event: `stream_ended` only on the classes that have it.
fn header_event<'py>(
    py: Python<'py>,
    api: &Api,
    cls: &Py<PyAny>,
    stream_id: h2_conn::frame::StreamId,
    headers: Bound<'py, PyList>,
    has_stream_ended: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let ev = instance(py, api, cls)?;
    ev.setattr(intern!(py, "stream_id"), stream_id.value())?;
    ev.setattr(intern!(py, "headers"), headers)?;
    if has_stream_ended {
        ev.setattr(intern!(py, "stream_ended"), py.None())?;
    }
    ev.setattr(intern!(py, "priority_updated"), py.None())?;
    Ok(ev)
}

/// Appends a header event (and the `PriorityUpdated` its frame carried) and records the
/// links later events of the call may need.
#[allow(clippy::too_many_arguments)]
fn after_header_event<'py>(
    py: Python<'py>,
    api: &Api,
    links: &mut Links<'py>,
    ev: &Bound<'py, PyAny>,
    id: u32,
    end_stream: bool,
    priority: Option<&PrioritySpec>,
    out: &Bound<'py, PyList>,
) -> PyResult<()> {
    out.append(ev)?;
    if end_stream {
        put(&mut links.ended, id, ev);
    }
    if let Some(p) = priority {
        let pu = priority_event(py, api, id, p)?;
        ev.setattr(intern!(py, "priority_updated"), &pu)?;
        out.append(pu)?;
    }
    put(&mut links.headers, id, ev);
    Ok(())
}

/// A `PriorityUpdated` event (RFC 7540 fields; the weight as 1-256).
fn priority_event<'py>(
    py: Python<'py>,
    api: &Api,
    id: u32,
    p: &PrioritySpec,
) -> PyResult<Bound<'py, PyAny>> {
    let ev = instance(py, api, &api.priority_updated)?;
    ev.setattr(intern!(py, "stream_id"), id)?;
    ev.setattr(intern!(py, "weight"), u16::from(p.weight) + 1)?;
    ev.setattr(intern!(py, "depends_on"), p.dependency.value())?;
    ev.setattr(intern!(py, "exclusive"), p.exclusive)?;
    Ok(ev)
}
