//! The vendor's envelope even for requests hyper could not parse.
//!
//! hyper answers a request it cannot parse (a malformed request line or header, a header over
//! the limit) on its own, with an empty body that no SDK can read, then closes the connection.
//! The reframer sits under hyper on the write side and follows the response stream (head,
//! then `content-length` bytes of body): a head that begins where no response of the service
//! is due is hyper's own, and is replaced by the same status's error envelope.

use super::conn::Activity;
use crate::request::new_request_id;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use tokio::io::AsyncWrite;
use zec_types::ErrorCode;
use zec_types::envelope::ErrorBody;

/// The longest response head the reframer waits for before giving up on following the
/// stream.
const MAX_HEAD: usize = 64 * 1024;

#[derive(Debug)]
enum Framing {
    /// At the start of a response head, or inside one (its bytes so far).
    Head(Vec<u8>),
    /// This many bytes of the current response (head and body) still to pass; with
    /// `produced`, the response is the service's (the activity hears when it is written).
    Forward { left: u64, produced: bool },
    /// The stream cannot be followed (no `content-length`): pass everything.
    Passthrough,
    /// hyper's own answer was replaced: whatever it writes after it is dropped.
    Discard,
}

#[derive(Debug)]
pub(super) struct Reframer {
    framing: Framing,
    /// Bytes accepted from hyper but not yet written to the socket.
    pending: Vec<u8>,
    written: usize,
}

impl Default for Reframer {
    fn default() -> Self {
        Self {
            framing: Framing::Head(Vec::new()),
            pending: Vec::new(),
            written: 0,
        }
    }
}

impl Reframer {
    /// Writes what is pending; ready when nothing is.
    pub fn poll_drain<S: AsyncWrite + Unpin>(
        &mut self,
        stream: &mut S,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<()>> {
        while self.written < self.pending.len() {
            let n = ready!(Pin::new(&mut *stream).poll_write(cx, &self.pending[self.written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.written += n;
        }
        self.pending.clear();
        self.written = 0;
        Poll::Ready(Ok(()))
    }

    pub fn poll_write<S: AsyncWrite + Unpin>(
        &mut self,
        stream: &mut S,
        activity: &Activity,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(self.poll_drain(stream, cx))?;
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        match &mut self.framing {
            Framing::Passthrough => Pin::new(stream).poll_write(cx, buf),
            Framing::Discard => Poll::Ready(Ok(buf.len())),
            Framing::Forward { left, produced } => {
                let take = (*left).min(buf.len() as u64) as usize;
                let n = ready!(Pin::new(stream).poll_write(cx, &buf[..take]))?;
                *left -= n as u64;
                if *left == 0 {
                    if *produced {
                        activity.response_written();
                    }
                    self.framing = Framing::Head(Vec::new());
                }
                Poll::Ready(Ok(n))
            }
            Framing::Head(acc) => {
                let before = acc.len();
                // The head's end may straddle the previous write.
                let scan_from = before.saturating_sub(3);
                let mut joined_owner;
                let joined: &[u8] = if before == 0 {
                    buf
                } else {
                    joined_owner = std::mem::take(acc);
                    joined_owner.extend_from_slice(buf);
                    &joined_owner
                };
                let Some(end) = find_head_end(joined, scan_from) else {
                    // The head is not whole yet: keep what came.
                    if joined.len() > MAX_HEAD {
                        self.pending = joined.to_vec();
                        self.framing = Framing::Passthrough;
                    } else {
                        self.framing = Framing::Head(joined.to_vec());
                    }
                    return Poll::Ready(Ok(buf.len()));
                };
                let head = &joined[..end];
                let next = decide(head, activity);
                let consumed_of_buf = end - before;
                match next {
                    Decision::Forward { body, produced } => {
                        let total = end as u64 + body;
                        if before == 0 {
                            // The common case: the head is whole in this write; pass it on
                            // with as much of the body as the write holds.
                            self.framing = Framing::Forward {
                                left: total,
                                produced,
                            };
                            return self.poll_write(stream, activity, cx, buf);
                        }
                        self.pending = head.to_vec();
                        self.framing = if body == 0 {
                            // Written with the pending head: counted as written now (a
                            // drain or eviction then waits for the flush, not for more).
                            if produced {
                                activity.response_written();
                            }
                            Framing::Head(Vec::new())
                        } else {
                            Framing::Forward {
                                left: body,
                                produced,
                            }
                        };
                    }
                    Decision::Passthrough => {
                        self.pending = head.to_vec();
                        self.framing = Framing::Passthrough;
                    }
                    Decision::Replace(bytes) => {
                        self.pending = bytes;
                        // hyper closes the connection after its own answers; nothing it
                        // writes after this is passed on. What is pending is written by
                        // the flush that follows.
                        self.framing = Framing::Discard;
                        let _ = self.poll_drain(stream, cx)?;
                        return Poll::Ready(Ok(buf.len()));
                    }
                }
                let _ = self.poll_drain(stream, cx)?;
                Poll::Ready(Ok(consumed_of_buf))
            }
        }
    }
}

fn find_head_end(bytes: &[u8], from: usize) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| from + p + 4)
}

enum Decision {
    /// A response to pass on: its head, then `body` bytes; `produced` by the service.
    Forward { body: u64, produced: bool },
    /// A response whose length the reframer cannot know.
    Passthrough,
    /// hyper's own answer, replaced by these bytes.
    Replace(Vec<u8>),
}

fn decide(head: &[u8], activity: &Activity) -> Decision {
    let status = head
        .get(9..12)
        .and_then(|s| std::str::from_utf8(s).ok())
        .and_then(|s| s.parse::<u16>().ok());
    let Some(status) = status else {
        return Decision::Passthrough;
    };
    // `100 Continue`: hyper's, but part of a request the service is serving.
    if (100..200).contains(&status) {
        return Decision::Forward {
            body: 0,
            produced: false,
        };
    }
    match activity.take_produced() {
        Some(has_body) => {
            if !has_body {
                return Decision::Forward {
                    body: 0,
                    produced: true,
                };
            }
            match content_length(head) {
                Some(n) => Decision::Forward {
                    body: n,
                    produced: true,
                },
                None => Decision::Passthrough,
            }
        }
        None => Decision::Replace(hyper_error_envelope(status)),
    }
}

fn content_length(head: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(head).ok()?;
    text.split("\r\n").skip(1).find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse().ok())
            .flatten()
    })
}

