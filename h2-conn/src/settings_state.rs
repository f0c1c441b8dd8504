//! Settings in force on each side, and our SETTINGS awaiting acknowledgement
//! (RFC 9113 6.5.3: our values take effect for us when the peer acknowledges them).

use crate::config::setting_default;
use h2_events::ChangedSetting;
use h2_frame::{SettingId, Settings};
use std::collections::VecDeque;

/// The value of every known setting on one side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingValues {
    values: [u32; 9],
}

impl Default for SettingValues {
    fn default() -> Self {
        let mut values = [u32::MAX; 9];
        for (i, v) in values.iter_mut().enumerate() {
            *v = setting_default(SettingId(i as u16));
        }
        SettingValues { values }
    }
}

impl SettingValues {
    /// The value of `id` (`u32::MAX` for unknown or unlimited settings).
    pub fn get(&self, id: SettingId) -> u32 {
        self.values.get(id.0 as usize).copied().unwrap_or(u32::MAX)
    }

    /// SETTINGS_HEADER_TABLE_SIZE.
    pub fn header_table_size(&self) -> u32 {
        self.get(SettingId::HEADER_TABLE_SIZE)
    }
    /// SETTINGS_ENABLE_PUSH as a flag.
    pub fn enable_push(&self) -> bool {
        self.get(SettingId::ENABLE_PUSH) == 1
    }
    /// SETTINGS_MAX_CONCURRENT_STREAMS (`u32::MAX` when unlimited).
    pub fn max_concurrent_streams(&self) -> u32 {
        self.get(SettingId::MAX_CONCURRENT_STREAMS)
    }
    /// SETTINGS_INITIAL_WINDOW_SIZE.
    pub fn initial_window_size(&self) -> u32 {
        self.get(SettingId::INITIAL_WINDOW_SIZE)
    }
    /// SETTINGS_MAX_FRAME_SIZE.
    pub fn max_frame_size(&self) -> u32 {
        self.get(SettingId::MAX_FRAME_SIZE)
    }
    /// SETTINGS_MAX_HEADER_LIST_SIZE (`u32::MAX` when unlimited).
    pub fn max_header_list_size(&self) -> u32 {
        self.get(SettingId::MAX_HEADER_LIST_SIZE)
    }
    /// SETTINGS_ENABLE_CONNECT_PROTOCOL as a flag (RFC 8441).
    pub fn enable_connect_protocol(&self) -> bool {
        self.get(SettingId::ENABLE_CONNECT_PROTOCOL) == 1
    }

    /// Applies a list in order; returns each change (unknown ids are ignored, RFC 9113
    /// 6.5.2).
    pub(crate) fn apply(&mut self, settings: &Settings) -> Vec<ChangedSetting> {
        settings
            .iter()
            .filter_map(|(id, new_value)| {
                let slot = self
                    .values
                    .get_mut(id.0 as usize)
                    .filter(|_| id.name().is_some())?;
                let old = std::mem::replace(slot, new_value);
                Some(ChangedSetting {
                    setting: id,
                    original_value: Some(old),
                    new_value,
                })
            })
            .collect()
    }
}

/// Our settings: in force, and sent but not yet acknowledged.
#[derive(Debug, Default)]
pub(crate) struct LocalSettings {
    pub(crate) current: SettingValues,
    pub(crate) pending: VecDeque<Settings>,
}
