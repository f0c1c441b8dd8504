//! Message validation and normalization (RFC 9113 8.1-8.5), inbound and outbound.
//!
//! One pass over the fields checks every name and value and collects the pseudo-header
//! fields, `host`, `content-length` and the cookie count; the request or response rules
//! then look only at what was collected. Nothing is allocated unless a field has to change
//! (cookie crumbs joined on receive; names lowercased, values trimmed, cookies split or
//! fields marked sensitive on send).

mod fields;
mod request;
mod response;

use crate::content_length::{self, BodyLength};
use crate::ValidationConfig;
use bytes::Bytes;
use h2_hpack_glue::syntax::{KnownValid, NameClass};
use h2_hpack_glue::{FieldRef, HeaderField, HeaderList, HeaderListBuilder};
use std::borrow::Cow;

pub(crate) use request::Method;

/// Which kind of field block is being checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Block {
    /// A request (HEADERS that open a stream, or a PUSH_PROMISE).
    Request {
        /// A promised request (RFC 9113 8.4): safe, cacheable method, no content.
        push: bool,
    },
    /// A response, interim (1xx) or final.
    Response,
    /// A trailer section.
    Trailers,
}

/// What the stream needs to know about a checked block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Message {
    /// The request method (requests only; `Method::Other` otherwise).
    pub(crate) method: Method,
    /// The `:status` of a response, when present and valid.
    pub(crate) status: Option<u16>,
    /// The `content-length`, only when validating.
    pub(crate) content_length: Option<u64>,
}

impl Message {
    /// Whether this is an interim (1xx) response.
    pub(crate) fn is_informational(&self) -> bool {
        matches!(self.status, Some(100..=199))
    }

    /// What DATA may follow this request; `checked` is whether validation is on.
    pub(crate) fn request_body(&self, checked: bool) -> BodyLength {
        match (checked, self.method, self.content_length) {
            // RFC 9113 8.5: after CONNECT, DATA is the tunnel, not message content.
            (false, _, _) | (_, Method::Connect, _) | (_, _, None) => BodyLength::Unchecked,
            (true, _, Some(n)) => BodyLength::Remaining(n),
        }
    }

    /// What DATA may follow this final response to a `request` method.
    pub(crate) fn response_body(&self, checked: bool, request: Method) -> BodyLength {
        if !checked {
            return BodyLength::Unchecked;
        }
        // RFC 9113 8.1.1: "unless the message is defined as having no content. For example,
        // 204 or 304 responses contain no content, as does the response to a HEAD request."
        if request == Method::Head || matches!(self.status, Some(204 | 304)) {
            return BodyLength::NoContent;
        }
        match (request, self.status, self.content_length) {
            (Method::Connect, Some(200..=299), _) | (_, _, None) => BodyLength::Unchecked,
            (_, _, Some(n)) => BodyLength::Remaining(n),
        }
    }
}

/// The collected pseudo-header values.
#[derive(Default, Clone, Copy)]
pub(crate) struct Pseudo<'a> {
    pub(crate) method: Option<&'a [u8]>,
    pub(crate) scheme: Option<&'a [u8]>,
    pub(crate) authority: Option<&'a [u8]>,
    pub(crate) path: Option<&'a [u8]>,
    pub(crate) protocol: Option<&'a [u8]>,
    pub(crate) status: Option<&'a [u8]>,
}

/// The result of the single pass.
struct Scan<'a> {
    pseudo: Pseudo<'a>,
    host: Option<&'a [u8]>,
    content_length: Option<u64>,
    cookies: u32,
}

/// Why the pass stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ScanError {
    /// The block is malformed (RFC 9113 8.1.1); the reason, for humans.
    Malformed(&'static str),
    /// Outbound only: something outbound normalization fixes was found.
    NeedsNormalizing,
}

impl From<&'static str> for ScanError {
    fn from(why: &'static str) -> Self {
        ScanError::Malformed(why)
    }
}

/// How the pass behaves.
#[derive(Clone, Copy)]
struct Opts {
    /// Apply every rule; otherwise only collect what the stream needs.
    strict: bool,
    /// Outbound normalization is on: report what it would fix instead of failing.
    fixable: bool,
    /// Outbound cookie splitting is on.
    split_cookies: bool,
    /// `:status 101` is an ordinary informational response (ValidationConfig).
    allow_101: bool,
}

