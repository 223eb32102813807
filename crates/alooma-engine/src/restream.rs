//! The Restream Queue: events that did not load, each with the reason,
//! kept until a restream sends them through the Code Engine and the
//! Mapper again (data-path §4), or a purge empties it.

use serde_json::Value;
use std::collections::BTreeMap;

/// An event waiting in the queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Queued {
    /// The event as it entered the Code Engine (a restream runs it again).
    pub event: Value,
    /// Why it did not load, in a line.
    pub reason: String,
    /// The reason's kind (`unmapped`, `conversion`, `code_engine`,
    /// `no_table`, `warehouse` …), for counting.
    pub kind: &'static str,
    /// Its event type, when known.
    pub event_type: Option<String>,
}

/// The queue.
#[derive(Debug, Clone, Default)]
pub struct RestreamQueue {
    entries: Vec<Queued>,
}

impl RestreamQueue {
    /// An empty queue.
    pub fn new() -> Self {
        RestreamQueue::default()
    }

    /// Adds an event.
    pub fn push(&mut self, queued: Queued) {
        self.entries.push(queued);
    }

    /// How many events wait.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether none waits.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The waiting events, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Queued> {
        self.entries.iter()
    }

    /// How many wait for each kind of reason.
    pub fn by_kind(&self) -> BTreeMap<&'static str, usize> {
        let mut out = BTreeMap::new();
        for q in &self.entries {
            *out.entry(q.kind).or_insert(0) += 1;
        }
        out
    }

    /// Empties the queue; answers how many events it dropped.
    pub fn purge(&mut self) -> usize {
        let n = self.entries.len();
        self.entries.clear();
        n
    }

    /// Takes every waiting event out, oldest first (a restream).
    pub fn take(&mut self) -> Vec<Queued> {
        std::mem::take(&mut self.entries)
    }
}
