//! The account's data path: events pushed to its inputs run through its
//! Code Engine modules (real CPython, by its [`CodeExecution`](crate::CodeExecution)), its event
//! types' mappings and mapping mode (`alooma_engine`'s Mapper) and into a
//! real warehouse (embedded SQLite, in memory unless given a file), with
//! what does not load held in the Restream Queue with its reason.
//!
//! The account's state stays the one source of its configuration: before
//! each batch the Mapper takes the state's event types and mapping mode,
//! and after it the state takes back what the Mapper learned (new event
//! types, fields, stats, auto-mapped columns). The RESTREAM node's
//! `availbleForRestream` is the queue's size once events flow.
//!
//! A table an event type's mapping names is made in the warehouse, with
//! the mapping's columns, when its first rows load (the service made it
//! when the event type was mapped).
//!
//! Input tokens: every input gets one when it is made (a JWT-shaped text
//! whose payload names the account, the input and its type, as the
//! service's did; its signature is random). `POST /rest/{token}`,
//! `GET /rest/{token}?k=v` and the Python SDK's `/pysdk/{token}` push into
//! that input.

use std::collections::BTreeMap;
use std::sync::Arc;

use alooma_engine::code_engine::Modules;
use alooma_engine::flow::{DataPath, Report};
use alooma_engine::intake::{stamp, Input};
use alooma_engine::mapper::model::MappingMode as EngineMode;
use alooma_engine::mapper::Mapper;
use alooma_engine::warehouse::sqlite::Sqlite;
use alooma_engine::warehouse::Warehouse;
use serde_json::{json, Value};

pub(crate) use super::account_data::mint_token;
use super::account_data::{engine_mode, off_runtime, AccountData, Detached, MinuteCounts};
pub use super::account_data::{IngestError, WarehouseLocation};
use super::model::{EventType, Sample};

/// How many samples are kept per event type and status (the service's
/// number is not documented; its sample listing answered up to 10).
pub const SAMPLES_KEPT: usize = 10;
use super::state::State;

impl State {
    /// The input whose token this is: `(id, name, type)`.
    pub(crate) fn input_of_token(&self, token: &str) -> Option<(String, String, String)> {
        let (id, _) = self
            .input_meta
            .iter()
            .find(|(_, m)| m.token.as_deref() == Some(token))?;
        let node = self.node(id)?;
        Some((id.clone(), node.name.clone(), node.node_type.clone()))
    }

    /// The token events are pushed to the input `name` with.
    pub fn input_token(&self, name: &str) -> Option<&str> {
        let node = self
            .nodes
            .iter()
            .find(|n| n.is_user_input() && n.name == name)?;
        self.input_meta.get(&node.id)?.token.as_deref()
    }

    /// The account's data path, made on first use.
    pub(super) fn data(&mut self) -> Result<&mut AccountData, IngestError> {
        if self.data.is_none() {
            let location = self.warehouse.clone();
            let warehouse: Box<dyn Warehouse + Send> = off_runtime(move || match &location {
                WarehouseLocation::Memory => Sqlite::in_memory().map(|w| Box::new(w) as _),
                WarehouseLocation::File(path) => Sqlite::open(path).map(|w| Box::new(w) as _),
                WarehouseLocation::Postgres(url) => {
                    alooma_engine::warehouse::postgres::Postgres::connect(url)
                        .map(|w| Box::new(w) as _)
                }
            })
            .map_err(|e| IngestError::Warehouse(e.to_string()))?;
            // What the state's catalog holds exists in the database.
            let mut warehouse = warehouse;
            let schemas: Vec<String> = self.schemas.iter().map(|s| s.schema_name.clone()).collect();
            let tables = self.tables.clone();
            off_runtime(|| super::catalog::make_missing(&schemas, &tables, warehouse.as_mut()))
                .map_err(|e| IngestError::Warehouse(e.to_string()))?;
            let mut path = DataPath::new(
                Mapper::new(EngineMode::Strict),
                Box::new(Detached(Some(warehouse))),
            );
            // Mapping an event type made its table on the service.
            path.create_tables = true;
            // What waited when the state was saved waits again.
            for q in &self.restream_events {
                path.queue.push(alooma_engine::restream::Queued {
                    event: q.event.clone(),
                    reason: q.reason.clone(),
                    kind: super::account_data::kind_name(&q.kind),
                    event_type: q.event_type.clone(),
                });
            }
            self.data = Some(AccountData {
                path,
                deployed: None,
                deploy_error: None,
                unreadable: std::collections::BTreeSet::new(),
                minutes: BTreeMap::new(),
            });
        }
        self.data
            .as_mut()
            .ok_or_else(|| IngestError::Warehouse("no data path".into()))
    }

