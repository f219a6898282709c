//! How a run's changes are counted and said, in one place for the run page, the sync
//! history and the summary email: the people changed per kind (from the run's history
//! rows) and the phrase "3 new hires, 1 departure, 5 other changes".

use crate::org::model::Sensitive;
use crate::sync::change::ChangeKind;
use sqlx::AnyConnection;

/// The kinds in the order people read them (run page sections, email lines).
pub const KIND_ORDER: [ChangeKind; 8] = [
    ChangeKind::NewHire,
    ChangeKind::Departure,
    ChangeKind::Rehire,
    ChangeKind::TitleChange,
    ChangeKind::ManagerChange,
    ChangeKind::GroupChange,
    ChangeKind::CompensationChange,
    ChangeKind::Other,
];

/// People changed per kind in one run (a person with two kinds counts in both).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    counts: Vec<(ChangeKind, i64)>,
}

impl Tally {
    /// From `(kind, people)` rows as [`change_counts`] reads them.
    pub fn from_rows(rows: &[(String, i64)]) -> Self {
        let mut tally = Tally::default();
        for (kind, n) in rows {
            tally.add(ChangeKind::parse(kind), *n);
        }
        tally
    }

    pub fn add(&mut self, kind: ChangeKind, n: i64) {
        match self.counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, count)) => *count += n,
            None => self.counts.push((kind, n)),
        }
    }

    pub fn count(&self, kind: ChangeKind) -> i64 {
        self.counts
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, n)| *n)
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.iter().all(|(_, n)| *n == 0)
    }

    /// "3 new hires, 1 departure, 5 other changes": hires, departures and rehires by
    /// name, everything else together; `None` when nothing changed.
    pub fn phrase(&self) -> Option<String> {
        let mut parts = Vec::new();
        for kind in [
            ChangeKind::NewHire,
            ChangeKind::Departure,
            ChangeKind::Rehire,
        ] {
            let n = self.count(kind);
            if n > 0 {
                parts.push(format!("{n} {}", noun(kind, n)));
            }
        }
        let other: i64 = self
            .counts
            .iter()
            .filter(|(k, _)| {
                !matches!(
                    k,
                    ChangeKind::NewHire | ChangeKind::Departure | ChangeKind::Rehire
                )
            })
            .map(|(_, n)| *n)
            .sum();
        if other > 0 {
            parts.push(format!("{other} {}", noun(ChangeKind::Other, other)));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// How `n` changes of `kind` are said after the number: "new hire", "title changes".
pub fn noun(kind: ChangeKind, n: i64) -> &'static str {
    let one = n == 1;
    match kind {
        ChangeKind::NewHire if one => "new hire",
        ChangeKind::NewHire => "new hires",
        ChangeKind::Departure if one => "departure",
        ChangeKind::Departure => "departures",
        ChangeKind::Rehire if one => "rehire",
        ChangeKind::Rehire => "rehires",
        ChangeKind::TitleChange if one => "title change",
        ChangeKind::TitleChange => "title changes",
        ChangeKind::ManagerChange if one => "manager change",
        ChangeKind::ManagerChange => "manager changes",
        ChangeKind::GroupChange if one => "department or location change",
        ChangeKind::GroupChange => "department or location changes",
        ChangeKind::CompensationChange if one => "compensation change",
        ChangeKind::CompensationChange => "compensation changes",
        ChangeKind::Other if one => "other change",
        ChangeKind::Other => "other changes",
    }
}

/// People changed per kind in a run, from its history rows (`(kind, people)`), counting
/// only the rows the reader may learn of ([`Sensitive::Hidden`] leaves out every row
/// of a sensitive field, so a kind made only of those is not there at all).
pub async fn change_counts(
    conn: &mut AnyConnection,
    run_id: &str,
    sensitive: Sensitive,
) -> sqlx::Result<Vec<(String, i64)>> {
    let sql = format!(
        "SELECT kind, COUNT(DISTINCT COALESCE(person_id, entity_id)) FROM history \
         WHERE run_id = $1{} GROUP BY kind ORDER BY kind",
        sensitive.history_condition()
    );
    sqlx::query_as(&sql).bind(run_id).fetch_all(conn).await
}

/// People whose only changes in a run are to sensitive fields: to a reader who may not
/// see those, "N people: changes to fields visible to Owners only" is all there is to say.
pub async fn owner_only_people(conn: &mut AnyConnection, run_id: &str) -> sqlx::Result<i64> {
    let mut people = [0i64; 2];
    for (i, sensitive) in [Sensitive::Shown, Sensitive::Hidden]
        .into_iter()
        .enumerate()
    {
        let sql = format!(
            "SELECT COUNT(DISTINCT COALESCE(person_id, entity_id)) FROM history \
             WHERE run_id = $1{}",
            sensitive.history_condition()
        );
        (people[i],) = sqlx::query_as(&sql)
            .bind(run_id)
            .fetch_one(&mut *conn)
            .await?;
    }
    Ok(people[0] - people[1])
}

/// The names of the first `limit` people (by name) with changes of `kind` in a run that
/// the reader may learn of.
pub async fn names(
    conn: &mut AnyConnection,
    run_id: &str,
    kind: ChangeKind,
    limit: i64,
    sensitive: Sensitive,
) -> sqlx::Result<Vec<String>> {
    let sql = format!(
        "SELECT MIN(person_name) AS name FROM history WHERE run_id = $1 AND kind = $2{} \
         GROUP BY COALESCE(person_id, entity_id) ORDER BY name LIMIT $3",
        sensitive.history_condition()
    );
    let rows: Vec<(String,)> = sqlx::query_as(&sql)
        .bind(run_id)
        .bind(kind.as_str())
        .bind(limit)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(|(name,)| name).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(rows: &[(&str, i64)]) -> Tally {
        let rows: Vec<(String, i64)> = rows.iter().map(|(k, n)| (k.to_string(), *n)).collect();
        Tally::from_rows(&rows)
    }

    #[test]
    fn hires_departures_and_rehires_are_named_and_the_rest_counted_together() {
        let t = tally(&[
            ("departure", 1),
            ("new_hire", 3),
            ("title_change", 2),
            ("compensation_change", 2),
            ("other", 1),
        ]);
        assert_eq!(
            t.phrase().as_deref(),
            Some("3 new hires, 1 departure, 5 other changes")
        );
        assert_eq!(t.count(ChangeKind::TitleChange), 2);
        assert_eq!(t.count(ChangeKind::Rehire), 0);
    }

    #[test]
    fn one_of_a_kind_is_singular() {
        let t = tally(&[("rehire", 1), ("manager_change", 1)]);
        assert_eq!(t.phrase().as_deref(), Some("1 rehire, 1 other change"));
    }

    #[test]
    fn nothing_changed_has_no_phrase() {
        assert_eq!(tally(&[]).phrase(), None);
        assert!(tally(&[("new_hire", 0)]).is_empty());
    }
}
