//! Arguments of the hot sending calls, read from Python objects in Rust.
//!
//! `send_headers` used to rebuild its header list in Python (one tuple per field) before
//! PyO3 copied it again into owned vectors; here the caller's list is read once, every
//! name and value copied into one buffer that the fields then share.

use crate::events::Api;
use h2_conn::{Bytes, HeaderField};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyInt, PyTuple};
use std::ops::Range;

/// Reads hyper-h2's header argument (an iterable of 2-item header tuples, or a dict)
/// into `out`. Plain `(bytes, bytes)` tuples and `HeaderTuple`s of bytes are read here;
/// anything else (str, bytearray, other sequences) goes through the Python layer's
/// `header_in`, which converts or raises as hyper-h2 does.
pub(crate) fn collect_headers(
    api: &Api,
    headers: &Bound<'_, PyAny>,
    out: &mut Vec<HeaderField>,
) -> PyResult<()> {
    let py = headers.py();
    let items = match headers.downcast::<PyDict>() {
        Ok(d) => d.call_method0(intern!(py, "items"))?,
        Err(_) => headers.clone(),
    };
    // (name, value, sensitive) as ranges of one buffer, turned into fields at the end.
    let mut buf: Vec<u8> = Vec::with_capacity(256);
    let mut spans: Vec<(Range<usize>, Range<usize>, bool)> = Vec::with_capacity(16);
    let mut push = |buf: &mut Vec<u8>, n: &[u8], v: &[u8], sensitive: bool| {
        let a = buf.len();
        buf.extend_from_slice(n);
        let b = buf.len();
        buf.extend_from_slice(v);
        spans.push((a..b, b..buf.len(), sensitive));
    };
    for item in items.try_iter()? {
        let item = item?;
        if let Some((n, v, sensitive)) = plain_field(&item)? {
            push(&mut buf, n.as_bytes(), v.as_bytes(), sensitive);
            continue;
        }
        let converted = api.header_in.bind(py).call1((&item,))?;
        let (n, v, sensitive): (Bound<'_, PyBytes>, Bound<'_, PyBytes>, bool) =
            converted.extract()?;
        push(&mut buf, n.as_bytes(), v.as_bytes(), sensitive);
    }
    let all = Bytes::from(buf);
    out.extend(spans.into_iter().map(|(n, v, sensitive)| {
        let (n, v) = (all.slice(n), all.slice(v));
        if sensitive {
            HeaderField::sensitive(n, v)
        } else {
            HeaderField::new(n, v)
        }
    }));
    Ok(())
}

/// A header given as a 2-tuple (or tuple subclass such as `HeaderTuple`) of exact
/// `bytes`: its name, value and whether it is sensitive (`indexable` false). `None` for
/// anything else.
#[allow(clippy::type_complexity)]
fn plain_field<'py>(
    item: &Bound<'py, PyAny>,
) -> PyResult<Option<(Bound<'py, PyBytes>, Bound<'py, PyBytes>, bool)>> {
    let Ok(t) = item.downcast::<PyTuple>() else {
        return Ok(None);
    };
    if t.len() != 2 {
        return Ok(None);
    }
    let (Ok(n), Ok(v)) = (
        t.get_item(0)?.downcast_into_exact::<PyBytes>(),
        t.get_item(1)?.downcast_into_exact::<PyBytes>(),
    ) else {
        return Ok(None);
    };
    // A plain tuple has no `indexable`; hpack's tuple classes say it.
    let sensitive = if item.is_exact_instance_of::<PyTuple>() {
        false
    } else {
        match item.getattr_opt(intern!(item.py(), "indexable"))? {
            Some(indexable) => !indexable.is_truthy()?,
            None => false,
        }
    };
    Ok(Some((n, v, sensitive)))
}

/// hyper-h2's `pad_length` check: an int (TypeError otherwise) in 0-255 (ValueError).
pub(crate) fn pad_length(p: &Bound<'_, PyAny>) -> PyResult<u8> {
    if !p.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err("pad_length must be an int"));
    }
    let n: i64 = p.extract().unwrap_or(-1);
    u8::try_from(n).map_err(|_| PyValueError::new_err("pad_length must be within range: [0, 255]"))
}

/// Payloads from this size on are shared with their Python `bytes` object rather than
/// copied (below it a copy costs less than the shared owner's bookkeeping).
const SHARE_FROM: usize = 1024;

/// The octets of a `bytes` object as [`Bytes`]: a large one shares the (immutable)
/// object's buffer, keeping a reference to it; a small one is copied.
pub(crate) fn bytes_of(b: &Bound<'_, PyBytes>) -> Bytes {
    if b.as_bytes().len() >= SHARE_FROM {
        Bytes::from_owner(PyBackedBytes::from(b.clone()))
    } else {
        Bytes::copy_from_slice(b.as_bytes())
    }
}

/// The octets of a `bytes`, `bytearray` or anything Python's `bytes()` accepts (as
/// hyper-h2 converts body data): a `bytes` object's shared ([`bytes_of`]), the others
/// copied once.
pub(crate) fn octets(data: &Bound<'_, PyAny>) -> PyResult<Bytes> {
    if let Ok(b) = data.downcast_exact::<PyBytes>() {
        return Ok(bytes_of(b));
    }
    if let Ok(b) = data.downcast::<PyByteArray>() {
        return Ok(Bytes::from(b.to_vec()));
    }
    let py = data.py();
    let converted = py
        .get_type::<PyBytes>()
        .call1((data,))?
        .downcast_into::<PyBytes>()?;
    Ok(bytes_of(&converted))
}
