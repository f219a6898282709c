//! What a run's notice says, as plain functions of plain data: the subject, and the text
//! and HTML bodies from askama templates (`templates/mail/`, HTML escaped by askama).
//! Names only — the data handed in here never holds a sensitive value (docs/design.md
//! "Email"), so no template can leak one. Every name, warning and reason is put on one
//! line here (`text::one_line`), whatever was stored: a name with a line break in it
//! must not add lines to the plain-text email.

use crate::mail::compose::Mail;
use crate::org::change::ChangeKind;
use crate::org::visibility::Sensitive;
use crate::sync::summary::{KIND_ORDER, Tally};
use crate::text::one_line;
use askama::Template;

/// At most this many names are listed per kind, and this many warnings.
pub const NAMES_PER_KIND: usize = 50;
pub const WARNINGS_LISTED: usize = 50;

/// One kind of change: how many people, and the first names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindSection {
    pub heading: &'static str,
    pub count: i64,
    pub names: Vec<String>,
}

impl KindSection {
    /// People not listed by name.
    pub fn more(&self) -> i64 {
        self.count - self.names.len() as i64
    }
}

/// Everything a finished run's summary says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryReport {
    pub tally: Tally,
    /// Every kind in reading order (zero counts too); names only where some changed.
    pub sections: Vec<KindSection>,
    pub warnings: Vec<String>,
    /// Who or what started the run: "Theo Tech (Sync To Primary)", "Run Daily".
    pub started_by: String,
    /// The run's page.
    pub link: String,
    /// For readers who may not learn of sensitive changes: the people whose only changes
    /// were to fields visible to Owners only (0 for Owners, whose sections name them).
    pub owner_only: i64,
    /// Pinned fields Justworks disagreed with, that this reader may learn of.
    pub conflicts: i64,
    /// "Applied after review by Ada Admin." for a plan applied by someone's approval.
    pub reviewed: Option<String>,
    /// That this run's plan replaced one that waited for review (see [`replaced`]).
    pub replaced: Option<String>,
}

impl SummaryReport {
    /// From the run's counts and the first names per kind (`names(kind)`), as one
    /// reader may learn them: with [`Sensitive::Hidden`] the kinds made only of sensitive
    /// fields are not mentioned at all (the tally and names must be read the same way).
    pub fn new(
        tally: Tally,
        mut names: impl FnMut(ChangeKind) -> Vec<String>,
        warnings: &[String],
        started_by: String,
        link: String,
        sensitive: Sensitive,
    ) -> Self {
        let sections = KIND_ORDER
            .iter()
            .filter(|kind| sensitive == Sensitive::Shown || !kind.is_sensitive_only())
            .map(|&kind| {
                let count = tally.count(kind);
                KindSection {
                    heading: kind.heading(),
                    count,
                    names: if count > 0 {
                        names(kind).iter().map(|n| line(n)).collect()
                    } else {
                        Vec::new()
                    },
                }
            })
            .collect();
        SummaryReport {
            tally,
            sections,
            warnings: warnings.iter().map(|w| line(w)).collect(),
            started_by: line(&started_by),
            link,
            owner_only: 0,
            conflicts: 0,
            reviewed: None,
            replaced: None,
        }
    }

    /// Says who approved the plan, when it was applied after review (`None`: it applied
    /// at once, and the email says nothing of review).
    pub fn with_approver(self, name: Option<&str>) -> Self {
        Self {
            reviewed: name.map(|name| format!("Applied after review by {}.", line(name))),
            ..self
        }
    }

    /// Says that this run's plan replaced the one waiting for review since
    /// `waiting_since` (UTC milliseconds), if it did.
    pub fn with_replaced(self, waiting_since: Option<i64>) -> Self {
        Self {
            replaced: waiting_since.map(replaced),
            ..self
        }
    }

    /// Says that `n` people changed only in fields visible to Owners (for non-Owners).
    pub fn with_owner_only(self, n: i64) -> Self {
        Self {
            owner_only: n,
            ..self
        }
    }

    /// Says that the run found `n` conflicts this reader may learn of.
    pub fn with_conflicts(self, n: i64) -> Self {
        Self {
            conflicts: n,
            ..self
        }
    }

