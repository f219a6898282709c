//! How history (a sync's and a hand edit's) shows a value: dates as YYYY-MM-DD, money as
//! "185,000.00 USD (salary, semimonthly)" with the currency's minor digits, phones
//! joined by ", ", an address on one line, a manager by the name of who holds the job.

use jiff::civil::Date;

use crate::org::model::{Address, Compensation, Job, JobStatus, Person, Phone};

pub fn date(d: Date) -> String {
    d.to_string()
}

pub fn money(c: &Compensation) -> String {
    c.display()
}

/// "+1 212 555 0101 (mobile), +1 212 555 0199"; `None` for no phones.
pub fn phones(phones: &[Phone]) -> Option<String> {
    (!phones.is_empty()).then(|| {
        phones
            .iter()
            .map(|p| match &p.kind {
                Some(kind) => format!("{} ({kind})", p.number),
                None => p.number.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    })
}

pub fn address(a: &Address) -> Option<String> {
    let line = a.one_line();
    (!line.is_empty()).then_some(line)
}

/// A manager's job as people read it: who holds it, or "Open job: Title".
pub fn job(job: &Job, holder: Option<&Person>) -> String {
    let title = job.title.as_deref().filter(|t| !t.trim().is_empty());
    match (job.status, holder, title) {
        (JobStatus::Filled, Some(person), _) => person.name.clone(),
        (JobStatus::Closed, _, Some(title)) => format!("Closed job: {title}"),
        (JobStatus::Closed, _, None) => "Closed job".to_owned(),
        (_, _, Some(title)) => format!("Open job: {title}"),
        (_, _, None) => "Open job".to_owned(),
    }
}
