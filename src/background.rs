//! The shell every background loop runs in (the sync worker, the daily scheduler, the
//! mailer, housekeeping): [`every`] calls a step again at once while it finds work and
//! otherwise waits for its period or a wake, until shutdown; [`Tasks`] runs the loops
//! under their names, so that the log says which one stopped or panicked, and awaits
//! them all when the server stops.

use std::future::Future;
use std::time::Duration;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

/// What one step of a loop did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// It did something; there may be more, so go again at once.
    Worked,
    /// Nothing to do (or it failed and said so): wait for the period or a wake.
    Idle,
}

/// Runs `step` until `shutdown` turns true: again at once after [`Step::Worked`], after
/// `period` or when `wake` is notified after [`Step::Idle`]. A step is not interrupted
/// by shutdown here; one that may take long watches `shutdown` itself (a sync in
/// progress records why it stopped, a mail being sent gets a moment to finish).
pub async fn every<F, Fut>(
    period: Duration,
    wake: Option<&Notify>,
    mut shutdown: watch::Receiver<bool>,
    mut step: F,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = Step>,
{
    loop {
        if *shutdown.borrow() {
            return;
        }
        if step().await == Step::Worked {
            continue;
        }
        let woken = async {
            match wake {
                Some(wake) => wake.notified().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(period) => {}
            _ = woken => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// Background tasks running under their names.
#[derive(Default)]
pub struct Tasks {
    running: Vec<JoinHandle<()>>,
}

impl Tasks {
    /// Spawns `task` as `name`. Its end is logged under that name as it happens: a
    /// panic at once (the others carry on), a normal stop when shutdown comes.
    pub fn spawn(&mut self, name: &'static str, task: impl Future<Output = ()> + Send + 'static) {
        let inner = tokio::spawn(task);
        self.running.push(tokio::spawn(async move {
            match inner.await {
                Ok(()) => tracing::info!(task = name, "background task stopped"),
                Err(e) if e.is_panic() => tracing::error!(
                    task = name,
                    panic = panic_message(e.into_panic().as_ref()),
                    "background task panicked"
                ),
                Err(_) => tracing::warn!(task = name, "background task was cancelled"),
            }
        }));
    }

    /// Waits for every task to end (after shutdown was signalled to them).
    pub async fn join(self) {
        for task in self.running {
            let _ = task.await;
        }
    }
}

/// The text a panic was raised with, when it is text.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const AN_HOUR: Duration = Duration::from_secs(3600);

    /// Waits (a few seconds at most) until `count` reaches `n`.
    async fn reaches(count: &AtomicUsize, n: usize) -> bool {
        for _ in 0..500 {
            if count.load(Ordering::SeqCst) >= n {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        false
    }

    #[tokio::test]
    async fn a_loop_goes_again_at_once_while_it_works_and_stops_when_told() {
        let (stop_tx, stop_rx) = watch::channel(false);
        let steps = Arc::new(AtomicUsize::new(0));
        let counted = steps.clone();
        let task = tokio::spawn(every(AN_HOUR, None, stop_rx, move || {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            async move { if n < 3 { Step::Worked } else { Step::Idle } }
        }));
        // Three worked steps and the idle one, long before the hour is up.
        assert!(reaches(&steps, 4).await);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(steps.load(Ordering::SeqCst), 4, "idle waits for the period");
        stop_tx.send(true).unwrap();
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .expect("the loop stops when told")
            .unwrap();
    }

    #[tokio::test]
    async fn a_wake_cuts_the_wait_short() {
        let (_stop_tx, stop_rx) = watch::channel(false);
        let wake = Arc::new(Notify::new());
        let steps = Arc::new(AtomicUsize::new(0));
        let (counted, woken) = (steps.clone(), wake.clone());
        tokio::spawn(async move {
            every(AN_HOUR, Some(&woken), stop_rx, move || {
                counted.fetch_add(1, Ordering::SeqCst);
                async { Step::Idle }
            })
            .await
        });
        assert!(reaches(&steps, 1).await);
        wake.notify_one();
        assert!(reaches(&steps, 2).await, "woken before the hour is up");
    }

    /// Log lines written while the returned guard lives, on this thread (a
    /// current-thread test runtime runs its spawned tasks here too).
    fn capture_logs() -> (
        Arc<std::sync::Mutex<Vec<u8>>>,
        tracing::dispatcher::DefaultGuard,
    ) {
        let lines = Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = lines.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || Sink(sink.clone()))
            .finish();
        (lines, tracing::subscriber::set_default(subscriber))
    }

    struct Sink(Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    // One test for everything `Tasks` logs: tracing caches per call site whether anyone
    // listens, so a second test hitting the same lines in parallel could hide them.
    #[tokio::test]
    async fn a_panicking_task_is_logged_by_name_and_the_others_carry_on_and_are_awaited() {
        let (lines, _guard) = capture_logs();
        let (stop_tx, stop_rx) = watch::channel(false);
        let mut tasks = Tasks::default();
        tasks.spawn("mailer", async { panic!("the outbox is on fire") });
        let stopped = Arc::new(AtomicUsize::new(0));
        let seen = stopped.clone();
        tasks.spawn("worker", async move {
            let mut stop = stop_rx;
            let _ = stop.changed().await;
            seen.fetch_add(1, Ordering::SeqCst);
        });
        stop_tx.send(true).unwrap();
        tasks.join().await;
        assert_eq!(
            stopped.load(Ordering::SeqCst),
            1,
            "the worker ran to its end"
        );
        let logs = String::from_utf8(lines.lock().unwrap().clone()).unwrap();
        let line_with = |text: &str| logs.lines().find(|l| l.contains(text)).map(str::to_owned);
        let panicked = line_with("background task panicked").expect("the panic is logged");
        assert!(panicked.contains("task=\"mailer\""), "{panicked}");
        assert!(panicked.contains("the outbox is on fire"), "{panicked}");
        let stopped = line_with("background task stopped").expect("the stop is logged");
        assert!(stopped.contains("task=\"worker\""), "{stopped}");
    }

    #[test]
    fn a_panic_message_is_read_from_either_kind_of_text() {
        assert_eq!(panic_message(&"static"), "static");
        assert_eq!(panic_message(&String::from("owned")), "owned");
        assert_eq!(panic_message(&42_u8), "(no message)");
    }
}
