//! Accepting connections: how many at once, and how long a peer may take or stay silent.
//!
//! `axum::serve` sets no timer, so a client that sends its headers a byte at a time, or opens
//! connections and says nothing, holds them forever. Here every connection is served by
//! hyper with a header-read timeout and watched for idleness, and the connections served at
//! once are bounded by a budget (`--max-connections`).
//!
//! The listener is always accepted from, so the listen backlog never fills and a newcomer is
//! never left waiting in it. When the budget is full, the connection idle the longest (no
//! request in flight) is closed to make room: an idle connection costs a few KiB, but a flood
//! of them must not lock out a client with a request to make. A connection is idle from its
//! accept, or from the moment its last answer was handed to hyper, until its next request's
//! head has arrived; a half-sent head does not make it busy, so neither can a slow-header
//! client pin its slot. An evicted connection that has never been asked anything is closed at
//! once; one that has is shut down gracefully, so that a request arriving in the meantime is
//! answered before it closes and an answer still being written is finished. When every served
//! connection has a request in flight, newcomers are answered 503 (`SANDBOX_BUSY`, with
//! `Retry-After`) and closed; at most [`REFUSING_AT_ONCE`] at a time, beyond which a newcomer
//! is closed unanswered. Nobody waits for a timeout to free a slot.
//!
//! Each request's two changes of state (busy, then idle again) are one atomic store on its
//! connection, without a lock: a connection that becomes idle takes the next number of a
//! counter, so the longest-idle one has the smallest. Finding it looks at every served
//! connection under the table's lock, which only happens when the budget is full.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::body::Body;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::Limits;

/// Connections answered 503 at the same time while every served one has a request in flight.
/// Each lives one short answer (or until the header-read or idle timeout if its peer says
/// nothing); past this many a newcomer is closed unanswered, so that refusing costs little.
pub const REFUSING_AT_ONCE: usize = 64;

/// Serves `router` on `listener` until `shutdown` completes. `refusal` answers the requests of
/// connections that arrive while every served connection has a request in flight.
pub async fn serve(
    listener: TcpListener,
    router: axum::Router,
    refusal: axum::Router,
    limits: &Limits,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let table = Arc::new(Table::new(limits.max_connections.max(1)));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        // hyper adds the timeout to the clock unchecked: a day is as good as forever here.
        .header_read_timeout(limits.header_read_timeout.min(Duration::from_secs(86_400)))
        .keep_alive(true);
    let mut refusing = http.clone();
    refusing.keep_alive(false);
    let idle_timeout = limits.idle_timeout;
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            () = &mut shutdown => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) if is_connection_error(&error) => continue,
                // Out of file descriptors, say: the longest-idle connection makes room (the
                // budget is then in effect the descriptor limit). Without one, wait for
                // connections to end rather than spin.
                Err(error) => {
                    match table.evict_longest_idle() {
                        Some(victim) => {
                            tracing::debug!(%error, "accept failed; closed the longest-idle connection");
                            let _ = tokio::time::timeout(
                                Duration::from_millis(100),
                                victim.closed.notified(),
                            )
                            .await;
                        }
                        None => {
                            tracing::warn!(%error, "accept failed; retrying in 100 ms");
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                    }
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        match table.admit() {
            Admission::Served(member) => {
                spawn_connection(
                    stream,
                    &http,
                    router.clone(),
                    &table,
                    member,
                    idle_timeout,
                    None,
                );
            }
            Admission::Refused(refused) => spawn_connection(
                stream,
                &refusing,
                refusal.clone(),
                &table,
                Arc::new(Member::new(u64::MAX, GONE)),
                idle_timeout,
                Some(refused),
            ),
            // Dropping the stream closes it.
            Admission::Closed => {}
        }
    }
}

