//! Where the time goes: per stage and per step inside a stage, summed over
//! documents and threads, when switched on (`unspin analyze --timings`).
//!
//! Off by default, when [`time`] costs one relaxed atomic load. When on,
//! [`time`] records the wall time of its closure under a path of names:
//! [`Pipeline::run`](crate::Pipeline::run) times each stage by its name, and
//! a step timed inside a stage is recorded under it
//! (`techniques-neural/encoder`), whatever crate it lives in. [`report`]
//! gives the totals as a tree in the order the names were first seen.
//!
//! ```
//! use unspin_pipeline::timing;
//!
//! timing::enable();
//! let n = timing::time("stage", || timing::time("step", || 2 + 2));
//! assert_eq!(n, 4);
//! let report = timing::report();
//! assert_eq!(report[0].path, "stage");
//! assert_eq!(report[1].path, "stage/step");
//! assert_eq!(report[1].depth, 1);
//! ```

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

static ENABLED: AtomicBool = AtomicBool::new(false);

/// Totals by path, in the order the paths were first seen.
static TOTALS: Mutex<Vec<(String, Duration, u64)>> = Mutex::new(Vec::new());

thread_local! {
    /// The names being timed on this thread, outermost first.
    static PATH: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Starts recording (for the whole process, every thread).
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

/// Whether recording is on.
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Runs `f`, and when recording is on adds its wall time under `name`
/// inside whatever is being timed around it on this thread.
pub fn time<T>(name: &str, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let path = PATH.with(|p| {
        let mut p = p.borrow_mut();
        p.push(name.to_string());
        p.join("/")
    });
    /// Pops the name again, panics included.
    struct Pop;
    impl Drop for Pop {
        fn drop(&mut self) {
            PATH.with(|p| p.borrow_mut().pop());
        }
    }
    let _pop = Pop;
    let started = Instant::now();
    let out = f();
    add(path, started.elapsed());
    out
}

fn add(path: String, took: Duration) {
    let mut totals = TOTALS.lock().unwrap_or_else(PoisonError::into_inner);
    match totals.iter_mut().find(|(p, _, _)| *p == path) {
        Some((_, total, calls)) => {
            *total += took;
            *calls += 1;
        }
        None => totals.push((path, took, 1)),
    }
}

/// One line of [`report`].
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    /// The names from the outermost, joined by `/`.
    pub path: String,
    /// The last name.
    pub name: String,
    /// How deep it is (0: outermost).
    pub depth: usize,
    /// Wall time summed over every call (on every thread).
    pub total: Duration,
    /// How many times it ran.
    pub calls: u64,
    /// Time of this entry not spent in the entries under it (`None` when
    /// it has none).
    pub own: Option<Duration>,
}

/// The totals so far, parents before their children, in the order first
/// seen.
pub fn report() -> Vec<Timing> {
    let totals = TOTALS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let mut lines: Vec<Timing> = Vec::new();
    // Depth-first: each path after its parent, siblings in order first seen.
    fn children(
        totals: &[(String, Duration, u64)],
        parent: Option<&str>,
        depth: usize,
        lines: &mut Vec<Timing>,
    ) {
        for (path, total, calls) in totals {
            let under = match parent {
                None => !path.contains('/'),
                Some(p) => path
                    .strip_prefix(p)
                    .and_then(|rest| rest.strip_prefix('/'))
                    .is_some_and(|rest| !rest.contains('/')),
            };
            if !under {
                continue;
            }
            let inner: Duration = totals
                .iter()
                .filter(|(q, _, _)| {
                    q.strip_prefix(path.as_str())
                        .and_then(|r| r.strip_prefix('/'))
                        .is_some_and(|r| !r.contains('/'))
                })
                .map(|(_, t, _)| *t)
                .sum();
            let has_children = totals
                .iter()
                .any(|(q, _, _)| q.starts_with(&format!("{path}/")));
            lines.push(Timing {
                path: path.clone(),
                name: path.rsplit('/').next().unwrap_or(path).to_string(),
                depth,
                total: *total,
                calls: *calls,
                own: has_children.then(|| total.saturating_sub(inner)),
            });
            children(totals, Some(path), depth + 1, lines);
        }
    }
    children(&totals, None, 0, &mut lines);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_names_make_a_tree_with_what_is_left_over() {
        enable();
        for _ in 0..2 {
            time("t-stage", || {
                time("t-inner", || std::thread::sleep(Duration::from_millis(2)));
                std::thread::sleep(Duration::from_millis(1));
            });
        }
        let r = report();
        let stage = r.iter().find(|t| t.path == "t-stage").expect("stage");
        let inner = r
            .iter()
            .find(|t| t.path == "t-stage/t-inner")
            .expect("inner");
        assert_eq!((stage.calls, inner.calls), (2, 2));
        assert_eq!((stage.depth, inner.depth), (0, 1));
        assert!(stage.total >= inner.total + Duration::from_millis(2));
        assert!(stage.own.is_some_and(|own| own >= Duration::from_millis(2)));
        assert_eq!(inner.own, None);
        let at = |p: &str| r.iter().position(|t| t.path == p);
        assert!(at("t-stage") < at("t-stage/t-inner"));
    }

    #[test]
    fn a_panic_inside_leaves_the_path_as_it_was() {
        enable();
        let caught = std::panic::catch_unwind(|| time("t-panics", || panic!("boom")));
        assert!(caught.is_err());
        time("t-after", || ());
        assert!(report().iter().any(|t| t.path == "t-after"));
    }
}
