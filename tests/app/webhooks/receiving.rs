//! What the receiver answers: a signed event taken at once, a bad signature, an old
//! timestamp, a replay, an unknown type, a body too big, no secret set.

use super::*;

/// An app with Justworks installed and saved with the signing secret, by a Technical
/// Owner (returned).
async fn ready() -> (TestApp, TestClient) {
    let app = spawn_app().await;
    let to = app.technical_owner().await;
    install_and_save(&to, &with_secret(SettingsForm::valid())).await;
    (app, to)
}

#[tokio::test]
async fn a_signed_event_is_taken_at_once_without_a_session_and_queues_one_webhook_run() {
    let (app, _to) = ready().await;
    let answer = deliver(&app.base, member_updated("evt_taken_1")).await;
    println!("the webhook receiver answered in {:?}", answer.took);
    assert_eq!(answer.status, 202, "{answer:?}");
    // The contract is 100 ms; this shared machine is slow, so only a loose bound here.
    assert!(answer.took < Duration::from_secs(1), "{answer:?}");

    let db = &app.state.db;
    let runs = runs(db).await;
    assert_eq!(runs.len(), 1, "{runs:?}");
    let run = &runs[0];
    assert_eq!(
        (run.cause.as_str(), run.status.as_str()),
        ("webhook", "queued")
    );
    assert_eq!(run.requested_by, None, "no user asked for it");
    // Debounced by the default 30 s: the worker leaves it alone until then.
    assert_eq!(run.not_before, Some(run.queued_at + 30_000));
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM webhook_events WHERE id = 'evt_taken_1'"
        )
        .await,
        1
    );
    let audit = webhook_audit(db).await;
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0].0, "Justworks webhook");
    assert!(audit[0].1.contains(&run.id), "{audit:?}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        super::runs(db).await[0].status,
        "queued",
        "not started before its time"
    );
}

#[tokio::test]
async fn a_bad_signature_is_refused_with_401_does_nothing_and_is_logged_once_a_minute() {
    let (app, _to) = ready().await;
    let now = jiff::Timestamp::now().as_second();
    let tag = uuid::Uuid::new_v4().simple().to_string();
    let mut ids = Vec::new();
    for n in 0..5 {
        let request_id = format!("badsig{n}{tag}");
        let body = member_updated(&format!("evt_forged_{tag}"));
        let answer = deliver_at(&app.base, "whsec_a_guess", now, body, &request_id).await;
        assert_eq!(answer.status, 401, "{answer:?}");
        assert_eq!(answer.body, "The webhook delivery was not accepted.");
        ids.push(request_id);
    }
    // Signed with the right secret, but over another body.
    let forged = signature(SECRET, now, &member_updated("evt_original"));
    let tampered = post_hook(
        &app.base,
        member_updated(&format!("evt_forged_{tag}")),
        &[
            ("x-justworks-webhook-timestamp", now.to_string()),
            ("x-justworks-webhook-signature", forged),
        ],
    )
    .await;
    assert_eq!(tampered.status, 401, "{tampered:?}");

    let db = &app.state.db;
    assert!(runs(db).await.is_empty());
    assert_eq!(count(db, "SELECT COUNT(*) FROM webhook_events").await, 0);
    assert!(webhook_audit(db).await.is_empty());
    let refused: Vec<String> = ids
        .iter()
        .flat_map(|id| log_lines_of(id))
        .filter(|l| l.contains("refused a Justworks webhook delivery"))
        .collect();
    assert_eq!(
        refused.len(),
        1,
        "one line a minute per reason: {refused:#?}"
    );
    assert!(
        refused[0].contains("reason=\"bad_signature\""),
        "{}",
        refused[0]
    );
    assert!(refused[0].contains("suppressed=0"), "{}", refused[0]);
    let logs = captured_logs();
    assert!(!logs.contains(SECRET), "the secret is never logged");
    assert!(!logs.contains(&format!("evt_forged_{tag}")), "nor the body");
}

#[tokio::test]
async fn a_timestamp_six_minutes_old_or_a_missing_signature_is_refused_with_401() {
    let (app, _to) = ready().await;
    let six_minutes_ago = jiff::Timestamp::now().as_second() - 6 * 60;
    let old = deliver_at(
        &app.base,
        SECRET,
        six_minutes_ago,
        member_updated("evt_old"),
        &format!("old{}", uuid::Uuid::new_v4().simple()),
    )
    .await;
    assert_eq!(old.status, 401, "{old:?}");
    assert_eq!(old.body, "The webhook delivery was not accepted.");
    let now = jiff::Timestamp::now().as_second().to_string();
    let unsigned = post_hook(
        &app.base,
        member_updated("evt_unsigned"),
        &[("x-justworks-webhook-timestamp", now)],
    )
    .await;
    assert_eq!(unsigned.status, 401, "{unsigned:?}");
    let db = &app.state.db;
    assert!(runs(db).await.is_empty());
    assert_eq!(count(db, "SELECT COUNT(*) FROM webhook_events").await, 0);
}

