//! A run's undo record: what reverting it needs and nothing more. The rows it created
//! are kept by id only (they become departed or closed; a first import of 100 000
//! people is 200 000 ids, not rows); the rows it updated are kept whole, before and
//! after, so that a revert can tell field by field which values were changed since.
//! Stored as JSON with each applied run (`sync::plan::revert` reads it).

use crate::org::change::{JobChange, PersonChange, Plan};
use crate::org::model::{Job, Person};

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Undo {
    /// Ids of the people the run created.
    pub created_people: Vec<String>,
    /// Ids of the jobs the run created.
    pub created_jobs: Vec<String>,
    /// (before, after) of every person the run updated.
    pub people: Vec<(Person, Person)>,
    /// (before, after) of every job the run updated.
    pub jobs: Vec<(Job, Job)>,
}

impl Undo {
    /// The undo record of a plan, in the plan's order.
    pub fn of(plan: &Plan) -> Undo {
        let mut undo = Undo::default();
        for change in &plan.people {
            match change {
                PersonChange::Create(p) => undo.created_people.push(p.id.clone()),
                PersonChange::Update { before, after } => undo
                    .people
                    .push((Person::clone(before), Person::clone(after))),
            }
        }
        for change in &plan.jobs {
            match change {
                JobChange::Create(j) => undo.created_jobs.push(j.id.clone()),
                JobChange::Update { before, after } => {
                    undo.jobs.push((Job::clone(before), Job::clone(after)))
                }
            }
        }
        undo
    }

    /// Whether reverting would have nothing to undo.
    pub fn is_empty(&self) -> bool {
        self.created_people.is_empty()
            && self.created_jobs.is_empty()
            && self.people.is_empty()
            && self.jobs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::model::{Compensation, JobStatus, PersonStatus, Source};

    fn job(id: &str, title: &str) -> Job {
        Job {
            id: id.to_owned(),
            source: Source::Justworks,
            person_id: Some("p1".to_owned()),
            status: JobStatus::Filled,
            title: Some(title.to_owned()),
            department: None,
            location: None,
            manager_job_id: Some("j0".to_owned()),
            compensation: Some(Compensation {
                amount_minor: 18_500_000,
                currency: "USD".to_owned(),
                basis: Some("salary".to_owned()),
                frequency: None,
            }),
            start_date: None,
            end_date: None,
            hand: Default::default(),
        }
    }

    #[test]
    fn the_undo_record_keeps_created_rows_by_id_and_updated_rows_whole() {
        let hire = Person::named(
            "p2".into(),
            Source::Justworks,
            PersonStatus::Active,
            "Bo Li".into(),
        );
        let mut pinned = job("j1", "Engineer");
        pinned.hand.pins.pin("title");
        pinned.hand.set.mark("department");
        let plan = Plan {
            people: vec![PersonChange::Create(Box::new(hire))],
            jobs: vec![
                JobChange::Create(Box::new(job("j2", "Designer"))),
                JobChange::Update {
                    before: Box::new(pinned.clone()),
                    after: Box::new(job("j1", "Manager")),
                },
            ],
            ..Plan::default()
        };
        let undo = Undo::of(&plan);
        assert_eq!(undo.created_people, ["p2"]);
        assert_eq!(undo.created_jobs, ["j2"]);
        assert_eq!(undo.jobs, [(pinned, job("j1", "Manager"))]);
        assert!(undo.people.is_empty() && !undo.is_empty());
        // As the run stores it, and reads it back.
        let json = serde_json::to_string(&undo).expect("json");
        assert_eq!(
            serde_json::from_str::<Undo>(&json).expect("reads back"),
            undo
        );
        assert!(Undo::of(&Plan::default()).is_empty());
    }
}
