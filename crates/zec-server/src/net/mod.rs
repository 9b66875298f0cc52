//! The listener: zecd's own accept loop over hyper's HTTP/1 connections, so that no client can
//! hold a connection, a file descriptor or memory for longer than the limits allow.
//!
//! nginx's defaults are the bar: a request's header must arrive within `header_timeout`
//! (60 s, counted from the connection's first byte or the end of the previous response), its
//! body must keep coming (`body_timeout`, 60 s between reads, enforced by the front door), an
//! idle keep-alive connection is closed after `keepalive_timeout` (75 s), a client that stops
//! reading its answer is cut off after `send_timeout` (60 s), and headers are bounded
//! (`max_header_bytes`). A connection that breaks a limit is closed; a request in flight is
//! never cut short by the others.
//!
//! At most `max_connections` are open at once (by default, what the open-files limit allows,
//! which zecd raises to its hard limit at start). When that many are open, a new connection
//! takes the place of the one that has waited longest without a request in flight (an idle or
//! trickling one), so that a crowd of idle connections cannot lock valid clients out; only when
//! every connection is busy does zecd stop accepting until one ends.

mod conn;
mod envelope;

use axum::Router;
use conn::{Activity, Registry};
use std::io;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// How long connections may take, and how many there may be.
#[derive(Debug, Clone)]
pub struct NetLimits {
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub keepalive_timeout: Duration,
    pub send_timeout: Duration,
    pub max_header_bytes: usize,
    pub max_connections: usize,
}

impl Default for NetLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(60),
            body_timeout: Duration::from_secs(60),
            keepalive_timeout: Duration::from_secs(75),
            send_timeout: Duration::from_secs(60),
            max_header_bytes: 32 * 1024,
            max_connections: 1024,
        }
    }
}

/// File descriptors kept for everything but client connections: the databases, the log,
/// the listener, PostgreSQL sessions.
const RESERVED_FDS: u64 = 64;

/// Raises the soft open-files limit to the hard one (as Go's runtime does), and returns the
/// number of connections that limit leaves room for.
pub fn default_max_connections() -> usize {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    if let Some(hard) = limit.maximum
        && limit.current.is_some_and(|soft| soft < hard)
    {
        limit.current = Some(hard);
        if let Err(e) = setrlimit(Resource::Nofile, limit) {
            tracing::debug!(error = %e, "cannot raise the open-files limit");
        }
    }
    let soft = getrlimit(Resource::Nofile).current.unwrap_or(1 << 20);
    soft.saturating_sub(RESERVED_FDS).clamp(16, 1 << 20) as usize
}

/// A socket to accept on: plain HTTP, or HTTPS with this acceptor.
pub struct Listener {
    pub tcp: TcpListener,
    pub tls: Option<tokio_rustls::TlsAcceptor>,
}

/// Serves `router` on every listener until `shutdown` resolves; then stops accepting, lets
/// every connection finish the request it is serving (idle ones close at once), and returns
/// when all are closed or `drain` has passed. The connection limit is shared by all listeners.
pub async fn serve(
    listeners: Vec<Listener>,
    router: Router,
    limits: NetLimits,
    shutdown: impl Future<Output = ()>,
    drain: Duration,
) -> io::Result<()> {
    let limits = Arc::new(limits);
    let registry = Arc::new(Registry::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut loops = tokio::task::JoinSet::new();
    for listener in listeners {
        loops.spawn(accept_loop(
            listener,
            router.clone(),
            limits.clone(),
            registry.clone(),
            stop_rx.clone(),
        ));
    }
    shutdown.await;
    let _ = stop_tx.send(true);
    // The listeners close: nothing new is accepted while the rest drains.
    loops.shutdown().await;
    finish(registry, drain).await
}

async fn accept_loop(
    listener: Listener,
    router: Router,
    limits: Arc<NetLimits>,
    registry: Arc<Registry>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        // Room for one more before accepting it.
        while registry.len() >= limits.max_connections {
            if !registry.evict_longest_waiting() {
                tracing::warn!(
                    open = registry.len(),
                    "every connection is busy; accepting again when one ends"
                );
            }
            tokio::select! {
                _ = registry.freed() => {}
                _ = tokio::time::sleep(Duration::from_millis(100)) => {}
                _ = stop.changed() => return,
            }
        }
        let accepted = tokio::select! {
            r = listener.tcp.accept() => r,
            _ = stop.changed() => return,
        };
        let (stream, peer) = match accepted {
            Ok(s) => s,
            Err(e) if is_connection_error(&e) => continue,
            Err(e) => {
                // Out of file descriptors (EMFILE, ENFILE) or memory: make room and breathe
                // rather than spin.
                tracing::warn!(error = %e, open = registry.len(), "accept failed");
                registry.evict_longest_waiting();
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let activity = Arc::new(Activity::new());
        let id = registry.insert(activity.clone());
        let task = conn::Connection {
            stream,
            tls: listener.tls.clone(),
            peer,
            activity,
            router: router.clone(),
            limits: limits.clone(),
            stop: stop.clone(),
        };
        let registry = registry.clone();
        tokio::spawn(async move {
            task.run().await;
            registry.remove(id);
        });
    }
}

async fn finish(registry: Arc<Registry>, drain: Duration) -> io::Result<()> {
    let deadline = tokio::time::Instant::now() + drain;
    while registry.len() > 0 {
        tokio::select! {
            // A wakeup between the check and the wait would be lost: look again soon anyway.
            _ = registry.freed() => {}
            _ = tokio::time::sleep(Duration::from_millis(10)) => {}
            _ = tokio::time::sleep_until(deadline) => {
                tracing::warn!(open = registry.len(), "closing connections still busy after the drain time");
                break;
            }
        }
    }
    Ok(())
}

/// Errors of one connection that never reached us (reset before accept), not of the listener.
fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}
