//! Time without a clock: every timer fires exactly when due and not before, is cancelled
//! by what should cancel it, and survives odd `Instant`s; RTT; per-second flood caps; the
//! adaptive receive window on a simulated link; no spurious timeout between our client
//! and server when every answer comes within bounds (proptest). Time is always passed in.

mod support;
mod timers_support;

use h2_conn::frame::{Frame, FrameType, GoAway, Ping, SettingId};
use h2_conn::{
    AdaptiveWindow, Bytes, Config, Connection, ErrorCode, Event, HeaderField, KeepAlive,
    KeepAliveMode, RateLimits, StreamId, Timeout, Timeouts,
};
use proptest::prelude::*;
use std::time::{Duration, Instant};
use support::{frames, sid, Peer};
use timers_support::{get, Sim, Zeros};

const NS: Duration = Duration::from_nanos(1);

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn server_with(timeouts: Timeouts) -> Connection {
    let mut config = Config::server();
    config.timeouts = timeouts;
    Connection::new(config)
}

fn goaway(last: u32, code: ErrorCode) -> Frame {
    Frame::GoAway(GoAway {
        last_stream_id: sid(last),
        code,
        debug_data: Bytes::new(),
    })
}

fn terminated(last: u32, code: ErrorCode) -> Event {
    Event::ConnectionTerminated {
        error_code: code,
        last_stream_id: sid(last),
        additional_data: Bytes::new(),
        remote: false,
    }
}

/// A server connected to a scripted peer at `t0`, with these timers.
fn connected(t0: Instant, timeouts: Timeouts) -> (Connection, Peer) {
    let mut conn = server_with(timeouts);
    conn.set_now(t0);
    let peer = Peer::connect(&mut conn);
    (conn, peer)
}

fn keep_alive(interval: u64, timeout: u64, mode: KeepAliveMode) -> Timeouts {
    Timeouts {
        keep_alive: Some(KeepAlive {
            interval: secs(interval),
            timeout: secs(timeout),
            mode,
        }),
        ..Timeouts::default()
    }
}

/// Asserts nothing happens at `at` (events, output).
fn quiet_at(conn: &mut Connection, peer: &mut Peer, at: Instant) {
    assert_eq!(conn.handle_timeout(at), vec![], "at {at:?}");
    assert_eq!(peer.recv_frames(conn), vec![]);
}

fn single_ping(frames: Vec<Frame>) -> [u8; 8] {
    match &frames[..] {
        [Frame::Ping(Ping {
            ack: false,
            payload,
        })] => *payload,
        other => panic!("expected one PING, got {other:?}"),
    }
}

// ------------------------------------------------------------------ defaults

#[test]
fn every_timer_is_off_by_default() {
    let t0 = Instant::now();
    let config = Config::server();
    assert_eq!(config.timeouts, Timeouts::default());
    assert_eq!(config.adaptive_window, None);
    assert_eq!(config.rate_limits, RateLimits::default());
    let (mut conn, mut peer) = connected(t0, Timeouts::default());
    assert_eq!(conn.poll_timeout(), None);
    quiet_at(&mut conn, &mut peer, t0 + secs(1_000_000));
}

#[test]
fn timers_start_at_the_first_time_given() {
    let t0 = Instant::now();
    let timeouts = Timeouts {
        preface: Some(secs(10)),
        ..Timeouts::default()
    };
    let mut conn = server_with(timeouts);
    conn.initiate_connection();
    let _ = conn.data_to_send();
    // No time known yet: nothing can be due.
    assert_eq!(conn.poll_timeout(), None);
    conn.set_now(t0 + secs(3));
    assert_eq!(conn.poll_timeout(), Some(t0 + secs(13)));
}

// ------------------------------------------------------------------ keep-alive

