//! The work a task does: a sum of squares over a range of integers (the
//! tutorial's CPU-bound example), checked against its closed form. One
//! integer is one iteration of a Python loop, run by the small interpreter
//! of [`crate::engine::eval`], so it costs about what it costs in CPython.

use crate::engine::eval::SquaresFrame;
use std::ops::Range;

/// Integers per step: one step is the model's "bytecode", about a
/// microsecond (16 iterations of the interpreted loop). The eval breaker and
/// the stop request are checked between steps.
pub const STEP_INTEGERS: u64 = 16;

/// Sum of `i * i` over `range`, modulo 2^64, computed the way CPython
/// computes `for i in range(..): total += i * i` (one run of a
/// [`SquaresFrame`], with no pause).
pub fn sum_squares(range: Range<u64>) -> u64 {
    let mut frame = SquaresFrame::new(range);
    frame.run(u64::MAX);
    frame.total()
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