fn set_once<'a>(slot: &mut Option<&'a [u8]>, value: &'a [u8]) -> Result<(), ScanError> {
    if slot.is_some() {
        // RFC 9113 8.3: "The same pseudo-header field name MUST NOT appear more than once
        // in a field block."
        return Err("repeated pseudo-header field".into());
    }
    *slot = Some(value);
    Ok(())
}

/// Whether outbound normalization marks this field sensitive (never indexed), as
/// hyper-h2 does: credentials always, and short cookies, which are easy to guess.
fn should_be_sensitive(name: &[u8], value: &[u8]) -> bool {
    matches!(name, b"authorization" | b"proxy-authorization")
        || (name == b"cookie" && value.len() < 20)
}

/// Whether a cookie value holds more than one crumb (`a=b; c=d`).
fn has_crumbs(value: &[u8]) -> bool {
    value.contains(&b';')
}

/// The single pass (RFC 9113 8.2, 8.2.1, 8.2.2, 8.3). The character scans are skipped for
/// the fields in `known` (they came from HPACK table entries that passed them, or equal
/// fields a `VerdictMemo` judged), and names whose class `known` gives are not read (the
/// class says which rules they fall under); every other rule applies to every field.
///
/// Pseudo-header fields must all come first (8.3), so the pass is two loops: the leading
/// pseudo-header fields, then the regular fields, each with only the state it needs (the
/// second loop runs for most fields and keeps its state in registers).
/// Fills `out` (fresh from the caller) rather than returning a `Scan`: it is large (a
/// dozen slices), and moving it out through a `Result` costs copies on every block.
fn scan<'a>(
    fields: impl ExactSizeIterator<Item = FieldRef<'a>>,
    block: Block,
    opts: Opts,
    known: KnownValid,
    out: &mut Scan<'a>,
) -> Result<(), ScanError> {
    let mut fields = fields;
    if !opts.strict {
        for f in fields {
            match f.name {
                b":method" => out.pseudo.method = out.pseudo.method.or(Some(f.value)),
                b":status" => out.pseudo.status = out.pseudo.status.or(Some(f.value)),
                b"cookie" => out.cookies += 1,
                _ => {}
            }
        }
        return Ok(());
    }
    let mut i = 0;
    let mut first_regular = None;
    for f in fields.by_ref() {
        let (valid, class) = known.get(i);
        let pseudo = match class {
            NameClass::Unknown => f.name.first() == Some(&b':'),
            NameClass::Plain | NameClass::ContentLength => false,
            NameClass::Method
            | NameClass::Scheme
            | NameClass::Authority
            | NameClass::Path
            | NameClass::Protocol
            | NameClass::Status => true,
        };
        if !pseudo {
            first_regular = Some(f);
            break;
        }
        check_value(f.value, valid, opts)?;
        pseudo_field(&mut out.pseudo, block, class, f.name, f.value, opts)?;
        i += 1;
    }
    let mut state = Regular::default();
    // Regular fields that are all vouched for with plain names (the same request headers
    // on every request) leave nothing to check or collect.
    if first_regular.is_some() && known.all_plain(i, i + 1 + fields.len()) {
        return Ok(());
    }
    for f in first_regular.into_iter().chain(fields) {
        // A plain name (a lowercase token no rule names) leaves only its value to check;
        // `content-length` only its value and what the value says.
        let (valid, class) = known.get(i);
        match class {
            NameClass::Plain => check_value(f.value, valid, opts)?,
            NameClass::ContentLength => content_length_field(&mut state, f.value, valid, opts)?,
            _ => regular_field(&mut state, f, valid, opts)?,
        }
        i += 1;
    }
    out.host = state.host;
    out.content_length = state.content_length;
    out.cookies = state.cookies;
    Ok(())
}

/// RFC 9113 8.2.1: values never hold NUL, CR, LF, nor start or end with whitespace.
#[inline(always)]
fn check_value(value: &[u8], known: bool, opts: Opts) -> Result<(), ScanError> {
    if known {
        return Ok(());
    }
    match fields::check_value(value) {
        Ok(()) => Ok(()),
        Err(fields::ValueFault::Whitespace) if opts.fixable => Err(ScanError::NeedsNormalizing),
        Err(fields::ValueFault::Whitespace) => {
            Err("field value starts or ends with whitespace".into())
        }
        Err(fields::ValueFault::Invalid) => {
            Err("field value contains NUL, CR, LF or a control character".into())
        }
    }
}