#[test]
fn rfc9113_6_7_keep_alive_ping_goes_out_when_due_and_not_before() {
    let t0 = Instant::now();
    let (mut conn, mut peer) = connected(t0, keep_alive(10, 5, KeepAliveMode::WhenQuiet));
    assert_eq!(conn.poll_timeout(), Some(t0 + secs(10)));
    quiet_at(&mut conn, &mut peer, t0 + secs(10) - NS);
    assert_eq!(conn.handle_timeout(t0 + secs(10)), vec![]);
    let payload = single_ping(peer.recv_frames(&mut conn));
    // Now waiting for the ACK.
    assert_eq!(conn.poll_timeout(), Some(t0 + secs(15)));
    // The ACK cancels the timeout; the next PING is due an interval after it.
    conn.set_now(t0 + secs(12));
    let events = peer.send(&mut conn, frames::ping_ack(payload));
    assert_eq!(events, vec![Event::PingAckReceived { data: payload }]);
    assert_eq!(conn.poll_timeout(), Some(t0 + secs(22)));
    quiet_at(&mut conn, &mut peer, t0 + secs(15));
    quiet_at(&mut conn, &mut peer, t0 + secs(22) - NS);
    assert_eq!(conn.handle_timeout(t0 + secs(22)), vec![]);
    single_ping(peer.recv_frames(&mut conn));
    assert!(!conn.is_closed());
    assert_eq!(conn.latest_rtt(), Some(secs(2)));
}

#[test]
fn rfc9113_6_8_keep_alive_without_ack_ends_with_goaway_no_error() {
    let t0 = Instant::now();
    let (mut conn, mut peer) = connected(t0, keep_alive(10, 5, KeepAliveMode::WhenQuiet));
    let _ = conn.handle_timeout(t0 + secs(10));
    single_ping(peer.recv_frames(&mut conn));
    quiet_at(&mut conn, &mut peer, t0 + secs(15) - NS);
    let events = peer.tidy(conn.handle_timeout(t0 + secs(15)));
    assert_eq!(events, vec![terminated(0, ErrorCode::NO_ERROR)]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![goaway(0, ErrorCode::NO_ERROR)]
    );
    assert_eq!(conn.timed_out(), Some(Timeout::KeepAlive));
    assert_eq!(peer.reasons[0], Timeout::KeepAlive.why());
    assert!(conn.is_closed());
    assert_eq!(conn.poll_timeout(), None);
    assert_eq!(conn.handle_timeout(t0 + secs(100)), vec![]);
}

#[test]
fn keep_alive_when_quiet_is_postponed_by_received_frames() {
    let t0 = Instant::now();
    let (mut conn, mut peer) = connected(t0, keep_alive(10, 5, KeepAliveMode::WhenQuiet));
    conn.set_now(t0 + secs(7));
    peer.send(&mut conn, frames::ping(*b"peerping"));
    let _ = peer.recv_frames(&mut conn); // the ACK
    assert_eq!(conn.poll_timeout(), Some(t0 + secs(17)));
    quiet_at(&mut conn, &mut peer, t0 + secs(17) - NS);
    let _ = conn.handle_timeout(t0 + secs(17));
    single_ping(peer.recv_frames(&mut conn));
}

#[test]
fn keep_alive_always_pings_despite_traffic() {
    let t0 = Instant::now();
    let (mut conn, mut peer) = connected(t0, keep_alive(10, 5, KeepAliveMode::Always));
    conn.set_now(t0 + secs(7));
    peer.send(&mut conn, frames::ping(*b"peerping"));
    let _ = peer.recv_frames(&mut conn);
    assert_eq!(conn.poll_timeout(), Some(t0 + secs(10)));
    let _ = conn.handle_timeout(t0 + secs(10));
    single_ping(peer.recv_frames(&mut conn));
}

#[test]
fn an_unrelated_ping_ack_does_not_cancel_the_keep_alive_timeout() {
    let t0 = Instant::now();
    let (mut conn, mut peer) = connected(t0, keep_alive(10, 5, KeepAliveMode::WhenQuiet));
    let _ = conn.handle_timeout(t0 + secs(10));
    single_ping(peer.recv_frames(&mut conn));
    conn.set_now(t0 + secs(11));
    peer.send(&mut conn, frames::ping_ack(*b"whatever"));
    let events = peer.tidy(conn.handle_timeout(t0 + secs(15)));
    assert_eq!(events, vec![terminated(0, ErrorCode::NO_ERROR)]);
}

