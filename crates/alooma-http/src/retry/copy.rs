//! [`RequestCopy`]: the one copy of a request the retry layer keeps, to
//! send it again.
//!
//! Most calls are never sent again, so the copy is made cheap to keep and
//! pays at a resend instead. Its head (method, URI, version, headers) and
//! body are copied as they are. Its extensions are what costs: a clone of
//! `http::Extensions` allocates a map and a box per value. When every
//! extension is one the transport itself puts there ([`OperationMeta`],
//! [`TimeoutOverride`], [`SensitiveBody`], [`Deadline`]), their values are
//! kept as plain fields and inserted again only for a resend; a request
//! carrying any other extension (a caller's own) keeps a full clone, so
//! nothing is ever lost.

use crate::meta::Deadline;
use alooma_core::auth::SensitiveBody;
use alooma_core::{OperationMeta, TimeoutOverride};
use bytes::Bytes;
use http::{Extensions, Request};

/// The retry layer's copy of a request; [`RequestCopy::request`] makes
/// each resend.
#[derive(Debug)]
pub(crate) struct RequestCopy {
    /// The head and body, with no extensions.
    bare: Request<Bytes>,
    extensions: Kept,
}

/// A request's extensions as the copy keeps them.
#[derive(Debug)]
enum Kept {
    /// Only the transport's own extensions, by value.
    Known {
        meta: Option<OperationMeta>,
        timeout: Option<TimeoutOverride>,
        sensitive: Option<SensitiveBody>,
        deadline: Option<Deadline>,
    },
    /// Some other extension too: a full clone.
    All(Extensions),
}

impl RequestCopy {
    /// A copy of `req`.
    pub(crate) fn of(req: &Request<Bytes>) -> Self {
        let mut bare = Request::new(req.body().clone());
        *bare.method_mut() = req.method().clone();
        *bare.uri_mut() = req.uri().clone();
        *bare.version_mut() = req.version();
        *bare.headers_mut() = req.headers().clone();
        let ext = req.extensions();
        let meta = ext.get::<OperationMeta>().copied();
        let timeout = ext.get::<TimeoutOverride>().copied();
        let sensitive = ext.get::<SensitiveBody>().copied();
        let deadline = ext.get::<Deadline>().copied();
        let known = usize::from(meta.is_some())
            + usize::from(timeout.is_some())
            + usize::from(sensitive.is_some())
            + usize::from(deadline.is_some());
        let extensions = if known == ext.len() {
            Kept::Known {
                meta,
                timeout,
                sensitive,
                deadline,
            }
        } else {
            Kept::All(ext.clone())
        };
        RequestCopy { bare, extensions }
    }

    /// The request again, extensions and all.
    pub(crate) fn request(&self) -> Request<Bytes> {
        let mut req = self.bare.clone();
        match &self.extensions {
            Kept::Known {
                meta,
                timeout,
                sensitive,
                deadline,
            } => {
                let ext = req.extensions_mut();
                if let Some(v) = meta {
                    ext.insert(*v);
                }
                if let Some(v) = timeout {
                    ext.insert(*v);
                }
                if let Some(v) = sensitive {
                    ext.insert(*v);
                }
                if let Some(v) = deadline {
                    ext.insert(*v);
                }
            }
            Kept::All(all) => *req.extensions_mut() = all.clone(),
        }
        req
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alooma_core::RetrySafety;
    use std::time::Duration;

    fn request() -> Request<Bytes> {
        let mut req = Request::post("http://127.0.0.1/acme/rest/inputs")
            .header("accept", "application/json")
            .header("x-one", "1")
            .body(Bytes::from_static(b"{\"name\":\"a\"}"))
            .unwrap();
        *req.version_mut() = http::Version::HTTP_10;
        req.extensions_mut().insert(OperationMeta::new(
            "create_input",
            RetrySafety::NotIdempotent,
        ));
        req.extensions_mut()
            .insert(TimeoutOverride(Duration::from_secs(7)));
        req.extensions_mut().insert(SensitiveBody);
        req.extensions_mut().insert(Deadline::new(
            tokio::time::Instant::now(),
            Duration::from_secs(9),
        ));
        req
    }

    fn same(a: &Request<Bytes>, b: &Request<Bytes>) {
        assert_eq!(a.method(), b.method());
        assert_eq!(a.uri(), b.uri());
        assert_eq!(a.version(), b.version());
        assert_eq!(a.headers(), b.headers());
        assert_eq!(a.body(), b.body());
        assert_eq!(a.extensions().len(), b.extensions().len());
        assert_eq!(
            a.extensions().get::<OperationMeta>(),
            b.extensions().get::<OperationMeta>()
        );
        assert_eq!(
            a.extensions().get::<TimeoutOverride>(),
            b.extensions().get::<TimeoutOverride>()
        );
        assert_eq!(
            a.extensions().get::<SensitiveBody>(),
            b.extensions().get::<SensitiveBody>()
        );
        assert_eq!(
            a.extensions().get::<Deadline>(),
            b.extensions().get::<Deadline>()
        );
    }

    #[test]
    fn a_resend_is_the_request_with_every_extension() {
        let req = request();
        let copy = RequestCopy::of(&req);
        assert!(matches!(copy.extensions, Kept::Known { .. }));
        same(&copy.request(), &req);
        same(&copy.request(), &req);
        // Without any extension, none comes back.
        let bare = Request::new(Bytes::new());
        assert_eq!(RequestCopy::of(&bare).request().extensions().len(), 0);
    }

    #[test]
    fn a_callers_own_extension_is_kept_too() {
        #[derive(Debug, Clone, PartialEq)]
        struct Mine(String);
        let mut req = request();
        req.extensions_mut().insert(Mine("tag".into()));
        let copy = RequestCopy::of(&req);
        assert!(matches!(copy.extensions, Kept::All(_)));
        let again = copy.request();
        same(&again, &req);
        assert_eq!(again.extensions().get::<Mine>(), Some(&Mine("tag".into())));
    }
}
