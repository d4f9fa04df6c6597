//! The model's unit of CPU work: one iteration of
//!
//! ```python
//! for i in range(start, stop):
//!     total += i * i
//! ```
//!
//! run the way CPython runs it, by a small bytecode interpreter. A tight
//! Rust loop sums a square in about half a nanosecond, with everything in
//! registers; CPython 3.11 needs about sixty (BENCHMARKS.md, "One iteration
//! of the sum of squares"), because every iteration dispatches nine
//! bytecodes through a jump table, pushes and pops a value stack in memory,
//! bumps and drops reference counts, allocates two integer objects and
//! frees two, and does multi-digit arithmetic on 30-bit digits. This loop
//! does the same things, so that one iteration costs about what it costs
//! in CPython, the same knobs give about the same times in both, and a
//! switch interval means about the same number of iterations. Its memory
//! traffic and branches also share a core (or a core's hardware threads)
//! the way an interpreter does, which a loop in registers does not.
//!
//! The result is exact modulo 2^180 (six 30-bit digits), so its low 64 bits
//! are checked against the closed form like the old kernel's.

/// Bits per digit, as CPython's `PyLong_SHIFT`.
const SHIFT: u32 = 30;
const MASK: u64 = (1 << SHIFT) - 1;
/// Digits per integer object: 180 bits hold any total of the knobs' ranges.
const DIGITS: usize = 6;
/// Object slots of a frame's arena. A frame never has more than six
/// integers alive at once (two locals, three on the stack, one result).
const SLOTS: usize = 8;

/// An integer object, shaped like CPython's `PyLongObject`: a reference
/// count, a size, and base-2^30 digits (least significant first).
#[derive(Clone, Copy, Debug, Default)]
struct Int {
    refcnt: u32,
    size: u32,
    digits: [u32; DIGITS],
}

/// A reference to an object of the frame's arena.
type Obj = u8;
/// An empty local.
const NULL: Obj = u8::MAX;

/// The bytecode of the loop, as CPython 3.11 compiles it.
#[derive(Clone, Copy, Debug)]
enum Op {
    /// Next integer of the range onto the stack, or leave the loop.
    ForIter,
    /// Pop into a local, dropping its old value.
    StoreFast(u8),
    /// Push a local (a new reference).
    LoadFast(u8),
    /// Pop two, push their product.
    Multiply,
    /// Pop two, push their sum (`+=` on an int makes a new object).
    InplaceAdd,
    /// Back to the top of the loop: where CPython checks its eval breaker.
    JumpBackward(u8),
}

/// Locals: `i` and `total`.
const I: u8 = 0;
const TOTAL: u8 = 1;

static CODE: [Op; 9] = [
    Op::ForIter,
    Op::StoreFast(I),
    Op::LoadFast(TOTAL),
    Op::LoadFast(I),
    Op::LoadFast(I),
    Op::Multiply,
    Op::InplaceAdd,
    Op::StoreFast(TOTAL),
    Op::JumpBackward(0),
];

/// A paused run of the loop over a range: its locals, its objects and where
/// the range stands. [`SquaresFrame::run`] resumes it for a number of
/// iterations, as a worker does between two looks at the eval breaker.
#[derive(Clone, Debug)]
pub struct SquaresFrame {
    objects: [Int; SLOTS],
    /// Free slots, used last-in first-out as CPython's allocator reuses blocks.
    free: [Obj; SLOTS],
    free_len: usize,
    locals: [Obj; 2],
    next: u64,
    stop: u64,
}

impl SquaresFrame {
    /// A frame about to run the loop over `range`, with `total = 0`.
    pub fn new(range: std::ops::Range<u64>) -> Self {
        let mut f = Self {
            objects: [Int::default(); SLOTS],
            free: [0; SLOTS],
            free_len: SLOTS,
            locals: [NULL; 2],
            next: range.start,
            stop: range.end.max(range.start),
        };
        for (k, slot) in f.free.iter_mut().enumerate() {
            *slot = (SLOTS - 1 - k) as Obj;
        }
        f.locals[TOTAL as usize] = f.new_int(0);
        f
    }

