#!/usr/bin/env python3
"""Drive the reference Python client (alooma 0.4.16) against a running emulator.

Not run in CI (it needs PyPI). `cargo xtask reference-smoke` runs it: a
temporary virtualenv with alooma==0.4.16, the example server on a free port,
this script, and a check that every call worked. By hand:

    python3 -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install alooma==0.4.16
    cargo run -p alooma-emulator --example serve -- 8089 &     # demo seed, account acme
    /tmp/refvenv/bin/python crates/alooma-emulator/scripts/reference_smoke.py 8089

Prints one line per reference call (ok / FAIL and why) and exits non-zero when
any call failed.
"""
import datetime
import json
import sys
import time
import warnings

import alooma
import requests

warnings.simplefilter("ignore")

PORT = sys.argv[1] if len(sys.argv) > 1 else "8089"
BASE = "http://127.0.0.1:%s" % PORT
KEY = "emulator-api-key"
USER, PASSWORD = "demo@example.com", "emulator-password"

results = []


def check(name, fn, expect=None):
    try:
        value = fn()
        if expect is not None and not expect(value):
            raise AssertionError("unexpected answer: %r" % (value,))
        results.append((name, True, ""))
        return value
    except Exception as e:  # noqa: BLE001 - report every failure and go on
        results.append((name, False, ("%s: %s" % (type(e).__name__, e))[:300]))
        return None


def _expect_failure(fn):
    try:
        fn()
    except Exception:  # noqa: BLE001
        return True
    raise AssertionError("call should have failed")


def _expect_attribute_error(fn):
    try:
        fn()
    except AttributeError as e:
        return "'list' object has no attribute 'keys'" in str(e)
    raise AssertionError("the reference defect did not show up")


api = check("Client(api_key, account_name)",
            lambda: alooma.Client(api_key=KEY, account_name="acme", base_url=BASE))
check("Client(api_key) resolves the account",
      lambda: alooma.Client(api_key=KEY, base_url=BASE).account_name, lambda v: v == "acme")
check("Client(username, password) logs in on 401",
      lambda: alooma.Client(username=USER, password=PASSWORD, base_url=BASE).account_name,
      lambda v: v == "acme")
check("wrong key is refused",
      lambda: _expect_failure(lambda: alooma.Client(api_key="nope", base_url=BASE)))


# Structure and output.
check("get_structure", api.get_structure, lambda v: len(v["nodes"]) >= 5)
check("get_plumbing", api.get_plumbing, lambda v: "nodes" in v)
check("get_transform_node_id", api.get_transform_node_id, lambda v: isinstance(v, str))
check("get_throughput_by_name", lambda: api.get_throughput_by_name("Mapper"), lambda v: len(v) == 1)
check("get_output_node", api.get_output_node, lambda v: v["type"] == "REDSHIFT")
check("get_output_config", api.get_output_config, lambda v: v["sinkType"] == "REDSHIFT")
check("get_redshift_node", api.get_redshift_node, lambda v: v["name"] == "Redshift")
check("get_redshift_config", api.get_redshift_config, lambda v: "hostname" in v)
check("get_snowflake_node (none)", api.get_snowflake_node, lambda v: v is None)
check("get_bigquery_config (none)", api.get_bigquery_config, lambda v: v is None)
check("set_redshift_config", lambda: api.set_redshift_config(
    "rs.example.com", 5439, "public", "db", "user", "pw", ssh_server="bastion", ssh_port=22,
    ssh_username="alooma"), lambda v: v["configuration"]["hostname"] == "rs.example.com")
check("set_snowflake_config refused client-side",
      lambda: _expect_failure(lambda: api.set_snowflake_config("a", "w", "s", "d", "u", "p")))
check("get_deployment_info", api.get_deployment_info, lambda v: "deploymentName" in v)

# Inputs.
check("get_inputs", api.get_inputs, lambda v: len(v) == 3)
check("get_inputs(name=regex)", lambda: api.get_inputs(name="sales"), lambda v: len(v) == 1)
web = api.get_inputs(name="web_events")[0]
check("get_input_by_id", lambda: api.get_input_by_id(web["id"]), lambda v: v["job"]["id"] == web["id"])
check("get_input_by_name", lambda: api.get_input_by_name("salesforce"),
      lambda v: list(v["tasks"].values())[0]["type"] == "SALESFORCE")
s3_id = check("create_s3_input", lambda: api.create_s3_input(
    "s3_logs", "AKIA", "secret", "bucket", file_format="delimited", delimiter="\t"),
    lambda v: isinstance(v, str))
mp_id = check("create_mixpanel_input",
              lambda: api.create_mixpanel_input("k", "s", "2024-01-01", "mixpanel_in"),
              lambda v: isinstance(v, str))