/// One of the leading pseudo-header fields (RFC 9113 8.3): request pseudo-headers never in
/// responses and the reverse, none in trailers (8.1), none undefined, none twice. `class`
/// is the name's class when an HPACK table entry or a `VerdictMemo` vouched for it,
/// `Unknown` otherwise (then the name is read).
// Inlined into the scan loop: it runs for every pseudo-header field, and as a call it
// returns its `Result` through memory.
#[inline(always)]
fn pseudo_field<'a>(
    p: &mut Pseudo<'a>,
    block: Block,
    class: NameClass,
    name: &[u8],
    value: &'a [u8],
    opts: Opts,
) -> Result<(), ScanError> {
    // Two matches of the same shape rather than one on a class worked out from the name:
    // reading the name straight into its slot is cheaper when there is no class.
    if class == NameClass::Unknown {
        return match (block, name) {
            (Block::Request { .. }, b":method") => set_once(&mut p.method, value),
            (Block::Request { .. }, b":scheme") => set_once(&mut p.scheme, value),
            (Block::Request { .. }, b":authority") => set_once(&mut p.authority, value),
            (Block::Request { .. }, b":path") => set_once(&mut p.path, value),
            (Block::Request { .. }, b":protocol") => set_once(&mut p.protocol, value),
            (Block::Response, b":status") => set_once(&mut p.status, value),
            (Block::Trailers, _) => Err("pseudo-header in trailers".into()),
            (_, n) if n.iter().any(u8::is_ascii_uppercase) && opts.fixable => {
                Err(ScanError::NeedsNormalizing)
            }
            _ => Err("undefined or misplaced pseudo-header field".into()),
        };
    }
    // A classed name is exactly the pseudo-header its class says (so never uppercase).
    match (block, class) {
        (Block::Request { .. }, NameClass::Method) => set_once(&mut p.method, value),
        (Block::Request { .. }, NameClass::Scheme) => set_once(&mut p.scheme, value),
        (Block::Request { .. }, NameClass::Authority) => set_once(&mut p.authority, value),
        (Block::Request { .. }, NameClass::Path) => set_once(&mut p.path, value),
        (Block::Request { .. }, NameClass::Protocol) => set_once(&mut p.protocol, value),
        (Block::Response, NameClass::Status) => set_once(&mut p.status, value),
        (Block::Trailers, _) => Err("pseudo-header in trailers".into()),
        _ => Err("undefined or misplaced pseudo-header field".into()),
    }
}

/// What the regular fields contribute to [`Scan`].
#[derive(Default)]
struct Regular<'a> {
    host: Option<&'a [u8]>,
    content_length: Option<u64>,
    cookies: u32,
}

/// One regular field: its characters (unless `known`), then the rules on names.
#[inline(always)]
fn regular_field<'a>(
    out: &mut Regular<'a>,
    f: FieldRef<'a>,
    known: bool,
    opts: Opts,
) -> Result<(), ScanError> {
    let (name, value) = (f.name, f.value);
    // RFC 9113 8.2: a field name is a token, never empty (checked before the value, so
    // the report names the first fault).
    if name.is_empty() {
        return Err("field name is empty".into());
    }
    check_value(value, known, opts).map_err(|e| match e {
        // A content-length with stray octets is first of all not a content-length.
        ScanError::Malformed(_) if name == b"content-length" => {
            ScanError::Malformed("Invalid content-length header")
        }
        e => e,
    })?;
    if !known {
        match fields::check_name(name) {
            Ok(()) => {}
            Err(fields::NameFault::Uppercase) if opts.fixable => {
                return Err(ScanError::NeedsNormalizing)
            }
            // RFC 9113 8.2: "Field names MUST be converted to lowercase"; 8.1.1 "the
            // inclusion of uppercase field names" makes a message malformed.
            Err(fields::NameFault::Uppercase) => {
                return Err("uppercase character in a field name".into())
            }
            // Includes a pseudo-header name here: RFC 9113 8.3 "All pseudo-header fields
            // MUST appear in a field block before all regular field lines."
            Err(fields::NameFault::Invalid) if name.first() == Some(&b':') => {
                return Err("pseudo-header field after a regular field".into())
            }
            Err(fields::NameFault::Invalid) => {
                return Err("invalid character in a field name".into())
            }
        }
    } else if name.first() == Some(&b':') {
        // A table entry may hold a pseudo-header name; it is still out of place here.
        return Err("pseudo-header field after a regular field".into());
    }
    match name {
        // RFC 9113 8.2.2: "Any message containing connection-specific header fields MUST
        // be treated as malformed."
        // Outbound normalization strips them, as hyper-h2 does.
        // The name is a lowercase token here (checked above, or known valid, which only
        // such names are), so matching it exactly is `connection_specific` without a
        // case-insensitive pass over five names for every field.
        b"connection" | b"keep-alive" | b"proxy-connection" | b"transfer-encoding" | b"upgrade" => {
            return Err(match opts.fixable {
                true => ScanError::NeedsNormalizing,
                false => "connection-specific header field".into(),
            });
        }
        // RFC 9113 8.2.2: TE "MUST NOT contain any value other than trailers".
        b"te" if !value.eq_ignore_ascii_case(b"trailers") => {
            return Err("te header field with a value other than trailers".into())
        }
        b"content-length" => content_length_value(out, value)?,
        b"host" => out.host = Some(value),
        b"cookie" => {
            out.cookies += 1;
            if opts.split_cookies && has_crumbs(value) {
                return Err(ScanError::NeedsNormalizing);
            }
            if opts.fixable && !f.sensitive && should_be_sensitive(name, value) {
                return Err(ScanError::NeedsNormalizing);
            }
        }
        b"authorization" | b"proxy-authorization" if opts.fixable && !f.sensitive => {
            return Err(ScanError::NeedsNormalizing)
        }
        _ => {}
    }
    Ok(())
}

