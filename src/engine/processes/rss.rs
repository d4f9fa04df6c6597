//! Resident memory of child processes, read by the parent while they run
//! (sysinfo), so a process's footprint is measured from outside, as a task
//! manager would show it.

use sysinfo::{Pid, ProcessRefreshKind, ProcessesToUpdate, System};

/// Reads the resident memory of given processes.
pub struct RssProbe {
    sys: Option<System>,
}

impl std::fmt::Debug for RssProbe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RssProbe")
            .field("available", &self.sys.is_some())
            .finish()
    }
}

impl Default for RssProbe {
    fn default() -> Self {
        Self {
            sys: System::new().ok(),
        }
    }
}

impl RssProbe {
    /// Resident memory of each pid, bytes; `None` for a process that is gone
    /// (or when the OS does not tell).
    pub fn sample(&mut self, pids: &[u32]) -> Vec<Option<u64>> {
        let Some(sys) = self.sys.as_mut() else {
            return vec![None; pids.len()];
        };
        let wanted: Vec<Pid> = pids.iter().map(|&p| Pid::from_u32(p)).collect();
        sys.refresh_processes_specifics(
            ProcessesToUpdate::Some(&wanted),
            true,
            ProcessRefreshKind::nothing().with_memory(),
        );
        wanted
            .iter()
            .map(|pid| sys.process(*pid).map(|p| p.memory()).filter(|&m| m > 0))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn reads_this_process_and_not_a_missing_one() {
        let mut probe = RssProbe::default();
        let got = probe.sample(&[std::process::id(), u32::MAX - 7]);
        assert!(got[0].is_some_and(|b| b > 1_000_000), "{got:?}");
        assert_eq!(got[1], None);
    }
}