// ------------------------------------------------------------------ SETTINGS

#[test]
fn rfc9113_6_5_3_settings_not_acknowledged_is_settings_timeout() {
    let t0 = Instant::now();
    let mut conn = server_with(Timeouts {
        settings_ack: Some(secs(5)),
        ..Timeouts::default()
    });
    conn.set_now(t0);
    let mut peer = Peer::new(&conn);
    conn.initiate_connection();
    let _ = peer.recv_frames(&mut conn); // our SETTINGS
    peer.send_raw(&mut conn, h2_conn::frame::PREFACE);
    peer.send(&mut conn, frames::settings().frame());
    let _ = peer.recv_frames(&mut conn); // the ACK of theirs
    assert_eq!(conn.poll_timeout(), Some(t0 + secs(5)));
    quiet_at(&mut conn, &mut peer, t0 + secs(5) - NS);
    let events = peer.tidy(conn.handle_timeout(t0 + secs(5)));
    assert_eq!(events, vec![terminated(0, ErrorCode::SETTINGS_TIMEOUT)]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![goaway(0, ErrorCode::SETTINGS_TIMEOUT)]
    );
    assert_eq!(conn.timed_out(), Some(Timeout::SettingsAck));
}

#[test]
fn rfc9113_6_5_3_settings_ack_cancels_the_timeout_and_times_the_round_trip() {
    let t0 = Instant::now();
    let timeouts = Timeouts {
        settings_ack: Some(secs(5)),
        ..Timeouts::default()
    };
    let mut conn = server_with(timeouts);
    conn.set_now(t0);
    let mut peer = Peer::connect(&mut conn); // acknowledged at t0
    assert_eq!(conn.poll_timeout(), None);
    assert_eq!(conn.rtt(), Some(Duration::ZERO));
    // A later SETTINGS has its own deadline, counted from when it was sent.
    conn.set_now(t0 + secs(2));
    let mut settings = h2_conn::Settings::new();
    settings.set(SettingId::MAX_CONCURRENT_STREAMS, 10);
    conn.update_settings(settings).unwrap();
    let _ = peer.recv_frames(&mut conn);
    assert_eq!(conn.poll_timeout(), Some(t0 + secs(7)));
    conn.set_now(t0 + secs(2) + ms(80));
    peer.send(&mut conn, frames::settings_ack());
    assert_eq!(conn.latest_rtt(), Some(ms(80)));
    assert_eq!(conn.poll_timeout(), None);
    quiet_at(&mut conn, &mut peer, t0 + secs(100));
}

// ------------------------------------------------------------------ preface, header block

#[test]
fn rfc9113_3_4_preface_not_completed_in_time_is_protocol_error() {
    let t0 = Instant::now();
    let mut conn = server_with(Timeouts {
        preface: Some(secs(10)),
        ..Timeouts::default()
    });
    conn.set_now(t0);
    let mut peer = Peer::new(&conn);
    conn.initiate_connection();
    let _ = peer.recv_frames(&mut conn);
    // Half the preface, then nothing (slowloris).
    conn.set_now(t0 + secs(1));
    peer.send_raw(&mut conn, &h2_conn::frame::PREFACE[..12]);
    assert_eq!(conn.poll_timeout(), Some(t0 + secs(10)));
    quiet_at(&mut conn, &mut peer, t0 + secs(10) - NS);
    let events = peer.tidy(conn.handle_timeout(t0 + secs(10)));
    assert_eq!(events, vec![terminated(0, ErrorCode::PROTOCOL_ERROR)]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![goaway(0, ErrorCode::PROTOCOL_ERROR)]
    );
    assert_eq!(conn.timed_out(), Some(Timeout::Preface));
}

