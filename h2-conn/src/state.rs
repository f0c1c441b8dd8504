//! [`ConnectionState`]: where a connection is in its life, as the caller sees it, with the
//! getters that answer "may I open a stream?" and "is it over?".

use crate::connection::{Connection, Phase};
use h2_events::UserError;
use h2_frame::StreamId;

/// Where a [`Connection`] is in its life ([`Connection::state`]).
///
/// ```text
///   NotInitiated --initiate_connection--> Open --GOAWAY sent or received--> GoingAway
///                                          |                                    |
///                                          +--connection error / close_connection--> Closed
/// ```
///
/// RFC 9113 6.8 makes GOAWAY a shutdown in two halves: it stops *new* streams at once,
/// while streams at or below its last stream id carry on to completion. So after a
/// GOAWAY (ours or the peer's) the connection is [`GoingAway`](ConnectionState::GoingAway),
/// not closed: keep reading, writing and answering its streams, and close it (or drop the
/// transport) once they are done. It is [`Closed`](ConnectionState::Closed) only after a
/// connection error (ours or, as we detected it, the peer's) or
/// [`close_connection`](Connection::close_connection): then nothing more is processed or
/// sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConnectionState {
    /// [`initiate_connection`](Connection::initiate_connection) has not been called.
    NotInitiated,
    /// The preface is sent (or being exchanged) and no GOAWAY has been sent or received:
    /// new streams may be opened (within SETTINGS_MAX_CONCURRENT_STREAMS).
    Open,
    /// A GOAWAY was sent or received (RFC 9113 6.8): no new streams, existing ones carry
    /// on. At least one of the two fields is `Some`.
    GoingAway {
        /// The last stream id of the GOAWAY we sent, if we sent one (2^31-1 during the
        /// first phase of [`begin_graceful_shutdown`](Connection::begin_graceful_shutdown)):
        /// streams the peer opens above it are ignored, the ones at or below it are served.
        sent: Option<StreamId>,
        /// The lowest last stream id of the GOAWAYs the peer sent, if it sent one: our
        /// streams above it were never processed (reported as
        /// [`Event::StreamReset`](crate::Event::StreamReset) with `REFUSED_STREAM`, safe to
        /// retry on a new connection); the ones at or below it may still complete.
        received: Option<StreamId>,
    },
    /// A connection error happened (we sent GOAWAY with its code) or
    /// [`close_connection`](Connection::close_connection) was called: nothing more is
    /// processed or sent ([`Connection::is_closed`]). Write out the last output and close
    /// the transport.
    Closed,
}

impl Connection {
    /// Where the connection is in its life; see [`ConnectionState`].
    pub fn state(&self) -> ConnectionState {
        match self.phase {
            Phase::NotStarted => ConnectionState::NotInitiated,
            Phase::Closed => ConnectionState::Closed,
            _ if self.goaway_sent.is_some() || self.goaway_received.is_some() => {
                ConnectionState::GoingAway {
                    sent: self.goaway_sent,
                    received: self.goaway_received,
                }
            }
            _ => ConnectionState::Open,
        }
    }

    /// True while new streams may be opened: the connection is
    /// [`Open`](ConnectionState::Open), no GOAWAY sent or received. It does not count the
    /// peer's SETTINGS_MAX_CONCURRENT_STREAMS (opening over it is refused with
    /// [`UserError::TooManyStreams`]).
    pub fn can_open_streams(&self) -> bool {
        self.state() == ConnectionState::Open
    }

    /// Refuses to open a stream (a request, or a push) once GOAWAY was sent or received
    /// (RFC 9113 6.8), saying which.
    pub(crate) fn check_new_streams(&self) -> Result<(), UserError> {
        if let Some(last_stream_id) = self.goaway_received {
            return Err(UserError::GoingAway {
                remote: true,
                last_stream_id,
            });
        }
        if let Some(last_stream_id) = self.goaway_sent {
            return Err(UserError::GoingAway {
                remote: false,
                last_stream_id,
            });
        }
        Ok(())
    }
}
