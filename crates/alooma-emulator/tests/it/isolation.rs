//! Isolation: several accounts in one emulator, each with its own state and
//! key; emulators in parallel with nothing shared.

use crate::common::{call_as, get_ok, ok, raw, Auth};
use alooma_emulator::{AccountConfig, Emulator, Expect, Seed};
use http::Method;
use serde_json::json;

#[tokio::test]
async fn each_account_has_its_own_state_and_key() {
    let emu = Emulator::builder()
        .add_account(AccountConfig::new("globex", "GLOBEX-KEY"))
        .start()
        .await
        .unwrap();
    assert_eq!(emu.accounts(), ["acme", "globex"]);
    let r = call_as(
        &emu,
        "globex",
        "GLOBEX-KEY",
        Method::GET,
        "event-types",
        None,
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!([]), "globex starts empty");
    let r = call_as(
        &emu,
        "globex",
        "GLOBEX-KEY",
        Method::POST,
        "event-types/only-globex/mapping",
        Some(json!({"name": "only-globex"})),
    )
    .await;
    assert_eq!(r.status, 200);
    let acme = get_ok(&emu, "event-types").await;
    assert!(acme
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["name"] != "only-globex"));
    // A key opens its own account only.
    call_as(&emu, "globex", emu.key(), Method::GET, "event-types", None)
        .await
        .assert_error(401);
    call_as(&emu, "acme", "GLOBEX-KEY", Method::GET, "event-types", None)
        .await
        .assert_error(401);
    // Under /rest/, the key says which account.
    let r = raw(
        &emu,
        Method::GET,
        "/rest/event-types",
        None,
        Auth::Key("GLOBEX-KEY"),
    )
    .await;
    assert_eq!(r.json()[0]["name"], "only-globex");
    assert!(emu
        .with_account_state("globex", |s| s.event_types.contains_key("only-globex"))
        .unwrap());
    assert!(emu.with_account_state("nobody", |_| ()).is_none());
    emu.verify(Expect::operation("set_mapping").account("globex").times(1))
        .unwrap();
    emu.verify(Expect::operation("set_mapping").account("acme").never())
        .unwrap();
    // Snapshots hold every account.
    assert_eq!(emu.snapshot().unwrap().accounts(), ["acme", "globex"]);
}

#[tokio::test]
async fn accounts_and_keys_must_be_distinct() {
    let same_name = Emulator::builder()
        .add_account(AccountConfig::new("acme", "OTHER"))
        .start()
        .await;
    assert!(same_name.unwrap_err().to_string().contains("twice"));
    let same_key = Emulator::builder()
        .add_account(AccountConfig::new(
            "globex",
            alooma_emulator::DEFAULT_API_KEY,
        ))
        .start()
        .await;
    assert!(same_key.unwrap_err().to_string().contains("its own"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn emulators_run_in_parallel_without_shared_state() {
    let mut handles = Vec::new();
    for n in 0..6 {
        handles.push(tokio::spawn(async move {
            let emu = Emulator::builder()
                .seed(Seed::empty())
                .start()
                .await
                .unwrap();
            for i in 0..=n {
                ok(
                    &emu,
                    Method::PUT,
                    "secrets",
                    Some(json!({ format!("S{i}"): "v" })),
                )
                .await;
            }
            let names = get_ok(&emu, "secrets").await;
            (n, names.as_array().unwrap().len(), emu.requests().len())
        }));
    }
    for h in handles {
        let (n, secrets, requests) = h.await.unwrap();
        assert_eq!(secrets, n + 1);
        assert_eq!(requests, n + 2);
    }
}
