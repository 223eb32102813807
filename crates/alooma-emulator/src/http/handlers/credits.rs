//! Credits and usage: `credits/company`, `credits/used-credits`,
//! `events/loaded-events-per-table/summary`.

use serde_json::{json, Value};

use crate::domain::model::Object;
use crate::domain::state::State;
use crate::http::reply::{ApiError, Outcome, Reply, Req};

/// `GET credits/company`.
pub(crate) fn company_credits(state: &State) -> Outcome {
    Ok(Reply::json(Value::Object(state.company_credits.clone())))
}

/// `GET credits/used-credits?from=YYYY-MM-DD&to=YYYY-MM-DD&all=True`:
/// rows of this account (of every account with `all`) within the days.
pub(crate) fn used_credits(state: &State, req: &Req<'_>) -> Outcome {
    let from = date_param(req, "from", 10)?;
    let to = date_param(req, "to", 10)?;
    let all = req.query.flag("all");
    let rows: Vec<&Object> = state
        .used_credits
        .iter()
        .filter(|r| all || text(r, "instance_name") == Some(state.account.as_str()))
        .filter(|r| in_range(text(r, "date"), from, to))
        .collect();
    Ok(Reply::json(json!(rows)))
}

/// `GET events/loaded-events-per-table/summary?from=…[&to=…][&all=True]`:
/// rows whose `last` load falls in the range; `from` is required.
pub(crate) fn loaded_events(state: &State, req: &Req<'_>) -> Outcome {
    let from = date_param(req, "from", 19)?
        .ok_or_else(|| ApiError::bad_request("the `from` query parameter is required"))?;
    let to = date_param(req, "to", 19)?;
    let all = req.query.flag("all");
    let rows: Vec<&Object> = state
        .loaded_events
        .iter()
        .filter(|r| all || text(r, "instance_name") == Some(state.account.as_str()))
        .filter(|r| in_range(text(r, "last"), Some(from), to))
        .collect();
    Ok(Reply::json(json!(rows)))
}

/// A date/time query parameter: `YYYY-MM-DD` (len 10) or
/// `YYYY-MM-DDTHH:MM:SS` (len 19); a shorter date is accepted for the latter.
fn date_param<'q>(req: &'q Req<'_>, name: &str, len: usize) -> Result<Option<&'q str>, ApiError> {
    let Some(v) = req.query.get(name) else {
        return Ok(None);
    };
    let ok = (v.len() == len || v.len() == 10)
        && v.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 => b == b'T',
            13 | 16 => b == b':',
            _ => b.is_ascii_digit(),
        });
    if ok {
        Ok(Some(v))
    } else {
        Err(ApiError::bad_request(format!(
            "`{name}` must be a date like {}, not {v:?}",
            if len == 10 {
                "2018-10-24"
            } else {
                "2018-12-13T00:00:00"
            }
        )))
    }
}

/// ISO strings compare in time order; `to` includes everything starting with it.
fn text<'r>(row: &'r Object, key: &str) -> Option<&'r str> {
    row.get(key).and_then(Value::as_str)
}

fn in_range(value: Option<&str>, from: Option<&str>, to: Option<&str>) -> bool {
    let Some(v) = value else { return false };
    from.is_none_or(|f| v >= f) && to.is_none_or(|t| v <= t || v.starts_with(t))
}

// This area's routes, in matching order.
crate::http::route::route_table! {
    GET "credits/company" as get_company_credits => |state, _req, _p| company_credits(state),
    GET "credits/used-credits" as get_used_credits => |state, req, _p| used_credits(state, req),
    GET "events/loaded-events-per-table/summary" as get_loaded_events_per_table_summary => |state, req, _p| loaded_events(state, req),
}
