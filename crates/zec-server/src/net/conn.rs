//! One connection: hyper's HTTP/1 state machine over a socket whose every read and write is
//! watched, so that a watchdog can tell an idle connection from a trickling header, a busy
//! one and a client that stopped reading, and close it when its limit has passed.

use super::NetLimits;
use super::envelope::Reframer;
use axum::Router;
use axum::response::Response;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{Notify, watch};
use tower_service::Service as _;

/// Milliseconds since the first call: a monotonic clock for the watchdogs.
fn now_ms() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_millis() as u64
}

/// What a connection is doing, as the watchdog sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for a request's header, since the connection opened or the first byte after
    /// the previous response arrived.
    Header { since: u64 },
    /// Requests in flight (reading their body, or being served).
    Busy { requests: u32 },
    /// Between requests, since the previous response was produced.
    Idle { since: u64 },
}

#[derive(Debug)]
struct State {
    phase: Phase,
    /// Since when a write has been waiting for the client to read.
    write_blocked_since: Option<u64>,
    /// For each response the service produced and hyper has not yet begun to write: whether
    /// it carries a body (not for HEAD).
    produced: VecDeque<bool>,
    /// Responses produced and not yet written to their last byte.
    unwritten: u32,
}

/// Shared between a connection's socket, its service and its watchdog, and the registry.
#[derive(Debug)]
pub(super) struct Activity {
    state: Mutex<State>,
    evict: Notify,
    /// A deadline may have come closer (a header began, a write blocked): the watchdog
    /// looks again.
    sooner: Notify,
}

