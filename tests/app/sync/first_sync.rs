//! The first sync of a company: everyone, in one tree under the org head.

use super::support::*;
use crate::helpers::*;
use serde_json::json;
use std::collections::{BTreeSet, HashMap};

#[tokio::test]
async fn the_first_sync_creates_the_whole_company_with_the_org_head_at_the_root() {
    const MEMBERS: usize = 60;
    const SEED: u64 = 11;
    // The app's own embedded sandbox; a twin with the same seed and size tells the test
    // its credentials and roster.
    let twin = Sandbox::start(MEMBERS, SEED).await;
    let app = spawn_app_with(|config| {
        config.sandbox_members = MEMBERS;
        config.sandbox_seed = SEED;
    })
    .await;
    assert!(app.config.justworks_url.is_none(), "the embedded sandbox");
    let members = twin.members().await;
    assert_eq!(members.len(), MEMBERS);
    let head = org_head(&members);

    let to = app.technical_owner().await;
    install_and_save(&to, &twin.settings()).await;
    let (run_id, run) = sync_and_wait(&to).await;
    assert_completed(&run);
    assert_eq!(count(&run, "created"), MEMBERS as i64, "{run}");
    for name in ["updated", "departed", "rehired", "unchanged", "excluded"] {
        assert_eq!(count(&run, name), 0, "{name}: {run}");
    }
    assert_eq!(run["members_fetched"], json!(MEMBERS), "{run}");

    // Everyone is a person, with the status Justworks gives them.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM people").await,
        MEMBERS as i64
    );
    let pool = app.db().await;
    let people: Vec<(String, String)> =
        sqlx::query_as("SELECT justworks_id, status FROM people WHERE source = 'justworks'")
            .fetch_all(&pool)
            .await
            .unwrap();
    pool.close().await;
    let status: HashMap<String, String> = people.into_iter().collect();
    for member in &members {
        let expected = if is_live(member) {
            "active"
        } else {
            "departed"
        };
        assert_eq!(
            status.get(id(member)).map(String::as_str),
            Some(expected),
            "{member}"
        );
    }

    // One filled job per live member, none for the departed; one root, the org head's;
    // every manager chain ends there.
    let jobs = filled_jobs(&app).await;
    let mut seats: HashMap<&str, usize> = HashMap::new();
    for (_, member, _) in &jobs {
        *seats.entry(member.as_str()).or_default() += 1;
    }
    for member in &members {
        let expected = usize::from(is_live(member));
        assert_eq!(
            seats.get(id(member)).copied().unwrap_or(0),
            expected,
            "filled jobs of {member}"
        );
    }
    let roots: Vec<&str> = jobs
        .iter()
        .filter(|(_, _, manager)| manager.is_none())
        .map(|(_, member, _)| member.as_str())
        .collect();
    assert_eq!(roots, vec![id(head)], "the root of the tree");
    let manager_of: HashMap<&str, Option<&str>> = jobs
        .iter()
        .map(|(job, _, manager)| (job.as_str(), manager.as_deref()))
        .collect();
    for (job, member, _) in &jobs {
        let mut at = job.as_str();
        for _ in 0..=jobs.len() {
            match manager_of.get(at).copied().flatten() {
                Some(up) => {
                    assert!(
                        manager_of.contains_key(up),
                        "{member}'s chain leaves the tree"
                    );
                    at = up;
                }
                None => break,
            }
        }
        assert!(manager_of[at].is_none(), "{member}'s chain has a loop");
    }

    // The run page lists every live member once, under New hires.
    let page = to.get(&format!("/syncs/{run_id}")).await;
    page.expect(200);
    let live = members.iter().filter(|m| is_live(m)).count();
    assert_eq!(
        page.text_of_id("group-new_hire"),
        Some(format!("New hires ({live})")),
        "{}",
        page.text()
    );
    let history = history_of_run(&app, &run_id).await;
    let new_hires: BTreeSet<&str> = history
        .iter()
        .filter(|r| r.kind == "new_hire")
        .filter_map(|r| r.member.as_deref())
        .collect();
    let expected: BTreeSet<&str> = members.iter().filter(|m| is_live(m)).map(id).collect();
    assert_eq!(new_hires, expected);
    assert!(
        to.get("/syncs")
            .await
            .text()
            .contains(&format!("{live} new hire")),
        "the history lists the run's summary"
    );
}
