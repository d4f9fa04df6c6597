//! The few OS facts a worker reads about itself: which core it runs on and
//! how much CPU time its thread used.

/// The CPU core the calling thread runs on now, where the OS tells.
#[cfg(target_os = "linux")]
#[inline]
pub fn current_core() -> Option<u32> {
    // SAFETY: sched_getcpu has no preconditions.
    let cpu = unsafe { libc::sched_getcpu() };
    (cpu >= 0).then_some(cpu as u32)
}

/// The CPU core the calling thread runs on now, where the OS tells.
#[cfg(not(target_os = "linux"))]
#[inline]
pub fn current_core() -> Option<u32> {
    None
}

/// Lets the calling thread run only on `cores` (logical cores as the OS
/// numbers them); an empty list leaves it where it may run now. Returns
/// whether the OS took it.
#[cfg(target_os = "linux")]
pub fn pin_current_thread(cores: &[u32]) -> bool {
    if cores.is_empty() {
        return true;
    }
    // SAFETY: a zeroed cpu_set_t is a valid empty set; CPU_SET is given
    // indices below CPU_SETSIZE only; pid 0 is the calling thread.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        for &c in cores
            .iter()
            .filter(|&&c| (c as usize) < libc::CPU_SETSIZE as usize)
        {
            libc::CPU_SET(c as usize, &mut set);
        }
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0
    }
}

/// Lets the calling thread run only on `cores` (not supported here: false
/// unless the list is empty).
#[cfg(not(target_os = "linux"))]
pub fn pin_current_thread(cores: &[u32]) -> bool {
    cores.is_empty()
}

/// CPU time the calling thread has used, ns.
#[cfg(unix)]
pub fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is valid and writable; the clock id is always supported.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// CPU time the calling thread has used, ns (unknown here: 0).
#[cfg(not(unix))]
pub fn thread_cpu_ns() -> u64 {
    0
}

/// Resident memory of this process, bytes (Linux: /proc/self/statm).
pub fn own_rss_bytes() -> u64 {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: sysconf has no preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(1) as u64;
        if let Ok(text) = std::fs::read_to_string("/proc/self/statm")
            && let Some(rss) = text.split_whitespace().nth(1)
            && let Ok(pages) = rss.parse::<u64>()
        {
            return pages * page;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_cpu_time_grows_with_work() {
        let a = thread_cpu_ns();
        let mut x = 0u64;
        for i in 0..5_000_000u64 {
            x = std::hint::black_box(x.wrapping_add(i * i));
        }
        assert!(x > 0);
        assert!(thread_cpu_ns() > a);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_pinned_thread_runs_on_its_core() {
        let core = current_core().unwrap_or(0);
        let on = std::thread::Builder::new()
            .name("tl-test-pin".into())
            .spawn(move || {
                assert!(pin_current_thread(&[core]));
                (0..50).all(|_| {
                    std::thread::yield_now();
                    current_core() == Some(core)
                })
            })
            .unwrap()
            .join()
            .unwrap();
        assert!(on);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn linux_reports_core_and_rss() {
        assert!(current_core().is_some());
        assert!(own_rss_bytes() > 0);
    }
}
