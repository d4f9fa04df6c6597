//! What the kernel counted, read from `/proc`: the CPU time of every thread
//! of a process (in nanoseconds, from `schedstat`) with the core it last ran
//! on, and the busy time of every core of the machine (in clock ticks, from
//! `/proc/stat`). The run's workers measure themselves; this is how the
//! other threads (the window, its renderer, the run's helpers) and other
//! programs are told apart from them.

/// One thread as the kernel counted it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThreadTime {
    /// The kernel's thread id.
    pub tid: u32,
    /// Its name (15 bytes at most on Linux).
    pub name: String,
    /// CPU time it used since it started, ns.
    pub cpu_ns: u64,
    /// The core it ran on last.
    pub core: Option<u32>,
}

/// Every thread of process `pid` (this process for `None`). Threads that
/// end while they are read are left out; a process that is gone has none.
#[cfg(target_os = "linux")]
pub fn threads_of(pid: Option<u32>) -> Vec<ThreadTime> {
    let dir = match pid {
        Some(p) => format!("/proc/{p}/task"),
        None => "/proc/self/task".to_owned(),
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|tid| read_thread(&dir, tid))
        .collect()
}

/// Every thread of process `pid` (not known on this OS: none).
#[cfg(not(target_os = "linux"))]
pub fn threads_of(_pid: Option<u32>) -> Vec<ThreadTime> {
    Vec::new()
}

#[cfg(target_os = "linux")]
fn read_thread(dir: &str, tid: u32) -> Option<ThreadTime> {
    let schedstat = std::fs::read_to_string(format!("{dir}/{tid}/schedstat")).ok()?;
    let stat = std::fs::read_to_string(format!("{dir}/{tid}/stat")).ok()?;
    let cpu_ns = schedstat.split_whitespace().next()?.parse().ok()?;
    let (name, core) = parse_stat(&stat)?;
    Some(ThreadTime {
        tid,
        name,
        cpu_ns,
        core,
    })
}

/// The name and last core from a `/proc/.../stat` line. The name sits in
/// parentheses and may itself hold spaces and parentheses, so the fields
/// after it are counted from the last `)`.
pub fn parse_stat(stat: &str) -> Option<(String, Option<u32>)> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat.get(open + 1..close)?.to_owned();
    // After the name: field 3 (state) onwards; `processor` is field 39.
    let core = stat
        .get(close + 1..)?
        .split_whitespace()
        .nth(39 - 3)
        .and_then(|f| f.parse().ok());
    Some((name, core))
}

/// Busy and total time of one core since boot, in clock ticks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CoreTicks {
    /// Ticks spent on anything but idling and waiting for I/O.
    pub busy: u64,
    /// All ticks.
    pub total: u64,
}

/// Every core's ticks, in core order, from `/proc/stat`; `None` where the
/// OS has no such file.
pub fn core_ticks() -> Option<Vec<CoreTicks>> {
    parse_proc_stat(&std::fs::read_to_string("/proc/stat").ok()?)
}

/// The per-core lines of a `/proc/stat` text (`cpu0 user nice system idle
/// iowait irq softirq steal ...`), indexed by core number.
pub fn parse_proc_stat(text: &str) -> Option<Vec<CoreTicks>> {
    let mut cores: Vec<CoreTicks> = Vec::new();
    for line in text.lines() {
        let mut fields = line.split_whitespace();
        let Some(core) = fields
            .next()
            .and_then(|n| n.strip_prefix("cpu"))
            .filter(|n| !n.is_empty())
            .and_then(|n| n.parse::<usize>().ok())
        else {
            continue;
        };
        let values: Vec<u64> = fields.filter_map(|f| f.parse().ok()).collect();
        // Guest time is already counted in user time: the first 8 fields.
        let counted = &values[..values.len().min(8)];
        let idle = values.get(3).copied().unwrap_or(0) + values.get(4).copied().unwrap_or(0);
        let total: u64 = counted.iter().sum();
        if cores.len() <= core {
            cores.resize(core + 1, CoreTicks::default());
        }
        cores[core] = CoreTicks {
            busy: total.saturating_sub(idle),
            total,
        };
    }
    (!cores.is_empty()).then_some(cores)
}

/// Nanoseconds in one clock tick of `/proc/stat`.
pub fn tick_ns() -> u64 {
    #[cfg(unix)]
    {
        // SAFETY: sysconf has no preconditions.
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        if hz > 0 {
            return 1_000_000_000 / hz as u64;
        }
    }
    10_000_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stat_line_gives_name_and_core_even_with_odd_names() {
        let line = "4242 (tl (odd) name) R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 \
                    18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 3 37 38";
        let (name, core) = parse_stat(line).unwrap();
        assert_eq!(name, "tl (odd) name");
        assert_eq!(core, Some(3));
    }

    #[test]
    fn proc_stat_lines_become_busy_and_total_ticks() {
        let text = "cpu  10 0 5 100 1 0 0 0 0 0\n\
                    cpu0 7 0 3 40 1 0 0 0 0 0\n\
                    cpu1 3 0 2 60 0 0 1 0 0 0\n\
                    intr 1 2 3\n";
        let cores = parse_proc_stat(text).unwrap();
        assert_eq!(cores.len(), 2);
        assert_eq!(
            cores[0],
            CoreTicks {
                busy: 10,
                total: 51
            }
        );
        assert_eq!(cores[1], CoreTicks { busy: 6, total: 66 });
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_has_this_thread_with_its_cpu_time() {
        let me = unsafe { libc::syscall(libc::SYS_gettid) } as u32;
        let mut x = 0u64;
        for i in 0..2_000_000u64 {
            x = std::hint::black_box(x.wrapping_add(i));
        }
        assert!(x > 0);
        let threads = threads_of(None);
        let mine = threads
            .iter()
            .find(|t| t.tid == me)
            .expect("this thread is listed");
        assert!(mine.cpu_ns > 0);
        assert!(mine.core.is_some());
        assert!(core_ticks().is_some_and(|c| !c.is_empty()));
    }
}
