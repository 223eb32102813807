//! The TCP connection under every pooled HTTP connection, guarded against
//! the keep-alive race.
//!
//! A server may close an idle keep-alive connection at any time, often
//! right after an answer and without `Connection: close`. The pool hands
//! such a connection out again when its close has not been processed yet,
//! and the next request is written into a closed socket: it fails, although
//! the server never read it. [`Guarded`] checks, before it writes the
//! first byte of a request on a connection that has already carried an
//! answer, whether the server has spoken since (its FIN, a TLS
//! `close_notify`, an unsolicited `408`): in HTTP/1.1 a server says nothing
//! between an answer and the next request except that it is going away.
//! Then nothing is written, and the write fails with `StaleConnection`,
//! which the client reports as never sent ([`alooma_core::ConnectFailure::NotSent`]);
//! the retry layer sends it again on another connection, whatever the
//! operation (Go's `net/http` draws the same line). Right after the
//! previous request, tokio's readiness is asked, which costs no system
//! call; later, when the runtime may have been too busy or blocked to have
//! seen a close yet, the socket itself is asked.
//!
//! The guard is armed only once the connection is ready for requests
//! ([`Armable`], by the client's connector): a TLS handshake or a proxy's
//! tunnel goes over the stream first, and a server still sending its
//! handshake flight while the client writes its own part is no close.
//!
//! The check cannot see a close that arrives after the request went out.
//! So the guard also learns the server's habit: a server seen closing
//! connections right after its answers ([`Habits`]) keeps no connection
//! worth reusing, and the client then asks for `Connection: close` on every
//! request for a while, so each request gets a connection of its own and
//! the race is gone (the server closes them anyway; nothing is lost).

use hyper_util::client::legacy::connect::{Connected, Connection};
use hyper_util::rt::TokioIo;
use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, Interest, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// A close this soon after the answer's last byte is "right after it".
const RIGHT_AFTER: Duration = Duration::from_millis(250);
/// How long after a request tokio's readiness is trusted to show the
/// server's close. A server that closes idle connections after a longer
/// time cannot have closed this one yet; one that closes sooner after an
/// answer races every client (its close may be on the wire while the next
/// request goes out), which [`Habits`] handles.
const READINESS_HOLDS: Duration = Duration::from_millis(20);
/// How long a seen habit lasts before keep-alive is tried again.
const HABIT_LASTS: Duration = Duration::from_secs(60);

/// What the client has seen of a server's connection handling, shared by
/// every connection of one client.
#[derive(Debug, Default)]
pub struct Habits {
    /// When a connection was last seen closed right after an answer.
    closed_after_answer: Mutex<Option<Instant>>,
}

impl Habits {
    fn note_close_after_answer(&self) {
        *self
            .closed_after_answer
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
    }

    /// Whether the server was seen closing connections right after its
    /// answers recently: keep-alive only races its closes then.
    pub fn closes_after_answers(&self) -> bool {
        self.closed_after_answer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some_and(|at| at.elapsed() < HABIT_LASTS)
    }
}

/// The server had closed (or was closing) the pooled connection before the
/// request's first byte was written: the request was not sent.
#[derive(Debug)]
pub(crate) struct StaleConnection;

impl fmt::Display for StaleConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the server had closed the pooled connection; the request was not sent")
    }
}

impl std::error::Error for StaleConnection {}

/// Whether `error` (anywhere in its source chain) is a [`StaleConnection`].
pub(crate) fn is_stale(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = Some(error);
    while let Some(e) = source {
        if e.is::<StaleConnection>() {
            return true;
        }
        // `io::Error::source` skips its own payload: look inside.
        if let Some(inner) = e.downcast_ref::<io::Error>().and_then(io::Error::get_ref) {
            if inner.is::<StaleConnection>() {
                return true;
            }
        }
        source = e.source();
    }
    false
}

/// A TCP stream that refuses to start a request on a connection the server
/// is closing; see the [module docs](self).
#[derive(Debug)]
pub struct Guarded {
    stream: TcpStream,
    /// An answer was read since the last request was written: the next
    /// write starts a new request on a reused connection.
    reused: bool,
    /// When the last bytes of an answer were read.
    last_read: Option<Instant>,
    /// When the last request started.
    last_request: Option<std::time::Instant>,
    /// The server's close (end of stream) was read.
    read_closed: bool,
    /// Requests go over the stream: what went before (a TLS handshake, a
    /// proxy's tunnel) is not guarded.
    armed: bool,
    habits: Arc<Habits>,
    /// The stream goes to a forward proxy (plain HTTP through a proxy):
    /// requests are sent in absolute form.
    proxied: bool,
}

