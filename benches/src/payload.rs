//! Realistic response bodies, written straight into a `String` (no JSON
//! tree), so generating them costs little time and memory.
//!
//! Shapes follow the service's documented answers: the event-type list is
//! `get_event_type`'s answer without its `fields`; structure nodes carry
//! `stats`, a type-specific `configuration` and `state`; a mapping is an
//! event type whose fields nest one level, with column mappings and `stats`.

use std::fmt::Write;

/// The event-type list of `GET event-types`: `count` event types of about
/// 400 bytes each (200 of them make about 80 KB).
pub fn event_types(count: usize) -> String {
    let mut s = String::with_capacity(count * 450 + 2);
    s.push('[');
    for i in 0..count {
        if i > 0 {
            s.push(',');
        }
        let input = i % 7;
        let state = if i.is_multiple_of(11) {
            "NOT_MAPPED"
        } else {
            "MAPPED"
        };
        let discarded = i.is_multiple_of(13);
        let _ = write!(
            s,
            concat!(
                r#"{{"autoMappingError":null,"stats":{{"count":{count},"lastSeen":"2018-10-09T11:26:06.016Z"}},"#,
                r#""name":"input_{input}.event_type_{i:04}","origInputLabel":"input_{input}","#,
                r#""consolidation":{{"consolidatedSchema":null,"consolidatedTableName":null,"viewSchema":null,"consolidationKeys":null}},"#,
                r#""mapping":{{"isDiscarded":{discarded},"tableName":"event_type_{i:04}","readOnly":false,"schema":"public"}},"#,
                r#""state":"{state}","usingDefaultMappingMode":true,"mappingMode":"STRICT","schemaUrls":[]}}"#
            ),
            count = 1_000 + i * 37,
            input = input,
            i = i,
            discarded = discarded,
            state = state,
        );
    }
    s.push(']');
    s
}

const INPUT_TYPES: [&str; 6] = [
    "SALESFORCE",
    "S3",
    "MYSQL",
    "MIXPANEL",
    "REST",
    "POSTGRESQL",
];

fn node(s: &mut String, i: usize) {
    let _ = match i % 50 {
        0 => write!(
            s,
            r#"{{"id":"{i:08x}-7c1e-4e2b-9f3a-0d5e6b7a8c9d","name":"Restream Queue","type":"RESTREAM","category":"INPUT","deleted":false,"stats":{{"throughput":0,"latency":0,"availbleForRestream":{n}}},"configuration":{{}},"state":null}}"#,
            n = i * 3
        ),
        1 => write!(
            s,
            r#"{{"id":"{i:08x}-1a2b-4c3d-8e4f-5a6b7c8d9e0f","name":"Code Engine","type":"TRANSFORMER","category":"OTHER","deleted":false,"stats":{{"throughput":{t}.5,"latency":{l}}},"configuration":{{"auto_map":"true"}},"state":"running"}}"#,
            t = i % 900,
            l = 120 + i % 400
        ),
        _ => {
            let ty = INPUT_TYPES[i % INPUT_TYPES.len()];
            write!(
                s,
                concat!(
                    r#"{{"id":"{i:08x}-3b4c-4d5e-9f60-718293a4b5c6","name":"{ty}_input_{i}","type":"{ty}","category":"INPUT","deleted":{deleted},"#,
                    r#""stats":{{"throughput":{t}.25,"latency":{l}}},"#,
                    r#""configuration":{{"auto_map":"true","input_default_schema":"PUBLIC","daily_api_calls":200000,"#,
                    r#""custom_objects":"Account Contact Lead Opportunity","password":"**********"}},"state":null}}"#
                ),
                i = i,
                ty = ty,
                deleted = i.is_multiple_of(17),
                t = i % 1000,
                l = 200 + i % 700,
            )
        }
    };
}