impl Activity {
    pub fn new() -> Self {
        Self {
            state: Mutex::new(State {
                phase: Phase::Header { since: now_ms() },
                write_blocked_since: None,
                produced: VecDeque::new(),
                unwritten: 0,
            }),
            evict: Notify::new(),
            sooner: Notify::new(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn on_read(&self) {
        let mut s = self.state();
        if let Phase::Idle { .. } = s.phase {
            s.phase = Phase::Header { since: now_ms() };
            self.sooner.notify_one();
        }
    }

    fn on_write(&self, blocked: bool) {
        let mut s = self.state();
        match (blocked, s.write_blocked_since) {
            (true, None) => {
                s.write_blocked_since = Some(now_ms());
                self.sooner.notify_one();
            }
            (false, Some(_)) => s.write_blocked_since = None,
            _ => {}
        }
    }

    fn begin_request(&self) {
        let mut s = self.state();
        s.phase = match s.phase {
            Phase::Busy { requests } => Phase::Busy {
                requests: requests + 1,
            },
            _ => Phase::Busy { requests: 1 },
        };
    }

    /// A request is done: its response (if `produced`) is about to be written.
    fn end_request(&self, produced: Option<bool>) {
        let mut s = self.state();
        if let Some(has_body) = produced {
            s.produced.push_back(has_body);
            s.unwritten += 1;
        }
        s.phase = match s.phase {
            Phase::Busy { requests } if requests > 1 => Phase::Busy {
                requests: requests - 1,
            },
            _ => Phase::Idle { since: now_ms() },
        };
    }

    /// Whether the response head hyper begins to write now is one the service produced (and
    /// whether it has a body), rather than hyper's own answer to a request it could not parse.
    pub(super) fn take_produced(&self) -> Option<bool> {
        self.state().produced.pop_front()
    }

    /// A response the service produced has been written to its last byte.
    pub(super) fn response_written(&self) {
        let mut s = self.state();
        s.unwritten = s.unwritten.saturating_sub(1);
    }

    /// Since when the connection has waited without a request in flight or an answer being
    /// written; `None` when it is serving.
    fn waiting_since(&self) -> Option<u64> {
        let s = self.state();
        if s.unwritten > 0 {
            return None;
        }
        match s.phase {
            Phase::Busy { .. } => None,
            Phase::Header { since } | Phase::Idle { since } => {
                Some(s.write_blocked_since.map_or(since, |w| w.min(since)))
            }
        }
    }

    /// The limit the connection has broken, or when to look again.
    fn check(&self, limits: &NetLimits) -> Result<u64, &'static str> {
        let now = now_ms();
        let s = self.state();
        let ms = |d: Duration| d.as_millis().min(u128::from(u64::MAX / 4)) as u64;
        let mut next = now + ms(limits.header_timeout.min(limits.keepalive_timeout));
        if let Some(since) = s.write_blocked_since {
            let end = since.saturating_add(ms(limits.send_timeout));
            if now >= end {
                return Err("the client did not read its answer in time (send timeout)");
            }
            next = next.min(end);
        }
        match s.phase {
            Phase::Header { since } => {
                let end = since.saturating_add(ms(limits.header_timeout));
                if now >= end {
                    return Err("the request header did not arrive in time (header timeout)");
                }
                next = next.min(end);
            }
            // An answer still being written is bounded by the send timeout.
            Phase::Idle { .. } if s.unwritten > 0 => {}
            Phase::Idle { since } => {
                let end = since.saturating_add(ms(limits.keepalive_timeout));
                if now >= end {
                    return Err("idle for longer than the keep-alive timeout");
                }
                next = next.min(end);
            }
            // The front door bounds the body's reading; an action runs to its end.
            Phase::Busy { .. } => {}
        }
        Ok(next)
    }
}

/// Every open connection.
#[derive(Default)]
pub(super) struct Registry {
    open: Mutex<HashMap<u64, Arc<Activity>>>,
    count: AtomicUsize,
    next_id: AtomicU64,
    freed: Notify,
}

impl Registry {
    fn open(&self) -> MutexGuard<'_, HashMap<u64, Arc<Activity>>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn len(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    pub fn insert(&self, a: Arc<Activity>) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.open().insert(id, a);
        self.count.fetch_add(1, Ordering::SeqCst);
        id
    }

    pub fn remove(&self, id: u64) {
        if self.open().remove(&id).is_some() {
            self.count.fetch_sub(1, Ordering::SeqCst);
        }
        self.freed.notify_waiters();
    }

    /// Resolves when a connection has closed (or a little later: callers re-check).
    pub async fn freed(&self) {
        self.freed.notified().await
    }

    /// Closes the connection that has waited longest with no request in flight. Whether
    /// there was one.
    pub fn evict_longest_waiting(&self) -> bool {
        let victim = self
            .open()
            .values()
            .filter_map(|a| a.waiting_since().map(|t| (t, a.clone())))
            .min_by_key(|(t, _)| *t);
        match victim {
            Some((_, a)) => {
                a.evict.notify_one();
                true
            }
            None => false,
        }
    }
}

/// A connection's task.
pub(super) struct Connection {
    pub stream: TcpStream,
    /// Speak TLS first (an HTTPS listener).
    pub tls: Option<tokio_rustls::TlsAcceptor>,
    pub peer: SocketAddr,
    pub activity: Arc<Activity>,
    pub router: Router,
    pub limits: Arc<NetLimits>,
    pub stop: watch::Receiver<bool>,
}

impl Connection {
    pub async fn run(self) {
        let Connection {
            stream,
            tls,
            peer,
            activity,
            router,
            limits,
            mut stop,
        } = self;
        let stream = match tls {
            None => Stream::Plain(stream),
            // The handshake is part of the header: bounded by the header timeout, and given
            // up when the connection is evicted or the server stops.
            Some(acceptor) => {
                let handshake =
                    tokio::time::timeout(limits.header_timeout, acceptor.accept(stream));
                tokio::select! {
                    r = handshake => match r {
                        Ok(Ok(s)) => Stream::Tls(Box::new(s)),
                        Ok(Err(e)) => {
                            tracing::debug!(%peer, error = %e, "TLS handshake failed");
                            return;
                        }
                        Err(_) => {
                            tracing::debug!(%peer, "TLS handshake did not finish in time");
                            return;
                        }
                    },
                    _ = activity.evict.notified() => return,
                    _ = stop.changed() => return,
                }
            }
        };
        let io = TokioIo::new(Watched {
            stream,
            activity: activity.clone(),
            reframer: Reframer::default(),
        });
        let service = Service {
            router,
            activity: activity.clone(),
        };
        let mut builder = http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            // The watchdog keeps the time, telling idle from trickling.
            .header_read_timeout(None)
            .max_header_size(limits.max_header_bytes)
            .max_buf_size(limits.max_header_bytes.max(8192) + 8192)
            // One buffer per write, so that the reframer sees each response head whole.
            .writev(false);
        let conn = builder.serve_connection(io, service);
        let mut conn = std::pin::pin!(conn);
        let mut draining = *stop.borrow();
        if draining {
            conn.as_mut().graceful_shutdown();
        }
        loop {
            // Draining: what is not serving a request or writing an answer closes now
            // (hyper's own graceful shutdown keeps a connection that has not sent a request).
            if draining && activity.waiting_since().is_some() {
                return;
            }
            let next = match activity.check(&limits) {
                Ok(next) => next,
                Err(reason) => {
                    tracing::debug!(%peer, reason, "closing connection");
                    return;
                }
            };
            let mut wait = Duration::from_millis(next.saturating_sub(now_ms()).max(1));
            if draining {
                wait = wait.min(Duration::from_millis(20));
            }
            tokio::select! {
                r = conn.as_mut() => {
                    if let Err(e) = r {
                        tracing::debug!(%peer, error = %e, "connection ended with an error");
                    }
                    return;
                }
                _ = activity.evict.notified() => {
                    tracing::debug!(%peer, "closing the longest-waiting connection to make room");
                    return;
                }
                _ = tokio::time::sleep(wait) => {}
                _ = activity.sooner.notified() => {}
                _ = stop.changed(), if !draining => {
                    draining = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// The router as hyper's service, telling the connection's activity when requests begin and
/// end.
#[derive(Clone)]
struct Service {
    router: Router,
    activity: Arc<Activity>,
}

/// Ends a request even if its future is dropped (the connection closed under it).
struct InFlight {
    activity: Arc<Activity>,
    produced: Option<bool>,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.activity.end_request(self.produced);
    }
}

impl hyper::service::Service<hyper::Request<Incoming>> for Service {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn call(&self, req: hyper::Request<Incoming>) -> Self::Future {
        let has_body = req.method() != hyper::Method::HEAD;
        self.activity.begin_request();
        let mut guard = InFlight {
            activity: self.activity.clone(),
            produced: None,
        };
        let mut router = self.router.clone();
        Box::pin(async move {
            let response = router.call(req).await;
            guard.produced = Some(has_body);
            drop(guard);
            response
        })
    }
}

/// A client's socket, in plain or through TLS.
enum Stream {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::server::TlsStream<TcpStream>>),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// The socket, watched.
struct Watched {
    stream: Stream,
    activity: Arc<Activity>,
    reframer: Reframer,
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        ready!(Pin::new(&mut this.stream).poll_read(cx, buf))?;
        if buf.filled().len() > before {
            this.activity.on_read();
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let r = this
            .reframer
            .poll_write(&mut this.stream, &this.activity, cx, buf);
        this.activity.on_write(r.is_pending());
        r
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let r = this.reframer.poll_drain(&mut this.stream, cx);
        this.activity.on_write(r.is_pending());
        ready!(r)?;
        Pin::new(&mut this.stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.reframer.poll_drain(&mut this.stream, cx))?;
        Pin::new(&mut this.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> NetLimits {
        NetLimits {
            header_timeout: Duration::from_millis(50),
            keepalive_timeout: Duration::from_millis(80),
            send_timeout: Duration::from_millis(30),
            ..NetLimits::default()
        }
    }

    #[test]
    fn a_connection_that_sends_nothing_breaks_the_header_timeout() {
        let a = Activity::new();
        assert!(a.check(&limits()).is_ok());
        std::thread::sleep(Duration::from_millis(60));
        assert!(a.check(&limits()).unwrap_err().contains("header"));
    }

    #[test]
    fn a_busy_connection_is_never_cut_and_an_idle_one_gets_the_keepalive_time() {
        let a = Activity::new();
        a.begin_request();
        std::thread::sleep(Duration::from_millis(60));
        assert!(a.check(&limits()).is_ok());
        assert_eq!(a.waiting_since(), None);
        a.end_request(Some(true));
        assert_eq!(a.waiting_since(), None, "the answer is being written");
        a.response_written();
        std::thread::sleep(Duration::from_millis(60));
        assert!(a.check(&limits()).is_ok(), "idle 60 ms of 80");
        std::thread::sleep(Duration::from_millis(30));
        assert!(a.check(&limits()).unwrap_err().contains("keep-alive"));
    }

    #[test]
    fn a_byte_after_the_response_starts_the_header_clock() {
        let a = Activity::new();
        a.begin_request();
        a.end_request(Some(true));
        a.response_written();
        std::thread::sleep(Duration::from_millis(40));
        a.on_read();
        std::thread::sleep(Duration::from_millis(30));
        assert!(a.check(&limits()).is_ok(), "header 30 ms of 50");
        std::thread::sleep(Duration::from_millis(30));
        assert!(a.check(&limits()).unwrap_err().contains("header"));
    }

    #[test]
    fn a_client_that_stops_reading_breaks_the_send_timeout() {
        let a = Activity::new();
        a.begin_request();
        a.end_request(Some(true));
        a.on_write(true);
        std::thread::sleep(Duration::from_millis(40));
        assert!(a.check(&limits()).unwrap_err().contains("send"));
        a.on_write(false);
        assert!(a.check(&limits()).is_ok());
    }

    #[test]
    fn eviction_picks_the_longest_waiting_connection_never_a_busy_one() {
        let r = Registry::default();
        let busy = Arc::new(Activity::new());
        busy.begin_request();
        r.insert(busy.clone());
        assert!(!r.evict_longest_waiting());
        std::thread::sleep(Duration::from_millis(5));
        let old = Arc::new(Activity::new());
        std::thread::sleep(Duration::from_millis(5));
        let new = Arc::new(Activity::new());
        r.insert(new.clone());
        r.insert(old.clone());
        assert!(r.evict_longest_waiting());
        // The old one holds the permit: its next wait ends at once.
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            tokio::time::timeout(Duration::from_millis(100), old.evict.notified())
                .await
                .expect("the oldest was evicted");
            assert!(
                tokio::time::timeout(Duration::from_millis(20), new.evict.notified())
                    .await
                    .is_err()
            );
        });
    }
}
