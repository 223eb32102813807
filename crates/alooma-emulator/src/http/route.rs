//! What a route is, and the macro each handler module declares its
//! routes with (collected by [`router`](super::router)).

use crate::domain::state::State;
use crate::http::reply::{Outcome, Req};

/// A handler: the state, the request, and the path's captured segments
/// (the `{…}` of its template, in order, decoded).
pub(crate) type Handler = fn(&mut State, &Req<'_>, &[&str]) -> Outcome;

/// One route: a method, a path template under the REST root
/// (`event-types/{name}/mapping`), the operation it serves (the reference
/// client's method name, what the request journal records) and its
/// handler.
pub(crate) struct Route {
    /// The handler module that declares it (`…::handlers::inputs`).
    pub(crate) module: &'static str,
    pub(crate) method: &'static str,
    pub(crate) path: &'static str,
    pub(crate) operation: &'static str,
    pub(crate) handler: Handler,
}

impl Route {
    /// The API area it belongs to: its handler module's name (`inputs`).
    pub(crate) fn area(&self) -> &'static str {
        self.module.rsplit("::").next().unwrap_or(self.module)
    }
}

/// Declares an area module's `ROUTES`:
/// `METHOD "template" as operation_name => handler,`.
macro_rules! route_table {
    ($($method:ident $path:literal as $operation:ident => $handler:expr),+ $(,)?) => {
        /// This area's routes, in matching order.
        pub(crate) const ROUTES: &[$crate::http::route::Route] = &[$(
            $crate::http::route::Route {
                module: module_path!(),
                method: stringify!($method),
                path: $path,
                operation: stringify!($operation),
                handler: $handler,
            }
        ),+];
    };
}
pub(crate) use route_table;
