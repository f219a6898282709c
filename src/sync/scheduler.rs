//! Run Daily: a task that, every few seconds, asks [`tick`] whether an installed app with
//! Run Daily on has reached its `daily_at` (in the org's time zone) on a day not yet
//! decided, and if so queues one run with cause `scheduled`.
//!
//! "Once per app per day" lives in the database: the decision is a row of `daily_runs`
//! keyed by (app, local day), inserted in the same transaction that queues the run. A
//! restart, a second instance on the same database or a clock that ticks twice finds the
//! row and does nothing. Only the latest due day is ever considered, so an outage of
//! several days catches up once. The day is the org's *local date*, and the time on it
//! is resolved by the time-zone database (a time in a spring-forward gap moves forward,
//! a time repeated at fall-back takes its first occurrence), so daylight saving never
//! skips or doubles a day.

use crate::background::{Step, every};
use crate::org_settings::{self, zone_name};
use crate::state::AppState;
use crate::sync::daily_at::DailyAt;
use crate::sync::runs::{self, Cause, Enqueued};
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, Zoned};
use std::time::Duration;
use tokio::sync::watch;

/// How often the task looks; a daily sync starts at most this late.
pub const EVERY: Duration = Duration::from_secs(15);

/// How many days back the pages mention a skipped daily sync.
const SKIPS_SHOWN_FOR_DAYS: i32 = 7;

/// The instant `at` falls on local date `day` in `tz`. A time that does not exist that
/// day (spring forward) moves forward by the gap; one that happens twice (fall back) is
/// the first.
pub fn at_on(day: Date, at: Time, tz: &TimeZone) -> Option<Zoned> {
    day.to_datetime(at).to_zoned(tz.clone()).ok()
}

/// A day whose daily sync is due, and when it fell due.
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    pub day: Date,
    pub at: Zoned,
}

/// The most recent local day whose `at` has come by `now` — unless that instant is
/// before Run Daily was switched on (`since`), when nothing is due yet.
pub fn latest_due(
    now: Timestamp,
    tz: &TimeZone,
    at: Time,
    since: Option<Timestamp>,
) -> Option<Due> {
    let mut day = now.to_zoned(tz.clone()).date();
    let mut due = at_on(day, at, tz)?;
    if due.timestamp() > now {
        day = day.yesterday().ok()?;
        due = at_on(day, at, tz)?;
    }
    if since.is_some_and(|since| due.timestamp() < since) {
        return None;
    }
    Some(Due { day, at: due })
}

/// When the next daily sync will be, as the pages say it.
#[derive(Debug, Clone, PartialEq)]
pub struct NextSync {
    pub at: Zoned,
    /// The time has come and the scheduler will take it at its next look.
    pub due_now: bool,
}

impl std::fmt::Display for NextSync {
    /// `Thu 27 Nov 2026 06:00 (America/New_York)`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({})",
            self.at.strftime("%a %-d %b %Y %H:%M"),
            zone_name(self.at.time_zone())
        )
    }
}

/// The next daily sync after `now`, given the last day already decided.
pub fn next_sync(
    now: Timestamp,
    tz: &TimeZone,
    at: Time,
    since: Option<Timestamp>,
    last_decided: Option<Date>,
) -> Option<NextSync> {
    let undecided = |day: Date| last_decided.is_none_or(|last| day > last);
    if let Some(due) = latest_due(now, tz, at, since)
        && undecided(due.day)
    {
        return Some(NextSync {
            at: due.at,
            due_now: true,
        });
    }
    let mut day = now.to_zoned(tz.clone()).date();
    for _ in 0..3 {
        let when = at_on(day, at, tz)?;
        if when.timestamp() > now && undecided(day) {
            return Some(NextSync {
                at: when,
                due_now: false,
            });
        }
        day = day.tomorrow().ok()?;
    }
    None
}

