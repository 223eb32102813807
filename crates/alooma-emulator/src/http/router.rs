//! Maps a decoded REST path and method to its handler.

use crate::domain::state::State;
use crate::http::handlers::AREAS;
use crate::http::reply::{ApiError, Outcome, Req};

/// Where a request path points.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// Under a REST root: the account named in the path (if any) and the
    /// decoded segments after `rest/`.
    Rest {
        account: Option<String>,
        segments: Vec<String>,
    },
    /// Under `/__emulator/`: the raw segments after it.
    Admin(Vec<String>),
}

/// Splits a raw request path into a [`Target`]; each segment is
/// percent-decoded exactly once. `None` for paths outside any REST root.
pub(crate) fn parse_path(raw: &str) -> Result<Option<Target>, ApiError> {
    let mut parts: Vec<&str> = raw.strip_prefix('/').unwrap_or(raw).split('/').collect();
    // A trailing slash (`plumbing/`, `settings/`, `user/`) is not a segment.
    if parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    let decode = |s: &str| -> Result<String, ApiError> {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .map(|c| c.into_owned())
            .map_err(|_| ApiError::bad_request("a path segment is not valid UTF-8 once decoded"))
    };
    let (account, rest) = match parts.as_slice() {
        ["__emulator", rest @ ..] => {
            return Ok(Some(Target::Admin(
                rest.iter().map(|s| (*s).to_owned()).collect(),
            )))
        }
        ["rest", rest @ ..] => (None, rest),
        [account, "rest", rest @ ..] => (Some(decode(account)?), rest),
        _ => return Ok(None),
    };
    let segments = rest
        .iter()
        .map(|s| decode(s))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(Target::Rest { account, segments }))
}

/// Every route the emulator answers under the REST root, as
/// `(method, path template)` (`("POST", "event-types/{name}/mapping")`),
/// plus `POST login`.
///
/// ```
/// let routes: Vec<_> = alooma_emulator::routes().collect();
/// assert!(routes.contains(&("GET", "event-types/{name}")));
/// assert!(routes.contains(&("POST", "login")));
/// ```
pub fn routes() -> impl Iterator<Item = (&'static str, &'static str)> {
    std::iter::once(("POST", "login")).chain(
        AREAS
            .iter()
            .flat_map(|area| area.iter())
            .map(|r| (r.method, r.path)),
    )
}

/// Every route as `(method, path template, operation name)`: the names
/// the request journal records (`GET /__emulator/requests?operation=…`).
///
/// ```
/// let ops: Vec<_> = alooma_emulator::operations().collect();
/// assert!(ops.contains(&("POST", "event-types/{name}/mapping", "set_mapping")));
/// ```
pub fn operations() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    std::iter::once(("POST", "login", "login")).chain(
        AREAS
            .iter()
            .flat_map(|area| area.iter())
            .map(|r| (r.method, r.path, r.operation)),
    )
}

/// Every route's operation with its API area (the handler module that
/// serves it), as `(area, operation)`: the areas are the SDK's, one
/// handler module each (`POST login` is the server's own, not a route).
///
/// ```
/// let areas: Vec<_> = alooma_emulator::operation_areas().collect();
/// assert!(areas.contains(&("tables", "get_tables")));
/// ```
pub fn operation_areas() -> impl Iterator<Item = (&'static str, &'static str)> {
    AREAS
        .iter()
        .flat_map(|area| area.iter())
        .map(|r| (r.area(), r.operation))
}

/// The operation a request to `segs` is, when one route serves several
/// (pause and resume, an output and the restream node, a query list and
/// its filter).
fn refine(
    operation: &'static str,
    state: &State,
    req: &Req<'_>,
    captured: &[&str],
) -> &'static str {
    match operation {
        "pause_input_by_id" if req.query.get("pause") == Some("false") => "resume_input_by_id",
        "set_output"
            if captured
                .first()
                .and_then(|id| state.node(id))
                .is_some_and(|n| n.node_type == "RESTREAM") =>
        {
            "start_restream"
        }
        "get_queries" if req.query.get("event_type").is_some() => "get_query_by_event_type",
        other => other,
    }
}

/// The operation name of a request, without running it (`None` for an
/// unknown path or method).
pub(crate) fn operation_of(
    state: &State,
    method: &str,
    segs: &[&str],
    req: &Req<'_>,
) -> Option<&'static str> {
    if segs == ["login"] {
        return Some("login");
    }
    AREAS
        .iter()
        .flat_map(|area| area.iter())
        .filter(|r| r.method == method)
        .find_map(|r| fit(r.path, segs).map(|c| refine(r.operation, state, req, &c)))
}

/// The captured segments of `segs` when they fit `template`.
fn fit<'s>(template: &str, segs: &[&'s str]) -> Option<Vec<&'s str>> {
    let pieces: Vec<&str> = template.split('/').collect();
    if pieces.len() != segs.len() {
        return None;
    }
    let mut captured = Vec::new();
    for (piece, seg) in pieces.iter().zip(segs) {
        if piece.starts_with('{') {
            captured.push(*seg);
        } else if piece != seg {
            return None;
        }
    }
    Some(captured)
}

/// The methods allowed on `segs`, for a 405's `Allow` header; empty when
/// no route has this path.
pub(crate) fn allowed(segs: &[&str]) -> Vec<&'static str> {
    let mut methods: Vec<&'static str> = AREAS
        .iter()
        .flat_map(|area| area.iter())
        .filter(|r| fit(r.path, segs).is_some())
        .map(|r| r.method)
        .collect();
    methods.sort_unstable();
    methods.dedup();
    methods
}

/// Runs the first route that fits `method` and the decoded `segments`:
/// 405 (with `Allow`) when the path is known under other methods only,
/// 404 when it is not known.
pub(crate) fn route(state: &mut State, method: &str, segs: &[&str], req: &Req<'_>) -> Outcome {
    for route in AREAS.iter().flat_map(|area| area.iter()) {
        if route.method != method {
            continue;
        }
        if let Some(captured) = fit(route.path, segs) {
            return (route.handler)(state, req, &captured);
        }
    }
    let allowed = allowed(segs);
    if allowed.is_empty() {
        Err(ApiError::not_found(format!(
            "no such endpoint: {method} {}",
            segs.join("/")
        )))
    } else {
        Err(ApiError::method_not_allowed(
            method,
            &segs.join("/"),
            &allowed,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_roots_and_decodes_each_segment_once() {
        let t = parse_path("/acme/rest/event-types/a%2Fb/mapping").unwrap();
        assert_eq!(
            t,
            Some(Target::Rest {
                account: Some("acme".into()),
                segments: vec!["event-types".into(), "a/b".into(), "mapping".into()],
            })
        );
        let t = parse_path("/rest/plumbing/").unwrap();
        assert_eq!(
            t,
            Some(Target::Rest {
                account: None,
                segments: vec!["plumbing".into()]
            })
        );
        let t = parse_path("/rest/secrets/100%2525").unwrap();
        assert_eq!(
            t,
            Some(Target::Rest {
                account: None,
                segments: vec!["secrets".into(), "100%25".into()]
            })
        );
        assert_eq!(parse_path("/elsewhere").unwrap(), None);
        assert!(parse_path("/rest/x%FF").is_err());
        assert_eq!(
            parse_path("/__emulator/faults").unwrap(),
            Some(Target::Admin(vec!["faults".into()]))
        );
    }
}