    /// The Mapper takes the state's event types and mode; the Code Engine
    /// the state's modules (deployed again when they changed).
    fn sync_into_path(&mut self) -> Result<(), IngestError> {
        let mode = engine_mode(self.mapping_mode);
        let mut types: BTreeMap<String, alooma_engine::mapper::model::EventType> = BTreeMap::new();
        let mut unreadable = std::collections::BTreeSet::new();
        for (name, et) in &self.event_types {
            let read = serde_json::to_value(et)
                .ok()
                .and_then(|json| serde_json::from_value(json).ok());
            match read {
                Some(et) => {
                    types.insert(name.clone(), et);
                }
                None => {
                    unreadable.insert(name.clone());
                }
            }
        }
        let modules = self.modules.clone();
        let engine = self.code.engine_arc();
        let data = self.data()?;
        data.path.mapper.default_mode = mode;
        data.path.mapper.event_types = types;
        data.unreadable = unreadable;
        match engine {
            None => data.path.code = None,
            Some(_) if modules.is_empty() => {
                data.path.code = None;
                data.deploy_error = None;
            }
            Some(engine) => {
                let stale = data.deployed.as_ref().is_none_or(|(m, _)| *m != modules);
                if stale {
                    let mut m = Modules::new();
                    for (name, code) in &modules {
                        m.insert(name.clone(), code.clone());
                    }
                    // Modules that do not load hold every event in the
                    // Restream Queue with the error (never run without
                    // the user's code, nor with an older version of it).
                    match engine.deploy(&m) {
                        Ok(deployment) => {
                            data.deployed = Some((modules, deployment));
                            data.deploy_error = None;
                        }
                        Err(e) => {
                            data.deployed = None;
                            data.deploy_error = Some(e.to_string());
                        }
                    }
                }
                data.path.code = data
                    .deployed
                    .as_ref()
                    .map(|(_, d)| (Arc::clone(&engine), d.clone()));
            }
        }
        Ok(())
    }

    /// The state takes back what the Mapper learned; the RESTREAM node
    /// shows the queue's size.
    fn sync_from_path(&mut self) {
        let Some(data) = self.data.as_ref() else {
            return;
        };
        let learned: Vec<(String, EventType)> = data
            .path
            .mapper
            .event_types
            .iter()
            .filter(|(name, _)| !data.unreadable.contains(*name))
            .filter_map(|(name, et)| {
                let json = serde_json::to_value(et).ok()?;
                Some((name.clone(), serde_json::from_value(json).ok()?))
            })
            .collect();
        let queued = data.path.queue.len();
        let saved: Vec<super::account_data::QueuedEvent> = data
            .path
            .queue
            .iter()
            .map(|q| super::account_data::QueuedEvent {
                event: q.event.clone(),
                reason: q.reason.clone(),
                kind: q.kind.to_owned(),
                event_type: q.event_type.clone(),
            })
            .collect();
        self.restream_events = saved;
        for (name, et) in learned {
            self.event_types.insert(name, et);
        }
        if let Some(node) = self.node_of_type_mut("RESTREAM") {
            node.stats
                .insert("availbleForRestream".into(), json!(queued));
        }
    }

    /// Takes `events` pushed to the input `input_id` (stamped with their
    /// `_metadata`) through the data path.
    ///
    /// # Errors
    ///
    /// [`IngestError`] when an event is not an object (nothing is taken)
    /// or the warehouse cannot be opened.
    pub(crate) fn ingest(
        &mut self,
        input: (&str, &str, &str),
        events: Vec<Value>,
    ) -> Result<Report, IngestError> {
        let (id, label, input_type) = input;
        let now = self.now_millis();
        let input = Input {
            id: id.to_owned(),
            label: label.to_owned(),
            input_type: input_type.to_owned(),
        };
        let mut stamped = Vec::with_capacity(events.len());
        for (i, e) in events.into_iter().enumerate() {
            stamped.push(
                stamp(e, &input, now)
                    .map_err(|e| IngestError::NotAnObject(format!("event {}: {e}", i + 1)))?,
            );
        }
        self.sync_into_path()?;
        let raw = stamped.clone();
        let bytes: u64 = raw
            .iter()
            .map(|e| serde_json::to_string(e).map_or(0, |t| t.len() as u64))
            .sum();
        let started = std::time::Instant::now();
        let data = self.data()?;
        let report = match data.deploy_error.clone() {
            Some(error) => data.path.hold(
                stamped,
                "code_engine",
                &format!("the Code Engine modules do not load: {error}"),
            ),
            None => off_runtime(|| data.path.process(stamped)),
        };
        let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
        self.count_minute(&report, bytes, latency_ms, false);
        self.notify_of(&report);
        self.sync_from_path();
        self.keep_samples(raw, &report.statuses);
        Ok(report)
    }

