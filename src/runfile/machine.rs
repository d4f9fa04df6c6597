//! The machine a run was recorded on, as a saved run carries it: a run
//! replayed on a projector's laptop says it was measured on the lecturer's
//! own machine, with its cores, and when.

use crate::sampling::Topology;
use serde::{Deserialize, Serialize};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The machine a run went on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machine {
    /// Logical cores this threadlab could run on (its CPU affinity).
    pub logical_cores: u32,
    /// Physical cores those belong to.
    pub physical_cores: u32,
    /// The logical cores grouped by the physical core they share, in the
    /// order the window draws them; empty when not known.
    #[serde(default)]
    pub topology: Vec<Vec<u32>>,
    /// The CPU's name, as the OS gives it ("AMD EPYC 7B13"), when known.
    #[serde(default)]
    pub cpu_model: Option<String>,
    /// The operating system ("Linux (Debian GNU/Linux 12)"), when known.
    #[serde(default)]
    pub os: Option<String>,
    /// The threadlab that recorded the run.
    pub threadlab_version: String,
}

impl Machine {
    /// This machine, now.
    pub fn this() -> Self {
        let topology = Topology::cached();
        Self {
            logical_cores: topology.logical() as u32,
            physical_cores: topology.physical() as u32,
            topology: topology.groups().to_vec(),
            cpu_model: cpu_model(),
            os: os_name(),
            threadlab_version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }

    /// The machine's cores as the window draws them, when the file says.
    pub fn topology(&self) -> Option<Topology> {
        if self.topology.is_empty() {
            return None;
        }
        let mut allowed = Vec::new();
        let mut keys = Vec::new();
        for (group, cores) in self.topology.iter().enumerate() {
            for &core in cores {
                allowed.push(core);
                keys.push(Some(group.to_string()));
            }
        }
        Some(Topology::from_siblings(&allowed, &keys))
    }

    /// One line for people: "AMD EPYC 7B13, 8 logical cores on 4 physical,
    /// Linux (Debian GNU/Linux 12), threadlab 0.1.0".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(cpu) = &self.cpu_model {
            parts.push(cpu.clone());
        }
        parts.push(crate::sampling::topology::describe_counts(
            self.logical_cores as usize,
            self.physical_cores as usize,
        ));
        if let Some(os) = &self.os {
            parts.push(os.clone());
        }
        parts.push(format!("threadlab {}", self.threadlab_version));
        parts.join(", ")
    }
}

/// The CPU's name from `/proc/cpuinfo` (Linux); `None` elsewhere.
fn cpu_model() -> Option<String> {
    let text = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(key, _)| matches!(key.trim(), "model name" | "Hardware" | "Processor"))
        .map(|(_, value)| value.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The OS and, on Linux, its distribution.
fn os_name() -> Option<String> {
    sysinfo::System::long_os_version()
        .ok()
        .filter(|v| !v.is_empty())
}

/// Milliseconds since 1970 (UTC) of `at`.
pub fn unix_ms(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// `2026-12-02 14:05 UTC` for a time in milliseconds since 1970.
pub fn utc_text(unix_ms: u64) -> String {
    // A hostile file's time must not overflow the clock's type.
    let at = UNIX_EPOCH
        .checked_add(Duration::from_millis(unix_ms))
        .unwrap_or(UNIX_EPOCH);
    crate::export::files::utc_minute(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_topology_round_trips_through_its_groups() {
        let machine = Machine {
            logical_cores: 4,
            physical_cores: 2,
            topology: vec![vec![0, 2], vec![1, 3]],
            ..Machine::default()
        };
        let topology = machine.topology().unwrap();
        assert_eq!(topology.groups(), [vec![0, 2], vec![1, 3]]);
        assert_eq!((topology.logical(), topology.physical()), (4, 2));
        assert_eq!(Machine::default().topology(), None);
    }

    #[test]
    fn this_machine_names_its_cores_and_version() {
        let this = Machine::this();
        assert!(this.logical_cores >= 1);
        assert!(this.physical_cores >= 1 && this.physical_cores <= this.logical_cores);
        assert_eq!(this.threadlab_version, env!("CARGO_PKG_VERSION"));
        assert!(this.describe().contains(" core"), "{}", this.describe());
    }

    #[test]
    fn times_read_in_utc() {
        // 2026-11-25 13:05:09 UTC.
        assert_eq!(utc_text(1_795_611_909_000), "2026-11-25 13:05 UTC");
    }
}
