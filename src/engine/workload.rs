//! The work a task does: a sum of squares over a range of integers (the
//! tutorial's CPU-bound example), checked against its closed form.

use std::ops::Range;

/// Integers per step: one step is the model's "bytecode", about a microsecond.
/// The eval breaker and the stop request are checked between steps.
pub const STEP_INTEGERS: u64 = 1024;

/// Sum of `i * i` over `range`, modulo 2^64.
///
/// The loop must burn real CPU, so the optimiser may neither replace it by
/// its closed form nor vectorise it: the counter passes through [`opaque`]
/// once per integer. That barrier keeps the counter in a register. The first
/// version used `std::hint::black_box`, which stores the counter to the stack
/// and loads it back on every integer; the speed of that store-to-load chain
/// depends on what else the core is doing (100 M integers took 36 to 250 ms
/// of CPU time on one thread of a loaded 2-vCPU VM, against 37 to 97 ms for
/// this version; BENCHMARKS.md, "Engine overhead").
#[inline]
pub fn sum_squares(range: Range<u64>) -> u64 {
    let mut acc = 0u64;
    let mut i = range.start;
    while i < range.end {
        acc = acc.wrapping_add(i.wrapping_mul(i));
        i = opaque(i) + 1;
    }
    acc
}

/// `x`, through an empty inline-assembly block the optimiser cannot see
/// into: no memory access, no instruction emitted.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
#[inline(always)]
fn opaque(mut x: u64) -> u64 {
    // SAFETY: the template is empty, so nothing runs; `x` stays in its register.
    unsafe {
        std::arch::asm!(
            "/* {0} */",
            inout(reg) x,
            options(pure, nomem, nostack, preserves_flags)
        );
    }
    x
}

/// `x`, hidden from the optimiser (other targets: through the stack).
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
#[inline(always)]
fn opaque(x: u64) -> u64 {
    std::hint::black_box(x)
}

/// Closed form of [`sum_squares`]: sum of i² for i < n is n(n-1)(2n-1)/6.
pub fn sum_squares_closed_form(range: Range<u64>) -> u64 {
    fn below(n: u64) -> u128 {
        let n = n as u128;
        if n == 0 {
            return 0;
        }
        // Divide before multiplying the third factor so nothing overflows for n < 2^40.
        let (a, b, c) = (n, n - 1, 2 * n - 1);
        let ab = a * b;
        if ab % 6 == 0 {
            (ab / 6).wrapping_mul(c)
        } else if ab % 2 == 0 {
            (ab / 2).wrapping_mul(c / 3)
        } else {
            (ab / 3).wrapping_mul(c / 2)
        }
    }
    (below(range.end).wrapping_sub(below(range.start))) as u64
}

/// The integers of task `task` when every task has `size` of them.
pub fn task_range(task: u64, size: u64) -> Range<u64> {
    task * size..(task + 1) * size
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loop_matches_closed_form() {
        for r in [0..0, 0..1, 0..10, 3..17, 1000..5000, 123_456..223_457] {
            assert_eq!(
                sum_squares(r.clone()),
                sum_squares_closed_form(r.clone()),
                "{r:?}"
            );
        }
    }

    #[test]
    fn closed_form_known_values() {
        assert_eq!(sum_squares_closed_form(0..4), 1 + 4 + 9);
        // Large ranges wrap the same way the loop does.
        let r = task_range(3, 1 << 20);
        assert_eq!(sum_squares(r.clone()), sum_squares_closed_form(r));
    }
}