    /// The notifications a batch raises: one for each reason events went
    /// to the Restream Queue, with how many (choice \[G\]: the service's
    /// wording is known for two, "New Event Type Needs Mapping" and
    /// "Partially Mapped Event"; the others are named for their reason).
    fn notify_of(&mut self, report: &Report) {
        for (kind, count) in &report.queued {
            let (notification, description, severity, what) = match kind.as_str() {
                "unmapped" => (
                    "PARTIALLY_MAPPED_EVENT",
                    "Partially Mapped Event",
                    "warning",
                    "have fields the mapping does not map; map them, then restream",
                ),
                "no_table" => (
                    "NEW_EVENT_TYPE_NEEDS_MAPPING",
                    "New Event Type Needs Mapping",
                    "warning",
                    "belong to an event type with no table to load into; map it, then restream",
                ),
                "conversion" => (
                    "TYPE_MISMATCH",
                    "Type Mismatch",
                    "error",
                    "have values their columns cannot take; fix the mapping, then restream",
                ),
                "code_engine" => (
                    "CODE_ENGINE_ERROR",
                    "Code Engine Error",
                    "error",
                    "failed in the Code Engine; fix the code, then restream",
                ),
                "warehouse" => (
                    "LOAD_ERROR",
                    "Load Error",
                    "error",
                    "were refused by the warehouse or could not reach it; restream when it is back",
                ),
                _ => (
                    "UNMAPPABLE_EVENT",
                    "Unmappable Event",
                    "error",
                    "cannot be mapped as they are; fix them in the Code Engine, then restream",
                ),
            };
            let text = format!("{count} event(s) {what}. They wait in the Restream Queue.");
            self.notify(
                notification,
                description,
                severity,
                &text,
                serde_json::json!({ "reason": kind, "events": count }),
            );
        }
    }

    /// Counts a batch in its minute (see [`Self::data_metric`]).
    fn count_minute(&mut self, report: &Report, bytes: u64, latency_ms: f64, restream: bool) {
        let minute = self.now_millis().div_euclid(60_000) * 60;
        let Some(data) = self.data.as_mut() else {
            return;
        };
        let m = data.minutes.entry(minute).or_default();
        let n = report.received as u64;
        if restream {
            m.restreamed += n;
        } else {
            m.incoming += n;
            m.bytes += bytes;
        }
        m.loaded += report.loaded as u64;
        m.ignored += (report.discarded + report.dropped_by_code) as u64;
        for (kind, count) in &report.queued {
            if matches!(kind.as_str(), "unmapped" | "no_table") {
                m.unmapped += *count as u64;
            } else {
                m.errors += *count as u64;
            }
        }
        if n > 0 {
            m.latencies.push((latency_ms, n));
        }
        // Two days of minutes at most.
        while data.minutes.len() > 2 * 24 * 60 {
            data.minutes.pop_first();
        }
    }