impl Guarded {
    /// Guards `stream`, noting what it sees in `habits`.
    pub fn new(stream: TcpStream, habits: Arc<Habits>) -> Self {
        Guarded {
            stream,
            reused: false,
            last_read: None,
            last_request: None,
            read_closed: false,
            armed: true,
            habits,
            proxied: false,
        }
    }

    /// Leaves the stream unguarded until [`Guarded::arm`]: what goes over
    /// it first (a TLS handshake, a proxy's `CONNECT`) is no request, and
    /// the server speaking there (the rest of its handshake flight, still
    /// arriving while the client writes its own) is no close.
    pub fn disarmed(mut self) -> Self {
        self.armed = false;
        self
    }

    /// Starts guarding: the next write starts the connection's first
    /// request.
    pub fn arm(&mut self) {
        self.armed = true;
        self.reused = false;
        self.last_read = None;
        self.last_request = None;
    }

    /// Marks the stream as going to a forward proxy.
    pub fn proxied(mut self) -> Self {
        self.proxied = true;
        self
    }

    /// Before a new request on a reused connection: `Err` when the server
    /// has sent anything (or closed) since its last answer.
    ///
    /// Within [`READINESS_HOLDS`] of the previous request, tokio's readiness
    /// is asked first: no system call unless its driver saw the socket
    /// readable or closed. Later, the socket itself is asked (a
    /// non-blocking `MSG_PEEK`): on a runtime that was busy or blocked when
    /// the close arrived, the driver has not seen it yet, and its readiness
    /// would say "nothing" while the FIN sits in the socket. Neither spends
    /// the task's cooperative budget nor registers a waker, so the check
    /// always runs in full.
    fn check_before_request(&mut self) -> io::Result<()> {
        if !self.armed {
            return Ok(());
        }
        if !self.reused {
            if self.last_request.is_none() {
                // The connection's first request.
                self.last_request = Some(std::time::Instant::now());
            }
            return Ok(());
        }
        if self.read_closed {
            // Its close was read already, and judged there: not a new habit.
            return Err(stale());
        }
        // The real clock, also under tokio's paused test clock: the question
        // is how long the server may have had.
        let now = std::time::Instant::now();
        let recent = self
            .last_request
            .is_some_and(|at| now.saturating_duration_since(at) < READINESS_HOLDS);
        let spoke = if recent {
            self.readiness_spoke()
        } else {
            self.socket_spoke()
        };
        if spoke {
            self.habits.note_close_after_answer();
            return Err(stale());
        }
        self.reused = false;
        self.last_request = Some(now);
        Ok(())
    }

    /// [`Self::socket_spoke`], asked only when tokio's driver has seen the
    /// socket readable or closed.
    fn readiness_spoke(&self) -> bool {
        match self
            .stream
            .try_io(Interest::READABLE, || peek(&self.stream).map(|_| ()))
        {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => false,
            Ok(()) | Err(_) => true,
        }
    }

    /// Whether the socket holds anything (its close, anything the server
    /// said, or a reset), asked with a non-blocking `MSG_PEEK`.
    fn socket_spoke(&self) -> bool {
        match peek(&self.stream) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => false,
            Ok(_) | Err(_) => true,
        }
    }
}

/// A non-blocking `MSG_PEEK` of one byte: `WouldBlock` when the socket
/// holds nothing.
fn peek(stream: &TcpStream) -> io::Result<usize> {
    let mut probe = [std::mem::MaybeUninit::<u8>::uninit(); 1];
    loop {
        match socket2::SockRef::from(stream).peek(&mut probe) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// The error of a write refused on a stale connection.
fn stale() -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionAborted, StaleConnection)
}

