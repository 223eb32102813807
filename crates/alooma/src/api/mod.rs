//! The client's methods, one module per API area, each declared once with
//! `methods!`.
//!
//! A method is written once, in its area's `methods!` block, under
//! the reference client's name. The macro puts it on
//! [`Client`](crate::Client), puts the same method on
//! [`blocking::Client`](crate::blocking::Client) (feature `blocking`), and
//! lists its name in [`client_methods`] for the coverage checks. A method
//! that only sends one operation is one line:
//!
//! ```text
//! /// Every event type (`GET event-types`).
//! pub async fn get_event_types(&self) -> Result<Vec<EventType>, Error> = GetEventTypes;
//! ```
//!
//! Methods with behaviour of their own (composites, defaults, helpers) keep
//! a body. Every method runs in a DEBUG span `alooma.method` whose
//! `method` field is its name (no argument is recorded), so a subscriber
//! sees which method each request belongs to. Offline helpers (`pub fn`) are declared the same way. Arguments
//! are plain `name: Type` (use `impl Trait` rather than generic parameters).

// The facade's own areas: offline mapping edits and composites over
// several areas.
pub(crate) mod mapping;
pub(crate) mod system;

/// The API areas' modules, one per area of the registry
/// ([`alooma_core::with_areas`]), and [`client_methods`].
macro_rules! client_areas {
    ($($area:ident),+ $(,)?) => {
        $(mod $area;)+

        /// Every method of [`Client`](crate::Client) (and, with the
        /// `blocking` feature, of [`blocking::Client`](crate::blocking::Client))
        /// that reaches the API or edits a mapping, by area:
        /// `(area, method)`.
        ///
        /// ```
        /// let methods: Vec<_> = alooma::client_methods().collect();
        /// assert!(methods.contains(&("event_types", "get_event_types")));
        /// assert!(methods.contains(&("mapping", "map_field")));
        /// ```
        pub fn client_methods() -> impl Iterator<Item = (&'static str, &'static str)> {
            [
                $((stringify!($area), $area::METHODS),)+
                ("mapping", mapping::METHODS),
                ("system", system::METHODS),
            ]
            .into_iter()
            .flat_map(|(area, methods)| methods.iter().map(move |m| (area, *m)))
        }
    };
}

alooma_core::with_areas!(client_areas);