/// What one look decided for one app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// A run was queued for `day`.
    Scheduled {
        app: String,
        day: String,
        run_id: String,
    },
    /// `day` was due while a run was already queued or running: recorded as skipped.
    Skipped {
        app: String,
        day: String,
        active_run_id: String,
    },
    /// `day` is due but was decided before (by this or another instance).
    AlreadyDecided { app: String, day: String },
    /// No day is due (Run Daily was switched on after today's time).
    NothingDue { app: String },
}

/// The sentence a skipped day keeps.
pub fn skipped_note(day: &str) -> String {
    format!("The daily sync of {day} was skipped: a sync was already under way.")
}

/// One look: decides every app with Run Daily on, queueing the runs that are due. Safe
/// to call any number of times from any number of instances.
pub async fn tick(state: &AppState) -> sqlx::Result<Vec<Decision>> {
    let now = state.clock.now();
    let mut conn = state.db.pool().acquire().await?;
    let org = org_settings::load(&mut conn).await?;
    let apps: Vec<(String, String, Option<i64>)> = sqlx::query_as(
        "SELECT app, daily_at, run_daily_since FROM app_installs WHERE run_daily = 1 ORDER BY app",
    )
    .fetch_all(&mut *conn)
    .await?;
    drop(conn);
    let mut decisions = Vec::with_capacity(apps.len());
    for (app, daily_at, since) in apps {
        let Ok(at) = daily_at.parse::<DailyAt>().map(DailyAt::time) else {
            tracing::warn!(app = %app, daily_at = %daily_at, "Run Daily is on but its time is not HH:MM; skipped");
            continue;
        };
        let since = since.and_then(|ms| Timestamp::from_millisecond(ms).ok());
        let decision = match latest_due(now, &org.time_zone, at, since) {
            Some(due) => decide(state, &app, &due).await?,
            None => Decision::NothingDue { app },
        };
        match &decision {
            Decision::Scheduled { app, day, run_id } => {
                tracing::info!(app = %app, day = %day, run_id = %run_id, "daily sync queued");
                state.sync_wake.notify_one();
            }
            Decision::Skipped {
                app,
                day,
                active_run_id,
            } => tracing::info!(
                app = %app,
                day = %day,
                active_run_id = %active_run_id,
                "daily sync skipped: a sync was already under way"
            ),
            Decision::AlreadyDecided { app, day } => {
                tracing::debug!(app = %app, day = %day, "daily sync already decided")
            }
            Decision::NothingDue { app } => {
                tracing::debug!(app = %app, "no daily sync due yet")
            }
        }
        decisions.push(decision);
    }
    Ok(decisions)
}

/// Records the decision for (app, day) and queues its run, in one transaction; the
/// primary key of `daily_runs` makes every later attempt a no-op.
async fn decide(state: &AppState, app: &str, due: &Due) -> sqlx::Result<Decision> {
    let day = due.day.to_string();
    let already = || Decision::AlreadyDecided {
        app: app.to_owned(),
        day: day.clone(),
    };
    // A read first, so that the usual look (decided long ago) takes no write lock.
    let known: Option<(String,)> =
        sqlx::query_as("SELECT outcome FROM daily_runs WHERE app = $1 AND day = $2")
            .bind(app)
            .bind(&day)
            .fetch_optional(state.db.pool())
            .await?;
    if known.is_some() {
        return Ok(already());
    }
    let mut tx = state.db.begin().await?;
    let claimed = sqlx::query(
        "INSERT INTO daily_runs (app, day, due_at, decided_at, outcome, instance) \
         VALUES ($1, $2, $3, $4, 'scheduled', $5) ON CONFLICT (app, day) DO NOTHING",
    )
    .bind(app)
    .bind(&day)
    .bind(due.at.timestamp().as_millisecond())
    .bind(state.clock.now_ms())
    .bind(&state.instance_id)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(already());
    }
    let now = state.clock.now_ms();
    let decision = match runs::enqueue(&mut tx, app, Cause::Scheduled, None, now).await? {
        Enqueued::New(run_id) => {
            sqlx::query("UPDATE daily_runs SET run_id = $1 WHERE app = $2 AND day = $3")
                .bind(&run_id)
                .bind(app)
                .bind(&day)
                .execute(&mut *tx)
                .await?;
            Decision::Scheduled {
                app: app.to_owned(),
                day: day.clone(),
                run_id,
            }
        }
        Enqueued::AlreadyActive(active_run_id) => {
            sqlx::query(
                "UPDATE daily_runs SET outcome = 'skipped', run_id = $1, note = $2 \
                 WHERE app = $3 AND day = $4",
            )
            .bind(&active_run_id)
            .bind(skipped_note(&day))
            .bind(app)
            .bind(&day)
            .execute(&mut *tx)
            .await?;
            Decision::Skipped {
                app: app.to_owned(),
                day: day.clone(),
                active_run_id,
            }
        }
    };
    tx.commit().await?;
    Ok(decision)
}

