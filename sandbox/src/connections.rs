//! Accepting connections: how many at once, and how long a peer may take or stay silent.
//!
//! `axum::serve` sets no timer, so a client that sends its headers a byte at a time, or opens
//! connections and says nothing, holds them forever. Here every connection is served by
//! hyper with a header-read timeout, watched for idleness, and counted against a limit; a
//! slow or idle client loses its own connection within the timeouts, which frees its slot for
//! others. (A client that keeps every slot busy with real requests still fills the limit: all
//! peers are on loopback, so there is no per-peer share to enforce.)

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::Instant;

use crate::Limits;

/// Serves `router` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    router: axum::Router,
    limits: &Limits,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(
        limits.max_connections.clamp(1, Semaphore::MAX_PERMITS),
    ));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        // hyper adds the timeout to the clock unchecked: a day is as good as forever here.
        .header_read_timeout(limits.header_read_timeout.min(Duration::from_secs(86_400)))
        .keep_alive(true);
    let idle_timeout = limits.idle_timeout;
    tokio::pin!(shutdown);
    loop {
        // At the limit, new connections wait in the listen backlog until one ends.
        let slot = tokio::select! {
            () = &mut shutdown => return Ok(()),
            slot = slots.clone().acquire_owned() => slot.map_err(io::Error::other)?,
        };
        let stream = tokio::select! {
            () = &mut shutdown => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) if is_connection_error(&error) => continue,
                // Out of file descriptors, say: wait for connections to end rather than spin.
                Err(error) => {
                    tracing::warn!(%error, "accept failed; retrying in 100 ms");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let activity = Arc::new(Activity::new());
        let io = TokioIo::new(Watched {
            stream,
            activity: activity.clone(),
        });
        let connection = http.serve_connection(io, TowerToHyperService::new(router.clone()));
        tokio::spawn(async move {
            tokio::pin!(connection);
            loop {
                // A timeout too long to add means no idle limit in practice.
                let deadline = activity
                    .last()
                    .checked_add(idle_timeout)
                    .unwrap_or_else(|| Instant::now() + Duration::from_secs(86_400 * 365));
                tokio::select! {
                    _ = &mut connection => break,
                    () = tokio::time::sleep_until(deadline) => {
                        if activity.last().checked_add(idle_timeout).is_some_and(|at| at <= Instant::now()) {
                            // Dropping the connection closes the socket.
                            break;
                        }
                    }
                }
            }
            drop(slot);
        });
    }
}

/// Errors of one connection (reset before it was accepted), not of the listener.
fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// When a byte last moved on a connection, in either direction.
struct Activity {
    start: Instant,
    last_ms: AtomicU64,
}

impl Activity {
    fn new() -> Self {
        Self {
            start: Instant::now(),
            last_ms: AtomicU64::new(0),
        }
    }

    fn touch(&self) {
        let elapsed = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(elapsed, Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        self.start + Duration::from_millis(self.last_ms.load(Ordering::Relaxed))
    }
}

/// A TCP stream that notes every byte read or written in its `Activity`.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(written)) if written > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(written)) if written > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