nv_id = check("create_input(validate=False)", lambda: api.create_input(
    {"name": "novalidate", "type": "REST_API", "configuration": {}}, validate=False),
    lambda v: isinstance(v, str))
check("edit_input", lambda: api.edit_input(
    {"id": s3_id, "name": "s3_logs", "type": "S3", "configuration": {"awsBucketName": "other"}}),
    lambda r: r.status_code == 200)
check("edit_input read back", lambda: api.get_inputs(input_id=s3_id)[0]["configuration"],
      lambda c: c == {"awsBucketName": "other"})
check("pause_input_by_id", lambda: api.pause_input_by_id(s3_id), lambda v: v["paused"] is True)
check("resume_input_by_id", lambda: api.resume_input_by_id(s3_id), lambda v: v["paused"] is False)
check("set_input_sleep_time", lambda: api.set_input_sleep_time(s3_id, 12.5),
      lambda r: r.status_code == 200)
check("get_input_sleep_time", lambda: api.get_input_sleep_time(s3_id), lambda v: v == 12.5)
check("remove_input", lambda: api.remove_input(nv_id))
check("removed input is gone", lambda: api.get_inputs(input_id=nv_id), lambda v: v == [])

# Event types and mappings.
check("get_event_types", api.get_event_types, lambda v: len(v) >= 5)
check("get_event_type (slash in name)", lambda: api.get_event_type("partner/feed"),
      lambda v: v["name"] == "partner/feed")
mapping = check("get_mapping", lambda: api.get_mapping("page_view"), lambda v: "stats" not in v)


def _map_and_set():
    m = api.get_mapping("page_view")
    api.map_field(m, "coupon", "coupon", "VARCHAR", False, length=32)
    api.set_mapping(m, "page_view")
    back = api.get_event_type("page_view")
    return [f["fieldName"] for f in back["fields"]]


check("map_field + set_mapping + get_event_type", _map_and_set, lambda v: "coupon" in v)
check("discard_event_type", lambda: api.discard_event_type("checkout"))
check("discarded mapping read back", lambda: api.get_event_type("checkout")["mapping"]["isDiscarded"],
      lambda v: v is True)
check("delete_event_type (slash in name)", lambda: api.delete_event_type("partner/feed"))
check("get_mapping_mode", api.get_mapping_mode, lambda v: v == b'"AUTO_MAP"')
check("set_mapping_mode", lambda: api.set_mapping_mode("STRICT"), lambda r: r.status_code == 200)
check("mapping mode read back", api.get_mapping_mode, lambda v: v == b'"STRICT"')

# Code Engine.
check("get_code_engine_code", api.get_code_engine_code, lambda v: "main" in v)
check("get_all_transforms", api.get_all_transforms, lambda v: "main" in v)
check("get_code_engine_module", lambda: api.get_code_engine_module("utils"),
      lambda v: "normalize_email" in v)
check("set_code_engine_code", lambda: api.set_code_engine_code({"submodule": "X = 1"}))
check("module read back", lambda: api.get_code_engine_module("submodule"), lambda v: v == "X = 1")
check("delete_code_engine_module", lambda: api.delete_code_engine_module("submodule"))
check("get_transform (deprecated)", api.get_transform, lambda v: "def transform" in v)
check("get_code_engine_requirements(text)",
      lambda: api.get_code_engine_requirements(text_format=True), lambda v: "requests==" in v)
# Test runs execute the code: the seed's `main` normalises the user's email
# (through `utils`) and reads `_metadata`.
EVENT = {"user": {"email": " Ann@Example.COM "}, "_metadata": {"event_type": "page_view"}}
check("test_transform", lambda: api.test_transform(EVENT),
      lambda v: v["result"]["user"]["email"] == "ann@example.com")
check("test_transform (an exception)", lambda: api.test_transform({"a": 1}),
      lambda v: v["result"]["errorMessage"].endswith("KeyError: '_metadata'\n") and v["notifications"])
check("test_transform (dropping)",
      lambda: api.test_transform({"a": 1}, "def transform(event):\n\treturn None"),
      lambda v: v["result"] is None)
check("test_code_engine_code", lambda: api.test_code_engine_code(json.dumps(EVENT)),
      lambda v: v["result"]["user"]["email"] == "ann@example.com")
check("test_code_engine_code (given modules)",
      lambda: api.test_code_engine_code({"b": 2}, {"main": "def transform(event):\n    print('b', event['b'])\n    event['b'] += 40\n    return event\n"}),
      lambda v: v["result"] == {"b": 42} and v["output"] == "b 2\n")
check("test_transform_all_samples", api.test_transform_all_samples, lambda v: len(v) >= 5)
# The reference passes its module *list* to test_code_engine_code, which calls
# .keys() on it: this call cannot work against any server.
check("test_code_engine_all_samples fails inside the reference client (its defect)",
      lambda: _expect_attribute_error(lambda: api.test_code_engine_all_samples("page_view")))
