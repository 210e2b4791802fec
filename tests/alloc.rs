//! A global allocator that keeps, per thread, a count of allocations and the live and peak
//! heap, with an optional ceiling: the benchmarks count what a call allocates, and the
//! robustness tests meter (and cap) the generator's heap.
//!
//! Install it in a test or bench binary with
//! `#[global_allocator] static ALLOCATOR: MeteredAllocator = MeteredAllocator;`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The system allocator, counting each thread's allocations and live bytes. Per thread: the
/// test harness runs tests in parallel, and another test's allocations must not count against
/// the call being measured. Memory freed by another thread than the one that allocated it
/// only makes the count of live bytes lower.
pub struct MeteredAllocator;

/// Per-thread accounting. A `const` thread local without `Drop` never allocates and is usable
/// at any time, also while the thread is torn down.
struct Meter {
    allocations: Cell<usize>,
    live: Cell<isize>,
    peak: Cell<isize>,
    limit: Cell<isize>,
}

thread_local! {
    static METER: Meter = const {
        Meter {
            allocations: Cell::new(0),
            live: Cell::new(0),
            peak: Cell::new(0),
            limit: Cell::new(isize::MAX),
        }
    };
}

/// Counts one allocation and reserves `bytes` more live heap for it; `false` (and nothing
/// counted) when that would pass the thread's ceiling.
fn admit(bytes: usize) -> bool {
    // `try_with` fails only while the thread is being torn down, when nothing is measured.
    METER
        .try_with(|m| {
            let live = m.live.get().saturating_add(bytes as isize);
            if live > m.limit.get() {
                return false;
            }
            m.allocations.set(m.allocations.get() + 1);
            m.live.set(live);
            m.peak.set(m.peak.get().max(live));
            true
        })
        .unwrap_or(true)
}

fn release(bytes: usize) {
    let _ = METER.try_with(|m| m.live.set(m.live.get().saturating_sub(bytes as isize)));
}

/// Admits `bytes`, then allocates them with `allocate`; gives them back if that fails.
fn metered(bytes: usize, allocate: impl FnOnce() -> *mut u8) -> *mut u8 {
    if !admit(bytes) {
        return std::ptr::null_mut();
    }
    let ptr = allocate();
    if ptr.is_null() {
        release(bytes);
    }
    ptr
}

// SAFETY: every call is forwarded unchanged to the system allocator; the accounting touches
// only a thread-local counter and never allocates. A refused allocation returns null, which
// `GlobalAlloc` allows.
unsafe impl GlobalAlloc for MeteredAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, passed on as is.
        metered(layout.size(), || unsafe { System.alloc(layout) })
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        metered(layout.size(), || unsafe { System.alloc_zeroed(layout) })
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        release(layout.size());
        // SAFETY: `ptr` came from this allocator, that is from `System`, with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = layout.size();
        let growth = new_size.saturating_sub(old);
        if !admit(growth) {
            return std::ptr::null_mut();
        }
        // SAFETY: as for `dealloc`; the caller upholds `realloc`'s contract.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if new.is_null() {
            release(growth);
        } else if new_size < old {
            release(old - new_size);
        }
        new
    }
}

/// How many allocations `f` makes on the calling thread.
pub fn count_allocations<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = METER.with(|m| m.allocations.get());
    let value = f();
    (value, METER.with(|m| m.allocations.get()) - before)
}

/// Runs `f` with at most `ceiling` bytes of heap on the calling thread beyond what it held
/// before, and returns the most `f` held at once. Past the ceiling an allocation fails, which
/// aborts the process ("memory allocation of N bytes failed"): a bug reported, instead of a
/// machine brought down.
pub fn meter_heap<T>(ceiling: usize, f: impl FnOnce() -> T) -> (T, usize) {
    let (base, limit) = METER.with(|m| {
        let base = m.live.get();
        m.peak.set(base);
        let limit = m.limit.replace(base.saturating_add(ceiling as isize));
        (base, limit)
    });
    let value = f();
    let peak = METER.with(|m| {
        m.limit.set(limit);
        m.peak.get() - base
    });
    (value, peak.max(0) as usize)
}
