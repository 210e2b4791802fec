//! Independent work spread over the machine's cores, results in input order.
//!
//! Spec files parse independently and generated files format independently; on two cores
//! that nearly halves the time of a large spec. The output does not depend on the number of
//! threads or on which thread ran what. Public so that the tests spread their own work over
//! the cores with the same [`map`].

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

/// Like the main thread's: parsing and formatting recurse as deep as the input nests.
const STACK_BYTES: usize = 8 * 1024 * 1024;

/// 0: as many threads as the machine has cores.
static MAX_THREADS: AtomicUsize = AtomicUsize::new(0);

/// Caps the threads every later run of the generator in this process uses; 1 keeps the whole
/// run on the calling thread, for a caller that meters memory or time per thread (the
/// robustness tests do). 0 restores the default, one thread per core.
pub fn set_max_threads(threads: usize) {
    MAX_THREADS.store(threads, Ordering::Relaxed);
}

/// `f` applied to every item, in the items' order.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let cores = thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let threads = match MAX_THREADS.load(Ordering::Relaxed) {
        0 => cores,
        max => max.min(cores),
    }
    .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    // Each thread takes the next unclaimed item, so one large item does not hold up a share
    // of small ones the way a fixed split would.
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(index) else {
                return done;
            };
            done.push((index, f(item)));
        }
    };
    let mut results: Vec<(usize, R)> = thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads)
            .filter_map(|_| {
                thread::Builder::new()
                    .stack_size(STACK_BYTES)
                    .spawn_scoped(scope, work)
                    .ok()
            })
            .collect();
        let mut results = work();
        for helper in helpers {
            match helper.join() {
                Ok(done) => results.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        results
    });
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::map;

    #[test]
    fn results_keep_the_input_order() {
        let items: Vec<u64> = (0..1000).collect();
        // Uneven work, so that threads finish their items out of order.
        let squares = map(&items, |&n| {
            if n % 7 == 0 {
                std::thread::yield_now();
            }
            n * n
        });
        assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
        assert!(map(&[] as &[u64], |n| *n).is_empty());
    }
}