impl AsyncRead for Guarded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let had_room = buf.remaining() > 0;
        let result = Pin::new(&mut self.stream).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = result {
            if !self.armed {
                // The handshake's bytes: neither an answer nor a habit.
                if had_room && buf.filled().len() == before {
                    self.read_closed = true;
                }
            } else if buf.filled().len() > before {
                self.reused = true;
                self.last_read = Some(Instant::now());
            } else if had_room {
                // The end of the stream: the server closed.
                self.read_closed = true;
                if self.last_read.is_some_and(|t| t.elapsed() < RIGHT_AFTER) {
                    // Right after answering.
                    self.habits.note_close_after_answer();
                }
            }
        }
        result
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Err(e) = self.check_before_request() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.stream).poll_write(cx, data)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if let Err(e) = self.check_before_request() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// A new connection whose [`Guarded`] stream is armed once the connection
/// is ready for requests (its TLS handshake and proxy tunnel done).
pub trait Armable {
    /// Arms the [`Guarded`] stream under the connection.
    fn arm(&mut self);
}

impl Armable for TokioIo<Guarded> {
    fn arm(&mut self) {
        self.inner_mut().arm();
    }
}

impl<T: Armable> Armable for hyper_rustls::MaybeHttpsStream<T> {
    fn arm(&mut self) {
        match self {
            hyper_rustls::MaybeHttpsStream::Http(io) => io.arm(),
            hyper_rustls::MaybeHttpsStream::Https(tls) => {
                tls.inner_mut().get_mut().0.inner_mut().arm()
            }
        }
    }
}

