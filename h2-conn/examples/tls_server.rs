//! The example server over TLS: HTTPS with ALPN `h2` and `http/1.1` (rustls, ring
//! provider) and a self-signed certificate made at start (rcgen). Same routes as `server`.
//!
//! ```sh
//! cargo run --release --example tls_server                  # https://127.0.0.1:8443
//! cargo run --release --example tls_server -- --addr 127.0.0.1:9443 --verbose
//! curl -k https://127.0.0.1:8443/                            # -k: the certificate is self-signed
//! curl -k --http1.1 https://127.0.0.1:8443/                  # ALPN http/1.1
//! curl -k --data-binary @Cargo.toml https://127.0.0.1:8443/echo
//! nghttp -nv https://127.0.0.1:8443/push
//! ```
//!
//! std blocking sockets, one thread per connection, read on a thread of its own like the
//! cleartext server (`common/blocking.rs`): the reader thread hands over raw TLS records,
//! and the connection's thread runs rustls both ways, so reading never stops while it
//! writes. With ALPN `h2` the client starts with the HTTP/2 preface (RFC 9113 3.3); with
//! `http/1.1` it gets HTTP/1.1 answers (no h2c Upgrade over TLS). The timers are the
//! cleartext server's (`--idle`, `--keep-alive`, `--preface-timeout`); the TLS handshake
//! and the first request must be done within the preface timeout.

mod common;

use common::blocking::{Socket, Transport};
use common::server::{serve_connection, serve_h2, ServeOptions, ServerConn};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection};
use std::io::{self, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Instant;

fn main() {
    let (addr, options) = common::server::args("tls_server", "127.0.0.1:8443");
    let config = Arc::new(tls_config().unwrap_or_else(|e| {
        eprintln!("TLS setup failed: {e}");
        std::process::exit(1);
    }));
    let listener = TcpListener::bind(&addr).unwrap_or_else(|e| {
        eprintln!("cannot listen on {addr}: {e}");
        std::process::exit(1);
    });
    eprintln!(
        "listening on https://{} (TLS, ALPN h2 and http/1.1, self-signed certificate)",
        listener.local_addr().expect("bound")
    );
    for socket in listener.incoming() {
        let Ok(socket) = socket else { continue };
        let config = Arc::clone(&config);
        let start = Instant::now();
        std::thread::spawn(move || {
            let tls = ServerConnection::new(config).map_err(io::Error::other);
            let mut tls = match (Socket::new(socket), tls) {
                (Ok(socket), Ok(tls)) => TlsSocket { socket, tls },
                (Err(err), _) | (_, Err(err)) => return eprintln!("connection: {err}"),
            };
            if let Err(err) = handle(&mut tls, options, start) {
                if options.verbose {
                    eprintln!("connection: {err}");
                }
            }
            tls.close();
        });
    }
}

/// A rustls server configuration with a fresh self-signed certificate for
/// `localhost`/`127.0.0.1`, offering `h2` and `http/1.1`.
fn tls_config() -> Result<ServerConfig, Box<dyn std::error::Error>> {
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_string(), "127.0.0.1".to_string()])?;
    let cert = CertificateDer::from(certified.cert.der().to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.key_pair.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)?;
    // RFC 9113 3.3: "h2" identifies HTTP/2 over TLS.
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// One connection: the handshake completes with the first request bytes (within the
/// preface timeout); ALPN says whether they are HTTP/2 or HTTP/1.1.
fn handle(tls: &mut TlsSocket, options: ServeOptions, start: Instant) -> io::Result<()> {
    let first = match options.first_request_deadline(start) {
        Some(deadline) => tls.read_by(deadline)?,
        None => tls.read_until(None)?.unwrap_or_default(),
    };
    if first.is_empty() {
        return Ok(());
    }
    if tls.tls.alpn_protocol() == Some(b"h2") {
        let server = ServerConn::new(options, start);
        return serve_h2(tls, server, &first);
    }
    serve_connection(tls, options, false, first, start)
}

/// rustls over a [`Socket`]: records read by the socket's reader thread are decrypted
/// here; plaintext written here is encrypted and written to the socket.
struct TlsSocket {
    socket: Socket,
    tls: ServerConnection,
}

impl TlsSocket {
    /// Writes what rustls has for the peer: handshake messages, alerts, records.
    fn flush_tls(&mut self) -> io::Result<()> {
        while self.tls.wants_write() {
            self.tls.write_tls(&mut self.socket)?;
        }
        Ok(())
    }

    /// close_notify, then the socket's FIN and linger.
    fn close(mut self) {
        self.tls.send_close_notify();
        let _ = self.flush_tls();
        self.socket.close();
    }
}

impl Transport for TlsSocket {
    fn read_until(&mut self, deadline: Option<Instant>) -> io::Result<Option<Vec<u8>>> {
        let mut plain = Vec::new();
        loop {
            // `plain` is empty here: what was decrypted went out below.
            let Some(raw) = self.socket.read_until(deadline)? else {
                return Ok(None);
            };
            if raw.is_empty() {
                return Ok(Some(plain)); // TCP closed
            }
            let mut rest = &raw[..];
            while !rest.is_empty() {
                self.tls.read_tls(&mut rest)?;
                if let Err(err) = self.tls.process_new_packets() {
                    let _ = self.flush_tls(); // the alert
                    return Err(io::Error::other(err));
                }
                // Taken at once: rustls holds little received plaintext.
                match self.tls.reader().read_to_end(&mut plain) {
                    Ok(_) => return Ok(Some(plain)), // close_notify
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => {}
                    Err(err) => return Err(err),
                }
            }
            self.flush_tls()?; // handshake answers, session tickets
            if !plain.is_empty() {
                return Ok(Some(plain));
            }
        }
    }

    fn write_all(&mut self, mut data: &[u8]) -> io::Result<()> {
        // rustls buffers a bounded amount (64 KiB): encrypt a piece, send it, repeat.
        while !data.is_empty() {
            let n = self.tls.writer().write(data)?;
            data = &data[n..];
            self.flush_tls()?;
        }
        Ok(())
    }
}