#[test]
fn rfc9113_3_4_completed_preface_cancels_its_timer() {
    let t0 = Instant::now();
    let (mut conn, mut peer) = connected(
        t0,
        Timeouts {
            preface: Some(secs(10)),
            ..Timeouts::default()
        },
    );
    assert_eq!(conn.poll_timeout(), None);
    quiet_at(&mut conn, &mut peer, t0 + secs(60));
}

#[test]
fn rfc9113_6_10_header_block_left_incomplete_is_enhance_your_calm() {
    let t0 = Instant::now();
    let timeouts = Timeouts {
        header_block: Some(secs(5)),
        ..Timeouts::default()
    };
    let (mut conn, mut peer) = connected(t0, timeouts);
    conn.set_now(t0 + secs(1));
    let wire = peer.encode(frames::headers(1).get("/").continuations(8).unfinished());
    // Dribble it: the deadline is for the whole block, not for each fragment.
    conn.receive_data(&wire[..20]).unwrap();
    assert_eq!(conn.poll_timeout(), Some(t0 + secs(6)));
    conn.set_now(t0 + secs(4));
    conn.receive_data(&wire[20..]).unwrap();
    assert_eq!(conn.poll_timeout(), Some(t0 + secs(6)));
    quiet_at(&mut conn, &mut peer, t0 + secs(6) - NS);
    let events = peer.tidy(conn.handle_timeout(t0 + secs(6)));
    assert_eq!(events, vec![terminated(0, ErrorCode::ENHANCE_YOUR_CALM)]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![goaway(0, ErrorCode::ENHANCE_YOUR_CALM)]
    );
    assert_eq!(conn.timed_out(), Some(Timeout::HeaderBlock));
}

#[test]
fn rfc9113_6_10_completed_header_block_cancels_its_timer() {
    let t0 = Instant::now();
    let timeouts = Timeouts {
        header_block: Some(secs(5)),
        ..Timeouts::default()
    };
    let (mut conn, mut peer) = connected(t0, timeouts);
    let wire = peer.encode(frames::headers(1).get("/").end_stream().continuations(8));
    conn.set_now(t0 + secs(1));
    conn.receive_data(&wire[..20]).unwrap();
    assert_eq!(conn.poll_timeout(), Some(t0 + secs(6)));
    conn.set_now(t0 + secs(2));
    let events = conn.receive_data(&wire[20..]).unwrap();
    assert!(
        matches!(events[0], Event::RequestReceived { .. }),
        "{events:?}"
    );
    assert_eq!(conn.poll_timeout(), None);
    quiet_at(&mut conn, &mut peer, t0 + secs(60));
}

// ------------------------------------------------------------------ idle, graceful shutdown

#[test]
fn rfc9113_6_8_idle_timeout_counts_from_the_last_stream_and_sends_goaway_no_error() {
    let t0 = Instant::now();
    let timeouts = Timeouts {
        idle: Some(secs(30)),
        ..Timeouts::default()
    };
    let (mut conn, mut peer) = connected(t0, timeouts);
    assert_eq!(conn.poll_timeout(), Some(t0 + secs(30)));
    // A request at t0+10 cancels it...
    conn.set_now(t0 + secs(10));
    peer.send(&mut conn, frames::headers(1).get("/").end_stream());
    assert_eq!(conn.poll_timeout(), None);
    quiet_at(&mut conn, &mut peer, t0 + secs(30));
    // ...and the response that closes the stream at t0+40 restarts it.
    conn.set_now(t0 + secs(40));
    conn.send_headers(sid(1), &[HeaderField::new(":status", "204")], true)
        .unwrap();
    let _ = peer.recv_frames(&mut conn);
    assert_eq!(conn.poll_timeout(), Some(t0 + secs(70)));
    quiet_at(&mut conn, &mut peer, t0 + secs(70) - NS);
    let events = peer.tidy(conn.handle_timeout(t0 + secs(70)));
    assert_eq!(events, vec![terminated(1, ErrorCode::NO_ERROR)]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![goaway(1, ErrorCode::NO_ERROR)]
    );
    assert_eq!(conn.timed_out(), Some(Timeout::Idle));
}

