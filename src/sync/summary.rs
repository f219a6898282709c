//! How a run's changes are counted and said, in one place for the run page, the sync
//! history and the summary email: the people changed per kind (read from the run's history
//! rows by [`crate::org::history`]) and the phrase "3 new hires, 1 departure, 5 other
//! changes".

use crate::org::change::ChangeKind;

// The summary email reads the counts through here.

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
    /// From `(kind, people)` rows as [`crate::org::history::seen_changes`] reads them.
    pub fn from_rows(rows: &[(ChangeKind, i64)]) -> Self {
        let mut tally = Tally::default();
        for (kind, n) in rows {
            tally.add(*kind, *n);
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

/// From `(kind name, people)` pairs, for tests.
#[cfg(test)]
impl Tally {
    pub(crate) fn of(rows: &[(&str, i64)]) -> Self {
        let rows: Vec<(ChangeKind, i64)> = rows
            .iter()
            .map(|(k, n)| (ChangeKind::parse(k).expect("a kind"), *n))
            .collect();
        Self::from_rows(&rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hires_departures_and_rehires_are_named_and_the_rest_counted_together() {
        let t = Tally::of(&[
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
        let t = Tally::of(&[("rehire", 1), ("manager_change", 1)]);
        assert_eq!(t.phrase().as_deref(), Some("1 rehire, 1 other change"));
    }

    #[test]
    fn nothing_changed_has_no_phrase() {
        assert_eq!(Tally::of(&[]).phrase(), None);
        assert!(Tally::of(&[("new_hire", 0)]).is_empty());
    }
}