/// A `content-length` field whose name is known to be exactly that (so its name needs no
/// check): [`regular_field`]'s rules for it, in the same order.
#[inline(always)]
fn content_length_field(
    out: &mut Regular<'_>,
    value: &[u8],
    known: bool,
    opts: Opts,
) -> Result<(), ScanError> {
    check_value(value, known, opts).map_err(|e| match e {
        ScanError::Malformed(_) => ScanError::Malformed("Invalid content-length header"),
        e => e,
    })?;
    content_length_value(out, value)
}

/// RFC 9110 8.6: a `content-length` value, which must agree with any earlier one.
#[inline(always)]
fn content_length_value(out: &mut Regular<'_>, value: &[u8]) -> Result<(), ScanError> {
    let n = content_length::parse(value).ok_or("Invalid content-length header")?;
    match out.content_length {
        Some(m) if m != n => Err("conflicting content-length values".into()),
        _ => {
            out.content_length = Some(n);
            Ok(())
        }
    }
}

/// The whole check: the pass, then the request or response rules.
// Always inlined (one copy per caller that matters): as a call its result came back
// through memory written narrower than the caller read it, a store-forwarding stall on
// every block sent.
#[inline(always)]
fn check<'a>(
    fields: impl ExactSizeIterator<Item = FieldRef<'a>>,
    known: KnownValid,
    block: Block,
    opts: Opts,
    extended_connect: bool,
) -> Result<(Message, u32), ScanError> {
    let mut s = Scan {
        pseudo: Pseudo::default(),
        host: None,
        content_length: None,
        cookies: 0,
    };
    scan(fields, block, opts, known, &mut s)?;
    let mut msg = Message {
        method: Method::Other,
        status: None,
        content_length: None,
    };
    if !opts.strict {
        match block {
            Block::Request { .. } => msg.method = Method::parse(s.pseudo.method.unwrap_or(b"")),
            Block::Response => msg.status = s.pseudo.status.and_then(response::parse_status),
            Block::Trailers => {}
        }
        return Ok((msg, s.cookies));
    }
    msg.content_length = s.content_length;
    match block {
        Block::Request { push } => {
            msg.method = request::check(&s.pseudo, s.host, extended_connect)?;
            if push {
                request::check_push(msg.method, s.pseudo.authority, s.content_length)?;
            }
        }
        Block::Response => msg.status = Some(response::check(&s.pseudo, opts.allow_101)?),
        Block::Trailers => {}
    }
    Ok((msg, s.cookies))
}

/// Checks (and, when configured, normalizes) a received block. The error is the reason
/// the message is malformed (RFC 9113 8.1.1: a stream error of type PROTOCOL_ERROR).
pub(crate) fn inbound(
    headers: &mut HeaderList,
    known: KnownValid,
    block: Block,
    cfg: &ValidationConfig,
    extended_connect: bool,
) -> Result<Message, &'static str> {
    let opts = Opts {
        strict: cfg.validate_inbound_headers,
        fixable: false,
        split_cookies: false,
        allow_101: cfg.allow_status_101,
    };
    let (msg, cookies) = match check(headers.iter(), known, block, opts, extended_connect) {
        Ok(ok) => ok,
        Err(ScanError::Malformed(why)) => return Err(why),
        Err(ScanError::NeedsNormalizing) => return Err("needs normalizing"),
    };
    if cfg.normalize_inbound_headers && cookies > 1 {
        *headers = joined_cookies(headers);
    }
    // A pushed request is checked here only for its method when validation is off:
    // RFC 9113 8.4 "MUST reset the promised stream" is not a header syntax rule.
    if let Block::Request { push: true } = block {
        if !cfg.validate_inbound_headers {
            request::check_push_method(msg.method)?;
        }
    }
    Ok(msg)
}

