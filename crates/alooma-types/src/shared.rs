//! Decoding that shares the body: while [`decode_sharing`] runs, the
//! values that keep JSON text as it was read (a node's
//! [`Configuration`](crate::Configuration)) slice the body instead of
//! copying their text out of it.
//!
//! A big structure is mostly configuration text: sharing it keeps one copy
//! of that text in memory, the body's, instead of two while the structure
//! is decoded. The body then lives as long as any value slicing it;
//! [`Configuration::unshare`](crate::Configuration::unshare) copies a
//! value's text out, to let a body go while a few values are kept.

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

/// A whole JSON document that the values decoded from it may slice.
///
/// [`bytes`](Self::bytes) must give the same bytes for the body's whole
/// life: the values keep offsets into them. (Were they to change, a value
/// would read as unreadable text, never as other bytes of memory.)
///
/// ```
/// use alooma_types::{decode_sharing, Structure};
/// let body = r#"{"nodes":[{"id":"a","configuration":{"port":"5439"}}]}"#.to_owned();
/// let s: Structure = decode_sharing(body, |bytes| serde_json::from_slice(bytes)).unwrap();
/// assert_eq!(s.nodes()[0].configuration.get().unwrap().to_json(), r#"{"port":"5439"}"#);
/// ```
pub trait SharedBody:
    Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe + 'static
{
    /// The document's bytes (JSON text, so UTF-8).
    fn bytes(&self) -> &[u8];
}

impl SharedBody for String {
    fn bytes(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl SharedBody for Vec<u8> {
    fn bytes(&self) -> &[u8] {
        self
    }
}

/// A shared body behind one thin pointer.
type Body = Arc<Box<dyn SharedBody>>;

thread_local! {
    /// The body being decoded on this thread, while [`decode_sharing`] runs.
    static CURRENT: RefCell<Option<Body>> = const { RefCell::new(None) };
}

/// Runs `decode` on `body`'s bytes, letting the values it decodes slice
/// `body` instead of copying from it. `decode` parses the bytes it is given
/// (`serde_json::from_slice`, `from_str` of them); values read from other
/// input copy as usual.
pub fn decode_sharing<B: SharedBody, R>(body: B, decode: impl FnOnce(&[u8]) -> R) -> R {
    /// Puts back the body of an enclosing call, even if `decode` unwinds.
    struct Restore(Option<Body>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            let _ = CURRENT.try_with(|c| *c.borrow_mut() = previous);
        }
    }
    let body: Body = Arc::new(Box::new(body));
    let previous = CURRENT
        .try_with(|c| c.replace(Some(body.clone())))
        .ok()
        .flatten();
    let _restore = Restore(previous);
    decode(body.bytes())
}

/// JSON text kept as a slice of a shared body.
#[derive(Clone)]
pub(crate) struct SharedText {
    body: Body,
    start: u32,
    len: u32,
}

impl SharedText {
    /// `text` as a slice of the body being decoded on this thread, when it
    /// lies within it.
    pub(crate) fn within_current(text: &str) -> Option<Self> {
        CURRENT
            .try_with(|current| {
                let current = current.borrow();
                let body = current.as_ref()?;
                let bytes = body.bytes();
                let base = bytes.as_ptr() as usize;
                let at = text.as_ptr() as usize;
                let start = at.checked_sub(base)?;
                let end = start.checked_add(text.len())?;
                if end > bytes.len() {
                    return None;
                }
                Some(SharedText {
                    body: body.clone(),
                    start: u32::try_from(start).ok()?,
                    len: u32::try_from(text.len()).ok()?,
                })
            })
            .ok()
            .flatten()
    }

    /// The text (`None` cannot happen: it was text when it was sliced, and
    /// a body does not change). Its UTF-8 is checked again on each read, a
    /// pass over a configuration's few hundred bytes: the crate has no
    /// unsafe code to skip it.
    pub(crate) fn text(&self) -> Option<&str> {
        let start = self.start as usize;
        let bytes = self.body.bytes().get(start..start + self.len as usize)?;
        std::str::from_utf8(bytes).ok()
    }
}

impl fmt::Debug for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedText")
            .field("start", &self.start)
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}