/// The envelope for a request hyper could not read, by the status hyper chose.
fn hyper_error_envelope(status: u16) -> Vec<u8> {
    let (code, message) = match status {
        431 => (
            ErrorCode::InvalidParameterExceedLength,
            "The request's header is larger than this server accepts.",
        ),
        414 => (
            ErrorCode::InvalidParameterExceedLength,
            "The request's URL is longer than this server accepts.",
        ),
        _ => (
            ErrorCode::InvalidParameterValue,
            "The request is not valid HTTP/1.1 (its request line or a header is malformed).",
        ),
    };
    let request_id = new_request_id();
    tracing::info!(
        target: "zecd::access",
        request_id = %request_id,
        status = code.http_status(),
        code = code.as_str(),
        "unparsable request"
    );
    let body = serde_json::to_vec(&ErrorBody {
        request_id: request_id.clone(),
        code: code.as_str().to_owned(),
        message: message.to_owned(),
    })
    .unwrap_or_default();
    let status = code.http_status();
    let reason = axum::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n\
         x-zc-request-id: {request_id}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(&body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_end_is_found_across_writes() {
        assert_eq!(find_head_end(b"HTTP/1.1 200 OK\r\n\r\nbody", 0), Some(19));
        assert_eq!(find_head_end(b"HTTP/1.1 200 OK\r\n", 0), None);
        let joined = b"HTTP/1.1 200 OK\r\n\r\n";
        assert_eq!(find_head_end(joined, 14), Some(19));
    }

    #[test]
    fn content_length_is_read_from_the_head() {
        let head =
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nContent-Length: 42\r\n\r\n";
        assert_eq!(content_length(head), Some(42));
        assert_eq!(content_length(b"HTTP/1.1 200 OK\r\n\r\n"), None);
    }

    #[test]
    fn hyper_errors_become_envelopes_with_the_tables_status() {
        let bytes = hyper_error_envelope(431);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{text}");
        let (_, body) = text.split_once("\r\n\r\n").unwrap();
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["code"], "INVALID_PARAMETER_EXCEED_LENGTH");
        assert!(v["requestId"].as_str().unwrap().starts_with('T'));
    }
}