impl Connection for Guarded {
    /// Without hyper-util's `HttpInfo` (the socket's addresses), which it
    /// would copy into every answer's extensions: two allocations a call
    /// that nothing reads.
    fn connected(&self) -> Connected {
        Connected::new().proxy(self.proxied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A server on loopback that reads a 5-byte request, answers `answer`,
    /// closes `close_after` later, and returns whatever it read after that.
    async fn one_answer_server(
        close_after: Duration,
    ) -> (std::net::SocketAddr, tokio::task::JoinHandle<Vec<u8>>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 5];
            s.read_exact(&mut buf).await.unwrap();
            s.write_all(b"answer").await.unwrap();
            tokio::time::sleep(close_after).await;
            s.shutdown().await.unwrap();
            let mut rest = Vec::new();
            s.read_to_end(&mut rest).await.unwrap_or_default();
            rest
        });
        (addr, server)
    }

    #[tokio::test]
    async fn a_write_after_the_peer_closed_is_refused_before_any_byte() {
        let (addr, server) = one_answer_server(Duration::ZERO).await;
        let habits = Arc::new(Habits::default());
        let mut c = Guarded::new(TcpStream::connect(addr).await.unwrap(), habits.clone());
        c.write_all(b"first").await.unwrap();
        let mut answer = [0u8; 6];
        c.read_exact(&mut answer).await.unwrap();
        // Wait until the close has arrived, then try a second request.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let err = c.write_all(b"second").await.unwrap_err();
        assert!(is_stale(&err), "{err}");
        assert!(habits.closes_after_answers());
        drop(c);
        assert!(
            server.await.unwrap().is_empty(),
            "nothing of the second request was sent"
        );
    }

    /// The server closes 100 ms after its answer, while the client's
    /// runtime is blocked for 200 ms (a long decode, a `block_on`), so its
    /// driver has not seen the close when the next request starts: tokio's
    /// readiness would say "nothing". The guard asks the socket then,
    /// because more than [`READINESS_HOLDS`] passed since the previous
    /// request.
    #[test]
    fn a_close_the_blocked_runtime_has_not_seen_is_found_in_the_socket() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (answered_tx, answered_rx) = std::sync::mpsc::channel();
        let server = std::thread::spawn(move || {
            use std::io::{Read, Write};
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0u8; 5];
            s.read_exact(&mut buf).unwrap();
            s.write_all(b"answer").unwrap();
            // Closed 100 ms after the client has its answer.
            answered_rx.recv().unwrap();
            std::thread::sleep(Duration::from_millis(100));
            s.shutdown(std::net::Shutdown::Write).unwrap();
            let mut rest = Vec::new();
            s.read_to_end(&mut rest).unwrap_or_default();
            rest
        });
        let habits = Arc::new(Habits::default());
        let err = rt.block_on(async {
            let mut c = Guarded::new(TcpStream::connect(addr).await.unwrap(), habits.clone());
            c.write_all(b"first").await.unwrap();
            // A read with room to spare, as hyper's: tokio then takes the
            // socket for drained and clears its readiness.
            let mut answer = [0u8; 64];
            assert_eq!(c.read(&mut answer).await.unwrap(), 6);
            // Block the runtime: the close arrives, and no driver turn
            // sees it before the next write.
            answered_tx.send(()).unwrap();
            std::thread::sleep(Duration::from_millis(200));
            let err = c.write_all(b"second").await.unwrap_err();
            drop(c);
            err
        });
        assert!(is_stale(&err), "{err}");
        assert!(
            server.join().unwrap().is_empty(),
            "nothing of the second request was sent"
        );
    }

    /// A task that has spent its cooperative budget still gets the check:
    /// asking tokio's readiness through a budgeted call would say
    /// "pending", and the request would go out unchecked.
    #[tokio::test]
    async fn a_spent_task_budget_does_not_skip_the_check() {
        let (addr, server) = one_answer_server(Duration::ZERO).await;
        let habits = Arc::new(Habits::default());
        let mut c = Guarded::new(TcpStream::connect(addr).await.unwrap(), habits);
        c.write_all(b"first").await.unwrap();
        let mut answer = [0u8; 64];
        assert_eq!(c.read(&mut answer).await.unwrap(), 6);
        // The driver sees the close (well within READINESS_HOLDS).
        tokio::time::sleep(Duration::from_millis(2)).await;
        // Spend the task's budget, then start the next request in the same
        // poll.
        let outcome = std::future::poll_fn(|cx| {
            while let Poll::Ready(restore) = tokio::task::coop::poll_proceed(cx) {
                restore.made_progress();
            }
            Poll::Ready(Pin::new(&mut c).poll_write(cx, b"second"))
        })
        .await;
        let err = match outcome {
            Poll::Ready(Err(e)) => e,
            _ => c
                .write_all(b"second")
                .await
                .expect_err("the check was skipped: the request went out"),
        };
        assert!(is_stale(&err), "{err}");
        drop(c);
        assert!(
            server.await.unwrap().is_empty(),
            "nothing of the second request was sent"
        );
    }

    /// A close read long after the answer is no habit, also when something
    /// is written after it (TLS writes its `close_notify` as the connection
    /// shuts down): the write is refused, and nothing is learnt.
    #[tokio::test]
    async fn a_late_close_teaches_no_habit() {
        let (addr, server) = one_answer_server(RIGHT_AFTER + Duration::from_millis(100)).await;
        let habits = Arc::new(Habits::default());
        let mut c = Guarded::new(TcpStream::connect(addr).await.unwrap(), habits.clone());
        c.write_all(b"first").await.unwrap();
        let mut answer = [0u8; 64];
        assert_eq!(c.read(&mut answer).await.unwrap(), 6);
        // The idle connection's close, read as hyper's idle read does.
        assert_eq!(c.read(&mut answer).await.unwrap(), 0);
        let err = c.write_all(b"bye").await.unwrap_err();
        assert!(is_stale(&err), "{err}");
        assert!(!habits.closes_after_answers());
        drop(c);
        assert!(server.await.unwrap().is_empty());
    }

    /// A disarmed stream (a TLS handshake under way) lets the client write
    /// while the server is still sending; armed, the same is refused.
    #[tokio::test]
    async fn a_disarmed_stream_is_not_guarded_until_armed() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 5];
            s.read_exact(&mut buf).await.unwrap();
            // Two pieces of one flight: the client reads the first and
            // answers while the second is in its socket.
            s.write_all(b"flight-1").await.unwrap();
            s.write_all(b"flight-2").await.unwrap();
            let mut got = [0u8; 5];
            s.read_exact(&mut got).await.unwrap();
            s.write_all(b"answer").await.unwrap();
            s.shutdown().await.unwrap();
            let mut rest = Vec::new();
            s.read_to_end(&mut rest).await.unwrap_or_default();
            (got, rest)
        });
        let habits = Arc::new(Habits::default());
        let mut c =
            Guarded::new(TcpStream::connect(addr).await.unwrap(), habits.clone()).disarmed();
        c.write_all(b"hello").await.unwrap();
        let mut first = [0u8; 8];
        c.read_exact(&mut first).await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
        c.write_all(b"reply").await.unwrap();
        let mut second = [0u8; 8];
        c.read_exact(&mut second).await.unwrap();
        assert!(!habits.closes_after_answers());
        c.arm();
        let mut answer = [0u8; 6];
        c.read_exact(&mut answer).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        let err = c.write_all(b"next").await.unwrap_err();
        assert!(is_stale(&err), "{err}");
        drop(c);
        let (got, rest) = server.await.unwrap();
        assert_eq!(&got, b"reply");
        assert!(
            rest.is_empty(),
            "nothing of the request after the close was sent"
        );
    }
}
