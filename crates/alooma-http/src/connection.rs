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
//! The check cannot see a close that arrives after the request went out.
//! So the guard also learns the server's habit: a server seen closing
//! connections right after its answers ([`Habits`]) keeps no connection
//! worth reusing, and the client then asks for `Connection: close` on every
//! request for a while, so each request gets a connection of its own and
//! the race is gone (the server closes them anyway; nothing is lost).

use hyper_util::client::legacy::connect::{Connected, Connection};
use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// A close this soon after the answer's last byte is "right after it".
const RIGHT_AFTER: Duration = Duration::from_millis(250);
/// How long after a request tokio's readiness is trusted to show the
/// server's close: a server that closes connections sooner than this after
/// an answer closes them "right after" it ([`RIGHT_AFTER`]), which
/// [`Habits`] handles.
const READINESS_HOLDS: Duration = RIGHT_AFTER;
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
            habits,
            proxied: false,
        }
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
    /// is asked (no system call unless it saw the socket readable): a
    /// server that closes idle connections after that long cannot have
    /// closed this one yet, and a close that came sooner arrived with the
    /// answer or while the runtime ran. Later, the socket itself is asked (a
    /// non-blocking `MSG_PEEK`): on a runtime that was busy or blocked when
    /// the close arrived, the driver has not seen it yet, and its readiness
    /// would say "nothing" while the FIN sits in the socket.
    fn check_before_request(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
        if !self.reused {
            if self.last_request.is_none() {
                // The connection's first request.
                self.last_request = Some(std::time::Instant::now());
            }
            return Ok(());
        }
        // The real clock, also under tokio's paused test clock: the question
        // is how long the server may have had.
        let now = std::time::Instant::now();
        let recent = self
            .last_request
            .is_some_and(|at| now.saturating_duration_since(at) < READINESS_HOLDS);
        let spoke = if recent {
            let mut probe = [0u8; 1];
            let mut buf = ReadBuf::new(&mut probe);
            self.stream.poll_peek(cx, &mut buf).is_ready()
        } else {
            self.socket_spoke()
        };
        if spoke {
            self.habits.note_close_after_answer();
            return Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                StaleConnection,
            ));
        }
        self.reused = false;
        self.last_request = Some(now);
        Ok(())
    }

    /// Whether the socket holds anything (its close, anything the server
    /// said, or a reset), asked with a non-blocking `MSG_PEEK`.
    fn socket_spoke(&self) -> bool {
        let mut probe = [std::mem::MaybeUninit::<u8>::uninit(); 1];
        loop {
            match socket2::SockRef::from(&self.stream).peek(&mut probe) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return false,
                Ok(_) | Err(_) => return true,
            }
        }
    }
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
            if buf.filled().len() > before {
                self.reused = true;
                self.last_read = Some(Instant::now());
            } else if had_room && self.last_read.is_some_and(|t| t.elapsed() < RIGHT_AFTER) {
                // The server closed the connection right after answering.
                self.habits.note_close_after_answer();
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
        if let Err(e) = self.check_before_request(cx) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.stream).poll_write(cx, data)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if let Err(e) = self.check_before_request(cx) {
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

    #[tokio::test]
    async fn a_write_after_the_peer_closed_is_refused_before_any_byte() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 5];
            s.read_exact(&mut buf).await.unwrap();
            s.write_all(b"answer").await.unwrap();
            s.shutdown().await.unwrap();
            let mut rest = Vec::new();
            s.read_to_end(&mut rest).await.unwrap_or_default();
            rest
        });
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

    /// The close arrives while the runtime is blocked, so its driver has
    /// not seen it when the next request starts: tokio's readiness would
    /// say "nothing". The guard asks the socket then, because more than
    /// [`READINESS_HOLDS`] passed since the previous request.
    #[test]
    fn a_close_the_blocked_runtime_has_not_seen_is_found_in_the_socket() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (close_tx, close_rx) = std::sync::mpsc::channel();
        let server = std::thread::spawn(move || {
            use std::io::{Read, Write};
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0u8; 5];
            s.read_exact(&mut buf).unwrap();
            s.write_all(b"answer").unwrap();
            // Closed once the client has its answer, while it is blocked.
            close_rx.recv().unwrap();
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
            close_tx.send(()).unwrap();
            std::thread::sleep(READINESS_HOLDS + Duration::from_millis(100));
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
}
