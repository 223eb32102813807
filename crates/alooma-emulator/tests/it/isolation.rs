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

/// Over HTTP, each key sees and changes only its own account in the admin
/// API: the journal, the web page, faults, state, snapshots; and a request
/// to the secrets path that no route takes is journaled redacted.
#[tokio::test]
async fn the_admin_api_shows_each_key_its_own_account_only() {
    let emu = Emulator::builder()
        .add_account(AccountConfig::new("globex", "GLOBEX-KEY"))
        .start()
        .await
        .unwrap();
    // Each account makes a request carrying something of its own.
    let r = call_as(
        &emu,
        "acme",
        emu.key(),
        Method::POST,
        "event-types/acme-private/mapping",
        Some(json!({"name": "acme-private"})),
    )
    .await;
    assert_eq!(r.status, 200);
    // A secret sent with a method no route takes (405): redacted anyway.
    let r = call_as(
        &emu,
        "acme",
        emu.key(),
        Method::PATCH,
        "secrets",
        Some(json!({"db_password": "hunter2-acme"})),
    )
    .await;
    assert_eq!(r.status, 405);
    let r = call_as(
        &emu,
        "globex",
        "GLOBEX-KEY",
        Method::POST,
        "event-types/globex-private/mapping",
        Some(json!({"name": "globex-private"})),
    )
    .await;
    assert_eq!(r.status, 200);

    // The journal: globex's key sees globex's requests only.
    let journal = admin(&emu, "GLOBEX-KEY", Method::GET, "/__emulator/requests").await;
    assert_eq!(journal.status, 200);
    let text = journal.text();
    assert!(text.contains("globex-private"), "{text}");
    assert!(
        !text.contains("acme-private") && !text.contains("\"acme\""),
        "{text}"
    );
    for forbidden in [
        "/__emulator/requests?account=acme",
        "/__emulator/state?account=acme",
        "/__emulator/?account=acme",
    ] {
        admin(&emu, "GLOBEX-KEY", Method::GET, forbidden)
            .await
            .assert_error(403);
    }
    // acme's journal holds the secret redacted.
    let acme_journal = admin(&emu, emu.key(), Method::GET, "/__emulator/requests")
        .await
        .text();
    assert!(acme_journal.contains("acme-private"), "{acme_journal}");
    assert!(!acme_journal.contains("hunter2-acme"), "{acme_journal}");
    assert!(
        acme_journal.contains("[redacted by the emulator]"),
        "{acme_journal}"
    );
    assert!(!acme_journal.contains("globex-private"), "{acme_journal}");
    // The web page: globex's account, globex's journal.
    let page = raw(
        &emu,
        Method::GET,
        "/__emulator/?key=GLOBEX-KEY",
        None,
        Auth::None,
    )
    .await
    .text();
    assert!(page.contains("globex-private"), "{page}");
    assert!(
        !page.contains("acme-private") && !page.contains("hunter2-acme"),
        "{page}"
    );
    // Clearing the journal clears one's own records only.
    admin(&emu, "GLOBEX-KEY", Method::DELETE, "/__emulator/requests").await;
    let acme_journal = admin(&emu, emu.key(), Method::GET, "/__emulator/requests")
        .await
        .text();
    assert!(acme_journal.contains("acme-private"), "{acme_journal}");
    // Faults: a key's faults reach its own account only.
    let r = raw(
        &emu,
        Method::POST,
        "/__emulator/faults",
        Some(
            json!({"kind": "status", "status": 503, "account": "acme"})
                .to_string()
                .into_bytes(),
        ),
        Auth::Key("GLOBEX-KEY"),
    )
    .await;
    r.assert_error(403);
    let r = raw(
        &emu,
        Method::POST,
        "/__emulator/faults",
        Some(
            json!({"kind": "status", "status": 503})
                .to_string()
                .into_bytes(),
        ),
        Auth::Key("GLOBEX-KEY"),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = call_as(&emu, "acme", emu.key(), Method::GET, "event-types", None).await;
    assert_eq!(r.status, 200, "globex's fault does not reach acme");
    let r = call_as(
        &emu,
        "globex",
        "GLOBEX-KEY",
        Method::GET,
        "event-types",
        None,
    )
    .await;
    assert_eq!(r.status, 503, "it reaches globex");
    // Snapshots: restoring one's own, never another's.
    let r = admin(
        &emu,
        "GLOBEX-KEY",
        Method::POST,
        "/__emulator/snapshot?name=mine",
    )
    .await;
    assert_eq!(r.json()["accounts"], json!(["globex"]));
    call_as(
        &emu,
        "acme",
        emu.key(),
        Method::DELETE,
        "event-types/acme-private",
        None,
    )
    .await;
    let r = admin(
        &emu,
        emu.key(),
        Method::POST,
        "/__emulator/restore?name=mine",
    )
    .await;
    r.assert_error(409);
    let r = admin(
        &emu,
        "GLOBEX-KEY",
        Method::POST,
        "/__emulator/restore?name=mine",
    )
    .await;
    assert_eq!(r.json()["restored"], json!(["globex"]));
    assert!(emu
        .with_account_state("acme", |s| !s.event_types.contains_key("acme-private"))
        .unwrap());
}

/// An admin request with `key`.
async fn admin(emu: &Emulator, key: &str, method: Method, target: &str) -> crate::common::Resp {
    raw(emu, method, target, None, Auth::Key(key)).await
}