    /// "1 conflict needs a decision", "3 conflicts need a decision".
    pub fn conflicts_line(&self) -> String {
        match self.conflicts {
            1 => "1 conflict needs a decision".into(),
            n => format!("{n} conflicts need a decision"),
        }
    }

    pub fn changed_sections(&self) -> impl Iterator<Item = &KindSection> {
        self.sections.iter().filter(|s| s.count > 0)
    }

    pub fn listed_warnings(&self) -> &[String] {
        &self.warnings[..self.warnings.len().min(WARNINGS_LISTED)]
    }

    pub fn more_warnings(&self) -> usize {
        self.warnings.len().saturating_sub(WARNINGS_LISTED)
    }

    /// "3 new hires, 1 departure, 5 other changes", "Changes visible to Owners only" or
    /// "No changes".
    pub fn headline(&self) -> String {
        match (self.tally.phrase(), self.owner_only) {
            (Some(phrase), _) => phrase,
            (None, 0) if self.conflicts > 0 => self.conflicts_line(),
            (None, 0) => "No changes".into(),
            (None, _) => "Changes visible to Owners only".into(),
        }
    }

    /// Whether there is nothing at all to report (not even changes this reader may not
    /// see).
    pub fn no_changes(&self) -> bool {
        self.tally.is_empty() && self.owner_only == 0 && self.conflicts == 0
    }
}

fn line(text: &str) -> String {
    one_line(text).into_owned()
}

/// A stored instant as the emails say it, as the run page does: `2026-11-26 05:39 UTC`.
pub fn when(ms: i64) -> String {
    match jiff::Timestamp::from_second(ms.div_euclid(1000)) {
        Ok(t) => t.strftime("%Y-%m-%d %H:%M UTC").to_string(),
        Err(_) => "an unknown time".into(),
    }
}

/// "This sync replaced the plan that was waiting for review since 2026-11-26 05:39 UTC
/// (that plan is now superseded; nothing of it was written)."
pub fn replaced(waiting_since: i64) -> String {
    format!(
        "This sync replaced the plan that was waiting for review since {} (that plan is now \
         superseded; nothing of it was written).",
        when(waiting_since)
    )
}

/// "Initial import: 250 people — 237 active, 13 former": the first sync of an install
/// creates everyone; `former` of them were departed members seen for the first time.
pub fn initial_import(total: i64, former: i64) -> String {
    let former = former.clamp(0, total.max(0));
    format!(
        "Initial import: {total} {} — {} active, {former} former",
        if total == 1 { "person" } else { "people" },
        total - former
    )
}

/// "Justworks sync complete: 3 new hires, 1 departure, 5 other changes",
/// "Justworks sync complete with 2 warnings: no changes".
pub fn summary_subject(report: &SummaryReport) -> String {
    let mut what = report.headline();
    if report.tally.phrase().is_none() {
        // "No changes" → "no changes" after the colon; "Owners" keeps its capital.
        what.replace_range(..1, &what[..1].to_lowercase());
    } else if report.conflicts > 0 {
        what = format!("{what}; {}", report.conflicts_line());
    }
    match report.warnings.len() {
        0 => format!("Justworks sync complete: {what}"),
        1 => format!("Justworks sync complete with 1 warning: {what}"),
        n => format!("Justworks sync complete with {n} warnings: {what}"),
    }
}

pub const FAILED_SUBJECT: &str = "Justworks sync failed";

#[derive(Template)]
#[template(path = "mail/sync_summary.txt")]
struct SummaryText<'a> {
    r: &'a SummaryReport,
}

#[derive(Template)]
#[template(path = "mail/sync_summary.html")]
struct SummaryHtml<'a> {
    r: &'a SummaryReport,
    subject: &'a str,
}

/// The summary of a finished run.
pub fn sync_summary(report: &SummaryReport) -> Result<Mail, askama::Error> {
    let subject = summary_subject(report);
    Ok(Mail {
        text: SummaryText { r: report }.render()?,
        html: SummaryHtml {
            r: report,
            subject: &subject,
        }
        .render()?,
        subject,
    })
}