/// Serves one connection until it ends, is idle too long, or is evicted. `refused` is held
/// for the connection's life.
fn spawn_connection(
    stream: TcpStream,
    http: &http1::Builder,
    router: axum::Router,
    table: &Arc<Table>,
    member: Arc<Member>,
    idle_timeout: Duration,
    refused: Option<Refused>,
) {
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Watched {
        stream,
        activity: activity.clone(),
    });
    let service = Tracked {
        inner: TowerToHyperService::new(router),
        table: table.clone(),
        member: member.clone(),
    };
    let connection = http.serve_connection(io, service);
    let table = table.clone();
    tokio::spawn(async move {
        {
            tokio::pin!(connection);
            let mut closing = false;
            loop {
                // A timeout too long to add means no idle limit in practice.
                let deadline = activity
                    .last()
                    .checked_add(idle_timeout)
                    .unwrap_or_else(|| Instant::now() + Duration::from_secs(86_400 * 365));
                tokio::select! {
                    _ = &mut connection => break,
                    () = member.evict.notified(), if !closing => {
                        // hyper serves each request inside this task, so no request can have
                        // started between this check and the close.
                        if !member.asked.load(Ordering::Relaxed) {
                            break;
                        }
                        // Finishes a request that arrived since the eviction, and the rest of
                        // an answer hyper has not written yet, then closes.
                        connection.as_mut().graceful_shutdown();
                        closing = true;
                    }
                    () = tokio::time::sleep_until(deadline) => {
                        if activity.last().checked_add(idle_timeout).is_some_and(|at| at <= Instant::now()) {
                            break;
                        }
                    }
                }
            }
            // Dropping the connection here closes the socket.
        }
        table.leave(&member);
        member.closed.notify_one();
        drop(refused);
    });
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

/// A `Member`'s place: not counted against the budget any more (evicted, closed, or never
/// counted: a refused connection).
const GONE: u64 = u64::MAX;
/// A `Member`'s place: counted, with a request in flight.
const BUSY: u64 = 0;

/// The connections served.
struct Table {
    budget: usize,
    inner: Mutex<Inner>,
    /// The place of the next connection to become idle: larger than every place before it.
    next_idle: AtomicU64,
}

struct Inner {
    /// Connections counted against the budget (idle or busy, not gone), by `Member::id`.
    served: HashMap<u64, Arc<Member>>,
    /// The next `Member::id`.
    next_id: u64,
    /// Connections being answered 503.
    refusing: usize,
}

/// One served connection, as the table and the connection's task see it.
struct Member {
    /// Its key in `Inner::served`.
    id: u64,
    /// When it became idle (a number from `Table::next_idle`) while idle, else `BUSY` or
    /// `GONE`. Leaves `GONE` never; becomes `GONE` only under the table's lock.
    place: AtomicU64,
    /// Whether hyper has ever handed it a request. Written and read in the connection's task.
    asked: AtomicBool,
    /// Tells the connection's task it was evicted.
    evict: Notify,
    /// Tells the accept loop the connection's socket is closed.
    closed: Notify,
}

impl Member {
    fn new(id: u64, place: u64) -> Self {
        Self {
            id,
            place: AtomicU64::new(place),
            asked: AtomicBool::new(false),
            evict: Notify::new(),
            closed: Notify::new(),
        }
    }

    /// Moves `place` to `to` unless the member is gone.
    fn move_to(&self, to: u64) {
        let _ = self
            .place
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |place| {
                (place != GONE).then_some(to)
            });
    }
}

enum Admission {
    Served(Arc<Member>),
    Refused(Refused),
    Closed,
}

/// A connection being answered 503: counted in `Inner::refusing` until dropped.
struct Refused {
    table: Arc<Table>,
}

impl Drop for Refused {
    fn drop(&mut self) {
        self.table.lock().refusing -= 1;
    }
}

