//! The receive windows at run time: [`Connection::set_target_window_size`] for the
//! connection window (the stream windows are SETTINGS_INITIAL_WINDOW_SIZE, changed with
//! [`Connection::update_settings`]).

use crate::connection::Connection;
use h2_events::UserError;
use h2_frame::{Frame, StreamId, WindowUpdate, MAX_WINDOW_SIZE};

impl Connection {
    /// Sets the connection receive window we want the peer to have (like hyperium `h2`'s
    /// `set_target_window_size`): how much DATA, over all streams, the peer may send us
    /// that the application has not acknowledged yet
    /// ([`acknowledge_received_data`](Connection::acknowledge_received_data)).
    ///
    /// * Raising it sends WINDOW_UPDATE for the difference now.
    /// * Lowering it cannot take back window already granted (RFC 9113 6.9 has no way
    ///   to); the window policy stops returning acknowledged data until the peer's window
    ///   is below the new target, and then returns only up to it.
    ///
    /// The starting value is [`Config::initial_connection_window`](crate::Config) (see
    /// [`Config::set_receive_windows`](crate::Config::set_receive_windows)). The stream
    /// windows are our SETTINGS_INITIAL_WINDOW_SIZE: change them at run time with
    /// [`update_settings`](Connection::update_settings) (RFC 9113 6.9.2). `n` above
    /// 2^31-1 is refused with [`UserError::WindowOverflow`].
    ///
    /// ```
    /// use h2_conn::{Config, Connection, StreamId};
    /// let mut conn = Connection::new(Config::server());
    /// conn.initiate_connection();
    /// let before = conn.remote_flow_control_window(StreamId::ZERO).unwrap();
    /// conn.set_target_window_size(8 << 20).unwrap(); // 8 MiB: WINDOW_UPDATE now
    /// assert_eq!(conn.remote_flow_control_window(StreamId::ZERO).unwrap(), 8 << 20);
    /// assert!(before < 8 << 20);
    /// assert_eq!(conn.target_window_size(), 8 << 20);
    /// ```
    pub fn set_target_window_size(&mut self, n: u32) -> Result<(), UserError> {
        self.check_usable()?;
        if n > MAX_WINDOW_SIZE {
            return Err(UserError::WindowOverflow);
        }
        if n > self.recv_target {
            let increment = n - self.recv_target;
            self.recv_flow
                .window
                .increase(increment)
                .map_err(|_| UserError::WindowOverflow)?;
            self.write_frame(&Frame::WindowUpdate(WindowUpdate {
                stream_id: StreamId::ZERO,
                increment,
            }));
        }
        self.recv_target = n;
        Ok(())
    }

    /// The connection receive window we want the peer to have; see
    /// [`set_target_window_size`](Connection::set_target_window_size).
    pub fn target_window_size(&self) -> u32 {
        self.recv_target
    }
}