#[derive(Template)]
#[template(path = "mail/sync_failed.txt")]
struct FailedText<'a> {
    reason: &'a str,
    started_by: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "mail/sync_failed.html")]
struct FailedHtml<'a> {
    reason: &'a str,
    started_by: &'a str,
    link: &'a str,
    subject: &'a str,
}

/// The notice of a failed run, with its reason (the run's own sentence).
pub fn sync_failed(reason: &str, started_by: &str, link: &str) -> Result<Mail, askama::Error> {
    let (reason, started_by) = (&*one_line(reason), &*one_line(started_by));
    Ok(Mail {
        subject: FAILED_SUBJECT.into(),
        text: FailedText {
            reason,
            started_by,
            link,
        }
        .render()?,
        html: FailedHtml {
            reason,
            started_by,
            link,
            subject: FAILED_SUBJECT,
        }
        .render()?,
    })
}

/// A short notice about a plan that was discarded or superseded.
/// Its lines are built by [`discarded_notice`] and [`superseded_notice`]; nothing in it
/// depends on the reader's level.
pub struct Notice {
    pub subject: String,
    pub heading: String,
    pub started_by: Option<String>,
    pub lines: Vec<String>,
    pub footer: String,
    pub link: String,
}

#[derive(Template)]
#[template(path = "mail/sync_notice.txt")]
struct NoticeText<'a> {
    n: &'a Notice,
}

#[derive(Template)]
#[template(path = "mail/sync_notice.html")]
struct NoticeHtml<'a> {
    n: &'a Notice,
    subject: &'a str,
}

/// A notice about a discarded or superseded plan.
pub fn sync_notice(notice: Notice) -> Result<Mail, askama::Error> {
    let n = Notice {
        subject: line(&notice.subject),
        heading: line(&notice.heading),
        started_by: notice.started_by.as_deref().map(line),
        lines: notice.lines.iter().map(|l| line(l)).collect(),
        footer: line(&notice.footer),
        link: notice.link,
    };
    Ok(Mail {
        text: NoticeText { n: &n }.render()?,
        html: NoticeHtml {
            n: &n,
            subject: &n.subject,
        }
        .render()?,
        subject: n.subject.clone(),
    })
}

pub const REVIEW_SUBJECT: &str = "A Justworks sync is waiting for review";

/// Everything a "waiting for review" email says, as one reader may learn it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewReport {
    /// The planned changes, built like a summary for this reader (sensitive-only kinds
    /// never named to a non-Owner; "N people: changes to fields visible to Owners only"
    /// at most), with who started the run, the link, the plan's warnings and conflicts.
    pub changes: SummaryReport,
    /// Why it waits: the safeguards' sentences, or the reason's.
    pub reasons: Vec<String>,
    /// For the first sync of an install: "Initial import: N people — A active, F former"
    /// (said instead of the counts per kind).
    pub initial_import: Option<String>,
    /// When an undecided plan is discarded.
    pub expires: String,
}

impl ReviewReport {
    /// `reasons` as stored; `planned_at` when the plan was made (UTC milliseconds): it is
    /// discarded [`crate::sync::review::WAIT_LIMIT_MS`] later if no one decides.
    pub fn new(changes: SummaryReport, reasons: &[String], planned_at: i64) -> Self {
        ReviewReport {
            changes,
            reasons: reasons.iter().map(|r| line(r)).collect(),
            initial_import: None,
            expires: when(planned_at + crate::sync::review::WAIT_LIMIT_MS),
        }
    }

    /// The first sync of an install: `total` people created, `former` of them departed.
    pub fn with_initial_import(self, total: i64, former: i64) -> Self {
        Self {
            initial_import: Some(initial_import(total, former)),
            ..self
        }
    }

    /// "1 warning", "3 warnings".
    pub fn warnings_phrase(&self) -> String {
        match self.changes.warnings.len() {
            1 => "1 warning".into(),
            n => format!("{n} warnings"),
        }
    }
}

