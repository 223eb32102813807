//! The read-only web page at `/__emulator/`: every account's state and the
//! request journal, as moto's dashboard shows them. Plain HTML and CSS, no
//! JavaScript; reload to refresh.

use std::fmt::Write;

use serde_json::Value;

use crate::domain::state::State;
use crate::http::journal::JournalFilter;
use crate::http::shared::{lock, Shared, Tenant};

/// The most journal rows the page shows (the newest).
const JOURNAL_ROWS: usize = 200;

/// `&`, `<`, `>`, `"` and `'` escaped for HTML text and attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page.
pub(crate) fn page(shared: &Shared, tenant: &Tenant) -> String {
    let mut h = String::new();
    let now = shared.clock.now_millis();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>alooma emulator</title><style>\
         body{{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}}\
         table{{border-collapse:collapse;margin:.5rem 0 1.5rem}}\
         td,th{{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;font-size:.9rem}}\
         th{{background:#f3f3f3}} code{{font-size:.85rem}} .err{{color:#a00}}\
         </style></head><body>\n<h1>alooma emulator</h1>\n\
         <p id=\"clock\">Clock: {} ({})</p>\n",
        escape(&crate::domain::clock::iso_micros(now)),
        if shared.clock.is_manual() {
            "test clock"
        } else {
            "system clock"
        }
    );
    // The key's own account only: its state, the faults that reach it,
    // its requests.
    let state = tenant.state_now();
    account_section(&mut h, &state);
    drop(state);
    faults_section(&mut h, shared, &tenant.account);
    journal_section(&mut h, shared, &tenant.account);
    h.push_str("</body></html>\n");
    h
}

fn table(h: &mut String, id: &str, head: &[&str], rows: Vec<Vec<String>>) {
    let _ = write!(h, "<table id=\"{id}\"><tr>");
    for c in head {
        let _ = write!(h, "<th>{}</th>", escape(c));
    }
    h.push_str("</tr>\n");
    for row in rows {
        h.push_str("<tr>");
        for cell in row {
            let _ = write!(h, "<td>{}</td>", escape(&cell));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}

fn text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn account_section(h: &mut String, state: &State) {
    let id = escape(&state.account);
    let _ = write!(h, "<section id=\"account-{id}\">\n<h2>Account {id}</h2>\n");
    let restream = state
        .nodes
        .iter()
        .find(|n| n.node_type == "RESTREAM")
        .map(|n| text(n.stats.get("availbleForRestream")))
        .unwrap_or_default();
    let _ = writeln!(
        h,
        "<p>Mapping mode {}; restream queue {}; {} secret(s): {}</p>",
        escape(&text(
            serde_json::to_value(state.mapping_mode).ok().as_ref()
        )),
        escape(&restream),
        state.secrets.len(),
        escape(&state.secrets.keys().cloned().collect::<Vec<_>>().join(", "))
    );
    h.push_str("<h3>Inputs</h3>\n");
    let inputs = state
        .nodes
        .iter()
        .filter(|n| n.is_user_input())
        .map(|n| {
            let meta = state.input_meta.get(&n.id);
            let phase = match meta {
                Some(m) if m.paused => "paused",
                Some(m) if !m.running => "starting",
                _ => "running",
            };
            vec![
                n.id.clone(),
                n.name.clone(),
                n.node_type.clone(),
                phase.into(),
            ]
        })
        .collect();
    table(
        h,
        &format!("inputs-{id}"),
        &["id", "name", "type", "state"],
        inputs,
    );
    h.push_str("<h3>Event types</h3>\n");
    let ets = state
        .event_types
        .values()
        .map(|et| {
            vec![
                et.name.clone(),
                et.fields.len().to_string(),
                text(et.rest.get("mappingMode")),
                text(et.rest.get("mapping").and_then(|m| m.get("tableName"))),
            ]
        })
        .collect();
    table(
        h,
        &format!("event-types-{id}"),
        &["name", "fields", "mapping mode", "table"],
        ets,
    );
    h.push_str("<h3>Scheduled queries</h3>\n");
    let queries = state
        .queries
        .iter()
        .map(|q| {
            vec![
                q.id.to_string(),
                text(q.rest.get("event_type")),
                text(q.rest.get("query_type")),
                text(q.rest.get("status")),
                text(q.rest.get("run_count")),
                text(q.rest.get("next_processing_time")),
            ]
        })
        .collect();
    table(
        h,
        &format!("queries-{id}"),
        &["id", "event type", "type", "status", "runs", "next run"],
        queries,
    );
    h.push_str("<h3>Code Engine modules</h3>\n");
    let modules = state
        .modules
        .iter()
        .map(|(name, code)| vec![name.clone(), format!("{} lines", code.lines().count())])
        .collect();
    table(h, &format!("modules-{id}"), &["module", "size"], modules);
    h.push_str("</section>\n");
}

fn faults_section(h: &mut String, shared: &Shared, account: &str) {
    h.push_str("<h2>Pending faults</h2>\n");
    let rows = lock(&shared.faults)
        .iter()
        .filter(|f| f.account.as_deref().is_none_or(|a| a == account))
        .map(|f| vec![serde_json::to_string(f).unwrap_or_default()])
        .collect();
    table(h, "faults", &["fault"], rows);
}

fn journal_section(h: &mut String, shared: &Shared, account: &str) {
    let filter = JournalFilter {
        limit: Some(JOURNAL_ROWS),
        account: Some(account.to_owned()),
        ..JournalFilter::default()
    };
    let mut records = lock(&shared.journal).list(&filter);
    records.reverse();
    let _ = writeln!(
        h,
        "<h2>Journal</h2>\n<p>The newest {} requests, newest first (secrets redacted).</p>",
        records.len()
    );
    let rows = records
        .into_iter()
        .map(|r| {
            let target = match &r.query {
                Some(q) => format!("{}?{q}", r.path),
                None => r.path.clone(),
            };
            let body = r.body.map(|b| b.to_string()).unwrap_or_default();
            let body: String = body.chars().take(300).collect();
            vec![
                r.seq.to_string(),
                r.time,
                r.account.unwrap_or_default(),
                r.operation.unwrap_or_default(),
                format!("{} {target}", r.method),
                r.status.map_or("dropped".into(), |s| s.to_string()),
                r.fault.unwrap_or_default(),
                body,
            ]
        })
        .collect();
    table(
        h,
        "journal",
        &[
            "#",
            "time",
            "account",
            "operation",
            "request",
            "status",
            "fault",
            "body",
        ],
        rows,
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(
            super::escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
