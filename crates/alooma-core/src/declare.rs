//! `operations!`: how an area module declares its operations, once each.
//!
//! An area module (`event_types`, `inputs` …) invokes `operations!` once.
//! Every operation in it is either
//!
//! - **declared**: its struct, constructor, [`Operation`](crate::Operation)
//!   implementation and registry entry all come from the declaration
//!   (method, path template with caller data in braces, query, body,
//!   retry safety, own timeout, output and decoder, examples);
//! - **declared with its own struct** (`impl op name for Type`): the
//!   struct, its constructors and setters are written by hand (optional
//!   arguments, builders), and the `Operation` implementation comes from
//!   the declaration with hooks (see the clauses below): the variation
//!   sits in hooks, never in a hand-written `build`/`decode`; or
//! - **hand-written** (`op name for Type`): the two operations whose
//!   request or answer no hook describes (`login`, whose answer is a
//!   cookie and whose 401 is a login failure; `create_input`, whose path
//!   depends on validation and whose id comes from any of three answer
//!   shapes); the declaration still gives their metadata (`Type::META`
//!   through [`Declared`](crate::registry::Declared), which `meta()`
//!   returns) and examples, so the registry holds them too.
//!
//! The first doc line is the operation's one-line summary (in the registry
//! and `alooma operations`); the route and retry safety are added to the
//! documentation from the declaration.
//!
//! ```text
//! operations! {
//!     area: event_types;
//!
//!     /// One event type with its mapping and fields.
//!     #[derive(Debug, Clone, PartialEq, Eq)]
//!     pub struct GetEventType {
//!         /// The event type's name.
//!         pub name: String,
//!     }
//!     op get_event_type: GET "event-types" / {name};
//!     retry: Idempotent;
//!     output: EventType = json;
//!     example: GetEventType::new("web/clicks?v=2 #1");
//!
//!     /// Creates an input.
//!     op create_input for CreateInput: POST "plumbing/inputs";
//!     retry: NotIdempotent;
//!     example: CreateInput::new(&spec()), "without_validation" => CreateInput::new(&spec()).validate(false);
//! }
//! ```
//!
//! Clauses come in this order; those in brackets are optional:
//! `op`, `retry`, [`timeout`], [`deprecated`], [`query`], [`body`],
//! `output` (declared operations only), `example`.
//!
//! - path pieces are string literals (written by the SDK) or `{field}`
//!   (caller data, percent-encoded as one segment; empty is a build error);
//! - `query: "key" = "value", "key" = {field};`
//! - `body: {field};` (that field as JSON) or `body: (|op| expression);`
//!   (`body: (|op| expression) as Type;` names its type when it borrows
//!   from the operation, for its JSON Schema)
//! - `output: Type = decoder;` with a decoder of [`decode`](crate::decode):
//!   `json`, `empty` or `json_or_empty`.
//! - `impl op name for Type: …` declares the `Operation` of a struct
//!   written by hand (its own constructors and setters), with hooks:
//!   path pieces `{field?}` (an `Option`, left out when `None`) and
//!   `{name = |op| expr}`; query values `{field?}`, `"v" if {flag}`,
//!   `(|op| value)`, `[|op| values]` (joined by commas) and
//!   `{|op| values}` (the key repeated); `check: (|op| Result<(), String>);`
//!   (a failure is a build error); `body: [|op| Result<T, Error>] as T;`;
//!   `sensitive: true;` (credentials in the body); `renamed: (|op| name);`;
//!   `output: T = decoder(Wire) then (|op, wire| Result<T, Error>);` maps
//!   the decoded answer; `answer: Type;` names the
//!   answer's model for the OpenAPI document
//!   (`serde_json::Value`: JSON it does not describe).
//! - a hand-written operation names the wire models of its body and of
//!   the server's answer with `body: Type;` and `answer: Type;` (after
//!   `deprecated`; `answer: Type | empty;` when the answer may be empty),
//!   for their JSON Schemas; a declared one's come from its
//!   `body` and `output` clauses.