/// Checks and normalizes a block we are about to send; `Borrowed` when nothing changed.
pub(crate) fn outbound<'a>(
    fields: &'a [HeaderField],
    known: KnownValid,
    block: Block,
    cfg: &ValidationConfig,
    extended_connect: bool,
) -> Result<(Cow<'a, [HeaderField]>, Message), &'static str> {
    let normalize = cfg.normalize_outbound_headers;
    let split = normalize && cfg.split_outbound_cookies;
    let opts = Opts {
        strict: cfg.validate_outbound_headers,
        fixable: normalize,
        split_cookies: split,
        allow_101: cfg.allow_status_101,
    };
    if !opts.strict && normalize && needs_normalizing(fields, split) {
        return normalized_outbound(fields, split, block, opts, extended_connect);
    }
    match check(views(fields), known, block, opts, extended_connect) {
        Ok((msg, _)) => Ok((Cow::Borrowed(fields), msg)),
        Err(ScanError::Malformed(why)) => Err(why),
        Err(ScanError::NeedsNormalizing) => {
            let again = Opts {
                fixable: false,
                split_cookies: false,
                ..opts
            };
            normalized_outbound(fields, split, block, again, extended_connect)
        }
    }
}

/// The normalized copy of an outbound block, checked with `opts`.
#[inline(never)]
fn normalized_outbound<'a>(
    fields: &[HeaderField],
    split: bool,
    block: Block,
    opts: Opts,
    extended_connect: bool,
) -> Result<(Cow<'a, [HeaderField]>, Message), &'static str> {
    let owned = normalized(fields, split);
    let (msg, _) = check(
        views(&owned),
        KnownValid::NONE,
        block,
        opts,
        extended_connect,
    )
    .map_err(malformed)?;
    Ok((Cow::Owned(owned), msg))
}

fn malformed(e: ScanError) -> &'static str {
    match e {
        ScanError::Malformed(why) => why,
        ScanError::NeedsNormalizing => "header list cannot be normalized",
    }
}

/// The normalization check used when validation is off.
fn needs_normalizing(fields: &[HeaderField], split: bool) -> bool {
    fields.iter().any(|f| {
        f.name.iter().any(u8::is_ascii_uppercase)
            || matches!(f.value.first(), Some(b' ' | b'\t'))
            || matches!(f.value.last(), Some(b' ' | b'\t'))
            || (!f.sensitive && should_be_sensitive(&f.name, &f.value))
            || (split && &f.name[..] == b"cookie" && has_crumbs(&f.value))
            || connection_specific(&f.name)
    })
}

/// RFC 9113 8.2.2's connection-specific fields, which normalization removes.
fn connection_specific(name: &[u8]) -> bool {
    [
        &b"connection"[..],
        b"keep-alive",
        b"proxy-connection",
        b"transfer-encoding",
        b"upgrade",
    ]
    .iter()
    .any(|c| name.eq_ignore_ascii_case(c))
}

/// Outbound normalization, as hyper-h2's `normalize_outbound_headers`: lowercase names
/// (RFC 9113 8.2), drop connection-specific fields (RFC 9113 8.2.2), trim values, split cookie crumbs (RFC 9113 8.2.3) and mark credentials
/// and short cookies sensitive. Values are `Bytes` slices: no octet is copied but the
/// lowercased names.
fn normalized(fields: &[HeaderField], split: bool) -> Vec<HeaderField> {
    let mut out = Vec::with_capacity(fields.len() + 4);
    for f in fields {
        let name = if f.name.iter().any(u8::is_ascii_uppercase) {
            Bytes::from(f.name.to_ascii_lowercase())
        } else {
            f.name.clone()
        };
        if connection_specific(&name) {
            continue;
        }
        let value = f.value.slice(fields::trimmed_range(&f.value));
        if split && &name[..] == b"cookie" && has_crumbs(&value) {
            let mut start = 0;
            for end in value
                .iter()
                .enumerate()
                .filter(|&(_, &b)| b == b';')
                .map(|(i, _)| i)
                .chain(core::iter::once(value.len()))
            {
                let crumb = value.slice(start..end);
                let crumb = crumb.slice(fields::trimmed_range(&crumb));
                start = end + 1;
                if crumb.is_empty() {
                    continue;
                }
                let sensitive = f.sensitive || should_be_sensitive(&name, &crumb);
                out.push(field(name.clone(), crumb, sensitive));
            }
            continue;
        }
        let sensitive = f.sensitive || should_be_sensitive(&name, &value);
        out.push(field(name, value, sensitive));
    }
    out
}

