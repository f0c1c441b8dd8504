//! Our stack (`h2-conn`) in the benchmark.
//!
//! Not wired yet: `h2_conn::Connection` does not exist yet. Until it lands, every workload
//! reports "not yet available" (shown as n/a in the table) rather than a number. Once it
//! lands, this module drives a client `Connection` and a server `Connection` in memory:
//! `data_to_send()` of one side goes into `receive_bytes()` of the other, the client sends
//! requests with `send_headers` and reads `ResponseReceived` / `DataReceived` /
//! `StreamEnded` events, the server answers `RequestReceived` with `send_headers` +
//! `send_data`, and the client returns window with `acknowledge_received_data`.

use super::workload::{Bulk, Failure, Requests, Sample, Stack};

/// Why our stack has no numbers yet.
const NOT_YET: &str = "h2-conn's Connection is not yet available";

/// Our stack.
pub(crate) struct Ours;

impl Stack for Ours {
    fn name(&self) -> &'static str {
        "ours"
    }

    fn requests(&self, _w: &Requests) -> Result<Sample, Failure> {
        Err(Failure::Unavailable(NOT_YET.into()))
    }

    fn bulk(&self, _w: &Bulk) -> Result<Sample, Failure> {
        Err(Failure::Unavailable(NOT_YET.into()))
    }

    fn idle_pair_bytes(&self) -> Result<usize, Failure> {
        Err(Failure::Unavailable(NOT_YET.into()))
    }
}
