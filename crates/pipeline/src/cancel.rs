//! Cooperative cancellation: a [`Cancel`] token, and the "current token" of
//! the running thread that long loops check without their signatures
//! changing.
//!
//! Whoever starts a piece of work (the HTTP server, per request) makes a
//! [`Cancel`], runs the work inside [`scope`] (or
//! [`Pipeline::run_with`](crate::Pipeline::run_with)) and calls
//! [`Cancel::cancel`] from anywhere when the result is no longer wanted.
//! The work notices at its next check and stops:
//!
//! - [`Pipeline::run`](crate::Pipeline::run) checks before each stage and
//!   after the last, and returns [`StageError::Cancelled`](crate::StageError::Cancelled);
//! - a stage's own long loop calls [`check`] (or reads [`current`]) between
//!   units of work (windows, paragraphs).
//!
//! The current token lives in a thread-local, so it is visible on the thread
//! that called [`scope`] only. Work fanned out to other threads (rayon) must
//! take the token with it: read [`current`] on the dispatching thread and
//! move the clone (it is `Send + Sync`) into the parallel closures, as the
//! neural tier's window loop does.
//!
//! ```
//! use unspin_pipeline::cancel::{self, Cancel};
//!
//! let token = Cancel::new();
//! assert!(cancel::check().is_ok()); // no token: never cancelled
//! cancel::scope(&token, || {
//!     assert!(cancel::check().is_ok());
//!     token.cancel();
//!     assert!(cancel::check().is_err());
//! });
//! assert!(cancel::check().is_ok()); // the scope is over
//! ```

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A cancellation flag shared by whoever cancels and whoever works.
///
/// Cloning is cheap (one [`Arc`]); every clone sees the same flag. Once
/// cancelled, a token stays cancelled.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A token not yet cancelled.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Asks the work holding this token (or a clone) to stop at its next check.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`cancel`](Cancel::cancel) was called on this token or a clone.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// `Err(Cancelled)` once cancelled.
    ///
    /// # Errors
    /// [`Cancelled`] when the token was cancelled.
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }
}

/// The work was cancelled before it finished (see [`Cancel`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the work was cancelled")]
pub struct Cancelled;

thread_local! {
    static CURRENT: RefCell<Option<Cancel>> = const { RefCell::new(None) };
}

/// Restores the previous current token when a scope ends (panics included).
struct Restore(Option<Cancel>);

impl Drop for Restore {
    fn drop(&mut self) {
        let previous = self.0.take();
        CURRENT.with(|c| *c.borrow_mut() = previous);
    }
}

/// Runs `f` with `token` as this thread's current token, then restores the
/// previous one (scopes nest; the innermost token is the current one).
pub fn scope<R>(token: &Cancel, f: impl FnOnce() -> R) -> R {
    let previous = CURRENT.with(|c| c.borrow_mut().replace(token.clone()));
    let _restore = Restore(previous);
    f()
}

/// This thread's current token (a clone), when inside a [`scope`].
pub fn current() -> Option<Cancel> {
    CURRENT.with(|c| c.borrow().clone())
}

/// `Err(Cancelled)` when this thread's current token is cancelled; `Ok`
/// outside any [`scope`].
///
/// # Errors
/// [`Cancelled`] when the current token was cancelled.
pub fn check() -> Result<(), Cancelled> {
    CURRENT.with(|c| match &*c.borrow() {
        Some(token) => token.check(),
        None => Ok(()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_nest_and_restore() {
        let outer = Cancel::new();
        let inner = Cancel::new();
        scope(&outer, || {
            scope(&inner, || {
                inner.cancel();
                assert_eq!(check(), Err(Cancelled));
            });
            assert_eq!(check(), Ok(()));
            assert!(current().is_some_and(|t| !t.is_cancelled()));
        });
        assert!(current().is_none());
    }

    #[test]
    fn a_panic_restores_the_previous_token() {
        let token = Cancel::new();
        token.cancel();
        let result = std::panic::catch_unwind(|| scope(&token, || panic!("boom")));
        assert!(result.is_err());
        assert!(current().is_none());
    }

    #[test]
    fn clones_share_the_flag() {
        let a = Cancel::new();
        let b = a.clone();
        std::thread::spawn(move || b.cancel()).join().unwrap();
        assert!(a.is_cancelled());
        assert_eq!(a.check(), Err(Cancelled));
    }
}