/// Looks now, then every [`EVERY`], until `stop` turns true.
pub async fn run(state: AppState, stop: watch::Receiver<bool>) {
    every(EVERY, None, stop, move || {
        let state = state.clone();
        async move {
            if let Err(e) = tick(&state).await {
                tracing::warn!(error = %e, "the daily scheduler could not check for due syncs");
            }
            // Plans left waiting for review too long are discarded (and their
            // recipients told).
            if let Err(e) = crate::sync::review::expire_waiting(&state).await {
                tracing::warn!(error = %format!("{e:#}"), "could not discard expired sync plans");
            }
            Step::Idle
        }
    })
    .await
}

/// A daily sync that was skipped, as the pages mention it.
#[derive(Debug, Clone)]
pub struct SkippedDay {
    pub day: String,
    /// The run that was already under way.
    pub run_id: Option<String>,
    pub note: String,
}

/// What the pages show about an app's Run Daily.
#[derive(Debug, Clone)]
pub struct AppSchedule {
    pub run_daily: bool,
    /// `None` while Run Daily is off.
    pub next: Option<NextSync>,
    /// Skipped days of the last week, newest first.
    pub skipped: Vec<SkippedDay>,
}

/// The schedule of an installed app (`None` when it is not installed).
pub async fn app_schedule(state: &AppState, app: &str) -> sqlx::Result<Option<AppSchedule>> {
    let mut conn = state.db.pool().acquire().await?;
    let install: Option<(i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT run_daily, daily_at, run_daily_since FROM app_installs WHERE app = $1",
    )
    .bind(app)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((run_daily, daily_at, since)) = install else {
        return Ok(None);
    };
    let org = org_settings::load(&mut conn).await?;
    let now = state.clock.now();
    let (last,): (Option<String>,) =
        sqlx::query_as("SELECT MAX(day) FROM daily_runs WHERE app = $1")
            .bind(app)
            .fetch_one(&mut *conn)
            .await?;
    let last_decided = last.and_then(|d| d.parse::<Date>().ok());
    let run_daily = run_daily != 0;
    let next = match daily_at.parse::<DailyAt>().map(DailyAt::time) {
        Ok(at) if run_daily => {
            let since = since.and_then(|ms| Timestamp::from_millisecond(ms).ok());
            next_sync(now, &org.time_zone, at, since, last_decided)
        }
        _ => None,
    };
    let week_ago = org
        .today(now)
        .checked_sub(SKIPS_SHOWN_FOR_DAYS.days())
        .map(|d| d.to_string())
        .unwrap_or_default();
    let skipped: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT day, run_id, note FROM daily_runs WHERE app = $1 AND outcome = 'skipped' \
         AND day >= $2 ORDER BY day DESC LIMIT 3",
    )
    .bind(app)
    .bind(&week_ago)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some(AppSchedule {
        run_daily,
        next,
        skipped: skipped
            .into_iter()
            .map(|(day, run_id, note)| SkippedDay {
                note: note.unwrap_or_else(|| skipped_note(&day)),
                day,
                run_id,
            })
            .collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ny() -> TimeZone {
        TimeZone::get("America/New_York").unwrap()
    }

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn time(text: &str) -> Time {
        text.parse::<DailyAt>().unwrap().time()
    }

    fn due_day(now: &str, at: &str, since: Option<&str>) -> Option<String> {
        latest_due(ts(now), &ny(), time(at), since.map(ts)).map(|d| d.day.to_string())
    }

    #[test]
    fn nothing_is_due_before_the_daily_time_and_today_is_from_it_on() {
        // 06:00 in New York on 26 Nov 2026 is 11:00 UTC.
        assert_eq!(
            due_day("2026-11-26T10:59:59Z", "06:00", None).as_deref(),
            Some("2026-11-25")
        );
        assert_eq!(
            due_day("2026-11-26T11:00:00Z", "06:00", None).as_deref(),
            Some("2026-11-26")
        );
        // 02:00 UTC on the 27th is still the 26th in New York.
        assert_eq!(
            due_day("2026-11-27T02:00:00Z", "06:00", None).as_deref(),
            Some("2026-11-26")
        );
    }

    #[test]
    fn a_day_before_run_daily_was_switched_on_is_never_due() {
        // Switched on at 10:00 New York time with 06:00: nothing today, tomorrow yes.
        let since = Some("2026-11-26T15:00:00Z");
        assert_eq!(due_day("2026-11-26T15:00:01Z", "06:00", since), None);
        assert_eq!(due_day("2026-11-27T10:59:00Z", "06:00", since), None);
        assert_eq!(
            due_day("2026-11-27T11:00:00Z", "06:00", since).as_deref(),
            Some("2026-11-27")
        );
    }

    #[test]
    fn a_time_in_the_spring_forward_gap_moves_forward() {
        // 8 Mar 2026: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist.
        let due = at_on("2026-03-08".parse().unwrap(), time("02:30"), &ny()).unwrap();
        assert_eq!(due.timestamp(), ts("2026-03-08T07:30:00Z"));
        assert_eq!(due.strftime("%H:%M %Z").to_string(), "03:30 EDT");
    }

    #[test]
    fn a_time_repeated_at_fall_back_is_its_first_occurrence() {
        // 1 Nov 2026: 02:00 EDT falls back to 01:00 EST; 01:30 happens twice.
        let due = at_on("2026-11-01".parse().unwrap(), time("01:30"), &ny()).unwrap();
        assert_eq!(due.timestamp(), ts("2026-11-01T05:30:00Z"));
        // During the second 01:30 the day due is still the 1st: no second run.
        assert_eq!(
            due_day("2026-11-01T06:30:00Z", "01:30", None).as_deref(),
            Some("2026-11-01")
        );
    }

    #[test]
    fn the_next_sync_skips_a_day_already_decided() {
        let at = time("06:00");
        let yesterday = "2026-11-25".parse().ok();
        let before = next_sync(ts("2026-11-26T10:00:00Z"), &ny(), at, None, yesterday).unwrap();
        assert!(!before.due_now);
        assert_eq!(
            before.to_string(),
            "Thu 26 Nov 2026 06:00 (America/New_York)"
        );
        // Past 06:00 and the 26th not yet decided: due now.
        let due = next_sync(ts("2026-11-26T12:00:00Z"), &ny(), at, None, yesterday).unwrap();
        assert!(due.due_now);
        assert_eq!(due.to_string(), "Thu 26 Nov 2026 06:00 (America/New_York)");
        let decided = "2026-11-26".parse().ok();
        let after = next_sync(ts("2026-11-26T12:00:00Z"), &ny(), at, None, decided).unwrap();
        assert!(!after.due_now);
        assert_eq!(
            after.to_string(),
            "Fri 27 Nov 2026 06:00 (America/New_York)"
        );
    }

    #[test]
    fn a_single_digit_day_is_not_padded() {
        let at = at_on("2026-12-03".parse().unwrap(), time("07:05"), &ny()).unwrap();
        let next = NextSync { at, due_now: false };
        assert_eq!(next.to_string(), "Thu 3 Dec 2026 07:05 (America/New_York)");
    }
}
