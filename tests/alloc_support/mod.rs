//! The one counting global allocator of the test binary: a process has one global allocator, and the tests that
//! measure work (fuzz_properties: allocations grow linearly) and memory (golang_bounds: peak bytes live stay
//! bounded) share it. Counts are per thread, so tests running beside each other do not see each other's work.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Counts, for the current thread, allocation calls, bytes allocated, bytes live and the peak of bytes live.
struct Counting;

thread_local! {
    static CALLS: Cell<u64> = const { Cell::new(0) };
    static TOTAL: Cell<u64> = const { Cell::new(0) };
    static LIVE: Cell<u64> = const { Cell::new(0) };
    static PEAK: Cell<u64> = const { Cell::new(0) };
}

fn on_alloc(size: usize) {
    let size = size as u64;
    // `try_with`: a thread being torn down has no locals left; its allocations are not measured.
    let _ = CALLS.try_with(|calls| calls.set(calls.get() + 1));
    let _ = TOTAL.try_with(|total| total.set(total.get() + size));
    let _ = LIVE.try_with(|live| {
        live.set(live.get() + size);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(live.get())));
    });
}

fn on_free(size: usize) {
    let _ = LIVE.try_with(|live| live.set(live.get().saturating_sub(size as u64)));
}

#[allow(unsafe_code)]
// SAFETY: every call is forwarded to the system allocator unchanged; the counters are const-initialised
// thread-local Cells, which allocate nothing.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        on_alloc(layout.size());
        // SAFETY: same layout contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        on_free(layout.size());
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        on_free(layout.size());
        on_alloc(new_size);
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// The allocations (calls, bytes) `f` makes on this thread.
pub fn work(f: impl FnOnce()) -> (u64, u64) {
    let before = (CALLS.with(Cell::get), TOTAL.with(Cell::get));
    f();
    let after = (CALLS.with(Cell::get), TOTAL.with(Cell::get));
    (after.0 - before.0, after.1 - before.1)
}

/// (value, bytes allocated in all, peak bytes live above the start) while `f` runs on this thread.
pub fn measure<T>(f: impl FnOnce() -> T) -> (T, usize, usize) {
    let start_live = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(start_live));
    let start_total = TOTAL.with(Cell::get);
    let value = f();
    let total = TOTAL.with(Cell::get) - start_total;
    let peak = PEAK.with(Cell::get) - start_live;
    (value, usize::try_from(total).unwrap_or(usize::MAX), usize::try_from(peak).unwrap_or(usize::MAX))
}
