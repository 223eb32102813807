//! Settings: `settings/`, `settings/email-notifications`,
//! `settings/s3-retention`.

use serde_json::{json, Value};

use crate::reply::{required_str, ApiError, Outcome, Reply, Req};
use crate::state::State;

/// `GET settings/` → `{"email-notifications": …, "s3-retention": … or null}`.
pub(crate) fn get(state: &State) -> Outcome {
    Ok(Reply::json(json!({
        "email-notifications": state.email_notifications,
        "s3-retention": state.s3_retention,
    })))
}

/// `POST settings/email-notifications` with the digest settings object.
pub(crate) fn set_email_notifications(state: &mut State, req: &Req<'_>) -> Outcome {
    let body = req.json_object()?;
    if let Some(r) = body.get("recipients") {
        let ok = r
            .as_array()
            .is_some_and(|list| list.iter().all(Value::is_string));
        if !ok {
            return Err(ApiError::bad_request(
                "`recipients` must be a list of strings",
            ));
        }
    }
    state.email_notifications = Value::Object(body);
    Ok(Reply::empty())
}

/// `POST settings/s3-retention` with the bucket and credentials.
pub(crate) fn set_s3_retention(state: &mut State, req: &Req<'_>) -> Outcome {
    let body = req.json_object()?;
    for key in ["awsBucketName", "awsAccessKeyId", "awsSecretAccessKey"] {
        required_str(&body, key)?;
    }
    state.s3_retention = Some(Value::Object(body));
    Ok(Reply::empty())
}

/// `DELETE settings/s3-retention`.
pub(crate) fn delete_s3_retention(state: &mut State) -> Outcome {
    state.s3_retention = None;
    Ok(Reply::empty())
}

// This area's routes, in matching order (a literal segment before a
// `{capture}` in the same place).
crate::router::route_table! {
    GET "settings" => |state, _req, _p| get(state),
    POST "settings/email-notifications" => |state, req, _p| set_email_notifications(state, req),
    POST "settings/s3-retention" => |state, req, _p| set_s3_retention(state, req),
    DELETE "settings/s3-retention" => |state, _req, _p| delete_s3_retention(state),
}