/// Declares an area's client methods once: the async method, its blocking
/// twin and its name in the area's `METHODS`. See the [module docs](self).
macro_rules! methods {
    (@munch [$($async_items:tt)*] [$($blocking_items:tt)*] [$($names:ident)*]) => {
        impl<S: $crate::HttpService> $crate::Client<S> {
            $($async_items)*
        }

        #[cfg(feature = "blocking")]
        impl<S: $crate::HttpService> $crate::blocking::Client<S> {
            $($blocking_items)*
        }

        /// This area's client methods, in declaration order.
        pub(crate) const METHODS: &[&str] = &[$(stringify!($names)),*];
    };

    // One operation sent, its answer returned.
    (@munch [$($a:tt)*] [$($b:tt)*] [$($n:ident)*]
        $(#[$($attr:tt)*])*
        pub async fn $name:ident(&$this:ident $(, $arg:ident: $ty:ty)* $(,)?) -> Result<$out:ty, Error> = $op:expr;
        $($rest:tt)*
    ) => {
        $crate::api::methods!(@munch
            [$($a)*
                $(#[$($attr)*])*
                #[::tracing::instrument(name = "alooma.method", level = "debug", skip_all, fields(method = stringify!($name)))]
                pub async fn $name(&$this $(, $arg: $ty)*) -> Result<$out, $crate::Error> {
                    $this.send($op).await
                }
            ]
            [$($b)* $crate::api::methods!(@blocking [] [$(#[$($attr)*])*] result $name ($($arg: $ty),*) $out);]
            [$($n)* $name]
            $($rest)*
        );
    };

    // A method with a body, answering a `Result`.
    (@munch [$($a:tt)*] [$($b:tt)*] [$($n:ident)*]
        $(#[$($attr:tt)*])*
        pub async fn $name:ident(&$this:ident $(, $arg:ident: $ty:ty)* $(,)?) -> Result<$out:ty, Error> $body:block
        $($rest:tt)*
    ) => {
        $crate::api::methods!(@munch
            [$($a)*
                $(#[$($attr)*])*
                #[::tracing::instrument(name = "alooma.method", level = "debug", skip_all, fields(method = stringify!($name)))]
                pub async fn $name(&$this $(, $arg: $ty)*) -> Result<$out, $crate::Error> $body
            ]
            [$($b)* $crate::api::methods!(@blocking [] [$(#[$($attr)*])*] result $name ($($arg: $ty),*) $out);]
            [$($n)* $name]
            $($rest)*
        );
    };

    // A method with a body, answering something else (a report).
    (@munch [$($a:tt)*] [$($b:tt)*] [$($n:ident)*]
        $(#[$($attr:tt)*])*
        pub async fn $name:ident(&$this:ident $(, $arg:ident: $ty:ty)* $(,)?) -> $out:ty $body:block
        $($rest:tt)*
    ) => {
        $crate::api::methods!(@munch
            [$($a)*
                $(#[$($attr)*])*
                #[::tracing::instrument(name = "alooma.method", level = "debug", skip_all, fields(method = stringify!($name)))]
                pub async fn $name(&$this $(, $arg: $ty)*) -> $out $body
            ]
            [$($b)* $crate::api::methods!(@blocking [] [$(#[$($attr)*])*] report $name ($($arg: $ty),*) $out);]
            [$($n)* $name]
            $($rest)*
        );
    };

    // An offline helper (no request).
    (@munch [$($a:tt)*] [$($b:tt)*] [$($n:ident)*]
        $(#[$($attr:tt)*])*
        pub fn $name:ident $(<$lt:lifetime>)? (&$this:ident $(, $arg:ident: $ty:ty)* $(,)?) $(-> $out:ty)? $body:block
        $($rest:tt)*
    ) => {
        $crate::api::methods!(@munch
            [$($a)*
                $(#[$($attr)*])*
                #[::tracing::instrument(name = "alooma.method", level = "debug", skip_all, fields(method = stringify!($name)))]
                pub fn $name $(<$lt>)? (&$this $(, $arg: $ty)*) $(-> $out)? $body
            ]
            [$($b)*
                #[doc = concat!("[`Client::", stringify!($name), "`](crate::Client::", stringify!($name), ").")]
                pub fn $name $(<$lt>)? (&self $(, $arg: $ty)*) $(-> $out)? {
                    #[allow(deprecated)]
                    let output = self.client().$name($($arg),*);
                    output
                }
            ]
            [$($n)* $name]
            $($rest)*
        );
    };

    // A blocking twin keeps its method's deprecation, and nothing else of
    // its attributes (its documentation points to the async method).
    (@blocking [$($kept:tt)*] [#[deprecated $($d:tt)*] $($more:tt)*] $($item:tt)*) => {
        $crate::api::methods!(@blocking [$($kept)* #[deprecated $($d)*]] [$($more)*] $($item)*);
    };
    (@blocking [$($kept:tt)*] [#[$($other:tt)*] $($more:tt)*] $($item:tt)*) => {
        $crate::api::methods!(@blocking [$($kept)*] [$($more)*] $($item)*);
    };
    (@blocking [$($kept:tt)*] [] result $name:ident ($($arg:ident: $ty:ty),*) $out:ty) => {
        #[doc = concat!("[`Client::", stringify!($name), "`](crate::Client::", stringify!($name),
            "), run to completion on the client's runtime.")]
        $($kept)*
        pub fn $name(&self $(, $arg: $ty)*) -> Result<$out, $crate::Error> {
            #[allow(deprecated)]
            let output = self.block_on(self.client().$name($($arg),*))?;
            output
        }
    };
    (@blocking [$($kept:tt)*] [] report $name:ident ($($arg:ident: $ty:ty),*) $out:ty) => {
        #[doc = concat!("[`Client::", stringify!($name), "`](crate::Client::", stringify!($name),
            "), run to completion; fails only when called inside an async context.")]
        $($kept)*
        pub fn $name(&self $(, $arg: $ty)*) -> Result<$out, $crate::Error> {
            #[allow(deprecated)]
            let output = self.block_on(self.client().$name($($arg),*));
            output
        }
    };

    // The entry point (last, so that it never matches the inner rules).
    ($($body:tt)*) => {
        $crate::api::methods!(@munch [] [] [] $($body)*);
    };
}

pub(crate) use methods;