    /// Whether the range is used up.
    pub fn finished(&self) -> bool {
        self.next >= self.stop
    }

    /// Integers still to go.
    pub fn remaining(&self) -> u64 {
        self.stop - self.next
    }

    /// The low 64 bits of `total`: the sum of squares so far, modulo 2^64.
    pub fn total(&self) -> u64 {
        let t = &self.objects[self.locals[TOTAL as usize] as usize];
        let mut v: u128 = 0;
        for k in (0..t.size as usize).rev() {
            v = (v << SHIFT) | u128::from(t.digits[k]);
        }
        v as u64
    }

    /// Runs at most `iterations` iterations of the loop (fewer when the
    /// range ends first) and pauses at the back edge.
    pub fn run(&mut self, iterations: u64) {
        let mut budget = iterations;
        if budget == 0 || self.finished() {
            return;
        }
        // Read through a barrier, so the optimiser cannot specialise the
        // interpreter for this one program and leave the dispatch out.
        let code: &[Op; 9] = std::hint::black_box(&CODE);
        let mut stack: [Obj; 4] = [NULL; 4];
        let mut sp = 0usize;
        let mut pc = 0usize;
        loop {
            match code[pc] {
                Op::ForIter => {
                    if self.next >= self.stop {
                        return;
                    }
                    let i = self.new_int(self.next);
                    self.next += 1;
                    stack[sp] = i;
                    sp += 1;
                }
                Op::StoreFast(k) => {
                    sp -= 1;
                    let old = std::mem::replace(&mut self.locals[k as usize], stack[sp]);
                    if old != NULL {
                        self.decref(old);
                    }
                }
                Op::LoadFast(k) => {
                    let o = self.locals[k as usize];
                    self.incref(o);
                    stack[sp] = o;
                    sp += 1;
                }
                Op::Multiply => {
                    sp -= 1;
                    let (a, b) = (stack[sp - 1], stack[sp]);
                    let r = self.binary(a, b, long_mul);
                    stack[sp - 1] = r;
                }
                Op::InplaceAdd => {
                    sp -= 1;
                    let (a, b) = (stack[sp - 1], stack[sp]);
                    let r = self.binary(a, b, long_add);
                    stack[sp - 1] = r;
                }
                Op::JumpBackward(target) => {
                    budget -= 1;
                    if budget == 0 {
                        return;
                    }
                    pc = target as usize;
                    continue;
                }
            }
            pc += 1;
        }
    }

    /// `a op b` as a new object; drops both operands. The operation is
    /// called through a pointer, as CPython calls a type's number slot.
    #[inline(always)]
    fn binary(&mut self, a: Obj, b: Obj, op: fn(&Int, &Int) -> Int) -> Obj {
        let op = std::hint::black_box(op);
        let value = op(&self.objects[a as usize], &self.objects[b as usize]);
        let r = self.alloc();
        self.objects[r as usize] = value;
        self.decref(a);
        self.decref(b);
        r
    }

    fn new_int(&mut self, v: u64) -> Obj {
        let r = self.alloc();
        self.objects[r as usize] = int_from(v);
        r
    }

    #[inline(always)]
    fn incref(&mut self, o: Obj) {
        self.objects[o as usize].refcnt += 1;
    }

    #[inline(always)]
    fn decref(&mut self, o: Obj) {
        let obj = &mut self.objects[o as usize];
        obj.refcnt -= 1;
        if obj.refcnt == 0 {
            self.dealloc(o);
        }
    }

    #[inline(never)]
    fn alloc(&mut self) -> Obj {
        // Six objects alive at most, eight slots: never empty.
        self.free_len -= 1;
        self.free[self.free_len]
    }

    #[inline(never)]
    fn dealloc(&mut self, o: Obj) {
        self.free[self.free_len] = o;
        self.free_len += 1;
    }
}