check("set_transform_to_default", api.set_transform_to_default)

# Samples.
check("get_samples", api.get_samples, lambda v: len(v) >= 5)
check("get_samples(event_type, codes)", lambda: api.get_samples("page_view", ["VALID"]),
      lambda v: len(v) == 2)
check("get_samples_stats", api.get_samples_stats, lambda v: v["page_view"]["VALID"] == 2)
check("get_samples_status_codes", api.get_samples_status_codes, lambda v: "VALID" in v)

# Metrics and notifications.
check("get_metrics_by_names", lambda: api.get_metrics_by_names(["INCOMING_EVENTS", "LATENCY_MAX"], 60, 5),
      lambda v: len(v) == 2 and len(v[0]["datapoints"]) == 13)
check("metrics: a 60-minute window at 60-minute resolution has two points",
      lambda: api.get_metrics_by_names("INCOMING_EVENTS", 60, 60),
      lambda v: len(v[0]["datapoints"]) == 2)
check("get_incoming_queue_metric", lambda: api.get_incoming_queue_metric(60), lambda v: v > 0)
check("get_incoming_events_count", lambda: api.get_incoming_events_count(60), lambda v: v > 0)
check("get_average_event_size", lambda: api.get_average_event_size(60), lambda v: v > 0)
check("get_max_latency", lambda: api.get_max_latency(60), lambda v: v > 0)
check("get_outputs_metrics", lambda: api.get_outputs_metrics(60), lambda v: len(v) == 4)
check("get_restream_queue_metrics", lambda: api.get_restream_queue_metrics(60), lambda v: v > 0)
check("get_notifications", lambda: api.get_notifications(0), lambda v: len(v["messages"]) >= 3)
check("publish_notification", lambda: api.publish_notification("error", "smoke", {"k": 1}),
      lambda r: r.status_code == 200)
check("published notification listed",
      lambda: api.get_notifications(int(time.time()) - 60)["messages"],
      lambda v: any(m["description"] == "smoke" for m in v))
check("get_notifications(from in milliseconds, as real scripts sent)",
      lambda: api.get_notifications(int(time.time() * 1000) - 60000)["messages"],
      lambda v: any(m["description"] == "smoke" for m in v))
check("parse_notifications_errors", lambda: api.parse_notifications_errors(api.get_notifications(0)),
      lambda v: "Custom Notification" in v)

# Restream.
check("get_restream_queue_size", api.get_restream_queue_size, lambda v: v == 1250)
check("get_restream_stats", api.get_restream_stats, lambda v: v == {"number_of_events": 1250})
check("start_restream", api.start_restream)
check("purge_restream_queue", api.purge_restream_queue)
check("restream queue emptied", api.get_restream_queue_size, lambda v: v == 0)

# Tables and schemas.
cols = [{"columnName": "price", "distKey": False, "primaryKey": False, "sortKeyIndex": -1,
         "columnType": {"type": "FLOAT", "nonNull": False}},
        {"columnName": "event", "distKey": True, "primaryKey": False, "sortKeyIndex": 0,
         "columnType": {"type": "VARCHAR", "length": 256, "nonNull": False}}]
check("get_tables", api.get_tables, lambda v: any(t["tableName"] == "orders" for t in v))
check("get_tables(shallow, schema)", lambda: api.get_tables(True, "analytics"),
      lambda v: all(t["columns"] == [] for t in v) and len(v) == 2)
check("get_table_names", api.get_table_names, lambda v: len(v) >= 4)
check("create_table", lambda: api.create_table("prices", cols), lambda v: v["tableName"] == "prices")
check("alter_table", lambda: api.alter_table("prices", cols[:1]), lambda r: r.status_code == 200)
check("get_table_dependencies", lambda: api.get_table_dependencies("public", "orders"),
      lambda v: v == ["public.orders_daily"])
check("drop_table without cascade fails",
      lambda: _expect_failure(lambda: api.drop_table("public", "orders")))
check("drop_table(cascade=True)", lambda: api.drop_table("public", "orders", cascade=True),
      lambda v: v == 200)
check("drop_table", lambda: api.drop_table("public", "prices"), lambda v: v == 200)
check("get_schemas", api.get_schemas, lambda v: v[0]["schemaName"] == "public")
check("create_schema", lambda: api.create_schema({"schemaName": "staging"}),
      lambda r: r.status_code == 200)

# Scheduled queries.
check("get_queries", api.get_queries, lambda v: len(v) == 2)
check("get_query_by_event_type", lambda: api.get_query_by_event_type("checkout"),
      lambda v: v["id"] == 2)