#[test]
fn rfc9113_6_8_graceful_shutdown_deadline_sends_the_final_goaway_and_reports_open_streams() {
    let t0 = Instant::now();
    let timeouts = Timeouts {
        graceful_shutdown: Some(secs(5)),
        ..Timeouts::default()
    };
    let (mut conn, mut peer) = connected(t0, timeouts);
    peer.send(&mut conn, frames::headers(1).get("/"));
    peer.send(&mut conn, frames::headers(3).get("/").end_stream());
    conn.send_headers(sid(3), &[HeaderField::new(":status", "204")], true)
        .unwrap();
    assert_eq!(conn.poll_timeout(), None);
    conn.set_now(t0 + secs(1));
    conn.begin_graceful_shutdown().unwrap();
    let _ = peer.recv_frames(&mut conn); // GOAWAY 2^31-1, PING
    assert_eq!(conn.poll_timeout(), Some(t0 + secs(6)));
    quiet_at(&mut conn, &mut peer, t0 + secs(6) - NS);
    let events = peer.tidy(conn.handle_timeout(t0 + secs(6)));
    assert_eq!(
        events,
        vec![
            Event::StreamReset {
                stream_id: sid(1),
                error_code: ErrorCode::CANCEL,
                remote_reset: false,
            },
            terminated(3, ErrorCode::NO_ERROR),
        ]
    );
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![goaway(3, ErrorCode::NO_ERROR)]
    );
    assert_eq!(conn.timed_out(), Some(Timeout::GracefulShutdown));
}

#[test]
fn rfc9113_6_8_closing_the_connection_cancels_the_shutdown_deadline() {
    let t0 = Instant::now();
    let timeouts = Timeouts {
        graceful_shutdown: Some(secs(5)),
        ..Timeouts::default()
    };
    let (mut conn, mut peer) = connected(t0, timeouts);
    conn.begin_graceful_shutdown().unwrap();
    let _ = peer.recv_frames(&mut conn);
    assert_eq!(conn.poll_timeout(), Some(t0 + secs(5)));
    conn.close_connection(ErrorCode::NO_ERROR, None, None)
        .unwrap();
    assert_eq!(conn.poll_timeout(), None);
    assert_eq!(conn.handle_timeout(t0 + secs(5)), vec![]);
    assert_eq!(conn.timed_out(), None);
}

// ------------------------------------------------------------------ Instant edge cases

#[test]
fn deadlines_past_the_end_of_instant_never_fire_and_never_panic() {
    let t0 = Instant::now();
    let forever = Timeouts {
        keep_alive: Some(KeepAlive {
            interval: Duration::MAX,
            timeout: Duration::MAX,
            mode: KeepAliveMode::Always,
        }),
        settings_ack: Some(Duration::MAX),
        idle: Some(Duration::MAX),
        graceful_shutdown: Some(Duration::MAX),
        preface: Some(Duration::MAX),
        header_block: Some(Duration::MAX),
    };
    let (mut conn, mut peer) = connected(t0, forever);
    assert_eq!(conn.poll_timeout(), None);
    // A far-future time is just a time.
    let far = t0 + Duration::from_secs(100 * 365 * 24 * 3600);
    quiet_at(&mut conn, &mut peer, far);
    assert_eq!(conn.now(), Some(far));
}

#[test]
fn a_far_future_time_fires_everything_due_once() {
    let t0 = Instant::now();
    let (mut conn, mut peer) = connected(t0, keep_alive(10, 5, KeepAliveMode::WhenQuiet));
    let far = t0 + Duration::from_secs(100 * 365 * 24 * 3600);
    // The PING is sent; its timeout counts from then.
    assert_eq!(conn.handle_timeout(far), vec![]);
    single_ping(peer.recv_frames(&mut conn));
    assert_eq!(conn.poll_timeout(), Some(far + secs(5)));
}