#[tokio::test]
async fn a_replayed_event_id_is_answered_2xx_and_does_nothing_more() {
    let (app, _to) = ready().await;
    assert_eq!(
        deliver(&app.base, member_updated("evt_twice")).await.status,
        202
    );
    // Delivered again (at least once means maybe twice), signed afresh.
    let again = deliver(&app.base, member_updated("evt_twice")).await;
    assert_eq!(again.status, 200, "{again:?}");
    let db = &app.state.db;
    assert_eq!(runs(db).await.len(), 1);
    assert_eq!(webhook_audit(db).await.len(), 1);
    assert_eq!(count(db, "SELECT COUNT(*) FROM webhook_events").await, 1);
}

#[tokio::test]
async fn an_event_type_orgsync_does_not_act_on_is_accepted_and_ignored() {
    let (app, _to) = ready().await;
    let answer = deliver(&app.base, event("evt_payroll", "payroll.run.completed")).await;
    assert_eq!(answer.status, 204, "{answer:?}");
    let db = &app.state.db;
    assert!(runs(db).await.is_empty());
    assert_eq!(count(db, "SELECT COUNT(*) FROM webhook_events").await, 0);
    // A signed body that is no event at all is a bad request, and does nothing either.
    let garbage = deliver(&app.base, b"[1, 2, 3]".to_vec()).await;
    assert_eq!(garbage.status, 400, "{garbage:?}");
    assert!(runs(db).await.is_empty());
}

/// A signed event padded (inside `data`) to exactly `size` bytes.
fn event_of_size(id: &str, size: usize) -> Vec<u8> {
    let bare = event(id, "department.updated").len();
    let padding = "x".repeat(size - bare - r#","padding":"""#.len());
    let body = serde_json::json!({
        "id": id,
        "type": "department.updated",
        "created_at": "2026-11-26T10:00:00Z",
        "data": {"member_id": "mem_0001", "padding": padding},
    })
    .to_string();
    assert_eq!(body.len(), size);
    body.into_bytes()
}

#[tokio::test]
async fn a_body_over_64_kib_is_refused_with_413_and_one_of_64_kib_is_read() {
    let (app, _to) = ready().await;
    let too_big = deliver(&app.base, event_of_size("evt_too_big", 65 * 1024)).await;
    assert_eq!(too_big.status, 413, "{too_big:?}");
    let db = &app.state.db;
    assert!(runs(db).await.is_empty());
    let at_the_limit = deliver(&app.base, event_of_size("evt_at_limit", 64 * 1024)).await;
    assert_eq!(at_the_limit.status, 202, "{at_the_limit:?}");
    assert_eq!(runs(db).await.len(), 1);
}

#[tokio::test]
async fn deliveries_are_refused_with_404_while_no_signing_secret_is_stored() {
    let app = spawn_app().await;
    let db = &app.state.db;
    // Justworks not installed.
    assert_eq!(
        deliver(&app.base, member_updated("evt_a")).await.status,
        404
    );
    // Installed and saved, without a secret.
    let to = app.technical_owner().await;
    install_and_save(&to, &SettingsForm::valid()).await;
    let refused = deliver(&app.base, member_updated("evt_b")).await;
    assert_eq!((refused.status, refused.body.as_str()), (404, "Not found."));
    // With one: taken.
    to.get("/apps/justworks").await.expect(200);
    to.post(
        "/apps/justworks/settings",
        with_secret(SettingsForm::valid().set("password", "")).fields(),
    )
    .await
    .expect_redirect("/apps/justworks");
    assert_eq!(
        deliver(&app.base, member_updated("evt_c")).await.status,
        202
    );
    // Removed: refused again.
    to.get("/apps/justworks").await.expect(200);
    to.post(
        "/apps/justworks/settings",
        SettingsForm::valid()
            .set("password", "")
            .set("remove_webhook_secret", "on")
            .fields(),
    )
    .await
    .expect_redirect("/apps/justworks");
    assert_eq!(
        deliver(&app.base, member_updated("evt_d")).await.status,
        404
    );
    // Set again, then Justworks uninstalled: its secrets go with it.
    to.get("/apps/justworks").await.expect(200);
    to.post(
        "/apps/justworks/settings",
        with_secret(SettingsForm::valid().set("password", "")).fields(),
    )
    .await
    .expect_redirect("/apps/justworks");
    to.post("/apps/justworks/uninstall", &[("confirm", "yes")])
        .await
        .expect_redirect("/apps");
    assert_eq!(
        deliver(&app.base, member_updated("evt_e")).await.status,
        404
    );
    assert_eq!(runs(db).await.len(), 1, "only evt_c queued a run");
}
