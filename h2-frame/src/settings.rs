//! Settings identifiers and lists (RFC 9113 6.5.1, 6.5.2; RFC 8441; RFC 9218).

use crate::error_code::wire_enum;
use crate::{ErrorCode, H2Error, DEFAULT_MAX_FRAME_SIZE, MAX_MAX_FRAME_SIZE, MAX_WINDOW_SIZE};
use alloc::vec::Vec;
use core::fmt;

wire_enum! {
    /// A setting identifier. Unknown identifiers are preserved and ignored (RFC 9113 6.5.2:
    /// "An endpoint that receives a SETTINGS frame with any unknown or unsupported
    /// identifier MUST ignore that setting").
    pub struct SettingId(u16);
    /// SETTINGS_HEADER_TABLE_SIZE (0x1).
    HEADER_TABLE_SIZE = 0x1,
    /// SETTINGS_ENABLE_PUSH (0x2).
    ENABLE_PUSH = 0x2,
    /// SETTINGS_MAX_CONCURRENT_STREAMS (0x3).
    MAX_CONCURRENT_STREAMS = 0x3,
    /// SETTINGS_INITIAL_WINDOW_SIZE (0x4).
    INITIAL_WINDOW_SIZE = 0x4,
    /// SETTINGS_MAX_FRAME_SIZE (0x5).
    MAX_FRAME_SIZE = 0x5,
    /// SETTINGS_MAX_HEADER_LIST_SIZE (0x6).
    MAX_HEADER_LIST_SIZE = 0x6,
    /// SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441, 0x8).
    ENABLE_CONNECT_PROTOCOL = 0x8,
    /// SETTINGS_NO_RFC7540_PRIORITIES (RFC 9218, 0x9).
    NO_RFC7540_PRIORITIES = 0x9,
}

/// An ordered list of `(SettingId, value)` pairs as carried by one SETTINGS frame.
///
/// Order and duplicates are kept as received, because RFC 9113 6.5.3 says the values
/// "MUST be processed in the order they appear". [`Settings::get`] answers the value that
/// wins (the last one).
///
/// ```
/// use h2_frame::{SettingId, Settings};
/// let mut s = Settings::new();
/// s.set(SettingId::MAX_CONCURRENT_STREAMS, 100);
/// s.set(SettingId::INITIAL_WINDOW_SIZE, 1 << 20);
/// assert_eq!(s.get(SettingId::MAX_CONCURRENT_STREAMS), Some(100));
/// assert!(s.validate().is_ok());
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Settings {
    entries: Vec<(SettingId, u32)>,
}

impl Settings {
    /// An empty list.
    pub const fn new() -> Settings {
        Settings {
            entries: Vec::new(),
        }
    }

    /// Sets `id` to `value`: replaces the entry for `id` that is in force (the last one,
    /// when a peer sent duplicates), or appends one. Afterwards `get(id) == Some(value)`.
    pub fn set(&mut self, id: SettingId, value: u32) {
        match self.entries.iter_mut().rev().find(|(i, _)| *i == id) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((id, value)),
        }
    }

    /// Removes every entry for `id`; returns the value that was in force, if any.
    ///
    /// ```
    /// use h2_frame::{SettingId, Settings};
    /// let mut settings = Settings::new();
    /// settings.set(SettingId::INITIAL_WINDOW_SIZE, 1 << 20);
    /// assert_eq!(settings.remove(SettingId::INITIAL_WINDOW_SIZE), Some(1 << 20));
    /// assert!(settings.is_empty());
    /// ```
    pub fn remove(&mut self, id: SettingId) -> Option<u32> {
        let value = self.get(id);
        self.entries.retain(|(i, _)| *i != id);
        value
    }

    /// Appends an entry as-is, even when `id` is already present (as a peer may send it).
    pub fn push(&mut self, id: SettingId, value: u32) {
        self.entries.push((id, value));
    }

    /// The value in force for `id` after processing the list in order (the last entry).
    pub fn get(&self, id: SettingId) -> Option<u32> {
        self.entries
            .iter()
            .rev()
            .find(|(i, _)| *i == id)
            .map(|&(_, v)| v)
    }

    /// The entries in wire order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (SettingId, u32)> + '_ {
        self.entries.iter().copied()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Checks every known setting's value against RFC 9113 6.5.2, RFC 8441 3 and RFC 9218
    /// 2.1. Unknown settings are accepted.
    pub fn validate(&self) -> Result<(), H2Error> {
        for (id, value) in self.iter() {
            validate_one(id, value)?;
        }
        Ok(())
    }
}

/// Checks one setting's value (RFC 9113 6.5.2).
fn validate_one(id: SettingId, value: u32) -> Result<(), H2Error> {
    match id {
        // RFC 9113 6.5.2: "Any value other than 0 or 1 MUST be treated as a connection
        // error (Section 5.4.1) of type PROTOCOL_ERROR."
        SettingId::ENABLE_PUSH if value > 1 => Err(H2Error::conn(
            ErrorCode::PROTOCOL_ERROR,
            "SETTINGS_ENABLE_PUSH must be 0 or 1",
        )),
        // RFC 9113 6.5.2: "Values above the maximum flow-control window size of 2^31-1 MUST
        // be treated as a connection error of type FLOW_CONTROL_ERROR."
        SettingId::INITIAL_WINDOW_SIZE if value > MAX_WINDOW_SIZE => Err(H2Error::conn(
            ErrorCode::FLOW_CONTROL_ERROR,
            "SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1",
        )),
        // RFC 9113 6.5.2: "Values outside this range MUST be treated as a connection error
        // of type PROTOCOL_ERROR."
        SettingId::MAX_FRAME_SIZE
            if !(DEFAULT_MAX_FRAME_SIZE..=MAX_MAX_FRAME_SIZE).contains(&value) =>
        {
            Err(H2Error::conn(
                ErrorCode::PROTOCOL_ERROR,
                "SETTINGS_MAX_FRAME_SIZE outside 16384..=16777215",
            ))
        }
        // RFC 8441 3: "A sender MUST NOT send a SETTINGS_ENABLE_CONNECT_PROTOCOL parameter
        // with the value of 0 after previously sending a value of 1"; values other than 0/1
        // are a PROTOCOL_ERROR.
        SettingId::ENABLE_CONNECT_PROTOCOL if value > 1 => Err(H2Error::conn(
            ErrorCode::PROTOCOL_ERROR,
            "SETTINGS_ENABLE_CONNECT_PROTOCOL must be 0 or 1",
        )),
        // RFC 9218 2.1: "SETTINGS_NO_RFC7540_PRIORITIES ... values other than 0 or 1 MUST be
        // treated as a connection error of type PROTOCOL_ERROR."
        SettingId::NO_RFC7540_PRIORITIES if value > 1 => Err(H2Error::conn(
            ErrorCode::PROTOCOL_ERROR,
            "SETTINGS_NO_RFC7540_PRIORITIES must be 0 or 1",
        )),
        _ => Ok(()),
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

impl FromIterator<(SettingId, u32)> for Settings {
    fn from_iter<I: IntoIterator<Item = (SettingId, u32)>>(iter: I) -> Self {
        Settings {
            entries: iter.into_iter().collect(),
        }
    }
}