fn field(name: Bytes, value: Bytes, sensitive: bool) -> HeaderField {
    if sensitive {
        HeaderField::sensitive(name, value)
    } else {
        HeaderField::new(name, value)
    }
}

/// The fields of an outbound list, borrowed, for [`check`].
fn views(fields: &[HeaderField]) -> impl ExactSizeIterator<Item = FieldRef<'_>> {
    fields.iter().map(HeaderField::view)
}

/// RFC 9113 8.2.3: "If there are multiple Cookie header fields after decompression, these
/// MUST be concatenated into a single octet string using the two-octet delimiter of 0x3b,
/// 0x20 (the ASCII string "; ")". The joined field takes the place of the first one; the
/// list is rebuilt (this is rare: browsers send one `cookie` field per request).
fn joined_cookies(headers: &HeaderList) -> HeaderList {
    let mut joined = Vec::new();
    let mut sensitive = false;
    for (n, f) in headers.iter().filter(|f| f.name == b"cookie").enumerate() {
        if n > 0 {
            joined.extend_from_slice(b"; ");
        }
        joined.extend_from_slice(f.value);
        sensitive |= f.sensitive;
    }
    let mut out = HeaderListBuilder::new();
    let mut seen = false;
    for f in headers {
        if f.name != b"cookie" {
            out.push(f.name, f.value, f.sensitive);
        } else if !seen {
            seen = true;
            out.push(b"cookie", &joined, sensitive);
        }
    }
    out.finish()
}

/// Which kind of header section a list is, for [`check_inbound_headers`] and
/// [`check_outbound_headers`] (the same rules a [`Stream`](crate::Stream) applies).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderBlockKind {
    /// A request opening a stream.
    Request,
    /// A promised request (PUSH_PROMISE, RFC 9113 8.4).
    PushPromise,
    /// A response, interim (1xx) or final.
    Response,
    /// A trailer section.
    Trailers,
}

impl HeaderBlockKind {
    fn block(self) -> Block {
        match self {
            HeaderBlockKind::Request => Block::Request { push: false },
            HeaderBlockKind::PushPromise => Block::Request { push: true },
            HeaderBlockKind::Response => Block::Response,
            HeaderBlockKind::Trailers => Block::Trailers,
        }
    }
}

/// Checks (and, as `cfg` says, normalizes) a received header list as `receive_data`
/// does: the error is why the message is malformed (RFC 9113 8.1.1). For callers that
/// validate header lists outside a connection (hyper-h2's `validate_headers`).
///
/// ```
/// use h2_stream::{check_inbound_headers, HeaderBlockKind, HeaderField, ValidationConfig};
/// let mut ok = vec![HeaderField::new(":status", "200")];
/// assert!(check_inbound_headers(&mut ok, HeaderBlockKind::Response, &ValidationConfig::default()).is_ok());
/// let mut bad = vec![HeaderField::new(":status", "200"), HeaderField::new("Upper", "x")];
/// assert!(check_inbound_headers(&mut bad, HeaderBlockKind::Response, &ValidationConfig::default()).is_err());
/// ```
pub fn check_inbound_headers(
    headers: &mut Vec<HeaderField>,
    kind: HeaderBlockKind,
    cfg: &ValidationConfig,
) -> Result<(), &'static str> {
    let mut list = HeaderList::from(&headers[..]);
    inbound(&mut list, KnownValid::NONE, kind.block(), cfg, true)?;
    *headers = list.to_vec();
    Ok(())
}

/// Checks and normalizes a header list we would send, as `send_headers` does; returns
/// the list as it would be encoded (normalized when `cfg` says so).
pub fn check_outbound_headers(
    headers: &[HeaderField],
    kind: HeaderBlockKind,
    cfg: &ValidationConfig,
) -> Result<Vec<HeaderField>, &'static str> {
    outbound(headers, KnownValid::NONE, kind.block(), cfg, true).map(|(list, _)| list.into_owned())
}