/// A new object holding `v`, with one reference.
fn int_from(v: u64) -> Int {
    let mut int = Int {
        refcnt: 1,
        ..Int::default()
    };
    let mut v = v;
    let mut n = 0;
    while v != 0 {
        int.digits[n] = (v & MASK) as u32;
        v >>= SHIFT;
        n += 1;
    }
    int.size = n as u32;
    int
}

/// `x + y`, digit by digit with a carry (CPython's `x_add`), modulo 2^180.
#[inline(never)]
fn long_add(x: &Int, y: &Int) -> Int {
    let n = x.size.max(y.size) as usize;
    let mut out = Int {
        refcnt: 1,
        ..Int::default()
    };
    let mut carry = 0u32;
    for k in 0..n {
        let s = x.digits[k] + y.digits[k] + carry;
        out.digits[k] = s & MASK as u32;
        carry = s >> SHIFT;
    }
    let mut size = n;
    if carry != 0 && size < DIGITS {
        out.digits[size] = carry;
        size += 1;
    }
    out.size = size as u32;
    trim(&mut out);
    out
}

/// `x * y`, schoolbook on digits (CPython's `x_mul`), modulo 2^180.
#[inline(never)]
fn long_mul(x: &Int, y: &Int) -> Int {
    let mut acc = [0u64; DIGITS];
    for i in 0..x.size as usize {
        let xi = u64::from(x.digits[i]);
        let mut carry = 0u64;
        for j in 0..(y.size as usize).min(DIGITS - i) {
            let t = acc[i + j] + xi * u64::from(y.digits[j]) + carry;
            acc[i + j] = t & MASK;
            carry = t >> SHIFT;
        }
        if i + (y.size as usize) < DIGITS {
            acc[i + y.size as usize] += carry;
        }
    }
    let mut out = Int {
        refcnt: 1,
        ..Int::default()
    };
    // The carries added last may leave a digit over 30 bits: pass them on.
    let mut carry = 0u64;
    for (d, a) in out.digits.iter_mut().zip(acc) {
        let t = a + carry;
        *d = (t & MASK) as u32;
        carry = t >> SHIFT;
    }
    out.size = DIGITS as u32;
    trim(&mut out);
    out
}

/// Drops leading zero digits, as CPython's `long_normalize`.
fn trim(int: &mut Int) {
    while int.size > 0 && int.digits[int.size as usize - 1] == 0 {
        int.size -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrapping(range: std::ops::Range<u64>) -> u64 {
        range.fold(0u64, |a, i| a.wrapping_add(i.wrapping_mul(i)))
    }

    #[test]
    fn the_loop_sums_squares_modulo_2_64() {
        for r in [0..0, 0..1, 0..10, 3..17, 1000..5000, 123_456..223_457] {
            let mut f = SquaresFrame::new(r.clone());
            f.run(u64::MAX);
            assert!(f.finished());
            assert_eq!(f.total(), wrapping(r.clone()), "{r:?}");
        }
    }

    #[test]
    fn large_integers_wrap_as_the_u64_sum_does() {
        // Squares of 2^40 and beyond need three and more digits.
        let start = (1u64 << 40) - 3;
        let r = start..start + 2000;
        let mut f = SquaresFrame::new(r.clone());
        f.run(u64::MAX);
        assert_eq!(f.total(), wrapping(r));
        let top = u64::MAX - 50..u64::MAX;
        let mut f = SquaresFrame::new(top.clone());
        f.run(u64::MAX);
        assert_eq!(f.total(), wrapping(top));
    }

    #[test]
    fn a_frame_pauses_after_its_budget_and_resumes_where_it_stopped() {
        let r = 10..1000;
        let mut f = SquaresFrame::new(r.clone());
        let mut runs = 0;
        while !f.finished() {
            let before = f.remaining();
            f.run(16);
            assert!(before - f.remaining() <= 16);
            runs += 1;
        }
        assert_eq!(runs, 990usize.div_ceil(16));
        assert_eq!(f.total(), wrapping(r));
        f.run(5);
        assert!(f.finished());
    }
}
