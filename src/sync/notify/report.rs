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

/// A short notice about a plan: it waits for review, or it was discarded or superseded.
/// Lines and counts are built for the recipient's level by the caller.
pub struct Notice {
    pub subject: String,
    pub heading: String,
    pub started_by: Option<String>,
    pub lines: Vec<String>,
    pub counts: Option<String>,
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

/// A notice about a waiting, discarded or superseded plan.
pub fn sync_notice(notice: Notice) -> Result<Mail, askama::Error> {
    let n = Notice {
        subject: line(&notice.subject),
        heading: line(&notice.heading),
        started_by: notice.started_by.as_deref().map(line),
        lines: notice.lines.iter().map(|l| line(l)).collect(),
        counts: notice.counts.as_deref().map(line),
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
}