impl Table {
    fn new(budget: usize) -> Self {
        Self {
            budget,
            inner: Mutex::new(Inner {
                served: HashMap::new(),
                next_id: 0,
                refusing: 0,
            }),
            next_idle: AtomicU64::new(BUSY + 1),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Nothing panics under the lock; were it poisoned, the counts are still whole.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether a newly accepted connection is served, refused or closed. At the budget, the
    /// longest-idle connection gives its place to the newcomer.
    fn admit(self: &Arc<Self>) -> Admission {
        let mut inner = self.lock();
        if inner.served.len() >= self.budget && inner.evict_longest_idle().is_none() {
            return if inner.refusing < REFUSING_AT_ONCE {
                inner.refusing += 1;
                Admission::Refused(Refused {
                    table: self.clone(),
                })
            } else {
                Admission::Closed
            };
        }
        let id = inner.next_id;
        inner.next_id += 1;
        let member = Arc::new(Member::new(id, self.idle_place()));
        inner.served.insert(id, member.clone());
        Admission::Served(member)
    }

    fn idle_place(&self) -> u64 {
        // 2^64 requests do not happen; were they to, the order would wrap, nothing worse.
        self.next_idle
            .fetch_add(1, Ordering::Relaxed)
            .clamp(BUSY + 1, GONE - 1)
    }

    /// Evicts the longest-idle connection, if any is idle.
    fn evict_longest_idle(&self) -> Option<Arc<Member>> {
        self.lock().evict_longest_idle()
    }

    /// A request's head has arrived on `member`.
    fn busy(&self, member: &Member) {
        member.move_to(BUSY);
    }

    /// `member`'s answer has been handed to hyper, or its request abandoned.
    fn idle(&self, member: &Member) {
        member.move_to(self.idle_place());
    }

    /// `member`'s connection is closed.
    fn leave(&self, member: &Member) {
        let mut inner = self.lock();
        if member.place.swap(GONE, Ordering::AcqRel) != GONE {
            inner.served.remove(&member.id);
        }
    }
}

impl Inner {
    fn evict_longest_idle(&mut self) -> Option<Arc<Member>> {
        loop {
            let (place, victim) = self
                .served
                .values()
                .map(|member| (member.place.load(Ordering::Acquire), member))
                .filter(|&(place, _)| place != BUSY && place != GONE)
                .min_by_key(|&(place, _)| place)?;
            // It may have become busy (or idle again, later) since it was looked at: then
            // look again.
            if victim
                .place
                .compare_exchange(place, GONE, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                let victim = victim.clone();
                self.served.remove(&victim.id);
                victim.evict.notify_one();
                return Some(victim);
            }
        }
    }
}

/// The router as hyper's service, noting on the connection's `Member` when a request is in
/// flight: from its head's arrival until its answer's body is dropped by hyper (fully handed
/// over) or the request is abandoned.
struct Tracked<S> {
    inner: S,
    table: Arc<Table>,
    member: Arc<Member>,
}

impl<S> hyper::service::Service<Request<Incoming>> for Tracked<S>
where
    S: hyper::service::Service<Request<Incoming>, Response = Response<Body>>,
{
    type Response = Response<Answer>;
    type Error = S::Error;
    type Future = Answering<S::Future>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        self.member.asked.store(true, Ordering::Relaxed);
        self.table.busy(&self.member);
        Answering {
            inner: self.inner.call(request),
            busy: Some(Busy {
                table: self.table.clone(),
                member: self.member.clone(),
            }),
        }
    }
}

/// A request in flight on a connection: makes it idle again when dropped.
struct Busy {
    table: Arc<Table>,
    member: Arc<Member>,
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.table.idle(&self.member);
    }
}

pin_project_lite::pin_project! {
    /// The router's answer to come; hands `Busy` on to the answer's body.
    struct Answering<F> {
        #[pin]
        inner: F,
        busy: Option<Busy>,
    }
}

impl<F, E> Future for Answering<F>
where
    F: Future<Output = Result<Response<Body>, E>>,
{
    type Output = Result<Response<Answer>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let answer = ready!(this.inner.poll(cx));
        let busy = this.busy.take();
        Poll::Ready(answer.map(|response| response.map(|body| Answer { body, _busy: busy })))
    }
}

/// An answer's body, holding its connection busy until hyper drops it.
struct Answer {
    body: Body,
    _busy: Option<Busy>,
}

impl http_body::Body for Answer {
    type Data = <Body as http_body::Body>::Data;
    type Error = <Body as http_body::Body>::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn served(admission: Admission) -> Arc<Member> {
        match admission {
            Admission::Served(member) => member,
            Admission::Refused(_) | Admission::Closed => panic!("not served"),
        }
    }

    #[test]
    fn the_longest_idle_goes_first_and_a_busy_one_never() {
        let table = Arc::new(Table::new(3));
        let [a, b, c] = [(); 3].map(|()| served(table.admit()));
        // a answers a request: it is now the most recently idle.
        table.busy(&a);
        table.idle(&a);
        // c has a request in flight.
        table.busy(&c);
        let d = served(table.admit());
        assert_eq!(b.place.load(Ordering::Relaxed), GONE);
        let e = served(table.admit());
        assert_eq!(a.place.load(Ordering::Relaxed), GONE);
        // c is busy; of the idle d and e, d has been idle longer.
        let _f = served(table.admit());
        assert_eq!(d.place.load(Ordering::Relaxed), GONE);
        assert_ne!(c.place.load(Ordering::Relaxed), GONE);
        assert_ne!(e.place.load(Ordering::Relaxed), GONE);
        // An evicted connection that finishes a request does not come back.
        table.idle(&b);
        assert_eq!(b.place.load(Ordering::Relaxed), GONE);
        table.leave(&c);
        assert_eq!(table.lock().served.len(), 2);
    }

    #[test]
    fn with_every_connection_busy_a_newcomer_is_refused() {
        let table = Arc::new(Table::new(1));
        let only = served(table.admit());
        table.busy(&only);
        assert!(matches!(table.admit(), Admission::Refused(_)));
    }
}
