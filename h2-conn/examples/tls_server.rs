//! The example server over TLS: HTTPS with ALPN `h2` (rustls, ring provider) and a
//! self-signed certificate made at start (rcgen). Same routes as `server`.
//!
//! ```sh
//! cargo run --release --example tls_server                  # https://127.0.0.1:8443
//! cargo run --release --example tls_server -- --addr 127.0.0.1:9443 --verbose
//! curl -k https://127.0.0.1:8443/                            # -k: the certificate is self-signed
//! curl -k --data-binary @Cargo.toml https://127.0.0.1:8443/echo
//! nghttp -nv https://127.0.0.1:8443/push
//! ```
//!
//! std blocking sockets, one thread per connection: TLS is a byte stream like TCP, so the
//! HTTP/2 loop is the same `serve_blocking` as the cleartext server. With ALPN `h2` the
//! client starts with the HTTP/2 preface (RFC 9113 3.2), no Upgrade.

mod common;

use common::server::{serve_blocking, ServerConn};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;

fn main() {
    let (addr, verbose) = common::server::args("tls_server", "127.0.0.1:8443");
    let config = Arc::new(tls_config().unwrap_or_else(|e| {
        eprintln!("TLS setup failed: {e}");
        std::process::exit(1);
    }));
    let listener = TcpListener::bind(&addr).unwrap_or_else(|e| {
        eprintln!("cannot listen on {addr}: {e}");
        std::process::exit(1);
    });
    eprintln!(
        "listening on https://{} (TLS, ALPN h2, self-signed certificate)",
        listener.local_addr().expect("bound")
    );
    for socket in listener.incoming() {
        let Ok(socket) = socket else { continue };
        let config = Arc::clone(&config);
        std::thread::spawn(move || {
            if let Err(err) = handle(socket, config, verbose) {
                if verbose {
                    eprintln!("connection: {err}");
                }
            }
        });
    }
}

/// A rustls server configuration with a fresh self-signed certificate for
/// `localhost`/`127.0.0.1`, offering only `h2`.
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
    // RFC 9113 3.2: "h2" identifies HTTP/2 over TLS.
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(config)
}

fn handle(socket: TcpStream, config: Arc<ServerConfig>, verbose: bool) -> std::io::Result<()> {
    socket.set_nodelay(true)?;
    let tls = ServerConnection::new(config).map_err(std::io::Error::other)?;
    let mut stream = StreamOwned::new(tls, socket);
    // Finish the handshake first to check what ALPN chose.
    while stream.conn.is_handshaking() {
        stream.conn.complete_io(&mut stream.sock)?;
    }
    if stream.conn.alpn_protocol() != Some(b"h2") {
        if verbose {
            eprintln!("client did not offer ALPN h2; closing");
        }
        return Ok(());
    }
    let mut server = ServerConn::new();
    server.verbose = verbose;
    serve_blocking(&mut stream, server, &[])?;
    stream.conn.send_close_notify();
    let _ = stream.conn.complete_io(&mut stream.sock);
    Ok(())
}
