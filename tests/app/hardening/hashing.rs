//! Point 7: a burst of sign-ins never runs more than a few argon2 computations at once
//! (each holds 19 MiB): the rest wait their turn, or are told to come back.

use crate::helpers::*;
use orgsync::auth::password::HashingLimit;

#[tokio::test]
async fn sixty_parallel_failed_sign_ins_never_hash_more_than_the_limit_at_once() {
    let app = spawn_app().await;
    app.create_user(MEMBER_EMAIL, MEMBER_NAME, "member").await;
    // Sixty browsers on sixty addresses (no throttle in the way), each with its token.
    let mut clients = Vec::new();
    for i in 0..60 {
        let client = app.client_from(&format!("127.0.1.{}", i + 1));
        client.refresh_csrf_token().await;
        clients.push(client);
    }
    let guesses = clients.iter().map(|c| async move {
        c.post(
            "/login",
            &[("email", MEMBER_EMAIL), ("password", "a wrong guess here")],
        )
        .await
    });
    let answers = futures::future::join_all(guesses).await;

    let mut unexpected = Vec::new();
    for page in &answers {
        match page.status {
            401 => {}
            503 => {
                if page.header("retry-after").is_none() {
                    unexpected.push("503 without Retry-After".to_owned());
                }
            }
            other => unexpected.push(format!("{other}: {}", page.text())),
        }
    }
    assert!(unexpected.is_empty(), "{unexpected:?}");
    assert!(
        answers.iter().any(|p| p.status == 401),
        "no guess was checked"
    );
    let most = app.state.password_hashing.most_at_once();
    assert!(
        (1..=HashingLimit::PERMITS).contains(&most),
        "{most} argon2 computations ran at once (limit {})",
        HashingLimit::PERMITS
    );
}
