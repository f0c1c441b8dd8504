//! A counting global allocator for the bench binary.
//!
//! Every heap allocation made by the xtask process goes through [`Counting`], which
//! forwards to the system allocator and keeps three counters: bytes currently held, the
//! peak of that since the last [`reset_peak`], and the number of allocation calls. The
//! nghttp2 stack is routed through the same counters with an `nghttp2_mem` (see
//! `nghttp2.rs`), so all stacks are measured the same way.
//!
//! The counters are per thread. The benchmark runs one stack at a time on the main thread
//! (hyperium's tokio runtime is current-thread, nghttp2 and ours are called directly), so
//! a snapshot taken around a workload belongs to that workload. Per-thread counters cost a
//! few plain loads and stores per call; process-wide atomic counters cost three atomic
//! read-modify-writes per allocation, a harness overhead that grew with each stack's
//! allocation count (nghttp2 allocates three times as often per request as ours) and so
//! skewed the speed ratios.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The allocator installed for the whole xtask binary.
#[global_allocator]
static GLOBAL: Counting = Counting;

thread_local! {
    // `const` initialisers with no destructor: no lazy registration and no allocation
    // on first use, so these are safe to touch from inside the allocator.
    static CURRENT: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
}

/// Forwards to [`System`], counting bytes and calls.
pub(crate) struct Counting;

#[inline]
fn counted_call() {
    ALLOCS.with(|a| a.set(a.get() + 1));
}

#[inline]
fn grew(size: usize) {
    let now = CURRENT.with(|c| {
        let now = c.get().wrapping_add(size);
        c.set(now);
        now
    });
    PEAK.with(|p| {
        if now > p.get() {
            p.set(now);
        }
    });
}

#[inline]
fn shrank(size: usize) {
    // Wrapping: a block allocated on another thread may be freed on this one.
    CURRENT.with(|c| c.set(c.get().wrapping_sub(size)));
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so the
// `GlobalAlloc` contract is upheld by `System`; the counters are only bookkeeping.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged (see the impl comment).
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            counted_call();
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged (see the impl comment).
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            counted_call();
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged (see the impl comment).
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged (see the impl comment).
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            // A realloc is counted as an allocation call: it may move the block.
            counted_call();
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        new
    }
}

/// A reading of the counters.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Snapshot {
    /// Bytes held right now.
    pub(crate) current: usize,
    /// Allocation calls (alloc, alloc_zeroed, realloc) since the process started.
    pub(crate) allocs: u64,
}

/// Reads the counters.
pub(crate) fn snapshot() -> Snapshot {
    Snapshot {
        current: CURRENT.with(Cell::get),
        allocs: ALLOCS.with(Cell::get),
    }
}

/// Starts a new peak window: the peak becomes the bytes held now.
pub(crate) fn reset_peak() {
    PEAK.with(|p| p.set(CURRENT.with(Cell::get)));
}

/// The highest number of bytes held since the last [`reset_peak`].
pub(crate) fn peak() -> usize {
    PEAK.with(Cell::get)
}

/// Fixes glibc malloc's thresholds for the whole bench.
///
/// By default glibc serves blocks above a *dynamic* threshold (128 KiB, raised whenever a
/// larger mmapped block is freed) with a fresh mmap, and trims the heap top when more than
/// 128 KiB is free. Which of the two a 1 MiB frame buffer gets then depends on what ran
/// before it, and a fresh mmap per frame costs page faults on every byte: measured here,
/// hyperium h2's W2-1M moved between 1 GB/s and 17 GB/s depending only on the workloads
/// run before it. Fixed thresholds (blocks below 64 MiB always come from the heap, the
/// heap is not trimmed below 512 MiB free) model a warm long-running process and make the
/// numbers independent of run order, the same for every stack.
pub(crate) fn pin_system_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallopt only changes malloc's tuning parameters; it is called before the
        // bench starts any work, from the only thread that allocates.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 64 << 20);
            libc::mallopt(libc::M_TRIM_THRESHOLD, 512 << 20);
        }
    }
}
