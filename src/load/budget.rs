//! One memory budget for the whole run: the nodes of every tree alive at once, aliases expanded,
//! summed over all files. A per-file budget alone let sixty small alias bombs, each under it, add up
//! to more memory than the machine has.
//!
//! A tree takes its nodes from the budget as the parser builds it (an alias copy before it is made)
//! and gives them back when it is dropped, so a run that reads files one at a time (lint) is limited
//! by its largest files in flight, and a run that keeps every tree (import) by their sum. A node is
//! about 120 bytes and each anchored subtree is held once more for its aliases, so the trees of a run
//! never take more than about 2 × 120 B × [`RUN_NODES`] ≈ 1 GB, whatever the number of files.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Nodes alive at once over the run: twice the per-file budget, so one file at its limit and every
/// ordinary manifest still fit.
pub const RUN_NODES: usize = 4_000_000;

/// Nodes held by every tree alive in the process.
static LIVE: AtomicUsize = AtomicUsize::new(0);

/// The nodes one tree holds against the run's budget; given back when it is dropped.
#[derive(Debug, Default)]
pub struct Charge(usize);

impl Charge {
    /// Takes `n` more nodes, unless the run would then hold more than `limit`.
    pub fn take(&mut self, n: usize, limit: usize) -> bool {
        let before = LIVE.fetch_add(n, Ordering::SeqCst);
        if before.saturating_add(n) > limit {
            LIVE.fetch_sub(n, Ordering::SeqCst);
            return false;
        }
        self.0 += n;
        true
    }
}

impl Drop for Charge {
    fn drop(&mut self) {
        LIVE.fetch_sub(self.0, Ordering::SeqCst);
    }
}

/// Nodes held by every tree alive now.
pub fn live_nodes() -> usize {
    LIVE.load(Ordering::SeqCst)
}
