//! Pinning a field of a person from Justworks: the sync leaves a pinned field as it is,
//! and says so when Justworks' value differs (a conflict) instead of writing it.

use super::write::{self, bump_revision};
use super::{EditError, Editor, Saved};
use crate::db::Db;
use crate::org::fields::{self, Holder};
use crate::org::model::Source;
use crate::org::pins::Hand;
use crate::org::store;
use jiff::Timestamp;

/// `POST /people/{id}/pin`.
pub async fn pin(
    db: &Db,
    editor: &Editor<'_>,
    person_id: &str,
    field: &str,
    now: Timestamp,
) -> Result<Saved, EditError> {
    set_pin(db, editor, person_id, field, true, now).await
}

/// `POST /people/{id}/unpin`: Justworks' value is written again at the next sync (when
/// Justworks owns the field's group).
pub async fn unpin(
    db: &Db,
    editor: &Editor<'_>,
    person_id: &str,
    field: &str,
    now: Timestamp,
) -> Result<Saved, EditError> {
    set_pin(db, editor, person_id, field, false, now).await
}

async fn set_pin(
    db: &Db,
    editor: &Editor<'_>,
    person_id: &str,
    field: &str,
    pinned: bool,
    now: Timestamp,
) -> Result<Saved, EditError> {
    let Some(field) = fields::find(field) else {
        return Err(EditError::NotFound);
    };
    if field.sensitive && !editor.sensitive {
        return Err(EditError::Forbidden(
            "Only Owners may pin sensitive fields.",
        ));
    }
    let mut tx = db.begin().await?;
    bump_revision(&mut tx).await?;
    let person = write::person(&mut tx, person_id)
        .await?
        .ok_or(EditError::NotFound)?;
    if person.source != Source::Justworks {
        return Err(EditError::Forbidden(
            "Only fields of people from Justworks can be pinned: a sync never changes anyone \
             added by hand.",
        ));
    }
    let now_ms = now.as_millisecond();
    let toggle = |hand: &mut Hand| {
        if pinned {
            hand.pins.pin(field.key)
        } else {
            hand.pins.unpin(field.key)
        }
    };
    let changed = match field.holder {
        Holder::Person => {
            let mut after = person.clone();
            let changed = toggle(&mut after.hand);
            if changed {
                store::save_person_by_hand(&mut tx, &after, now_ms).await?;
            }
            changed
        }
        Holder::Job => {
            let Some(mut seat) = write::seat_of(&mut tx, person_id).await? else {
                return Err(EditError::Forbidden("They have no job whose field to pin."));
            };
            let changed = toggle(&mut seat.hand);
            if changed {
                store::save_job_by_hand(&mut tx, &seat, now_ms).await?;
            }
            changed
        }
    };
    if changed {
        let action = if pinned {
            "field.pinned"
        } else {
            "field.unpinned"
        };
        write::audit(&mut tx, editor, action, &person.name, field.label, now).await?;
        tx.commit().await?;
    }
    Ok(Saved {
        id: person_id.to_owned(),
        changed: if changed {
            vec![field.label]
        } else {
            Vec::new()
        },
    })
}
