//! What a revert does with the people and jobs the run created: a person departs today
//! and their seats close; any other job the run created (a rehire's new seat, an open
//! job) closes. Unless something else still refers to them, once the updated rows are
//! put back: a row in `held`, or the seat of someone held; a job some job still in the
//! tree reports to; a person with a seat that stays (or one the run did not create); a
//! seat whose person stays. Those stay as they are, and are listed. A person already
//! departed or a job already closed needs nothing.

use std::collections::{HashMap, HashSet};

use jiff::civil::Date;

use super::{Kept, KeptReason, Work, keep};
use crate::org::change::Entity;
use crate::org::model::{JobStatus, PersonStatus};
use crate::org::undo::Undo;

pub(super) fn close(
    work: &mut Work<'_>,
    undo: &Undo,
    held: &HashSet<String>,
    today: Date,
    kept: &mut Vec<Kept>,
) {
    let mut people = Vec::new();
    for id in &undo.created_people {
        match work.person_at.get(id.as_str()) {
            None => {
                let about = (Some(id.clone()), id.clone());
                kept.push(keep(Entity::Person, id, &about, "status", KeptReason::Gone));
            }
            Some(&p) if held.contains(id) => kept.push(person_stays(work, p)),
            Some(&p) if work.people[p].status == PersonStatus::Active => people.push(p),
            Some(_) => {}
        }
    }
    let mut jobs = Vec::new();
    for id in &undo.created_jobs {
        let Some(&j) = work.job_at.get(id.as_str()) else {
            let about = (None, id.clone());
            kept.push(keep(Entity::Job, id, &about, "status", KeptReason::Gone));
            continue;
        };
        let job = &work.jobs[j];
        if held.contains(id) || job.person_id.as_ref().is_some_and(|p| held.contains(p)) {
            kept.push(job_stays(work, j));
        } else if job.status != JobStatus::Closed {
            jobs.push(j);
        }
    }
    if people.is_empty() && jobs.is_empty() {
        return;
    }

    let (departing, closing) = settle(work, &people, &jobs);
    for &p in &people {
        if !departing.contains(&p) {
            kept.push(person_stays(work, p));
            continue;
        }
        let person = work.people[p].to_mut();
        person.status = PersonStatus::Departed;
        person.end_date = Some(today);
        work.touched_people.push(p);
    }
    for &j in &jobs {
        if !closing.contains(&j) {
            kept.push(job_stays(work, j));
            continue;
        }
        let job = work.jobs[j].to_mut();
        job.status = JobStatus::Closed;
        job.person_id = None;
        job.end_date = Some(today);
        work.touched_jobs.push(j);
    }
}

/// Of the created people and jobs that could go, those that can: each one that something
/// staying refers to stays too, until nothing more does.
fn settle(work: &Work<'_>, people: &[usize], jobs: &[usize]) -> (HashSet<usize>, HashSet<usize>) {
    let created: HashSet<&str> = people.iter().map(|&p| work.people[p].id.as_str()).collect();
    // The jobs still in the tree under each job, and each person's seats.
    let mut reports: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut seats: HashMap<usize, Vec<usize>> = HashMap::new();
    for (k, job) in work.jobs.iter().enumerate() {
        if job.status == JobStatus::Closed {
            continue;
        }
        if let Some(&m) = job
            .manager_job_id
            .as_deref()
            .and_then(|m| work.job_at.get(m))
        {
            reports.entry(m).or_default().push(k);
        }
        if let Some(&p) = job.person_id.as_deref().and_then(|p| work.person_at.get(p)) {
            seats.entry(p).or_default().push(k);
        }
    }
    let mut departing: HashSet<usize> = people.iter().copied().collect();
    let mut closing: HashSet<usize> = jobs.iter().copied().collect();
    loop {
        let stays = |k: &usize| !closing.contains(k);
        let jobs_staying: Vec<usize> = closing
            .iter()
            .copied()
            .filter(|j| {
                let under = reports.get(j).is_some_and(|ks| ks.iter().any(stays));
                let holder = work.jobs[*j]
                    .person_id
                    .as_deref()
                    .filter(|p| created.contains(p))
                    .and_then(|p| work.person_at.get(p));
                under || holder.is_some_and(|p| !departing.contains(p))
            })
            .collect();
        let people_staying: Vec<usize> = departing
            .iter()
            .copied()
            .filter(|p| seats.get(p).is_some_and(|ks| ks.iter().any(stays)))
            .collect();
        if jobs_staying.is_empty() && people_staying.is_empty() {
            return (departing, closing);
        }
        for j in jobs_staying {
            closing.remove(&j);
        }
        for p in people_staying {
            departing.remove(&p);
        }
    }
}

fn person_stays(work: &Work<'_>, p: usize) -> Kept {
    let person = &work.org.people[p];
    let about = (Some(person.id.clone()), person.name.clone());
    keep(
        Entity::Person,
        &person.id,
        &about,
        "status",
        KeptReason::StillReferred,
    )
}

fn job_stays(work: &Work<'_>, j: usize) -> Kept {
    let job = &work.org.jobs[j];
    let about = work.about_job(job, [&job.person_id, &None]);
    keep(
        Entity::Job,
        &job.id,
        &about,
        "status",
        KeptReason::StillReferred,
    )
}
