//! Conversation tests for flow control (RFC 9113 6.9, 6.9.1, 6.9.2, 6.9.3) and the window
//! policies.

mod support;

use h2_conn::frame::{FrameType, SettingId};
use h2_conn::{Config, Connection, ErrorCode, Event, FlowWindow, Manual, Settings, UserError};
use std::sync::Arc;
use support::frames::{self, sid};
use support::{assert_reset_by_us, client, reset_by_us, server, server_with, terminated, Peer};

fn client_with_stream() -> (Connection, Peer) {
    let (mut conn, mut peer) = client();
    conn.send_headers(sid(1), &support::request_fields("POST", "/"), false)
        .unwrap();
    peer.recv_frames(&mut conn);
    (conn, peer)
}

#[test]
fn rfc9113_6_9_1_sender_never_exceeds_the_window() {
    let (mut conn, mut peer) = client_with_stream();
    peer.send(&mut conn, frames::settings().initial_window_size(10));
    peer.recv_frames(&mut conn);
    assert_eq!(conn.local_flow_control_window(sid(1)), Ok(10));
    assert_eq!(
        conn.send_data(sid(1), "01234567890", false),
        Err(UserError::FlowControlBlocked {
            stream_id: sid(1),
            window: FlowWindow::Stream,
            available: 10
        })
    );
    conn.send_data(sid(1), "0123456789", false).unwrap();
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::data(1, "0123456789").frame()]
    );
    assert_eq!(conn.local_flow_control_window(sid(1)), Ok(0));
    let events = peer.send(&mut conn, frames::window_update(1, 5));
    assert_eq!(
        events,
        vec![Event::WindowUpdated {
            stream_id: sid(1),
            delta: 5
        }]
    );
    assert_eq!(conn.local_flow_control_window(sid(1)), Ok(5));
}

#[test]
fn rfc9113_6_9_1_connection_window_limits_every_stream() {
    let (mut conn, mut peer) = client_with_stream();
    conn.send_headers(sid(3), &support::request_fields("POST", "/"), false)
        .unwrap();
    peer.send(&mut conn, frames::settings().initial_window_size(100_000));
    peer.recv_frames(&mut conn);
    conn.send_data(sid(1), vec![0u8; 60_000], false).unwrap();
    assert_eq!(conn.local_flow_control_window(sid(3)), Ok(5_535));
    assert_eq!(
        conn.send_data(sid(3), vec![0u8; 5_536], false),
        Err(UserError::FlowControlBlocked {
            stream_id: sid(3),
            window: FlowWindow::Connection,
            available: 5_535,
        })
    );
    peer.send(&mut conn, frames::window_update(0, 10_000));
    assert_eq!(conn.local_flow_control_window(sid(3)), Ok(15_535));
}

#[test]
fn rfc9113_6_9_1_window_update_overflow_is_flow_control_error() {
    let (mut conn, mut peer) = server();
    let events = peer.send(&mut conn, frames::window_update(0, 0x7fff_ffff));
    assert_eq!(events, vec![terminated(ErrorCode::FLOW_CONTROL_ERROR, 0)]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::goaway(0, ErrorCode::FLOW_CONTROL_ERROR)]
    );
}

#[test]
fn rfc9113_6_9_1_stream_window_update_overflow_is_stream_error() {
    let (mut conn, mut peer) = client_with_stream();
    let events = peer.send(&mut conn, frames::window_update(1, 0x7fff_ffff));
    assert_reset_by_us(
        &events,
        &mut conn,
        &mut peer,
        1,
        ErrorCode::FLOW_CONTROL_ERROR,
    );
    assert!(!conn.is_closed());
}

#[test]
fn rfc9113_6_9_1_window_may_reach_exactly_the_maximum() {
    let (mut conn, mut peer) = server();
    let events = peer.send(&mut conn, frames::window_update(0, 0x7fff_ffff - 65_535));
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(!conn.is_closed());
}

#[test]
fn rfc9113_6_9_window_update_of_zero_on_a_stream_is_stream_error() {
    let (mut conn, mut peer) = client_with_stream();
    let events = peer.send(
        &mut conn,
        frames::raw(FrameType::WINDOW_UPDATE, 0, 1, &[0, 0, 0, 0][..]),
    );
    assert_reset_by_us(&events, &mut conn, &mut peer, 1, ErrorCode::PROTOCOL_ERROR);
}

#[test]
fn rfc9113_6_9_window_update_of_zero_on_the_connection_is_protocol_error() {
    let (mut conn, mut peer) = server();
    let events = peer.send(
        &mut conn,
        frames::raw(FrameType::WINDOW_UPDATE, 0, 0, &[0, 0, 0, 0][..]),
    );
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
}

