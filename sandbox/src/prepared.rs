//! Answers kept encoded: `/accounts/get` and `/user/items/get` answer the same document to every
//! request for an Item or a user until its state changes, so the sandbox encodes it once and
//! sends the bytes with each request's own id spliced in, instead of building and encoding it
//! per request (the generated server's `ServiceBasics::prepared_answer`).
//!
//! Each answer is filed under what it was built from (`key`): an Item or a user whose state
//! changed builds a different key, so a stale answer is never sent. The cache holds at most
//! [`SLOTS`] answers per operation (a few megabytes at most), whatever the number of Items.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::http::HeaderValue;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use http_body::{Frame, SizeHint};
use serde::Serialize;

/// Answers kept per operation; an index shares its slot with every index equal modulo this.
pub const SLOTS: usize = 1024;

/// The JSON that ends every answer built with an empty request id, which is its last field.
const EMPTY_ID_END: &[u8] = br#""request_id":""}"#;

/// Encoded answers of one operation, by the index of the Item or user they answer for.
pub struct Prepared<K> {
    slots: Box<[Mutex<Option<Slot<K>>>]>,
}

struct Slot<K> {
    index: u64,
    key: K,
    /// The answer up to its request id's opening quote.
    head: Bytes,
}

impl<K: PartialEq> Prepared<K> {
    pub fn new() -> Self {
        Self {
            slots: (0..SLOTS).map(|_| Mutex::new(None)).collect(),
        }
    }

    /// The answer for `index` in the state `key`, with `request_id` in it: the kept one if it
    /// was built from an equal key, else `build` (from the key) encoded
    /// with an empty request id, and kept.
    /// `None` when `build` gives nothing or the answer cannot carry the id this way (the caller
    /// then builds it as usual).
    pub fn answer<T: Serialize>(
        &self,
        index: u64,
        key: K,
        request_id: &str,
        build: impl FnOnce(&K) -> Option<T>,
    ) -> Option<Response> {
        // Sandbox request ids are alphanumeric: nothing in them needs escaping in JSON.
        if !request_id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        let slot = &self.slots[(index % SLOTS as u64) as usize];
        let kept = slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .filter(|kept| kept.index == index && kept.key == key)
            .map(|kept| kept.head.clone());
        let head = match kept {
            Some(head) => head,
            None => {
                let mut encoded = serde_json::to_vec(&build(&key)?).ok()?;
                if !encoded.ends_with(EMPTY_ID_END) {
                    return None;
                }
                encoded.truncate(encoded.len() - 2);
                let head = Bytes::from(encoded);
                *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(Slot {
                    index,
                    key,
                    head: head.clone(),
                });
                head
            }
        };
        let body = Spliced {
            pieces: [
                head,
                Bytes::copy_from_slice(request_id.as_bytes()),
                Bytes::from_static(b"\"}"),
            ],
            sent: 0,
        };
        Some(
            (
                [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
                Body::new(body),
            )
                .into_response(),
        )
    }
}

/// A kept answer, the request's id and the answer's end, sent one after another: the kept
/// part (kilobytes) is shared, never copied per request.
struct Spliced {
    pieces: [Bytes; 3],
    sent: usize,
}

impl http_body::Body for Spliced {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = &mut *self;
        while let Some(piece) = this.pieces.get_mut(this.sent) {
            this.sent += 1;
            if !piece.is_empty() {
                return Poll::Ready(Some(Ok(Frame::data(std::mem::take(piece)))));
            }
        }
        Poll::Ready(None)
    }

    fn is_end_stream(&self) -> bool {
        self.pieces[self.sent.min(3)..].iter().all(Bytes::is_empty)
    }

    fn size_hint(&self) -> SizeHint {
        let left = self.pieces[self.sent.min(3)..]
            .iter()
            .map(Bytes::len)
            .sum::<usize>();
        SizeHint::with_exact(left as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Answer {
        value: u32,
        request_id: String,
    }

    /// The body, checked to be announced at its exact length (sent with a Content-Length,
    /// not chunked).
    async fn text(response: Response) -> String {
        let announced = http_body::Body::size_hint(response.body()).exact();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        assert_eq!(announced, Some(bytes.len() as u64));
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn an_answer_is_rebuilt_when_its_key_changes_and_kept_while_it_does_not() {
        let prepared = Prepared::new();
        let built = std::cell::Cell::new(0);
        let build = |value| {
            built.set(built.get() + 1);
            Some(Answer {
                value,
                request_id: String::new(),
            })
        };
        let first = prepared.answer(3, 1, "abc", |_| build(1)).unwrap();
        assert_eq!(text(first).await, r#"{"value":1,"request_id":"abc"}"#);
        let again = prepared.answer(3, 1, "xyz", |_| build(99)).unwrap();
        assert_eq!(text(again).await, r#"{"value":1,"request_id":"xyz"}"#);
        assert_eq!(built.get(), 1);
        let changed = prepared.answer(3, 2, "xyz", |key| build(*key)).unwrap();
        assert_eq!(text(changed).await, r#"{"value":2,"request_id":"xyz"}"#);
        // Another index in the same slot is not answered from it.
        let other = prepared
            .answer(3 + SLOTS as u64, 2, "q", |_| build(7))
            .unwrap();
        assert_eq!(text(other).await, r#"{"value":7,"request_id":"q"}"#);
        assert_eq!(built.get(), 3);
    }

    #[test]
    fn a_request_id_that_would_need_escaping_is_left_to_the_usual_path() {
        let prepared = Prepared::new();
        let answer = prepared.answer(0, (), "a\"b", |_| {
            Some(Answer {
                value: 1,
                request_id: String::new(),
            })
        });
        assert!(answer.is_none());
    }
}