/// The answer of `GET plumbing/?resolution=1min` with nodes appended until
/// the body is at least `target_bytes` long (about 380 bytes a node).
pub fn structure(target_bytes: usize) -> String {
    let mut s = String::with_capacity(target_bytes + 1024);
    s.push_str(r#"{"nodes":["#);
    let mut i = 0;
    while s.len() < target_bytes {
        if i > 0 {
            s.push(',');
        }
        node(&mut s, i);
        i += 1;
    }
    s.push_str(r#"],"graph":{"version":3}}"#);
    s
}

const COLUMN_TYPES: [&str; 5] = [
    r#"{"type":"VARCHAR","length":256,"nonNull":false,"truncate":false}"#,
    r#"{"type":"BIGINT","nonNull":false}"#,
    r#"{"type":"FLOAT","nonNull":false}"#,
    r#"{"type":"TIMESTAMP","nonNull":false}"#,
    r#"{"type":"BOOLEAN","nonNull":true}"#,
];

/// The answer of `GET event-types/{name}` for a big event type:
/// `objects` object fields of `leaves` mapped leaf fields each, with
/// `stats` everywhere (about 230 bytes a leaf).
pub fn mapping(objects: usize, leaves: usize) -> String {
    let mut s = String::with_capacity(objects * leaves * 240 + 1024);
    s.push_str(r#"{"name":"big_events","mapping":{"isDiscarded":false,"tableName":"big_events","schema":"public","readOnly":false},"mappingMode":"STRICT","state":"MAPPED","stats":{"count":987654321,"lastSeen":"2018-10-09T11:26:06.016Z"},"origInputLabel":"big","autoMappingError":null,"schemaUrls":[],"fields":["#);
    for o in 0..objects {
        if o > 0 {
            s.push(',');
        }
        let _ = write!(s, r#"{{"fieldName":"obj_{o:04}","fields":["#);
        for l in 0..leaves {
            if l > 0 {
                s.push(',');
            }
            let n = o * leaves + l;
            let _ = write!(
                s,
                r#"{{"fieldName":"f_{l:02}","fields":[],"mapping":{{"columnName":"obj_{o:04}_f_{l:02}","columnType":{},"isDiscarded":false,"subFields":null}},"stats":{{"count":{},"nullCount":{}}}}}"#,
                COLUMN_TYPES[n % COLUMN_TYPES.len()],
                100_000 + n * 7,
                n % 97,
            );
        }
        let _ = write!(
            s,
            r#"],"mapping":null,"fieldType":"OBJECT","stats":{{"count":{},"firstSeen":"2018-01-01T00:00:00.000Z"}}}}"#,
            1_000_000 + o
        );
    }
    s.push_str("]}");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use alooma_types::{EventType, Structure};

    #[test]
    fn event_types_are_about_80_kb_and_decode() {
        let body = event_types(200);
        assert!((75_000..90_000).contains(&body.len()), "{}", body.len());
        let list: Vec<EventType> = serde_json::from_str(&body).unwrap();
        assert_eq!(list.len(), 200);
        assert_eq!(list[5].name, "input_5.event_type_0005");
        assert_eq!(
            list[5].state,
            alooma_types::Maybe::Value(alooma_types::EventTypeState::Mapped)
        );
        assert!(
            list.iter().all(|et| et.extra.is_empty()),
            "every key is typed"
        );
        let back = serde_json::to_value(&list).unwrap();
        assert_eq!(
            back,
            serde_json::from_str::<serde_json::Value>(&body).unwrap()
        );
    }

    #[test]
    fn structure_reaches_its_size_and_decodes() {
        let body = structure(200_000);
        assert!(body.len() >= 200_000 && body.len() < 201_000);
        let s: Structure = serde_json::from_str(&body).unwrap();
        assert!(s.nodes().len() > 400);
        assert_eq!(s.first_of_type("TRANSFORMER").unwrap().name, "Code Engine");
        assert_eq!(s.extra["graph"]["version"], 3);
    }

    #[test]
    fn mapping_decodes_with_every_leaf() {
        let body = mapping(20, 10);
        let et: EventType = serde_json::from_str(&body).unwrap();
        assert_eq!(et.fields().len(), 20);
        assert_eq!(et.fields()[3].children().len(), 10);
        let leaf = &et.fields()[3].children()[4];
        assert_eq!(
            leaf.mapping.as_ref().unwrap().column_name.as_deref(),
            Some("obj_0003_f_04")
        );
    }
}
