//! Settings: `settings/`, `settings/email-notifications`,
//! `settings/s3-retention`.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::domain::model::Object;
use crate::domain::state::State;
use crate::http::reply::{Outcome, Reply, Req};

/// `GET settings/` → `{"email-notifications": …, "s3-retention": … or null}`.
pub(crate) fn get(state: &State) -> Outcome {
    Ok(Reply::json(json!({
        "email-notifications": state.email_notifications,
        "s3-retention": state.s3_retention,
    })))
}

/// `POST settings/email-notifications` with the digest settings object.
pub(crate) fn set_email_notifications(state: &mut State, req: &Req<'_>) -> Outcome {
    let body: EmailNotifications = req.body()?;
    state.email_notifications = body.rest;
    let settings = &mut state.email_notifications;
    if let Some(hour) = body.digest_send_hour {
        settings.insert("digestSendHour".into(), hour.map_or(Value::Null, |h| h.0));
    }
    for (key, flag) in [
        ("digestInfo", body.digest_info),
        ("digestWarning", body.digest_warning),
        ("digestError", body.digest_error),
        ("recipientsChanged", body.recipients_changed),
    ] {
        if let Some(flag) = flag {
            settings.insert(key.into(), flag.map_or(Value::Null, |f| f.0));
        }
    }
    if let Some(recipients) = body.recipients {
        state
            .email_notifications
            .insert("recipients".into(), json!(recipients));
    }
    Ok(Reply::empty())
}

pub(crate) fn set_s3_retention(state: &mut State, req: &Req<'_>) -> Outcome {
    let body: S3Retention = req.body()?;
    state.s3_retention = Some(crate::domain::state::object(json!(body)));
    Ok(Reply::empty())
}

/// The body of `POST settings/email-notifications`.
#[derive(Deserialize)]
struct EmailNotifications {
    #[serde(default)]
    recipients: Option<Vec<String>>,
    /// An hour of the day (0–23), as a number or its text; `null` unset.
    #[serde(
        rename = "digestSendHour",
        default,
        deserialize_with = "crate::domain::model::absent_or_null"
    )]
    digest_send_hour: Option<Option<HourOfDay>>,
    #[serde(
        rename = "digestInfo",
        default,
        deserialize_with = "crate::domain::model::absent_or_null"
    )]
    digest_info: Option<Option<Flag>>,
    #[serde(
        rename = "digestWarning",
        default,
        deserialize_with = "crate::domain::model::absent_or_null"
    )]
    digest_warning: Option<Option<Flag>>,
    #[serde(
        rename = "digestError",
        default,
        deserialize_with = "crate::domain::model::absent_or_null"
    )]
    digest_error: Option<Option<Flag>>,
    #[serde(
        rename = "recipientsChanged",
        default,
        deserialize_with = "crate::domain::model::absent_or_null"
    )]
    recipients_changed: Option<Option<Flag>>,
    #[serde(flatten)]
    rest: Object,
}

/// A flag, as sent: a bool or its text (`"true"`, `"False"`).
#[derive(Serialize, Deserialize, Clone)]
#[serde(try_from = "Value")]
struct Flag(Value);

impl TryFrom<Value> for Flag {
    type Error = String;
    fn try_from(v: Value) -> Result<Self, String> {
        let text_flag = |s: &str| {
            let s = s.trim();
            s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false")
        };
        if v.is_boolean() || v.as_str().is_some_and(text_flag) {
            Ok(Flag(v))
        } else {
            Err(format!("true or false (or its text), not {v}"))
        }
    }
}

/// An hour of the day, as sent (a number or its text).
#[derive(Serialize, Deserialize, Clone)]
#[serde(try_from = "Value")]
struct HourOfDay(Value);

impl TryFrom<Value> for HourOfDay {
    type Error = String;
    fn try_from(v: Value) -> Result<Self, String> {
        let hour = v
            .as_u64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()));
        match hour {
            Some(h) if h < 24 => Ok(HourOfDay(v)),
            _ => Err(format!("an hour of the day (0 to 23), not {v}")),
        }
    }
}

/// The body of `POST settings/s3-retention`: the bucket and its keys are
/// required.
#[derive(Serialize, Deserialize)]
struct S3Retention {
    #[serde(rename = "awsBucketName")]
    aws_bucket_name: String,
    #[serde(rename = "awsAccessKeyId")]
    aws_access_key_id: String,
    #[serde(rename = "awsSecretAccessKey")]
    aws_secret_access_key: String,
    #[serde(flatten)]
    rest: Object,
}

pub(crate) fn delete_s3_retention(state: &mut State) -> Outcome {
    state.s3_retention = None;
    Ok(Reply::empty())
}

// This area's routes, in matching order (a literal segment before a
// `{capture}` in the same place).
crate::http::route::route_table! {
    GET "settings" as get_settings => |state, _req, _p| get(state),
    POST "settings/email-notifications" as set_settings_email_notifications => |state, req, _p| set_email_notifications(state, req),
    POST "settings/s3-retention" as set_s3_retention => |state, req, _p| set_s3_retention(state, req),
    DELETE "settings/s3-retention" as delete_s3_retention => |state, _req, _p| delete_s3_retention(state),
}