#[test]
fn time_going_backwards_is_ignored() {
    let t0 = Instant::now() + secs(3600);
    let (mut conn, mut peer) = connected(t0, keep_alive(10, 5, KeepAliveMode::WhenQuiet));
    let _ = conn.handle_timeout(t0 + secs(10));
    let payload = single_ping(peer.recv_frames(&mut conn));
    // An earlier time changes nothing: no timer moves, none fires.
    quiet_at(&mut conn, &mut peer, t0);
    conn.set_now(t0 - secs(3000));
    assert_eq!(conn.now(), Some(t0 + secs(10)));
    assert_eq!(conn.poll_timeout(), Some(t0 + secs(15)));
    // An ACK "received" at the stale time still answers the PING (no negative RTT).
    peer.send(&mut conn, frames::ping_ack(payload));
    assert_eq!(conn.rtt(), Some(Duration::ZERO));
    assert_eq!(conn.poll_timeout(), Some(t0 + secs(20)));
}

// ------------------------------------------------------------------ RTT

#[test]
fn rtt_is_measured_from_our_pings() {
    let t0 = Instant::now();
    let (mut conn, mut peer) = connected(t0, Timeouts::default());
    conn.set_now(t0 + secs(1));
    conn.ping(*b"measure1").unwrap();
    let _ = peer.recv_frames(&mut conn);
    conn.set_now(t0 + secs(1) + ms(40));
    peer.send(&mut conn, frames::ping_ack(*b"measure1"));
    assert_eq!(conn.latest_rtt(), Some(ms(40)));
    // Smoothed with the SETTINGS round trip (0 ms at connect): 0 * 7/8 + 40 / 8.
    assert_eq!(conn.rtt(), Some(ms(5)));
    // An ACK for a PING we never sent gives no sample.
    peer.send(&mut conn, frames::ping_ack(*b"unknown!"));
    assert_eq!(conn.latest_rtt(), Some(ms(40)));
}

// ------------------------------------------------------------------ per-second flood caps

/// Ten PINGs per window of 1,000 frames is far under the frame-count limit (100): padding
/// the window with cheap frames dilutes a ping flood. The per-second cap is not diluted.
#[test]
fn rfc9113_10_5_per_second_ping_cap_cannot_be_diluted_with_filler_frames() {
    let flood = |limits: RateLimits| {
        let t0 = Instant::now();
        let mut config = Config::server();
        config.rate_limits = limits;
        let mut conn = Connection::new(config);
        conn.set_now(t0);
        let mut peer = Peer::connect(&mut conn);
        let mut out = Vec::new();
        for i in 0..50u64 {
            let mut batch = vec![frames::ping(i.to_be_bytes())];
            // Filler: unknown extension frames, which no counter looks at.
            batch.extend((0..100).map(|_| frames::raw(FrameType(0xfa), 0, 0, "")));
            conn.set_now(t0 + ms(i * 10));
            out.extend(peer.send(&mut conn, batch));
            let _ = peer.recv_frames(&mut conn);
            if conn.is_closed() {
                break;
            }
        }
        (conn, out)
    };
    let (conn, events) = flood(RateLimits::default());
    assert!(!conn.is_closed(), "the frame-count window alone is diluted");
    assert!(events
        .iter()
        .all(|e| !matches!(e, Event::ConnectionTerminated { .. })));
    let (conn, events) = flood(RateLimits {
        max_pings_per_second: Some(20),
        ..RateLimits::default()
    });
    assert!(conn.is_closed());
    assert!(events.contains(&terminated(0, ErrorCode::ENHANCE_YOUR_CALM)));
}