#[test]
fn rfc9113_6_9_window_update_of_wrong_length_is_frame_size_error() {
    let (mut conn, mut peer) = server();
    let events = peer.send(
        &mut conn,
        frames::raw(FrameType::WINDOW_UPDATE, 0, 0, &[0, 0, 1][..]),
    );
    assert_eq!(events, vec![terminated(ErrorCode::FRAME_SIZE_ERROR, 0)]);
}

#[test]
fn rfc9113_6_9_1_data_beyond_the_connection_window_is_flow_control_error() {
    let mut config = Config::server();
    // The stream window is larger than RFC 9113's 65,535-octet connection window.
    config.set_receive_windows(1 << 20, 65_535);
    let (mut conn, mut peer) = server_with(config);
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    for _ in 0..3 {
        peer.send(&mut conn, frames::data(1, vec![0u8; 16_384]));
    }
    peer.send(&mut conn, frames::data(1, vec![0u8; 16_383]));
    assert_eq!(conn.remote_flow_control_window(sid(0)), Ok(0));
    let events = peer.send(&mut conn, frames::data(1, "x"));
    assert_eq!(events, vec![terminated(ErrorCode::FLOW_CONTROL_ERROR, 1)]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::goaway(1, ErrorCode::FLOW_CONTROL_ERROR)]
    );
}

#[test]
fn rfc9113_6_9_1_data_beyond_a_stream_window_is_flow_control_error() {
    let mut config = Config::server();
    config.set_local_setting(SettingId::INITIAL_WINDOW_SIZE, 10);
    let (mut conn, mut peer) = server_with(config);
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    let events = peer.send(&mut conn, frames::data(1, "0123456789x"));
    assert_reset_by_us(
        &events,
        &mut conn,
        &mut peer,
        1,
        ErrorCode::FLOW_CONTROL_ERROR,
    );
    // The connection window is charged anyway, then given back (no one will consume it).
    assert!(!conn.is_closed());
}

#[test]
fn rfc9113_6_9_2_initial_window_change_applies_to_open_streams() {
    let (mut conn, mut peer) = client_with_stream();
    peer.send(&mut conn, frames::settings().initial_window_size(1_000));
    assert_eq!(conn.local_flow_control_window(sid(1)), Ok(1_000));
    conn.send_data(sid(1), vec![0u8; 600], false).unwrap();
    peer.send(&mut conn, frames::settings().initial_window_size(2_000));
    assert_eq!(conn.local_flow_control_window(sid(1)), Ok(1_400));
}

#[test]
fn rfc9113_6_9_2_initial_window_change_can_make_a_window_negative() {
    let (mut conn, mut peer) = client_with_stream();
    conn.send_data(sid(1), vec![0u8; 1_000], false).unwrap();
    peer.send(&mut conn, frames::settings().initial_window_size(100));
    assert_eq!(conn.local_flow_control_window(sid(1)), Ok(-900));
    assert!(conn.send_data(sid(1), "x", false).is_err());
    peer.send(&mut conn, frames::window_update(1, 1_000));
    assert_eq!(conn.local_flow_control_window(sid(1)), Ok(100));
    assert!(!conn.is_closed());
}

#[test]
fn rfc9113_6_9_2_initial_window_size_does_not_change_the_connection_window() {
    let (mut conn, mut peer) = client_with_stream();
    peer.send(&mut conn, frames::settings().initial_window_size(1_000_000));
    assert_eq!(conn.local_flow_control_window(sid(1)), Ok(65_535));
    peer.send(&mut conn, frames::settings().initial_window_size(0));
    assert_eq!(conn.local_flow_control_window(sid(1)), Ok(0));
    assert_eq!(
        conn.send_data(sid(1), "", true),
        Ok(()),
        "an empty END_STREAM needs no window"
    );
}

#[test]
fn rfc9113_6_9_2_initial_window_change_overflow_is_flow_control_error() {
    let (mut conn, mut peer) = client_with_stream();
    peer.send(&mut conn, frames::window_update(1, 0x7fff_ffff - 65_535));
    peer.recv_frames(&mut conn);
    let events = peer.send(&mut conn, frames::settings().initial_window_size(65_536));
    assert_eq!(events, vec![terminated(ErrorCode::FLOW_CONTROL_ERROR, 0)]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::goaway(0, ErrorCode::FLOW_CONTROL_ERROR)]
    );
}

#[test]
fn rfc9113_6_9_3_reducing_our_window_takes_effect_on_ack() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    let mut settings = Settings::new();
    settings.set(SettingId::INITIAL_WINDOW_SIZE, 100);
    conn.update_settings(settings).unwrap();
    peer.recv_frames(&mut conn);
    // Until acknowledged the peer may use the old window.
    peer.send(&mut conn, frames::data(1, vec![0u8; 1_000]));
    assert_eq!(conn.remote_flow_control_window(sid(1)), Ok(64_535));
    peer.send(&mut conn, frames::settings_ack());
    assert_eq!(conn.remote_flow_control_window(sid(1)), Ok(100 - 1_000));
    let events = peer.send(&mut conn, frames::data(1, "x"));
    assert_eq!(events, vec![reset_by_us(1, ErrorCode::FLOW_CONTROL_ERROR)]);
}

