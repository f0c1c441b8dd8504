//! A quinn-style [`Pair`]: our client and our server connected in memory.

use h2_conn::{Config, Connection, Event, HeaderField};

/// Our client and our server, with the events each reported and not yet taken.
pub struct Pair {
    pub client: Connection,
    pub server: Connection,
    pub client_events: Vec<Event>,
    pub server_events: Vec<Event>,
}

impl Pair {
    /// Default configurations, handshake done.
    pub fn new() -> Pair {
        Pair::with_configs(Config::client(), Config::server())
    }

    /// These configurations, handshake done (both SETTINGS acknowledged); the
    /// handshake's events are discarded.
    pub fn with_configs(client: Config, server: Config) -> Pair {
        let mut pair = Pair {
            client: Connection::new(client),
            server: Connection::new(server),
            client_events: Vec::new(),
            server_events: Vec::new(),
        };
        pair.client.initiate_connection();
        pair.server.initiate_connection();
        pair.drive();
        let (ce, se) = pair.take_events();
        assert!(
            se.iter()
                .any(|e| matches!(e, Event::SettingsAcknowledged { .. })),
            "{se:?}"
        );
        assert!(
            ce.iter()
                .any(|e| matches!(e, Event::SettingsAcknowledged { .. })),
            "{ce:?}"
        );
        pair
    }

    /// Client to server, once; returns how many octets moved.
    pub fn client_to_server(&mut self) -> usize {
        let bytes = self.client.data_to_send();
        let n = bytes.len();
        if n > 0 {
            let events = self.server.receive_bytes(bytes).expect("server open");
            self.server_events.extend(events);
        }
        n
    }

    /// Server to client, once; returns how many octets moved.
    pub fn server_to_client(&mut self) -> usize {
        let bytes = self.server.data_to_send();
        let n = bytes.len();
        if n > 0 {
            let events = self.client.receive_bytes(bytes).expect("client open");
            self.client_events.extend(events);
        }
        n
    }

    /// Moves bytes both ways until neither side has anything to send.
    pub fn drive(&mut self) {
        while self.client_to_server() + self.server_to_client() > 0 {}
    }

    /// Takes the events collected so far: (client's, server's).
    pub fn take_events(&mut self) -> (Vec<Event>, Vec<Event>) {
        (
            std::mem::take(&mut self.client_events),
            std::mem::take(&mut self.server_events),
        )
    }
}

impl Default for Pair {
    fn default() -> Self {
        Pair::new()
    }
}

/// The request header list our client sends in pair tests.
pub fn request(method: &str, path: &str) -> Vec<HeaderField> {
    super::request_fields(method, path)
}