#[test]
fn per_second_reset_cap_allows_the_rate_and_stops_a_burst() {
    let run = |gap: Duration| {
        let t0 = Instant::now();
        let mut config = Config::server();
        config.rate_limits.max_remote_resets_per_second = Some(10);
        let mut conn = Connection::new(config);
        conn.set_now(t0);
        let mut peer = Peer::connect(&mut conn);
        for i in 0..40u32 {
            conn.set_now(t0 + gap * i);
            let id = 2 * i + 1;
            peer.send(&mut conn, frames::headers(id).get("/"));
            peer.send(&mut conn, frames::rst(id, ErrorCode::CANCEL));
            let _ = peer.recv_frames(&mut conn);
            if conn.is_closed() {
                return Some(i);
            }
        }
        None
    };
    // Ten a second for four seconds is allowed; the eleventh within a second is not.
    assert_eq!(run(ms(100)), None);
    assert_eq!(run(ms(10)), Some(10));
}

// ------------------------------------------------------------------ simulated link

/// Downloads `size` octets over a `rate` octets/s link with round trip `rtt`; returns
/// the throughput in octets per second, from the request to the last octet.
fn download(client: Config, size: usize, rate: f64, rtt: Duration) -> f64 {
    download_with(client, size, rate, rtt).0
}

/// [`download`], also returning the client so its windows can be checked.
fn download_with(client: Config, size: usize, rate: f64, rtt: Duration) -> (f64, Connection) {
    let mut sim = Sim::new(client, Config::server(), rate, rtt / 2);
    let start = sim.now;
    let id = sim.client.next_stream_id().unwrap();
    sim.client.send_headers(id, &get("/big"), true).unwrap();
    let limit = start + secs(600);
    let mut received = 0usize;
    let mut done = None;
    while done.is_none() && sim.step(limit) {
        for event in std::mem::take(&mut sim.server_events) {
            if let Event::RequestReceived { stream_id, .. } = event {
                let status = [HeaderField::new(":status", "200")];
                sim.server.send_headers(stream_id, &status, false).unwrap();
                sim.server
                    .queue_source(stream_id, Box::new(Zeros { left: size }))
                    .unwrap();
            }
        }
        for event in std::mem::take(&mut sim.client_events) {
            match event {
                Event::DataReceived {
                    stream_id,
                    data,
                    flow_controlled_length,
                    end_stream,
                } => {
                    received += data.len();
                    sim.client
                        .acknowledge_received_data(flow_controlled_length, stream_id)
                        .unwrap();
                    if end_stream {
                        done = Some(sim.now);
                    }
                }
                Event::ConnectionTerminated { .. } => panic!("{event:?}"),
                _ => {}
            }
        }
    }
    assert_eq!(received, size);
    let elapsed = done.expect("download finished") - start;
    (size as f64 / elapsed.as_secs_f64(), sim.client)
}

/// A client with the RFC's 65,535-octet windows (our defaults are larger).
fn rfc_window_client() -> Config {
    let mut config = Config::client();
    config.set_receive_windows(65_535, 65_535);
    config
}

/// A 10 MiB/s link with a 100 ms round trip holds 1 MiB in flight. The RFC's 64 KiB
/// windows allow at most 64 KiB per round trip (640 KiB/s); the adaptive window grows
/// to the bandwidth-delay product within a few round trips and fills the link.
#[test]
fn adaptive_window_fills_a_long_fat_link_that_the_fixed_window_throttles() {
    const MIB: f64 = 1024.0 * 1024.0;
    let (rate, rtt, size) = (10.0 * MIB, ms(100), 16 << 20);
    let fixed = download(rfc_window_client(), size, rate, rtt);
    let mut adaptive = rfc_window_client();
    adaptive.adaptive_window = Some(AdaptiveWindow::default());
    let grown = download(adaptive, size, rate, rtt);
    eprintln!(
        "fixed {:.2} MiB/s, adaptive {:.2} MiB/s",
        fixed / MIB,
        grown / MIB
    );
    assert!(fixed < 0.7 * MIB, "fixed window: {:.2} MiB/s", fixed / MIB);
    assert!(
        grown > 6.0 * MIB,
        "adaptive window: {:.2} MiB/s",
        grown / MIB
    );
    assert!(grown > 8.0 * fixed);
}

