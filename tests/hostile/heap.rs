//! A global allocator that counts, per thread, the bytes live and their
//! peak since [`reset`]: a test measures what its own thread holds, undisturbed
//! by the tests running beside it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

pub struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn add(n: isize) {
    // `try_with`: nothing is counted while the thread is being torn down.
    let _ = LIVE.try_with(|l| {
        let v = l.get() + n;
        l.set(v);
        let _ = PEAK.try_with(|p| p.set(p.get().max(v)));
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            add(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        add(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            add(new_size as isize - layout.size() as isize);
        }
        p
    }
}

/// Starts a measurement on this thread.
pub fn reset() {
    let live = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(live));
}

/// The most this thread held above what it held at [`reset`], in bytes.
pub fn peak_since(start: isize) -> isize {
    PEAK.with(Cell::get) - start
}

/// What this thread holds now.
pub fn live() -> isize {
    LIVE.with(Cell::get)
}
