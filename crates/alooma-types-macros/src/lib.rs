//! `#[model]`: how alooma-types declares a wire model once.
//!
//! Internal to [alooma-types](https://docs.rs/alooma-types): the code it
//! writes names that crate's items (`crate::Maybe`, its decoder macro).
//!
//! On a struct with named fields, one of them `pub extra: Extra`:
//!
//! - every `Maybe<T>` field defaults to absent and is left out when
//!   absent (`#[serde(default, skip_serializing_if = …)]`), by
//!   construction: no field can forget it and turn absent into `null`;
//!   every other field is required;
//! - each field's key is its name, or by the rule given
//!   (`#[model(rename_all = "camelCase")]`), unless the field says
//!   otherwise (`#[serde(rename = "type")]`);
//! - `extra` holds the keys the model does not know, in their order
//!   (`#[serde(flatten)]`);
//! - it derives `Serialize` (and `JsonSchema` with the `schema` feature),
//!   and implements `Deserialize` and the `Wire` decoding (a misfit under
//!   an optional key is kept as read) with alooma-types'
//!   `deserialize_with_extra!`.
//!
//! ```ignore
//! #[crate::model(rename_all = "camelCase")]
//! #[derive(Debug, Clone, PartialEq)]
//! pub struct ColumnType {
//!     #[serde(rename = "type")]
//!     pub type_name: Maybe<String>,
//!     pub non_null: Maybe<Lenient<bool>>,
//!     pub extra: Extra,
//! }
//! ```
#![forbid(unsafe_code)]

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::quote;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{parse_macro_input, Attribute, Data, DeriveInput, Fields, LitStr, Meta, Token, Type};

/// Declares a wire model (see the [crate docs](crate)).
#[proc_macro_attribute]
pub fn model(args: TokenStream, item: TokenStream) -> TokenStream {
    let input = parse_macro_input!(item as DeriveInput);
    match expand(args.into(), input) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// How field names become keys.
#[derive(Clone, Copy)]
enum Rule {
    /// The field's name (`snake_case`).
    AsIs,
    /// `non_null` → `nonNull`.
    CamelCase,
}

impl Rule {
    fn key(self, field: &str) -> String {
        match self {
            Rule::AsIs => field.to_owned(),
            Rule::CamelCase => {
                let mut out = String::new();
                let mut upper = false;
                for c in field.chars() {
                    if c == '_' {
                        upper = true;
                    } else if upper {
                        out.extend(c.to_uppercase());
                        upper = false;
                    } else {
                        out.push(c);
                    }
                }
                out
            }
        }
    }
}

fn rule_of(args: TokenStream2) -> syn::Result<Rule> {
    let mut rule = Rule::AsIs;
    let metas = Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args)?;
    for meta in metas {
        match meta {
            Meta::NameValue(nv) if nv.path.is_ident("rename_all") => {
                let value = match &nv.value {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => s.clone(),
                    other => return Err(syn::Error::new_spanned(other, "a string: \"camelCase\"")),
                };
                rule = match value.value().as_str() {
                    "camelCase" => Rule::CamelCase,
                    "snake_case" => Rule::AsIs,
                    other => {
                        return Err(syn::Error::new_spanned(
                            value,
                            format!("unknown rule {other:?}: camelCase or snake_case"),
                        ))
                    }
                };
            }
            other => {
                return Err(syn::Error::new_spanned(
                    other,
                    "expected rename_all = \"camelCase\"",
                ))
            }
        }
    }
    Ok(rule)
}

/// The `rename` a field's `#[serde(...)]` gives, if any.
fn explicit_rename(attrs: &[Attribute]) -> syn::Result<Option<String>> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let s: LitStr = meta.value()?.parse()?;
                found = Some(s.value());
                Ok(())
            } else {
                Err(meta.error("#[model] fields take only #[serde(rename = \"…\")]; the rest is by construction"))
            }
        })?;
    }
    Ok(found)
}

/// Whether a field's type is `Maybe<…>` (optional on the wire).
fn is_maybe(ty: &Type) -> bool {
    match ty {
        Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "Maybe"),
        _ => false,
    }
}

fn expand(args: TokenStream2, mut input: DeriveInput) -> syn::Result<TokenStream2> {
    let rule = rule_of(args)?;
    let name = input.ident.clone();
    let Data::Struct(data) = &mut input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "#[model] is for structs",
        ));
    };
    let Fields::Named(fields) = &mut data.fields else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "#[model] needs named fields",
        ));
    };
    let mut keys = Vec::new();
    let mut has_extra = false;
    for field in fields.named.iter_mut() {
        let Some(ident) = field.ident.clone() else {
            continue;
        };
        if ident == "extra" {
            has_extra = true;
            field.attrs.push(syn::parse_quote!(#[serde(flatten)]));
            continue;
        }
        let rename = explicit_rename(&field.attrs)?;
        field.attrs.retain(|a| !a.path().is_ident("serde"));
        let key = rename.unwrap_or_else(|| rule.key(&ident.to_string()));
        let key_lit = LitStr::new(&key, Span::call_site());
        let optional = is_maybe(&field.ty);
        if ident != key {
            field
                .attrs
                .push(syn::parse_quote!(#[serde(rename = #key_lit)]));
        }
        if optional {
            field
                .attrs
                .push(syn::parse_quote!(#[serde(default, skip_serializing_if = "crate::Maybe::is_absent")]));
        }
        let kind = if optional {
            quote!(optional)
        } else {
            quote!(required)
        };
        keys.push(quote!(#ident: #key_lit [#kind]));
    }
    if !has_extra {
        return Err(syn::Error::new_spanned(
            &name,
            "a model keeps the keys it does not know: add `pub extra: Extra`",
        ));
    }
    if keys.is_empty() {
        return Err(syn::Error::new_spanned(
            &name,
            "a model needs at least one key",
        ));
    }
    Ok(quote! {
        #[derive(::serde::Serialize)]
        #[cfg_attr(feature = "schema", derive(::schemars::JsonSchema))]
        #input

        crate::extra::deserialize_with_extra! {
            #name { #(#keys),* }
        }
    })
}