#[test]
fn adaptive_window_never_passes_its_maximum() {
    const MIB: f64 = 1024.0 * 1024.0;
    let mut client = rfc_window_client();
    client.adaptive_window = Some(AdaptiveWindow {
        max_window: 256 * 1024,
    });
    let (throughput, client) = download_with(client, 8 << 20, 10.0 * MIB, ms(100));
    // The stream window grew to the maximum and no further; so did the connection's.
    assert_eq!(client.local_settings().initial_window_size(), 256 * 1024);
    assert!(client.remote_flow_control_window(StreamId::ZERO).unwrap() <= 256 * 1024);
    // 256 KiB per 100 ms round trip: 2.5 MiB/s at most (the fixed window gives 0.6).
    assert!(throughput > 1.0 * MIB, "{:.2} MiB/s", throughput / MIB);
    assert!(throughput < 2.5 * MIB, "{:.2} MiB/s", throughput / MIB);
}

// ------------------------------------------------------------------ no spurious timeouts

fn strict_timeouts() -> Timeouts {
    Timeouts {
        keep_alive: Some(KeepAlive {
            interval: secs(1),
            timeout: secs(1),
            mode: KeepAliveMode::Always,
        }),
        settings_ack: Some(secs(1)),
        idle: None,
        graceful_shutdown: None,
        preface: Some(secs(1)),
        header_block: Some(secs(1)),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Every answer takes under half of each 1 s timeout (one-way delay up to 400 ms),
    /// requests come after pauses of up to 5 s (keep-alive PINGs flow), bodies of up to
    /// 200 KiB: no timer ever ends the connection.
    #[test]
    fn no_spurious_timeout_when_the_peer_answers_within_bounds(
        one_way_ms in 1u64..400,
        steps in proptest::collection::vec((0u64..5_000, 0usize..200_000), 1..8),
    ) {
        let mut client = Config::client();
        client.timeouts = strict_timeouts();
        client.adaptive_window = Some(AdaptiveWindow::default());
        let mut server = Config::server();
        server.timeouts = strict_timeouts();
        let mut sim = Sim::new(client, server, 50.0 * 1024.0 * 1024.0, ms(one_way_ms));
        let mut ended = 0;
        for (pause_ms, size) in steps {
            let until = sim.now + ms(pause_ms);
            while sim.step(until) {}
            sim.now = sim.now.max(until);
            let id = sim.client.next_stream_id().unwrap();
            sim.client.send_headers(id, &get("/"), true).unwrap();
            let limit = sim.now + secs(60);
            let mut finished = false;
            while !finished && sim.step(limit) {
                for event in std::mem::take(&mut sim.server_events) {
                    prop_assert!(!matches!(event, Event::ConnectionTerminated { .. }), "{event:?}");
                    if let Event::RequestReceived { stream_id, .. } = event {
                        let status = [HeaderField::new(":status", "200")];
                        sim.server.send_headers(stream_id, &status, size == 0).unwrap();
                        if size > 0 {
                            sim.server.queue_source(stream_id, Box::new(Zeros { left: size })).unwrap();
                        }
                    }
                }
                for event in std::mem::take(&mut sim.client_events) {
                    prop_assert!(!matches!(event, Event::ConnectionTerminated { .. }), "{event:?}");
                    match event {
                        Event::DataReceived { stream_id, flow_controlled_length, .. } => {
                            sim.client.acknowledge_received_data(flow_controlled_length, stream_id).unwrap();
                        }
                        Event::StreamEnded { stream_id } if stream_id == id => finished = true,
                        _ => {}
                    }
                }
            }
            prop_assert!(finished, "stream {id:?} did not finish");
            ended += 1;
        }
        prop_assert!(!sim.client.is_closed() && !sim.server.is_closed());
        prop_assert_eq!(sim.client.timed_out(), None);
        prop_assert_eq!(sim.server.timed_out(), None);
        prop_assert!(ended > 0);
    }
}