macro_rules! operations {
    (area: $area:ident; $($body:tt)*) => {
        $crate::declare::operations!(@munch $area [] $($body)*);
    };

    // Everything declared: the area's part of the registry.
    (@munch $area:ident [$($done:ident,)*]) => {
        /// Every operation of this area, in declaration order: its part of
        /// the [registry](crate::operations).
        pub const OPERATIONS: &[$crate::OperationInfo] =
            &[$($crate::OperationInfo::of::<$done>()),*];
    };

    // A declared operation whose struct has fields.
    (@munch $area:ident [$($done:ident,)*]
        #[doc = $summary:literal]
        $(#[$attr:meta])*
        pub struct $ty:ident { $( $(#[$fattr:meta])* pub $field:ident : $fty:ty ),* $(,)? }
        op $name:ident : $verb:ident $($path:tt)/+ ;
        retry: $retry:ident;
        $($rest:tt)*
    ) => {
        #[doc = $summary]
        #[doc = ""]
        #[doc = $crate::declare::operations!(@doc $verb [$($path)/+] $retry)]
        #[doc = ""]
        $(#[$attr])*
        #[derive(::serde::Serialize, ::serde::Deserialize)]
        pub struct $ty {
            $( $(#[$fattr])* pub $field: $fty, )*
        }

        impl $ty {
            #[doc = concat!("The `", stringify!($name), "` operation.")]
            pub fn new($($field: impl Into<$fty>),*) -> Self {
                $ty { $($field: $field.into()),* }
            }
        }

        $crate::declare::operations!(@declared $area [$($done,)*] $ty $name $summary
            $verb [$($path)/+] $retry $($rest)*);
    };

    // A declared operation without arguments (a unit struct).
    (@munch $area:ident [$($done:ident,)*]
        #[doc = $summary:literal]
        $(#[$attr:meta])*
        pub struct $ty:ident;
        op $name:ident : $verb:ident $($path:tt)/+ ;
        retry: $retry:ident;
        $($rest:tt)*
    ) => {
        #[doc = $summary]
        #[doc = ""]
        #[doc = $crate::declare::operations!(@doc $verb [$($path)/+] $retry)]
        #[doc = ""]
        $(#[$attr])*
        #[derive(::serde::Serialize, ::serde::Deserialize)]
        pub struct $ty;

        $crate::declare::operations!(@declared $area [$($done,)*] $ty $name $summary
            $verb [$($path)/+] $retry $($rest)*);
    };

    // An operation whose struct (and constructors) are written by hand
    // and whose `Operation` implementation the declaration gives, with
    // hooks: optional path pieces, computed query values, a check, a
    // computed body, a sensitive body, a decoded value mapped.
    (@munch $area:ident [$($done:ident,)*]
        #[doc = $summary:literal]
        impl op $name:ident for $ty:ident : $verb:ident $($path:tt)/+ ;
        retry: $retry:ident;
        $(timeout: $timeout:expr;)?
        $(deprecated: $deprecated:literal;)?
        $(renamed: (|$rop:ident| $renamed:expr);)?
        $(query: $($qk:literal = $qv:tt $(if $qf:tt)?),+ ;)?
        $(check: (|$cop:ident| $check:expr);)?
        $(body: $body:tt $(as $bty:ty)?;)?
        $(sensitive: $sensitive:literal;)?
        output: $out:ty = $decode:ident $(($mid:ty) then (|$mop:ident, $mv:ident| $map:expr))?;
        $(answer: $aty:ty;)?
        example: $example:expr $(, $label:literal => $more:expr)* ;
        $($rest:tt)*
    ) => {
        $crate::declare::operations!(@entry $area $ty $name $summary $verb [$($path)/+] $retry
            [$($timeout)?] [$($deprecated)?] [$example $(, $label => $more)*]
            [$($body $(as $bty)?)?] [$(answer $aty ;)? $decode $out] [$decode $(then $mid)?]);

        impl $crate::Operation for $ty {
            type Output = $out;

            fn meta(&self) -> $crate::OperationMeta {
                let meta = <Self as $crate::registry::Declared>::META;
                $(
                    let renamed = |$rop: &Self| -> &'static str { $renamed };
                    let meta = meta.renamed(renamed(self));
                )?
                meta
            }

            fn build(&self) -> ::core::result::Result<::http::Request<::bytes::Bytes>, $crate::Error> {
                let meta = $crate::Operation::meta(self);
                let spec = $crate::RequestSpec::new(meta.verb.method(), meta);
                $(
                    let check = |$cop: &Self| -> ::core::result::Result<(), ::std::string::String> { $check };
                    let spec = match check(self) {
                        ::core::result::Result::Ok(()) => spec,
                        ::core::result::Result::Err(reason) => spec.fail(reason),
                    };
                )?
                $( let spec = $crate::declare::operations!(@path spec self $path); )+
                $($( let spec = $crate::declare::operations!(@query spec self $qk $qv $(if $qf)?); )+)?
                $( let spec = $crate::declare::operations!(@body spec self $body); )?
                $( let spec = if $sensitive { spec.sensitive() } else { spec }; )?
                spec.finish()
            }

            fn decode(
                &self,
                response: ::http::Response<::bytes::Bytes>,
            ) -> ::core::result::Result<Self::Output, $crate::Error> {
                let name = $crate::Operation::meta(self).name;
                $crate::declare::operations!(@decode self name response $decode
                    $(($mid) then (|$mop, $mv| $map))?)
            }
        }

        $crate::declare::operations!(@munch $area [$($done,)* $ty,] $($rest)*);
    };

    // A hand-written operation: metadata and examples only.
    (@munch $area:ident [$($done:ident,)*]
        #[doc = $summary:literal]
        op $name:ident for $ty:ident : $verb:ident $($path:tt)/+ ;
        retry: $retry:ident;
        $(timeout: $timeout:expr;)?
        $(deprecated: $deprecated:literal;)?
        $(body: $bty:ty;)?
        $(answer: $aty:ty $(| $or_empty:ident)?;)?
        example: $example:expr $(, $label:literal => $more:expr)* ;
        $($rest:tt)*
    ) => {
        $crate::declare::operations!(@entry $area $ty $name $summary $verb [$($path)/+] $retry
            [$($timeout)?] [$($deprecated)?] [$example $(, $label => $more)*] [$(type $bty)?]
            [$(answer_of [$($or_empty)?] $aty)?] [hand]);

        $crate::declare::operations!(@munch $area [$($done,)* $ty,] $($rest)*);
    };

    // The rest of a declared operation: its `Operation` implementation.
    (@declared $area:ident [$($done:ident,)*] $ty:ident $name:ident $summary:literal
        $verb:ident [$($path:tt)/+] $retry:ident
        $(timeout: $timeout:expr;)?
        $(deprecated: $deprecated:literal;)?
        $(query: $($qk:literal = $qv:tt),+ ;)?
        $(body: $body:tt $(as $bty:ty)?;)?
        output: $out:ty = $decode:ident;
        example: $example:expr $(, $label:literal => $more:expr)* ;
        $($rest:tt)*
    ) => {
        $crate::declare::operations!(@entry $area $ty $name $summary $verb [$($path)/+] $retry
            [$($timeout)?] [$($deprecated)?] [$example $(, $label => $more)*] [$($body $(as $bty)?)?]
            [$decode $out] [$decode]);

        impl $crate::Operation for $ty {
            type Output = $out;

            fn meta(&self) -> $crate::OperationMeta {
                <Self as $crate::registry::Declared>::META
            }

            fn build(&self) -> ::core::result::Result<::http::Request<::bytes::Bytes>, $crate::Error> {
                let meta = <Self as $crate::registry::Declared>::META;
                let spec = $crate::RequestSpec::new(meta.verb.method(), meta);
                $( let spec = $crate::declare::operations!(@path spec self $path); )+
                $($( let spec = $crate::declare::operations!(@query spec self $qk $qv); )+)?
                $( let spec = $crate::declare::operations!(@body spec self $body); )?
                spec.finish()
            }

            fn decode(
                &self,
                response: ::http::Response<::bytes::Bytes>,
            ) -> ::core::result::Result<Self::Output, $crate::Error> {
                $crate::decode::$decode(<Self as $crate::registry::Declared>::META.name, response)
            }
        }

        $crate::declare::operations!(@munch $area [$($done,)* $ty,] $($rest)*);
    };

    // The metadata and examples of any operation.
    (@entry $area:ident $ty:ident $name:ident $summary:literal $verb:ident [$($path:tt)/+]
        $retry:ident [$($timeout:expr)?] [$($deprecated:literal)?]
        [$example:expr $(, $label:literal => $more:expr)*] [$($body:tt)*] [$($answer:tt)*]
        [$($how:tt)*]
    ) => {
        impl $crate::registry::Declared for $ty {
            const DECODING: $crate::registry::Decoding =
                $crate::declare::operations!(@decoding $($how)*);
            const MAPPED: bool = $crate::declare::operations!(@mapped $($how)*);

            const META: $crate::OperationMeta = $crate::OperationMeta {
                name: stringify!($name),
                retry: $crate::RetrySafety::$retry,
                timeout: $crate::declare::operations!(@option $($timeout)?),
                area: stringify!($area),
                verb: $crate::declare::operations!(@verb $verb),
                path: $crate::declare::operations!(@template $($path)/+),
                deprecated: false $(|| $deprecated)?,
                summary: $summary.trim_ascii(),
            };

            fn examples() -> ::std::vec::Vec<$crate::registry::Example> {
                ::std::vec![
                    $crate::registry::Example::new("", $example)
                    $(, $crate::registry::Example::new($label, $more))*
                ]
            }

            #[cfg(feature = "schema")]
            #[allow(unused_variables)]
            fn body_schema(
                generator: &mut ::schemars::SchemaGenerator,
            ) -> ::core::option::Option<::schemars::Schema> {
                $crate::declare::operations!(@body_schema generator $($body)*)
            }

            #[cfg(feature = "schema")]
            #[allow(unused_variables)]
            fn answer_schema(generator: &mut ::schemars::SchemaGenerator) -> $crate::registry::Answer {
                $crate::declare::operations!(@answer generator $($answer)*)
            }
        }
    };

    // Whether the output is the answer as decoded (no `then` mapping, not
    // decoded by hand).
    // How the answer is read: `[decoder (then Type)?]`, or `[hand]`.
    (@decoding hand) => { $crate::registry::Decoding::ByHand };
    (@decoding json $($then:tt)*) => { $crate::registry::Decoding::Json };
    (@decoding json_or_empty $($then:tt)*) => { $crate::registry::Decoding::JsonOrEmpty };
    (@decoding empty $($then:tt)*) => { $crate::registry::Decoding::Ignored };
    (@mapped $decode:ident then $($mid:tt)+) => { true };
    (@mapped $($how:tt)*) => { false };

    (@answer $g:ident) => { $crate::registry::Answer::Undescribed };
    (@answer $g:ident answer $aty:ty ; json_or_empty $out:ty) => {
        $crate::registry::Answer::json_or_empty($g.subschema_for::<$aty>())
    };
    (@answer $g:ident answer $aty:ty ; $decode:ident $out:ty) => {
        $crate::registry::Answer::json($g.subschema_for::<$aty>())
    };
    (@answer $g:ident answer_of [] $aty:ty) => {
        $crate::registry::Answer::json($g.subschema_for::<$aty>())
    };
    (@answer $g:ident answer_of [empty] $aty:ty) => {
        $crate::registry::Answer::json_or_empty($g.subschema_for::<$aty>())
    };
    (@answer $g:ident json $out:ty) => { $crate::registry::Answer::Json($g.subschema_for::<$out>()) };
    (@answer $g:ident json_or_empty $out:ty) => {
        $crate::registry::Answer::JsonOrEmpty($g.subschema_for::<$out>())
    };
    (@answer $g:ident empty $out:ty) => { $crate::registry::Answer::Empty };

    (@body_schema $g:ident) => { ::core::option::Option::None };
    (@body_schema $g:ident type $bty:ty) => {
        ::core::option::Option::Some($g.subschema_for::<$bty>())
    };
    (@body_schema $g:ident {$field:ident}) => {
        ::core::option::Option::Some($crate::registry::field_schema($g, |op: &Self| &op.$field))
    };
    (@body_schema $g:ident [|$arg:ident| $body:expr] as $bty:ty) => {
        ::core::option::Option::Some($g.subschema_for::<$bty>())
    };
    (@body_schema $g:ident (|$arg:ident| $body:expr) as $bty:ty) => {
        ::core::option::Option::Some($g.subschema_for::<$bty>())
    };
    (@body_schema $g:ident (|$arg:ident| $body:expr)) => {
        ::core::option::Option::Some($crate::registry::value_schema($g, |$arg: &Self| $body))
    };

    (@decode $op:ident $name:ident $response:ident $decode:ident) => {
        $crate::decode::$decode($name, $response)
    };
    (@decode $op:ident $name:ident $response:ident $decode:ident ($mid:ty)
        then (|$mop:ident, $mv:ident| $map:expr)) => {{
        let decoded: $mid = $crate::decode::$decode($name, $response)?;
        let map = |$mop: &Self, $mv: $mid| -> ::core::result::Result<Self::Output, $crate::Error> { $map };
        map($op, decoded)
    }};

    (@option) => { ::core::option::Option::None };
    (@option $value:expr) => { ::core::option::Option::Some($value) };

    (@verb GET) => { $crate::Verb::Get };
    (@verb POST) => { $crate::Verb::Post };
    (@verb PUT) => { $crate::Verb::Put };
    (@verb DELETE) => { $crate::Verb::Delete };

    (@retry_doc Idempotent) => { "idempotent: retried after it may have reached the server" };
    (@retry_doc NotIdempotent) => { "not idempotent: never re-sent once it may have reached the server" };

    (@doc $verb:ident [$($path:tt)/+] $retry:ident) => {
        concat!(
            "`", stringify!($verb), " ", $crate::declare::operations!(@template $($path)/+), "` · ",
            $crate::declare::operations!(@retry_doc $retry), "."
        )
    };

    (@template $first:tt $(/ $piece:tt)*) => {
        concat!(
            $crate::declare::operations!(@piece $first)
            $(, "/", $crate::declare::operations!(@piece $piece))*
        )
    };
    (@piece $literal:literal) => { $literal };
    (@piece {$field:ident}) => { concat!("{", stringify!($field), "}") };
    (@piece {$field:ident ?}) => { concat!("{", stringify!($field), "?}") };
    (@piece {$field:ident = |$op:ident| $e:expr}) => { concat!("{", stringify!($field), "}") };

    (@path $spec:ident $op:ident $literal:literal) => { $spec.lit($literal) };
    (@path $spec:ident $op:ident {$field:ident}) => {
        $spec.seg(::core::convert::AsRef::<str>::as_ref(&$op.$field))
    };
    (@path $spec:ident $op:ident {$field:ident ?}) => {
        match &$op.$field {
            ::core::option::Option::Some(value) => $spec.seg(::core::convert::AsRef::<str>::as_ref(value)),
            ::core::option::Option::None => $spec,
        }
    };
    (@path $spec:ident $op:ident {$field:ident = |$arg:ident| $e:expr}) => {{
        let $arg = $op;
        $spec.seg(::core::convert::AsRef::<str>::as_ref(&$e))
    }};

    (@query $spec:ident $op:ident $key:literal $value:literal) => { $spec.query($key, $value) };
    (@query $spec:ident $op:ident $key:literal {$field:ident}) => {
        $spec.query($key, ::core::convert::AsRef::<str>::as_ref(&$op.$field))
    };
    (@query $spec:ident $op:ident $key:literal {$field:ident ?}) => {
        $spec.query_opt($key, $op.$field.as_deref())
    };
    (@query $spec:ident $op:ident $key:literal $value:literal if {$flag:ident}) => {
        if $op.$flag { $spec.query($key, $value) } else { $spec }
    };
    (@query $spec:ident $op:ident $key:literal (|$arg:ident| $e:expr)) => {{
        let $arg = $op;
        $spec.query($key, $e)
    }};
    (@query $spec:ident $op:ident $key:literal [|$arg:ident| $e:expr]) => {{
        let $arg = $op;
        $spec.query_list($key, $e)
    }};
    (@query $spec:ident $op:ident $key:literal {|$arg:ident| $e:expr}) => {{
        let $arg = $op;
        $spec.query_each($key, $e)
    }};

    (@body $spec:ident $op:ident {$field:ident}) => { $spec.json(&$op.$field) };
    (@body $spec:ident $op:ident (|$arg:ident| $body:expr)) => {{
        let $arg = $op;
        $spec.json(&$body)
    }};
    (@body $spec:ident $op:ident [|$arg:ident| $body:expr]) => {{
        // A body that may fail to build: `Result<T, Error>`.
        let $arg = $op;
        match $body {
            ::core::result::Result::Ok(body) => $spec.json(&body),
            ::core::result::Result::Err(e) => return ::core::result::Result::Err(e),
        }
    }};
}

pub(crate) use operations;
