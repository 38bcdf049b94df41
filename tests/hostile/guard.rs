//! The hang guard of the hostile tests (tests/hostile, tests/scaling.rs,
//! tests/regressions.rs): a guard, never a timing assertion.
#![allow(dead_code)]

use std::time::Duration;

/// Seconds a case may take before it counts as a hang (`HOSTILE_GUARD_SECS`,
/// 180 by default).
pub fn guard_secs() -> u64 {
    std::env::var("HOSTILE_GUARD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(180)
}

/// Runs `f` on its own thread; no answer within the guard is a hang.
pub fn guarded<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(guard_secs()))
        .unwrap_or_else(|_| panic!("{what}: no answer within {} s (a hang)", guard_secs()))
}