    /// A metric's value over the minutes `[from, to)` (epoch seconds), from
    /// what the data path did; `None` once events have flowed but for a
    /// metric with no value there (an average of nothing), and `None` with
    /// `flowing == false` before any event flowed (then the series are the
    /// seeded ones).
    pub(crate) fn data_metric(&self, name: &str, from: i64, to: i64) -> Option<Option<f64>> {
        let data = self.data.as_ref()?;
        let window: Vec<&MinuteCounts> = data.minutes.range(from..to).map(|(_, m)| m).collect();
        let sum = |f: fn(&MinuteCounts) -> u64| window.iter().map(|m| f(m)).sum::<u64>() as f64;
        let minutes = ((to - from) as f64 / 60.0).max(1.0);
        let mut latencies: Vec<(f64, u64)> = window
            .iter()
            .flat_map(|m| m.latencies.iter().copied())
            .collect();
        latencies.sort_by(|a, b| a.0.total_cmp(&b.0));
        let events: u64 = latencies.iter().map(|(_, n)| n).sum();
        let percentile = |p: f64| {
            let target = (p * events as f64).ceil().max(1.0) as u64;
            let mut seen = 0;
            latencies.iter().find_map(|(ms, n)| {
                seen += n;
                (seen >= target).then_some(*ms)
            })
        };
        Some(match name {
            "INCOMING_EVENTS" => Some(sum(|m| m.incoming)),
            "RESTREAMED_EVENTS" => Some(sum(|m| m.restreamed)),
            "UNMAPPED_EVENTS" => Some(sum(|m| m.unmapped)),
            "IGNORED_EVENTS" => Some(sum(|m| m.ignored)),
            "ERROR_EVENTS" => Some(sum(|m| m.errors)),
            "LOADED_EVENTS_RATE" => Some(sum(|m| m.loaded) / minutes),
            "EVENT_PROCESSING_RATE" => Some(sum(|m| m.incoming) / minutes),
            "EVENT_SIZE_TOTAL" => Some(sum(|m| m.bytes)),
            "EVENT_SIZE_AVG" => {
                let n = sum(|m| m.incoming);
                (n > 0.0).then(|| sum(|m| m.bytes) / n)
            }
            "EVENTS_IN_PIPELINE" => Some(0.0),
            "EVENTS_IN_TRANSIT" => Some(data.path.queue.len() as f64),
            "LATENCY_AVG" => (events > 0).then(|| {
                latencies.iter().map(|(ms, n)| ms * *n as f64).sum::<f64>() / events as f64
            }),
            "LATENCY_PERCENTILE_50" => percentile(0.5),
            "LATENCY_PERCENTILE_95" => percentile(0.95),
            "LATENCY_MAX" => latencies.last().map(|(ms, _)| *ms),
            _ => None,
        })
    }

    /// Keeps events as they arrived (before the Code Engine and the
    /// Mapper) as samples, with their status: the last
    /// [`SAMPLES_KEPT`] of each event type and status.
    fn keep_samples(&mut self, events: Vec<Value>, statuses: &[&'static str]) {
        for (event, status) in events.into_iter().zip(statuses) {
            let event_type = event
                .get("_metadata")
                .and_then(|m| m.get("event_type"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            self.samples.push(Sample {
                event_type: event_type.clone(),
                status: Some((*status).to_owned()),
                rest: super::state::object(json!({ "sample": event })),
            });
            // The oldest of this event type and status beyond the limit
            // goes.
            let same =
                |s: &Sample| s.event_type == event_type && s.status.as_deref() == Some(status);
            if self.samples.iter().filter(|s| same(s)).count() > SAMPLES_KEPT {
                if let Some(at) = self.samples.iter().position(same) {
                    self.samples.remove(at);
                }
            }
        }
    }

    /// Sends the Restream Queue through the data path again.
    pub(crate) fn restream_events(&mut self) -> Option<Report> {
        if !self.has_data() {
            return None;
        }
        self.sync_into_path().ok()?;
        let data = self.data.as_mut()?;
        if data.deploy_error.is_some() {
            // The events would only wait again: they stay where they are.
            return None;
        }
        let started = std::time::Instant::now();
        let report = off_runtime(|| data.path.restream());
        let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
        self.count_minute(&report, 0, latency_ms, true);
        self.notify_of(&report);
        self.sync_from_path();
        Some(report)
    }

    /// Empties the Restream Queue of events (when events flowed).
    pub(crate) fn purge_events(&mut self) {
        if let Some(data) = self.data.as_mut() {
            data.path.queue.purge();
        }
        self.restream_events.clear();
    }

    /// Whether events have flowed (the queue and counts are real).
    pub(crate) fn has_data(&self) -> bool {
        self.data.is_some() || !self.restream_events.is_empty()
    }

    /// Everything counted since events began to flow.
    pub fn data_totals(&self) -> Option<Report> {
        self.data.as_ref().map(|d| d.path.totals.clone())
    }

    /// The Restream Queue: each event with its reason.
    pub fn restream_queue(&self) -> Vec<(Value, String)> {
        if self.data.is_none() {
            return self
                .restream_events
                .iter()
                .map(|q| (q.event.clone(), q.reason.clone()))
                .collect();
        }
        self.data
            .as_ref()
            .map(|d| {
                d.path
                    .queue
                    .iter()
                    .map(|q| (q.event.clone(), q.reason.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Runs a query on the account's warehouse (when events flowed),
    /// answering rows as JSON objects.
    ///
    /// # Errors
    ///
    /// The warehouse's error, as text.
    pub fn query_warehouse(&mut self, sql: &str) -> Result<Value, String> {
        let data = self.data().map_err(|e| e.to_string())?;
        off_runtime(|| data.path.warehouse.query_json(sql)).map_err(|e| e.to_string())
    }
}
