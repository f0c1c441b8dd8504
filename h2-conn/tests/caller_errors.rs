//! Caller mistakes are typed errors that change nothing, never panics.

use h2_conn::frame::EncodeError;
use h2_conn::{Config, Connection, SettingId, Settings, UserError};

/// A SETTINGS list too long for one frame is refused as a whole (it must be acknowledged
/// as one unit, RFC 9113 6.5.3) and nothing is queued.
#[test]
fn rfc9113_6_5_3_settings_too_long_for_one_frame_is_refused() {
    let mut conn = Connection::new(Config::client());
    conn.initiate_connection();
    let _ = conn.data_to_send();
    let settings: Settings = (0..3000u16).map(|i| (SettingId(0x100 + i), 1)).collect();
    assert_eq!(
        conn.update_settings(settings),
        Err(UserError::Encode(EncodeError::PayloadTooLarge {
            len: 18_000,
            max: 16_384
        }))
    );
    assert_eq!(conn.pending_output_len(), 0);
    let mut ok = Settings::new();
    ok.set(SettingId::MAX_CONCURRENT_STREAMS, 10);
    assert_eq!(conn.update_settings(ok), Ok(()));
    assert_eq!(conn.pending_output_len(), 9 + 6);
}