#[derive(Template)]
#[template(path = "mail/sync_review.txt")]
struct ReviewText<'a> {
    r: &'a ReviewReport,
    c: &'a SummaryReport,
}

#[derive(Template)]
#[template(path = "mail/sync_review.html")]
struct ReviewHtml<'a> {
    r: &'a ReviewReport,
    c: &'a SummaryReport,
    subject: &'a str,
}

/// "A Justworks sync is waiting for review": why, what it would change as the reader
/// may learn it, that nothing was written, the link and when it expires.
pub fn sync_review(report: &ReviewReport) -> Result<Mail, askama::Error> {
    Ok(Mail {
        subject: REVIEW_SUBJECT.into(),
        text: ReviewText {
            r: report,
            c: &report.changes,
        }
        .render()?,
        html: ReviewHtml {
            r: report,
            c: &report.changes,
            subject: REVIEW_SUBJECT,
        }
        .render()?,
    })
}

/// The notice of a plan discarded (by someone: `reason` names them; or after waiting
/// too long), that was waiting since `planned_at`.
pub fn discarded_notice(
    reason: &str,
    started_by: &str,
    planned_at: Option<i64>,
    link: &str,
) -> Notice {
    Notice {
        subject: "A Justworks sync plan was discarded".into(),
        heading: "A Justworks sync plan was discarded".into(),
        started_by: Some(started_by.to_owned()),
        lines: vec![reason.to_owned()],
        footer: match planned_at {
            Some(at) => format!(
                "It had been waiting for review since {}. Nothing of it was written to the org.",
                when(at)
            ),
            None => "Nothing of it was written to the org.".into(),
        },
        link: link.to_owned(),
    }
}

