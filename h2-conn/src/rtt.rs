//! Round-trip time: samples from our PINGs and our SETTINGS, smoothed like TCP's SRTT
//! (RFC 6298 2.3, gain 1/8). The caller's clock gives every timestamp; nothing here reads
//! a clock.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Most PINGs of ours whose acknowledgement we remember; older ones are forgotten (their
/// ACK then gives no sample).
const MAX_TRACKED_PINGS: usize = 16;

/// The smoothed round-trip time.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Rtt {
    smoothed: Option<Duration>,
    latest: Option<Duration>,
}

impl Rtt {
    /// Adds one sample: the first one is taken as is, later ones with gain 1/8.
    pub(crate) fn sample(&mut self, rtt: Duration) {
        self.latest = Some(rtt);
        self.smoothed = Some(match self.smoothed {
            None => rtt,
            Some(srtt) => srtt - srtt / 8 + rtt / 8,
        });
    }

    pub(crate) fn smoothed(&self) -> Option<Duration> {
        self.smoothed
    }

    pub(crate) fn latest(&self) -> Option<Duration> {
        self.latest
    }
}

/// Our PINGs awaiting their ACK, with the time each was sent (`None`: sent before the
/// caller told us the time, so its ACK gives no sample).
#[derive(Clone, Debug, Default)]
pub(crate) struct PingTable {
    sent: VecDeque<([u8; 8], Option<Instant>)>,
}

impl PingTable {
    pub(crate) fn on_sent(&mut self, payload: [u8; 8], now: Option<Instant>) {
        if self.sent.len() == MAX_TRACKED_PINGS {
            self.sent.pop_front();
        }
        self.sent.push_back((payload, now));
    }

    /// The round trip of the PING this ACK answers, if it was ours and timed. An ACK
    /// "received" before the time it was sent (the caller's clock stood still or an
    /// `Instant` from elsewhere) gives no sample.
    pub(crate) fn on_ack(&mut self, payload: [u8; 8], now: Option<Instant>) -> Option<Duration> {
        let pos = self.sent.iter().position(|(p, _)| *p == payload)?;
        let (_, sent) = self.sent.remove(pos)?;
        now?.checked_duration_since(sent?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smoothing_follows_rfc6298_gain() {
        let mut rtt = Rtt::default();
        assert_eq!(rtt.smoothed(), None);
        rtt.sample(Duration::from_millis(80));
        assert_eq!(rtt.smoothed(), Some(Duration::from_millis(80)));
        rtt.sample(Duration::from_millis(160));
        assert_eq!(rtt.smoothed(), Some(Duration::from_millis(90)));
        assert_eq!(rtt.latest(), Some(Duration::from_millis(160)));
    }

    #[test]
    fn ping_table_matches_payloads_and_bounds_itself() {
        let t0 = Instant::now();
        let mut table = PingTable::default();
        table.on_sent(*b"aaaaaaaa", Some(t0));
        table.on_sent(*b"bbbbbbbb", None);
        let later = t0 + Duration::from_millis(5);
        assert_eq!(table.on_ack(*b"zzzzzzzz", Some(later)), None);
        assert_eq!(table.on_ack(*b"bbbbbbbb", Some(later)), None);
        assert_eq!(
            table.on_ack(*b"aaaaaaaa", Some(later)),
            Some(Duration::from_millis(5))
        );
        for i in 0..100u64 {
            table.on_sent(i.to_be_bytes(), Some(t0));
        }
        assert_eq!(table.sent.len(), MAX_TRACKED_PINGS);
    }
}
