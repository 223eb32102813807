//! The runner against real Python: results, prints, errors, limits,
//! imports between modules, big and odd events, Python 2.7.

use alooma_engine::code_engine::{Cause, CodeEngine, Config, Modules, Transformed};
use alooma_engine::EngineError;
use serde_json::{json, Value};
use std::time::Duration;

fn engine() -> CodeEngine {
    CodeEngine::new(
        Config::default()
            .workers(2)
            .time_limit(Duration::from_secs(3)),
    )
}

fn main_module(code: &str) -> Modules {
    Modules::main(code)
}

/// What CPython itself gives: the modules written to a folder, `main`
/// imported by a plain interpreter, `transform` called on the event, the
/// result printed as JSON (`repr` of the exception type for a failure).
fn cpython(modules: &Modules, event: &Value) -> Value {
    let dir = tempfile::tempdir().unwrap();
    for (name, code) in modules.as_map() {
        std::fs::write(dir.path().join(format!("{name}.py")), code).unwrap();
    }
    let script = r#"
import json, sys, io, contextlib
sys.path.insert(0, sys.argv[1])
event = json.loads(sys.argv[2])
out = io.StringIO()
try:
    import main
    with contextlib.redirect_stdout(out):
        result = main.transform(event)
    print(json.dumps({"result": result, "output": out.getvalue()}))
except Exception as e:
    print(json.dumps({"error": type(e).__name__, "output": out.getvalue()}))
"#;
    let python = Config::default().python;
    let out = std::process::Command::new(python)
        .args(["-c", script])
        .arg(dir.path())
        .arg(event.to_string())
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

/// The engine's run of the same modules and event, in the same form.
fn ours(engine: &CodeEngine, modules: &Modules, event: &Value) -> Value {
    let run = engine.test_run(modules, event.clone()).unwrap();
    match &run.result {
        Transformed::Failed(e) => json!({"error": e.error_type, "output": run.output}),
        other => json!({"result": other.to_json(), "output": run.output}),
    }
}

#[test]
fn every_case_gives_what_cpython_gives() {
    let engine = engine();
    let helpers = "import datetime\n\ndef parse_day(s):\n    return datetime.datetime.strptime(s, '%Y-%m-%d').date().isoformat()\n";
    let csv_mod = "import csv\n\ndef split(line):\n    return next(csv.reader([line]))\n";
    let cases: Vec<(Modules, Value)> = vec![
        (main_module("def transform(event):\n\treturn event"), json!({"a": 1})),
        (
            main_module("def transform(event):\n    event['total'] = event['price'] * event['qty']\n    print('total', event['total'])\n    return event\n"),
            json!({"price": 2.5, "qty": 4}),
        ),
        (main_module("def transform(event):\n    return None\n"), json!({"drop": true})),
        (
            main_module("def transform(event):\n    return [dict(event, part=i) for i in range(3)]\n"),
            json!({"id": 7}),
        ),
        (main_module("def transform(event):\n    return event['customer']['email']\n"), json!({})),
        (
            [("main", "import helpers\nimport csv_mod\n\ndef transform(event):\n    event['day'] = helpers.parse_day(event['d'])\n    event['cols'] = csv_mod.split(event['line'])\n    return event\n"),
             ("helpers", helpers), ("csv_mod", csv_mod)]
                .into_iter()
                .collect(),
            json!({"d": "2019-03-02", "line": "a,\"b,c\",d"}),
        ),
        (
            main_module("def transform(event):\n    if event.get('type') == 'test':\n        return None\n    event['_metadata']['event_type'] = 'renamed'\n    return event\n"),
            json!({"type": "real", "_metadata": {"event_type": "orders"}}),
        ),
        (main_module("def transform(event):\n    return int(event['n'])\n"), json!({"n": "x"})),
        (main_module("def transform(event):\n    del event['a']\n    event['ü'] = 'ñ'\n    return event\n"), json!({"a": 1, "b": "✓"})),
    ];
    for (modules, event) in &cases {
        assert_eq!(
            ours(&engine, modules, event),
            cpython(modules, event),
            "{modules:?} on {event}"
        );
    }
}

#[test]
fn a_dict_continues_none_drops_a_list_splits() {
    let engine = engine();
    let d = engine
        .deploy(&main_module(
            "def transform(event):\n    k = event['k']\n    if k == 'drop':\n        return None\n    if k == 'split':\n        return [{'n': 1}, {'n': 2}]\n    if k == 'empty':\n        return []\n    event['seen'] = True\n    return event\n",
        ))
        .unwrap();
    let runs = engine
        .run(
            &d,
            &[
                json!({"k": "keep"}),
                json!({"k": "drop"}),
                json!({"k": "split"}),
                json!({"k": "empty"}),
            ],
        )
        .unwrap();
    assert!(matches!(&runs[0].result, Transformed::Event(e) if e["seen"] == true));
    assert_eq!(runs[1].result, Transformed::Dropped);
    assert!(matches!(&runs[2].result, Transformed::Split(v) if v.len() == 2 && v[1]["n"] == 2));
    assert_eq!(runs[3].result, Transformed::Dropped);
}

#[test]
fn each_event_is_a_fresh_copy() {
    let engine = engine();
    let d = engine
        .deploy(&main_module(
            "seen = []\ndef transform(event):\n    event['list'].append(len(seen))\n    seen.append(event)\n    return event\n",
        ))
        .unwrap();
    let runs = engine
        .run(&d, &[json!({"list": []}), json!({"list": []})])
        .unwrap();
    for (i, run) in runs.iter().enumerate() {
        assert!(
            matches!(&run.result, Transformed::Event(e) if e["list"] == json!([i])),
            "{run:?}"
        );
    }
}

#[test]
fn prints_are_captured_and_cannot_corrupt_the_protocol() {
    let engine = engine();
    let code = r#"import sys, os
class Loud(object):
    def write(self, s):
        os.write(1, b'{"k":"d","v":{"forged":true}}\n')
    def flush(self):
        pass
def transform(event):
    print('hello', event['n'])
    sys.stderr.write('to stderr\n')
    os.write(1, b'{"k":"n"}\n')
    if event['n'] == 2:
        sys.stdout = Loud()
        print('into the replacement')
    return event
"#;
    let d = engine.deploy(&main_module(code)).unwrap();
    let runs = engine
        .run(&d, &(0..4).map(|n| json!({"n": n})).collect::<Vec<_>>())
        .unwrap();
    assert_eq!(runs.len(), 4);
    for (n, run) in runs.iter().enumerate() {
        assert!(
            matches!(&run.result, Transformed::Event(e) if e["n"] == n),
            "{run:?}"
        );
        assert_eq!(run.output, format!("hello {n}\n"));
        assert!(run.runtime_ms >= 0.0 && run.runtime_ms < 3000.0);
    }
}

#[test]
fn an_exception_names_its_type_module_and_line() {
    let engine = engine();
    let mut modules = Modules::new();
    modules.insert(
        "lookup",
        "def email(event):\n    return event['customer']['email']\n",
    );
    modules.insert("main", "import lookup\n\ndef transform(event):\n    event['email'] = lookup.email(event)\n    return event\n");
    let run = engine.test_run(&modules, json!({"id": 1})).unwrap();
    let e = run.result.error().unwrap();
    assert_eq!(e.error_type, "KeyError");
    assert_eq!(e.message, "'customer'");
    assert_eq!((e.module.as_deref(), e.line), (Some("lookup"), Some(2)));
    assert_eq!(e.cause, Cause::Exception);
    assert!(
        e.traceback
            .starts_with("Traceback (most recent call last):\n"),
        "{}",
        e.traceback
    );
    assert!(
        e.traceback.contains("File \"main\", line 4, in transform"),
        "{}",
        e.traceback
    );
    assert!(
        e.traceback.contains("File \"lookup\", line 2, in email"),
        "{}",
        e.traceback
    );
    assert!(
        e.traceback.contains("return event['customer']['email']"),
        "{}",
        e.traceback
    );
    assert!(
        e.traceback.ends_with("KeyError: 'customer'\n"),
        "{}",
        e.traceback
    );
    assert!(!e.traceback.contains("harness"), "{}", e.traceback);
    let json = run.result.to_json();
    assert_eq!(json["errorMessage"], e.traceback.as_str());
}

#[test]
fn a_syntax_error_names_the_module_and_line_at_deploy_and_in_a_test_run() {
    let engine = engine();
    let mut modules = Modules::new();
    modules.insert(
        "main",
        "import broken\ndef transform(event):\n    return event\n",
    );
    modules.insert("broken", "x = 1\ndef f(:\n    pass\n");
    let err = engine.deploy(&modules).unwrap_err();
    let EngineError::Load(e) = &err else {
        panic!("{err}")
    };
    assert_eq!(e.error_type, "SyntaxError");
    assert_eq!((e.module.as_deref(), e.line), (Some("broken"), Some(2)));
    assert!(err.to_string().contains("broken, line 2"), "{err}");
    let run = engine.test_run(&modules, json!({})).unwrap();
    assert_eq!(run.result.error().unwrap().line, Some(2));
    // No `transform` in main.
    let err = engine
        .deploy(&main_module("def transfrom(event):\n    return event\n"))
        .unwrap_err();
    assert!(err.to_string().contains("transform"), "{err}");
    // An exception at import.
    let err = engine
        .deploy(&main_module("import no_such_module_here\n"))
        .unwrap_err();
    assert!(err.to_string().contains("No module named"), "{err}");
}

#[test]
fn each_deploy_is_a_fresh_namespace() {
    let engine = CodeEngine::new(Config::default().workers(1));
    let mut v1 = Modules::new();
    v1.insert("conf", "LABEL = 'one'\n");
    v1.insert("main", "import conf\ncount = [0]\ndef transform(event):\n    count[0] += 1\n    event['label'] = conf.LABEL\n    event['count'] = count[0]\n    return event\n");
    let mut v2 = v1.clone();
    v2.insert("conf", "LABEL = 'two'\n");
    for (modules, label) in [(&v1, "one"), (&v2, "two"), (&v1, "one")] {
        let d = engine.deploy(modules).unwrap();
        let runs = engine.run(&d, &[json!({}), json!({})]).unwrap();
        assert!(
            matches!(&runs[1].result, Transformed::Event(e) if e["label"] == label && e["count"] == 2),
            "{runs:?}"
        );
    }
}

#[test]
fn a_hang_times_out_and_the_next_event_runs_on_a_new_worker() {
    let engine = CodeEngine::new(
        Config::default()
            .workers(1)
            .time_limit(Duration::from_millis(800)),
    );
    let d = engine
        .deploy(&main_module(
            "import time\ndef transform(event):\n    if event.get('hang'):\n        while True:\n            time.sleep(0.01)\n    return event\n",
        ))
        .unwrap();
    let runs = engine
        .run(
            &d,
            &[json!({"n": 1}), json!({"hang": true}), json!({"n": 3})],
        )
        .unwrap();
    assert!(matches!(runs[0].result, Transformed::Event(_)));
    let e = runs[1].result.error().unwrap();
    assert_eq!(
        (e.cause, e.error_type.as_str()),
        (Cause::Timeout, "TimeoutError")
    );
    assert!(e.message.contains("time limit"), "{e}");
    assert!(matches!(&runs[2].result, Transformed::Event(e) if e["n"] == 3));
    // And the engine still works afterwards.
    assert!(matches!(
        engine
            .test_run(d.modules(), json!({"n": 4}))
            .unwrap()
            .result,
        Transformed::Event(_)
    ));
}

#[test]
fn a_crash_fails_that_event_only() {
    let engine = CodeEngine::new(Config::default().workers(1));
    let d = engine
        .deploy(&main_module(
            "import os\ndef transform(event):\n    if event.get('die'):\n        os._exit(7)\n    return event\n",
        ))
        .unwrap();
    let runs = engine
        .run(
            &d,
            &[json!({"n": 1}), json!({"die": true}), json!({"n": 3})],
        )
        .unwrap();
    let e = runs[1].result.error().unwrap();
    assert_eq!(e.cause, Cause::Crash);
    assert!(e.message.contains("exit status 7"), "{e}");
    assert!(matches!(&runs[2].result, Transformed::Event(e) if e["n"] == 3));
}

#[cfg(target_os = "linux")]
#[test]
fn memory_past_the_limit_fails_the_event() {
    let engine = CodeEngine::new(Config::default().workers(1).memory_limit_mb(Some(256)));
    let d = engine
        .deploy(&main_module(
            "def transform(event):\n    if event.get('big'):\n        blob = bytearray(1024 * 1024 * 1024)\n        event['len'] = len(blob)\n    return event\n",
        ))
        .unwrap();
    let runs = engine
        .run(&d, &[json!({"big": true}), json!({"n": 2})])
        .unwrap();
    let e = runs[0].result.error().unwrap();
    assert_eq!(
        (e.cause, e.error_type.as_str()),
        (Cause::Memory, "MemoryError"),
        "{e}"
    );
    assert!(matches!(&runs[1].result, Transformed::Event(e) if e["n"] == 2));
}

#[test]
fn results_json_cannot_carry_fail_the_event() {
    let engine = engine();
    let d = engine
        .deploy(&main_module(
            "import datetime\ndef transform(event):\n    k = event['k']\n    if k == 'nan':\n        event['x'] = float('nan')\n    elif k == 'bytes':\n        event['x'] = b'raw'\n    elif k == 'date':\n        event['x'] = datetime.date(2019, 1, 1)\n    elif k == 'int':\n        return 5\n    elif k == 'surrogate':\n        event['x'] = '\\ud800'\n    return event\n",
        ))
        .unwrap();
    let kinds = ["nan", "bytes", "date", "int", "surrogate", "ok"];
    let runs = engine
        .run(
            &d,
            &kinds.iter().map(|k| json!({"k": k})).collect::<Vec<_>>(),
        )
        .unwrap();
    for (k, run) in kinds.iter().zip(&runs) {
        if *k == "ok" {
            assert!(matches!(run.result, Transformed::Event(_)));
        } else {
            let e = run.result.error().unwrap_or_else(|| panic!("{k}: {run:?}"));
            assert_eq!(e.cause, Cause::Result, "{k}: {e}");
        }
    }
}

#[test]
fn big_and_unicode_events_round_trip() {
    let engine = engine();
    let d = engine
        .deploy(&main_module("def transform(event):\n    return event\n"))
        .unwrap();
    let big: String = "x".repeat(4 << 20);
    let odd = json!({"s": "\u{0}\u{1f600}\u{fffd}é\"\\\n\t", "n": [1.5e300, -0.0, 12345678901234567u64], "big": big});
    let runs = engine.run(&d, std::slice::from_ref(&odd)).unwrap();
    match &runs[0].result {
        Transformed::Event(e) => {
            assert_eq!(e["s"], odd["s"]);
            assert_eq!(e["big"].as_str().map(str::len), Some(4 << 20));
            assert_eq!(e["n"][2], 12345678901234567u64);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_batch_split_across_workers_keeps_its_order() {
    let engine = CodeEngine::new(Config::default().workers(3).min_share(10));
    let d = engine
        .deploy(&main_module(
            "import os\ndef transform(event):\n    event['pid'] = os.getpid()\n    return event\n",
        ))
        .unwrap();
    let runs = engine
        .run(&d, &(0..100).map(|i| json!({"i": i})).collect::<Vec<_>>())
        .unwrap();
    let mut pids = std::collections::BTreeSet::new();
    for (i, run) in runs.iter().enumerate() {
        match &run.result {
            Transformed::Event(e) => {
                assert_eq!(e["i"], i);
                pids.insert(e["pid"].as_u64().unwrap());
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(pids.len(), 3, "three workers ran the batch");
}

#[test]
fn no_interpreter_is_a_clear_error() {
    let engine = CodeEngine::new(Config::default().python("/nonexistent/python3"));
    let err = engine
        .deploy(&main_module("def transform(e):\n    return e\n"))
        .unwrap_err();
    assert!(err.is_no_python(), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("ALOOMA_PYTHON") && text.contains("/nonexistent/python3"),
        "{text}"
    );
    // Something that is not Python at all.
    let engine = CodeEngine::new(Config::default().python("/bin/false"));
    let err = engine.check().unwrap_err();
    assert!(err.to_string().contains("did not start"), "{err}");
}

/// Python 2.7, where an interpreter is there (`python2`, or pyenv's).
#[test]
fn the_harness_runs_on_python_2_7() {
    let Some(python) = python2() else {
        eprintln!("no Python 2.7 here: skipped");
        return;
    };
    let engine = CodeEngine::new(Config::default().python(python).workers(1));
    assert!(engine.check().unwrap().starts_with("2.7"));
    let mut modules = Modules::new();
    modules.insert(
        "util",
        "# -*- coding: utf-8 -*-\n# Déjà vu.\ndef twice(x):\n    return x * 2\n",
    );
    modules.insert("main", "import util\ndef transform(event):\n    print 'n is', event['n']\n    if event['n'] == 0:\n        return None\n    event['m'] = util.twice(event['n'])\n    return event\n");
    let d = engine.deploy(&modules).unwrap();
    let runs = engine
        .run(&d, &[json!({"n": 2}), json!({"n": 0}), json!({})])
        .unwrap();
    assert!(matches!(&runs[0].result, Transformed::Event(e) if e["m"] == 4));
    assert_eq!(runs[0].output, "n is 2\n");
    assert_eq!(runs[1].result, Transformed::Dropped);
    let e = runs[2].result.error().unwrap();
    assert_eq!((e.error_type.as_str(), e.line), ("KeyError", Some(3)));
}

fn python2() -> Option<std::path::PathBuf> {
    let mut candidates = vec![std::path::PathBuf::from("python2.7"), "python2".into()];
    if let Some(home) = std::env::var_os("HOME") {
        let versions = std::path::Path::new(&home).join(".pyenv/versions");
        if let Ok(entries) = std::fs::read_dir(versions) {
            for e in entries.flatten() {
                if e.file_name().to_string_lossy().starts_with("2.7") {
                    candidates.push(e.path().join("bin/python"));
                }
            }
        }
    }
    candidates.into_iter().find(|p| {
        std::process::Command::new(p)
            .args([
                "-c",
                "import sys; sys.exit(0 if sys.version_info[:2] == (2, 7) else 1)",
            ])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

#[test]
fn a_worker_that_dies_while_idle_is_replaced_before_the_next_batch() {
    let engine = CodeEngine::new(Config::default().workers(1));
    let d = engine
        .deploy(&main_module(
            "import os, threading\ndef transform(event):\n    if event.get('later'):\n        threading.Timer(0.2, os._exit, [3]).start()\n    return event\n",
        ))
        .unwrap();
    let runs = engine.run(&d, &[json!({"later": true})]).unwrap();
    assert!(matches!(runs[0].result, Transformed::Event(_)));
    std::thread::sleep(Duration::from_millis(600));
    let runs = engine.run(&d, &[json!({"n": 2})]).unwrap();
    assert!(
        matches!(&runs[0].result, Transformed::Event(e) if e["n"] == 2),
        "{runs:?}"
    );
}

#[test]
fn prints_python_cannot_encode_are_kept_escaped() {
    let engine = engine();
    let d = engine
        .deploy(&main_module(
            "def transform(event):\n    print('half \\ud800 pair')\n    return event\n",
        ))
        .unwrap();
    let runs = engine.run(&d, &[json!({"n": 1})]).unwrap();
    assert!(runs[0].output.contains("\\ud800"), "{runs:?}");
}