check("get_queries_in_error_state", api.get_queries_in_error_state, lambda v: len(v) == 1)
check("get_scheduled_queries", api.get_scheduled_queries, lambda v: "1" in v)
check("get_scheduled_queries_in_error_state", api.get_scheduled_queries_in_error_state,
      lambda v: list(v) == ["2"])
check("schedule_default_query",
      lambda: api.schedule_default_query({"event_type": "Account"}, {"var": "x"}),
      lambda v: v["configuration"]["custom_variables"] == {"var": "x"})
check("get_queries: v2 objects carry event_type and query_type at the top level",
      api.get_queries, lambda v: all("event_type" in q and "query_type" in q for q in v))
check("schedule_default_query keeps the client's query_type",
      lambda: api.schedule_default_query({"event_type": "Account", "query_type": "incremental"}),
      lambda v: v["query_type"] == "incremental" and v["event_type"] == "Account")
custom = check("schedule_query", lambda: api.schedule_query("page_view", "select 1;", frequency=4),
               lambda r: r.status_code == 200)
qid = custom.json()["id"] if custom is not None else 0
check("run_query", lambda: api.run_query(qid), lambda r: r.json()["last_processing_time"])
check("remove_scheduled_query", lambda: api.remove_scheduled_query(qid))

# Secrets, settings, users, credits.
check("set_secrets", lambda: api.set_secrets({"my_user": "example", "my_password": "12345678"}))
check("get_secrets", api.get_secrets, lambda v: b"my_user" in v)
check("delete_secret", lambda: api.delete_secret("my_user"))
check("secret deleted", api.get_secrets, lambda v: b"my_user" not in v and b"my_password" in v)
check("get_settings", api.get_settings, lambda v: "email-notifications" in v)
check("set_settings_email_notifications",
      lambda: api.set_settings_email_notifications(alooma.DEFAULT_SETTINGS_EMAIL_NOTIFICATIONS))
check("set_s3_retention", lambda: api.set_s3_retention("bucket", "AKIA", "secret", "prefix"))
check("s3 retention read back", lambda: api.get_settings()["s3-retention"]["filePrefix"],
      lambda v: v == "prefix")
check("delete_s3_retention", api.delete_s3_retention)
check("get_users", api.get_users, lambda v: v[0]["email"] == "demo@example.com")
check("get_company_credits", api.get_company_credits, lambda v: "company_name" in v)
check("get_used_credits", lambda: api.get_used_credits("2024-04-28", "2024-04-30"),
      lambda v: len(v) == 3)
check("get_used_credits(all)", lambda: api.get_used_credits(all_instances=True),
      lambda v: len(v) == 6)
check("get_loaded_events_per_table_summary",
      lambda: api.get_loaded_events_per_table_summary(datetime.datetime(2024, 5, 1)),
      lambda v: len(v) == 2)

# The emulator's own admin API: the journal, snapshots.
ADMIN = {"Authorization": "API " + KEY}
check("journal lists get_inputs calls",
      lambda: requests.get(BASE + "/__emulator/requests?operation=get_inputs", headers=ADMIN).json(),
      lambda v: len(v) >= 1 and all(r["operation"] == "get_inputs" for r in v))
check("journal redacts secret values",
      lambda: requests.get(BASE + "/__emulator/requests?operation=set_secrets", headers=ADMIN).text,
      lambda v: "12345678" not in v and "my_password" in v)
check("snapshot", lambda: requests.post(BASE + "/__emulator/snapshot?name=smoke", headers=ADMIN).status_code,
      lambda v: v == 200)
check("restore", lambda: requests.post(BASE + "/__emulator/restore?name=smoke", headers=ADMIN).status_code,
      lambda v: v == 200)

# Username/password client, then re-login after the emulator forgets sessions.
user_api = alooma.Client(username=USER, password=PASSWORD, account_name="acme", base_url=BASE)
check("password client: get_inputs", user_api.get_inputs, lambda v: len(v) >= 3)
check("admin: expire sessions", lambda: requests.delete(
    BASE + "/__emulator/sessions", headers={"Authorization": "API " + KEY}).status_code,
    lambda v: v == 200)
check("password client re-logs in after expiry", user_api.get_users, lambda v: len(v) >= 1)

# Whole-system clean-up last.
check("clean_system", api.clean_system)
check("clean_system left no inputs",
      lambda: [n for n in api.get_structure()["nodes"]
               if n["category"] == "INPUT" and n["type"] != "RESTREAM"], lambda v: v == [])
check("clean_system left no event types", api.get_event_types, lambda v: v == [])

failed = [r for r in results if not r[1]]
for name, good, why in results:
    print("%-4s %s%s" % ("ok" if good else "FAIL", name, "" if good else "  -- " + why))
print("\n%d/%d reference calls worked" % (len(results) - len(failed), len(results)))
sys.exit(1 if failed else 0)
