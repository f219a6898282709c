//! Answering a conflict: **Keep ours** (the field stays pinned, and this Justworks value
//! is not raised again) or **Take Justworks'** (unpinned, Justworks' value written, with a
//! history row by whoever decided).

use super::person::move_headcounts;
use super::write::{self, bump_revision};
use super::{EditError, Editor, Saved};
use crate::db::Db;
use crate::org::change::{ChangeKind, Entity, FieldChange};
use crate::org::conflicts::{self, Status};
use crate::org::pins::Hand;
use crate::org::{fields, store, values};
use jiff::Timestamp;

/// `POST /conflicts/{id}/keep`.
pub async fn keep(
    db: &Db,
    editor: &Editor<'_>,
    id: &str,
    now: Timestamp,
) -> Result<Saved, EditError> {
    answer(db, editor, id, Status::Kept, now).await
}

/// `POST /conflicts/{id}/take`.
pub async fn take(
    db: &Db,
    editor: &Editor<'_>,
    id: &str,
    now: Timestamp,
) -> Result<Saved, EditError> {
    answer(db, editor, id, Status::Taken, now).await
}

async fn answer(
    db: &Db,
    editor: &Editor<'_>,
    id: &str,
    status: Status,
    now: Timestamp,
) -> Result<Saved, EditError> {
    let mut tx = db.begin().await?;
    bump_revision(&mut tx).await?;
    let conflict = conflicts::find(&mut tx, id)
        .await?
        .ok_or(EditError::NotFound)?;
    if conflict.is_sensitive() && !editor.sensitive {
        // Not theirs to learn of: as if it did not exist.
        return Err(EditError::NotFound);
    }
    let field = fields::key_of(&conflict.field)?;
    let label = fields::find(field).map_or("Field", |f| f.label);
    let back_to = conflict
        .person_id
        .clone()
        .unwrap_or_else(|| conflict.entity_id.clone());
    if conflict.status != Status::Open {
        // Answered meanwhile (another tab, another admin): nothing more to do.
        return Ok(Saved {
            id: back_to,
            changed: Vec::new(),
        });
    }
    let now_ms = now.as_millisecond();
    let theirs = conflict.theirs_value.as_deref();
    let kept = status == Status::Kept;
    // Keep ours: still pinned, this value kept over. Take Justworks': unpinned, and the
    // value is Justworks' again, no longer one set by hand.
    let answer = |hand: &mut Hand| {
        if kept {
            hand.pins
                .keep(field, conflict.theirs.clone().unwrap_or_default());
        } else {
            hand.pins.unpin(field);
            hand.set.clear(field);
        }
    };
    let taken = match conflict.entity {
        Entity::Person => {
            let before = write::person(&mut tx, &conflict.entity_id)
                .await?
                .ok_or(EditError::NotFound)?;
            let mut after = before.clone();
            answer(&mut after.hand);
            if !kept {
                values::set_on_person(&mut after, field, theirs)?;
            }
            store::save_person_by_hand(&mut tx, &after, now_ms).await?;
            values::of_person(field, &before) != values::of_person(field, &after)
        }
        Entity::Job => {
            let before = write::job(&mut tx, &conflict.entity_id)
                .await?
                .ok_or(EditError::NotFound)?;
            let mut after = before.clone();
            answer(&mut after.hand);
            if !kept {
                values::set_on_job(&mut after, field, theirs)?;
                if after.manager_job_id != before.manager_job_id {
                    move_headcounts(&mut tx, &before, after.manager_job_id.as_deref()).await?;
                }
            }
            store::save_job_by_hand(&mut tx, &after, now_ms).await?;
            values::of_job(field, &before) != values::of_job(field, &after)
        }
    };
    if taken {
        let row = FieldChange {
            entity: conflict.entity,
            entity_id: conflict.entity_id.clone(),
            person_id: conflict.person_id.clone(),
            person_name: conflict.person_name.clone(),
            kind: ChangeKind::of_field(field),
            field,
            old: conflict.ours.clone(),
            new: conflict.theirs.clone(),
            sensitive: conflict.is_sensitive(),
        };
        write::record(&mut tx, editor, &[row], now).await?;
    }
    conflicts::resolve(&mut tx, id, status, (editor.user_id, editor.name), now_ms).await?;
    let action = match status {
        Status::Kept => "conflict.kept",
        _ => "conflict.taken",
    };
    write::audit(&mut tx, editor, action, &conflict.person_name, label, now).await?;
    tx.commit().await?;
    Ok(Saved {
        id: back_to,
        changed: vec![label],
    })
}