/// The notice of a waiting plan (since `planned_at`) replaced by a newer one, started
/// by `newer_started_by`, whose page is `newer_link`.
pub fn superseded_notice(
    started_by: &str,
    planned_at: Option<i64>,
    newer_started_by: &str,
    newer_link: &str,
    link: &str,
) -> Notice {
    let since = planned_at.map_or_else(String::new, |at| format!(" since {}", when(at)));
    Notice {
        subject: "A waiting Justworks sync plan was replaced".into(),
        heading: "A waiting Justworks sync plan was replaced by a newer one".into(),
        started_by: Some(started_by.to_owned()),
        lines: vec![
            format!(
                "This plan, waiting for review{since}, was superseded: a newer sync \
                 ({newer_started_by}) planned afresh from what Justworks says now."
            ),
            format!("The newer sync: {newer_link}"),
        ],
        footer: "Nothing of this plan was written to the org; only the newer one can be \
                 applied."
            .into(),
        link: link.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(rows: &[(&str, i64)], names: &[(&str, &[&str])], warnings: &[&str]) -> SummaryReport {
        let warnings: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
        SummaryReport::new(
            Tally::of(rows),
            |kind| {
                names
                    .iter()
                    .find(|(k, _)| *k == kind.as_str())
                    .map(|(_, n)| n.iter().map(|s| s.to_string()).collect())
                    .unwrap_or_default()
            },
            &warnings,
            "Theo Tech (Sync To Primary)".into(),
            "https://orgsync.acme.test/syncs/r1".into(),
            Sensitive::Shown,
        )
    }

    #[test]
    fn the_subject_counts_hires_departures_and_the_rest() {
        let r = report(
            &[
                ("new_hire", 3),
                ("departure", 1),
                ("title_change", 2),
                ("group_change", 3),
            ],
            &[],
            &[],
        );
        assert_eq!(
            summary_subject(&r),
            "Justworks sync complete: 3 new hires, 1 departure, 5 other changes"
        );
        assert_eq!(
            summary_subject(&report(&[("rehire", 1)], &[], &["w"])),
            "Justworks sync complete with 1 warning: 1 rehire"
        );
    }

    #[test]
    fn a_line_break_in_a_stored_name_adds_no_line_to_the_text_email() {
        let r = SummaryReport::new(
            Tally::of(&[("new_hire", 1)]),
            |_| vec!["Eve\r\nBcc: all@acme.test".to_owned()],
            &["Eve\nBcc: all@acme.test (mem_1) reports to the org head".to_owned()],
            "Mallory\n\nInjected (Sync To Primary)".into(),
            "https://orgsync.acme.test/syncs/r1".into(),
            Sensitive::Shown,
        );
        let mail = sync_summary(&r).unwrap();
        let failed = sync_failed("Bad\r\nBcc: x", "Mallory\nInjected", "https://l").unwrap();
        for text in [&mail.text, &failed.text] {
            assert!(
                !text
                    .lines()
                    .any(|l| l.starts_with("Bcc:") || l == "Injected"),
                "{text}"
            );
        }
        assert!(
            mail.text.contains("  - Eve Bcc: all@acme.test\n"),
            "{}",
            mail.text
        );
        assert!(
            mail.text
                .contains("Started by Mallory Injected (Sync To Primary).")
        );
        assert!(failed.text.contains("  Bad Bcc: x\n"), "{}", failed.text);
    }

    #[test]
    fn conflicts_are_counted_in_the_subject_and_the_body() {
        let only = report(&[], &[], &[]).with_conflicts(3);
        assert_eq!(
            summary_subject(&only),
            "Justworks sync complete: 3 conflicts need a decision"
        );
        let mail = sync_summary(&only).unwrap();
        for text in [&mail.text, &mail.html] {
            assert!(text.contains("3 conflicts need a decision"), "{text}");
            assert!(!text.contains("No changes"), "{text}");
        }
        let with_changes = report(&[("title_change", 2)], &[], &[]).with_conflicts(1);
        assert!(
            summary_subject(&with_changes).ends_with("; 1 conflict needs a decision"),
            "{}",
            summary_subject(&with_changes)
        );
        let none = sync_summary(&report(&[("title_change", 2)], &[], &[])).unwrap();
        assert!(!none.text.contains("conflict"), "{}", none.text);
    }

    #[test]
    fn a_sync_without_changes_says_so() {
        assert_eq!(
            summary_subject(&report(&[], &[], &[])),
            "Justworks sync complete: no changes"
        );
        assert_eq!(
            summary_subject(&report(&[], &[], &["a", "b"])),
            "Justworks sync complete with 2 warnings: no changes"
        );
        let mail = sync_summary(&report(&[], &[], &[])).unwrap();
        assert!(mail.text.contains("No changes"), "{}", mail.text);
        assert!(!mail.text.contains("New hires ("), "{}", mail.text);
    }

    #[test]
    fn a_reader_who_may_not_see_sensitive_fields_hears_nothing_of_their_kinds() {
        // As the summary reads the history for a non-Owner: no compensation rows.
        let r = SummaryReport::new(
            Tally::of(&[("title_change", 1)]),
            |_| vec!["Ana Souza".to_owned()],
            &[],
            "Run Daily".into(),
            "https://orgsync.acme.test/syncs/r1".into(),
            Sensitive::Hidden,
        )
        .with_owner_only(2);
        let mail = sync_summary(&r).unwrap();
        for text in [&mail.text, &mail.html] {
            assert!(!text.contains("Compensation"), "{text}");
            assert!(
                text.contains("2 people: changes to fields visible to Owners only."),
                "{text}"
            );
        }
        let only_hidden = SummaryReport::new(
            Tally::of(&[]),
            |_| Vec::new(),
            &[],
            "Run Daily".into(),
            "https://orgsync.acme.test/syncs/r1".into(),
            Sensitive::Hidden,
        )
        .with_owner_only(1);
        let mail = sync_summary(&only_hidden).unwrap();
        assert_eq!(
            mail.subject,
            "Justworks sync complete: changes visible to Owners only"
        );
        assert!(!mail.text.contains("already matched"), "{}", mail.text);
    }

    #[test]
    fn the_body_counts_every_kind_and_lists_names_with_a_cap() {
        let many: Vec<String> = (0..NAMES_PER_KIND)
            .map(|i| format!("Person {i:02}"))
            .collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let r = report(
            &[("new_hire", 60), ("compensation_change", 1)],
            &[
                ("new_hire", &many),
                ("compensation_change", &["Zoë Þórsdóttir"]),
            ],
            &["Ann reports to the org head"],
        );
        let mail = sync_summary(&r).unwrap();
        for line in [
            "New hires: 60",
            "Departures: 0",
            "Rehires: 0",
            "Title changes: 0",
            "Manager changes: 0",
            "Department and location changes: 0",
            "Compensation changes: 1",
            "Other changes: 0",
            "Person 00",
            "Person 49",
            "and 10 more",
            "Zoë Þórsdóttir",
            "Ann reports to the org head",
            "https://orgsync.acme.test/syncs/r1",
            "Theo Tech (Sync To Primary)",
        ] {
            assert!(
                mail.text.contains(line),
                "text lacks {line:?}:\n{}",
                mail.text
            );
        }
        assert!(mail.html.contains("Zoë Þórsdóttir"));
        assert!(mail.html.contains("and 10 more"));
        assert!(
            mail.html
                .contains("href=\"https://orgsync.acme.test/syncs/r1\"")
        );
    }

    #[test]
    fn names_are_escaped_in_html_and_plain_in_text() {
        let r = report(
            &[("new_hire", 1)],
            &[("new_hire", &["<script>alert(1)</script> O'Brien & Co"])],
            &[],
        );
        let mail = sync_summary(&r).unwrap();
        assert!(!mail.html.contains("<script>"), "{}", mail.html);
        assert!(
            mail.html.contains("&#60;script&#62;") || mail.html.contains("&lt;script&gt;"),
            "{}",
            mail.html
        );
        assert!(mail.text.contains("<script>alert(1)</script> O'Brien & Co"));
    }

    #[test]
    fn a_failure_gives_the_reason_and_the_link() {
        let mail = sync_failed(
            "No active Justworks member is named “Nobody”",
            "Run Daily",
            "http://localhost:8080/syncs/r2",
        )
        .unwrap();
        assert_eq!(mail.subject, "Justworks sync failed");
        for body in [&mail.text, &mail.html] {
            assert!(body.contains("No active Justworks member is named “Nobody”"));
            assert!(body.contains("http://localhost:8080/syncs/r2"));
        }
    }

    /// 2026-11-26 05:39 UTC, in milliseconds.
    const PLANNED_AT: i64 = 1_795_671_540_000;

    fn planned(sensitive: Sensitive, owner_only: i64) -> SummaryReport {
        SummaryReport::new(
            Tally::of(&[
                ("departure", 31),
                ("title_change", 1),
                ("compensation_change", 2),
            ]),
            |kind| match kind {
                ChangeKind::Departure => vec!["Ana Souza".into(), "Bo Li".into()],
                ChangeKind::TitleChange => vec!["Cy Twombly".into()],
                ChangeKind::CompensationChange => vec!["Dee Raise".into()],
                _ => Vec::new(),
            },
            &[],
            "Run Daily".into(),
            "https://orgsync.acme.test/syncs/r9".into(),
            sensitive,
        )
        .with_owner_only(owner_only)
    }

    const GUARD: &str = "31 of 240 active people (13%) would depart — above your 10% safeguard.";

    #[test]
    fn a_plan_waiting_for_review_says_why_what_it_would_change_that_nothing_was_written_and_when_it_expires()
     {
        assert_eq!(when(PLANNED_AT), "2026-11-26 05:39 UTC");
        let r = ReviewReport::new(
            planned(Sensitive::Shown, 0),
            &[GUARD.to_owned()],
            PLANNED_AT,
        );
        let mail = sync_review(&r).unwrap();
        assert_eq!(mail.subject, "A Justworks sync is waiting for review");
        for body in [&mail.text, &mail.html] {
            for said in [
                GUARD,
                "Started by Run Daily.",
                "Departures",
                "31",
                "Ana Souza",
                "Compensation changes",
                "Dee Raise",
                "and 29 more",
                "Nothing has been written to the org.",
                "If no one decides by 2026-12-03 05:39 UTC, the plan is discarded.",
                "https://orgsync.acme.test/syncs/r9",
            ] {
                assert!(body.contains(said), "no {said:?} in:\n{body}");
            }
            assert!(!body.contains("visible to Owners only"), "{body}");
            assert!(!body.contains("Initial import"), "{body}");
            assert!(!body.contains("replaced"), "{body}");
        }
        assert!(
            mail.text
                .contains("If applied, it would change (people)\n  Departures: 31\n"),
            "{}",
            mail.text
        );
        assert!(
            mail.html
                .contains("href=\"https://orgsync.acme.test/syncs/r9\"")
        );
        // A reason instead of safeguards, and a plan without changes.
        let reason = "The Justworks settings ask for every sync to wait for review.";
        let quiet = SummaryReport::new(
            Tally::of(&[]),
            |_| Vec::new(),
            &[],
            "Run Daily".into(),
            "https://l".into(),
            Sensitive::Shown,
        );
        let mail = sync_review(&ReviewReport::new(quiet, &[reason.into()], PLANNED_AT)).unwrap();
        assert!(
            mail.text.contains(&format!("  - {reason}\n")),
            "{}",
            mail.text
        );
        assert!(
            mail.text.contains("It would change nothing"),
            "{}",
            mail.text
        );
    }

    #[test]
    fn a_non_owner_never_hears_of_an_owner_only_kind_in_a_waiting_notice() {
        // As read for a non-Owner: the compensation rows are not there, two people changed
        // only in those.
        let hidden = SummaryReport::new(
            Tally::of(&[("departure", 31), ("title_change", 1)]),
            |kind| match kind {
                ChangeKind::Departure => vec!["Ana Souza".into()],
                ChangeKind::TitleChange => vec!["Cy Twombly".into()],
                _ => vec!["Dee Raise".into()],
            },
            &[],
            "Run Daily".into(),
            "https://orgsync.acme.test/syncs/r9".into(),
            Sensitive::Hidden,
        )
        .with_owner_only(2);
        let mail = sync_review(&ReviewReport::new(hidden, &[GUARD.into()], PLANNED_AT)).unwrap();
        for body in [&mail.subject, &mail.text, &mail.html] {
            assert!(!body.contains("Compensation"), "{body}");
            assert!(!body.contains("Dee Raise"), "{body}");
        }
        for body in [&mail.text, &mail.html] {
            assert!(
                body.contains("2 people: changes to fields visible to Owners only."),
                "{body}"
            );
            assert!(body.contains("Cy Twombly"), "{body}");
        }
        // Even a tally that held the kind, and a names source that would name it, say
        // nothing of it at this level.
        let leaky = planned(Sensitive::Hidden, 1);
        let mail = sync_review(&ReviewReport::new(leaky, &[GUARD.into()], PLANNED_AT)).unwrap();
        assert!(!mail.text.contains("Compensation"), "{}", mail.text);
        assert!(!mail.text.contains("Dee Raise"), "{}", mail.text);
        assert!(
            mail.text
                .contains("1 person: changes to fields visible to Owners only."),
            "{}",
            mail.text
        );
    }

    #[test]
    fn the_first_sync_waiting_for_review_says_initial_import_with_active_and_former() {
        assert_eq!(
            initial_import(250, 13),
            "Initial import: 250 people — 237 active, 13 former"
        );
        assert_eq!(
            initial_import(1, 0),
            "Initial import: 1 person — 1 active, 0 former"
        );
        let changes = report(&[("new_hire", 250), ("other", 13)], &[], &[]);
        let reason = "The first sync of Justworks always waits for review: check the import \
                      before anything is written.";
        let r =
            ReviewReport::new(changes, &[reason.into()], PLANNED_AT).with_initial_import(250, 13);
        let mail = sync_review(&r).unwrap();
        for body in [&mail.text, &mail.html] {
            assert!(
                body.contains("Initial import: 250 people — 237 active, 13 former"),
                "{body}"
            );
            assert!(body.contains(reason), "{body}");
            assert!(
                body.contains("Nothing has been written to the org."),
                "{body}"
            );
            // The import line says it all: no per-kind list of 250 new hires.
            assert!(!body.contains("New hires"), "{body}");
        }
    }

    #[test]
    fn a_summary_says_who_approved_a_reviewed_plan_and_nothing_of_review_otherwise() {
        let approved = report(&[("title_change", 1)], &[], &[]).with_approver(Some("Ada Admin"));
        let mail = sync_summary(&approved).unwrap();
        for body in [&mail.text, &mail.html] {
            assert!(
                body.contains("Applied after review by Ada Admin."),
                "{body}"
            );
        }
        assert_eq!(mail.subject, "Justworks sync complete: 1 other change");
        let at_once =
            sync_summary(&report(&[("title_change", 1)], &[], &[]).with_approver(None)).unwrap();
        for body in [&at_once.text, &at_once.html] {
            assert!(!body.contains("review"), "{body}");
        }
        // A name is one line, whatever was stored.
        let odd = report(&[], &[], &[]).with_approver(Some("Ada\nBcc: x@evil.test"));
        let mail = sync_summary(&odd).unwrap();
        assert!(
            !mail.text.lines().any(|l| l.starts_with("Bcc:")),
            "{}",
            mail.text
        );
    }

    #[test]
    fn a_run_that_replaced_a_waiting_plan_says_since_when_in_its_email() {
        let since = "This sync replaced the plan that was waiting for review since 2026-11-26 \
                     05:39 UTC (that plan is now superseded; nothing of it was written).";
        let summary = report(&[("title_change", 1)], &[], &[]).with_replaced(Some(PLANNED_AT));
        let mail = sync_summary(&summary).unwrap();
        assert!(mail.text.contains(since), "{}", mail.text);
        assert!(mail.html.contains(since), "{}", mail.html);
        let waiting = ReviewReport::new(
            planned(Sensitive::Shown, 0).with_replaced(Some(PLANNED_AT)),
            &[GUARD.into()],
            PLANNED_AT + 86_400_000,
        );
        let mail = sync_review(&waiting).unwrap();
        assert!(mail.text.contains(since), "{}", mail.text);
        assert!(
            mail.text
                .contains("If no one decides by 2026-12-04 05:39 UTC"),
            "{}",
            mail.text
        );
        let plain = sync_summary(&report(&[], &[], &[]).with_replaced(None)).unwrap();
        assert!(!plain.text.contains("replaced"), "{}", plain.text);
    }

    #[test]
    fn a_discarded_plan_notice_gives_the_reason_and_the_link() {
        let reason = "Ada Admin discarded this plan; nothing of it was applied.";
        let link = "https://orgsync.acme.test/syncs/r9";
        let mail = sync_notice(discarded_notice(
            reason,
            "Run Daily",
            Some(PLANNED_AT),
            link,
        ))
        .unwrap();
        assert_eq!(mail.subject, "A Justworks sync plan was discarded");
        for body in [&mail.text, &mail.html] {
            assert!(body.contains(reason), "{body}");
            assert!(body.contains("since 2026-11-26 05:39 UTC"), "{body}");
            assert!(body.contains(link), "{body}");
        }
        let expired = "This plan waited 7 days without a decision and was discarded; nothing of \
                       it was applied. Sync again to plan afresh.";
        let mail = sync_notice(discarded_notice(expired, "Run Daily", None, link)).unwrap();
        assert!(mail.text.contains(expired), "{}", mail.text);
    }

    #[test]
    fn a_superseded_plan_notice_names_the_newer_sync_and_links_both() {
        let mail = sync_notice(superseded_notice(
            "Theo Tech (Sync To Primary)",
            Some(PLANNED_AT),
            "Run Daily",
            "https://orgsync.acme.test/syncs/r10",
            "https://orgsync.acme.test/syncs/r9",
        ))
        .unwrap();
        assert_eq!(mail.subject, "A waiting Justworks sync plan was replaced");
        for body in [&mail.text, &mail.html] {
            for said in [
                "waiting for review since 2026-11-26 05:39 UTC, was superseded",
                "a newer sync (Run Daily) planned afresh",
                "https://orgsync.acme.test/syncs/r10",
                "https://orgsync.acme.test/syncs/r9",
                "Nothing of this plan was written to the org",
            ] {
                assert!(body.contains(said), "no {said:?} in:\n{body}");
            }
        }
    }
}
