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
//! operation (Go's `net/http` draws the same line). The socket itself is
//! asked, not tokio's readiness, which may not have seen the close yet.
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
    /// The socket itself is asked (a non-blocking `MSG_PEEK`), not tokio's
    /// readiness: on a runtime that was busy or blocked when the close
    /// arrived, the driver has not seen it yet, and its readiness would say
    /// "nothing" while the FIN sits in the socket.
    fn check_before_request(&mut self) -> io::Result<()> {
        if !self.reused {
            return Ok(());
        }
        let mut probe = [std::mem::MaybeUninit::<u8>::uninit(); 1];
        let peeked = loop {
            match socket2::SockRef::from(&self.stream).peek(&mut probe) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        match peeked {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.reused = false;
                Ok(())
            }
            // Its close (0), anything it said, or a reset.
            Ok(_) | Err(_) => {
                self.habits.note_close_after_answer();
                Err(io::Error::new(
                    io::ErrorKind::ConnectionAborted,
                    StaleConnection,
                ))
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

impl Connection for Guarded {
    fn connected(&self) -> Connected {
        self.stream.connected().proxy(self.proxied)
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
}