#[test]
fn rfc9113_6_9_window_updates_follow_consumption_with_the_default_policy() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    peer.send(&mut conn, frames::data(1, vec![0u8; 16_384]));
    peer.send(&mut conn, frames::data(1, vec![0u8; 16_384]));
    // Less than half the window consumed: nothing yet.
    conn.acknowledge_received_data(16_384, sid(1)).unwrap();
    assert_eq!(peer.recv_frames(&mut conn), vec![]);
    // Half of it: both windows are reopened.
    conn.acknowledge_received_data(16_384, sid(1)).unwrap();
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![
            frames::window_update(1, 32_768),
            frames::window_update(0, 32_768)
        ]
    );
    assert_eq!(conn.remote_flow_control_window(sid(1)), Ok(65_535));
    assert_eq!(conn.remote_flow_control_window(sid(0)), Ok(65_535));
}

#[test]
fn rfc9113_6_9_manual_policy_sends_no_window_update() {
    let mut config = Config::server();
    config.window_policy = Arc::new(Manual);
    let (mut conn, mut peer) = server_with(config);
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    peer.send(&mut conn, frames::data(1, vec![0u8; 16_384]));
    peer.send(&mut conn, frames::data(1, vec![0u8; 16_384]));
    peer.send(&mut conn, frames::data(1, vec![0u8; 16_384]));
    conn.acknowledge_received_data(49_152, sid(1)).unwrap();
    assert_eq!(peer.recv_frames(&mut conn), vec![]);
    conn.increment_flow_control_window(49_152, Some(sid(1)))
        .unwrap();
    conn.increment_flow_control_window(49_152, None).unwrap();
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![
            frames::window_update(1, 49_152),
            frames::window_update(0, 49_152)
        ]
    );
}

#[test]
fn rfc9113_6_9_padding_is_returned_to_the_window_too() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    let events = peer.send(&mut conn, frames::data(1, vec![1u8; 16_000]).padded(255));
    let Event::DataReceived {
        flow_controlled_length,
        ..
    } = events[0]
    else {
        panic!("{events:?}")
    };
    assert_eq!(flow_controlled_length, 16_256);
    peer.send(&mut conn, frames::data(1, vec![1u8; 16_000]).padded(255));
    peer.send(&mut conn, frames::data(1, vec![1u8; 16_000]).padded(255));
    conn.acknowledge_received_data(3 * 16_256, sid(1)).unwrap();
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![
            frames::window_update(1, 48_768),
            frames::window_update(0, 48_768)
        ]
    );
}

#[test]
fn rfc9113_5_2_1_only_data_is_flow_controlled() {
    let (mut conn, mut peer) = client_with_stream();
    peer.send(&mut conn, frames::settings().initial_window_size(0));
    peer.recv_frames(&mut conn);
    assert_eq!(conn.local_flow_control_window(sid(1)), Ok(0));
    // Headers (trailers) and control frames still go out with a closed window.
    conn.send_headers(sid(1), &support::fields(&[("x-t", "1")]), true)
        .unwrap();
    conn.ping(*b"12345678").unwrap();
    assert_eq!(
        peer.recv(&mut conn),
        vec![
            support::Got::headers(1, &[("x-t", "1")], true),
            frames::ping(*b"12345678").into()
        ]
    );
}

/// RFC 9113 6.9.2: when our smaller SETTINGS_INITIAL_WINDOW_SIZE takes effect, window the
/// application acknowledged but the policy held back under the old target is returned
/// then; otherwise a peer stalled on that window would wait for ever (found by the `pair`
/// fuzz target once it queued data behind a shrinking window).
#[test]
fn rfc9113_6_9_2_shrinking_our_initial_window_returns_acknowledged_window() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    for _ in 0..3 {
        for event in peer.send(&mut conn, frames::data(1, vec![0u8; 16_384])) {
            if let Event::DataReceived {
                flow_controlled_length,
                ..
            } = event
            {
                conn.acknowledge_received_data(flow_controlled_length, sid(1))
                    .unwrap();
            }
        }
    }
    // Half the window came back after the second frame; the third is held back.
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![
            frames::window_update(1, 32_768),
            frames::window_update(0, 32_768)
        ]
    );
    let mut smaller = Settings::new();
    smaller.set(SettingId::INITIAL_WINDOW_SIZE, 2_730);
    conn.update_settings(smaller).unwrap();
    peer.recv_frames(&mut conn);
    peer.send(&mut conn, frames::settings_ack());
    // The stream window is now 49,151 - 62,805 < 0: the held 16,384 go back at once.
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::window_update(1, 16_384)]
    );
}
