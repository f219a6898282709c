//! Who sees sensitive fields, on pages and in JSON.

use super::support::*;
use crate::helpers::*;
use serde_json::Value;

#[tokio::test]
async fn an_owner_sees_everyones_sensitive_fields_on_the_page_and_in_json() {
    let app = spawn_app().await;
    let acme = seed_acme(&app).await;
    let owner = app.owner().await;

    let page = owner.get(&format!("/people/{}", acme.ana)).await;
    page.expect(200);
    let text = page.text();
    for expected in [
        "Private details",
        "160,000.00 USD (salary, semimonthly)",
        "1991-07-08",
        "Nonbinary",
        "Hispanic or Latino",
        "ana.home@example.com",
        "+1 212 555 0101 (mobile)",
        "1 Main St, Brooklyn, NY 11201, US",
        // Sensitive history, values and all.
        "150000.00 USD (salary) → 160000.00 USD (salary)",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }

    let one = json(
        owner
            .get(&format!("/api/v1/people/{}", acme.ana))
            .await
            .expect(200),
    );
    assert_eq!(keys(&one), all_keys());
    assert_eq!(one["compensation"]["amount"], 16_000_000);
    assert_eq!(one["compensation"]["currency"], "USD");
    assert_eq!(one["compensation"]["basis"], "salary");
    assert_eq!(one["compensation"]["frequency"], "semimonthly");
    assert_eq!(one["birthdate"], "1991-07-08");
    assert_eq!(one["gender"], "Nonbinary");
    assert_eq!(one["ethnicity"], "Hispanic or Latino");
    assert_eq!(one["personal_email"], "ana.home@example.com");
    assert_eq!(one["phones"][0]["number"], "+1 212 555 0101");
    assert_eq!(one["home_address"]["line1"], "1 Main St");
    assert_eq!(one["manager_id"], "p-victor");
    assert_eq!(one["title"], "Software Engineer");
    assert_eq!(one["status"], "active");

    let list = json(owner.get("/api/v1/people?status=all").await.expect(200));
    for item in list["items"].as_array().unwrap() {
        assert_eq!(keys(item), all_keys(), "{item}");
    }
}

#[tokio::test]
async fn members_and_technical_owners_see_nobody_elses_sensitive_fields() {
    let app = spawn_app().await;
    let acme = seed_acme(&app).await;
    let member = app.member().await;
    app.link_user_to_person(MEMBER_EMAIL, "p-mia").await;
    let tech = app.technical_owner().await;
    for (who, client) in [("member", &member), ("technical owner", &tech)] {
        for id in [&acme.ana, &acme.ceo] {
            let page = client.get(&format!("/people/{id}")).await;
            page.expect(200);
            for secret in ANA_SECRETS.iter().chain(MIA_SECRETS).chain(&[
                "1970-01-02",
                "30,000,000",
                "300,000.00",
            ]) {
                assert!(!page.body.contains(secret), "{who} sees {secret:?} on {id}");
            }
            // Not even the labels.
            for label in [
                "Private details",
                "<dt>Birthdate</dt>",
                "<dt>Personal email</dt>",
                "<dt>Compensation</dt>",
                "<dt>Gender</dt>",
                "<dt>Ethnicity</dt>",
                "<dt>Home address</dt>",
                "<dt>Phones</dt>",
            ] {
                assert!(
                    !page.body.contains(label),
                    "{who} sees the label {label:?} on {id}"
                );
            }
        }
        // Sensitive history: not the values, and not even that it changed, nor when.
        let ana = client.get(&format!("/people/{}", acme.ana)).await;
        assert!(ana.says("Title change"), "{}", ana.text());
        assert!(
            !ana.says("Compensation") && !ana.says("changed"),
            "{who}: {}",
            ana.text()
        );

        let one = client.get(&format!("/api/v1/people/{}", acme.ana)).await;
        one.expect(200);
        assert_eq!(keys(&json(&one)), public_keys(), "{who}");
        for secret in ANA_SECRETS {
            assert!(!one.body.contains(secret), "{who} gets {secret:?} in JSON");
        }
        // Everyone but the member's own entry (see the next test).
        let list = json(&client.get("/api/v1/people?status=all&limit=500").await);
        let others: Vec<&Value> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| !(who == "member" && i["id"] == "p-mia"))
            .collect();
        assert_eq!(others.len(), if who == "member" { 8 } else { 9 });
        let others_text = serde_json::to_string(&others).unwrap();
        for item in &others {
            assert_eq!(keys(item), public_keys(), "{who}: {item}");
        }
        for secret in ANA_SECRETS.iter().chain(if who == "member" {
            &[][..]
        } else {
            MIA_SECRETS
        }) {
            assert!(
                !others_text.contains(secret),
                "{who} gets {secret:?} in the list"
            );
        }
    }
}

#[tokio::test]
async fn a_member_sees_their_own_sensitive_fields_and_history() {
    let app = spawn_app().await;
    let acme = seed_acme(&app).await;
    let member = app.member().await;
    app.link_user_to_person(MEMBER_EMAIL, "p-mia").await;

    let page = member.get(&format!("/people/{}", acme.mia)).await;
    page.expect(200);
    let text = page.text();
    for expected in [
        "This is you",
        "Private details",
        "90,000.00 USD (salary, semimonthly)",
        "1990-05-06",
        "mia.home@example.com",
        "85000.00 USD (salary) → 90000.00 USD (salary)",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
    let one = json(
        member
            .get(&format!("/api/v1/people/{}", acme.mia))
            .await
            .expect(200),
    );
    assert_eq!(keys(&one), all_keys());
    assert_eq!(one["compensation"]["amount"], 9_000_000);
    assert_eq!(one["birthdate"], "1990-05-06");
    // Fields she may see but which are empty are null, not absent.
    assert_eq!(one["gender"], Value::Null);

    // In the list, only her own entry carries them.
    let list = json(member.get("/api/v1/people?limit=500").await.expect(200));
    for item in list["items"].as_array().unwrap() {
        let expected = if item["id"] == "p-mia" {
            all_keys()
        } else {
            public_keys()
        };
        assert_eq!(keys(item), expected, "{item}");
    }

    // Someone else's page still shows her nothing private.
    let other = member.get(&format!("/people/{}", acme.ana)).await;
    assert!(!other.says("This is you") && !other.says("Private details"));
}

#[tokio::test]
async fn a_technical_owner_who_is_in_the_org_sees_only_their_own_private_details() {
    let app = spawn_app().await;
    let acme = seed_acme(&app).await;
    // Theo's own person, with his login's email.
    let mut theo = person("p-theo", "Theo Tech", Some(TECH_EMAIL));
    theo.gender = Some("Agender-theo".into());
    write_org(
        &app,
        vec![theo],
        vec![job(
            "j-theo",
            Some("p-theo"),
            "IT Lead",
            ("IT", "Remote"),
            Some("j-cora"),
        )],
        Vec::new(),
    )
    .await;
    let tech = app.technical_owner().await;
    // The same email alone opens nothing: only an Owner's link does.
    assert!(!tech.get("/people/p-theo").await.says("Agender-theo"));
    app.link_user_to_person(TECH_EMAIL, "p-theo").await;
    assert!(tech.get("/people/p-theo").await.says("Agender-theo"));
    let ana = tech.get(&format!("/people/{}", acme.ana)).await;
    assert!(!ana.body.contains("Nonbinary"));
}
