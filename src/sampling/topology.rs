//! Which CPU cores this machine has: the logical cores the OS schedules on,
//! and the physical cores they are built from (a physical core with two
//! hardware threads shows up as two logical cores). A speedup is bounded by
//! the logical cores a run may use, and two threads on one physical core
//! share its execution units, so the window groups them and the best
//! possible speedup names both counts.

use std::collections::BTreeMap;

/// The cores of this machine that this process may run on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topology {
    /// Logical cores this process may use (its CPU affinity), in OS order.
    allowed: Vec<u32>,
    /// The allowed logical cores grouped by the physical core they share,
    /// in the order of each group's first logical core.
    groups: Vec<Vec<u32>>,
}

impl Topology {
    /// What the OS says about this machine now. Where it says nothing
    /// (another OS, a sandbox without `/sys`), every logical core counts as
    /// a physical core of its own.
    pub fn detect() -> Self {
        let allowed = allowed_cores();
        let sibling_key = |core: u32| {
            std::fs::read_to_string(format!(
                "/sys/devices/system/cpu/cpu{core}/topology/thread_siblings_list"
            ))
            .ok()
            .map(|s| s.trim().to_owned())
        };
        let keys: Vec<Option<String>> = allowed.iter().map(|&c| sibling_key(c)).collect();
        let mut topology = Self::from_siblings(&allowed, &keys);
        // sysfs can be missing where num_cpus still knows better (it reads
        // /proc/cpuinfo): trust it for the count when the groups say less.
        let physical = num_cpus::get_physical().clamp(1, allowed.len().max(1));
        if topology.groups.len() == allowed.len() && physical < allowed.len() {
            topology = Self::paired(&allowed, physical);
        }
        topology
    }

    /// The machine as detected once by this process: the cores do not
    /// change while it runs, and a run asks often.
    pub fn cached() -> &'static Topology {
        static TOPOLOGY: std::sync::OnceLock<Topology> = std::sync::OnceLock::new();
        TOPOLOGY.get_or_init(Topology::detect)
    }

    /// The physical cores of the logical cores `cores`.
    pub fn physical_among(&self, cores: &[u32]) -> usize {
        let mut seen: Vec<usize> = cores.iter().filter_map(|&c| self.physical_of(c)).collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len().max(1)
    }

    /// A machine whose allowed logical cores `allowed` share physical cores
    /// as `sibling_keys` say: cores with the same key share one (a `None`
    /// key is a physical core of its own).
    pub fn from_siblings(allowed: &[u32], sibling_keys: &[Option<String>]) -> Self {
        let mut by_key: BTreeMap<&str, usize> = BTreeMap::new();
        let mut groups: Vec<Vec<u32>> = Vec::new();
        for (i, &core) in allowed.iter().enumerate() {
            match sibling_keys.get(i).and_then(Option::as_deref) {
                Some(key) => match by_key.get(key) {
                    Some(&g) => groups[g].push(core),
                    None => {
                        by_key.insert(key, groups.len());
                        groups.push(vec![core]);
                    }
                },
                None => groups.push(vec![core]),
            }
        }
        Self {
            allowed: allowed.to_vec(),
            groups,
        }
    }

    /// `allowed` cores spread evenly over `physical` physical cores, the
    /// way Linux numbers hardware threads (0 and N share, 1 and N+1, ...).
    fn paired(allowed: &[u32], physical: usize) -> Self {
        let mut groups = vec![Vec::new(); physical.max(1)];
        let n = groups.len();
        for (i, &core) in allowed.iter().enumerate() {
            groups[i % n].push(core);
        }
        groups.retain(|g| !g.is_empty());
        Self {
            allowed: allowed.to_vec(),
            groups,
        }
    }

    /// A machine of `n` logical cores, each its own physical core (tests,
    /// recorded runs).
    pub fn flat(n: usize) -> Self {
        let allowed: Vec<u32> = (0..n.max(1) as u32).collect();
        Self::from_siblings(&allowed, &vec![None; allowed.len()])
    }

    /// Logical cores this process may run on.
    pub fn logical(&self) -> usize {
        self.allowed.len().max(1)
    }

    /// Physical cores those logical cores belong to.
    pub fn physical(&self) -> usize {
        self.groups.len().max(1)
    }

    /// The allowed logical cores, in OS order.
    pub fn allowed(&self) -> &[u32] {
        &self.allowed
    }

    /// The logical cores grouped by the physical core they share.
    pub fn groups(&self) -> &[Vec<u32>] {
        &self.groups
    }

    /// Which physical core (an index into [`Topology::groups`]) the logical
    /// core `core` belongs to.
    pub fn physical_of(&self, core: u32) -> Option<usize> {
        self.groups.iter().position(|g| g.contains(&core))
    }

    /// The `n` logical cores a run on `n` cores is given: one of each
    /// physical core first, then their second hardware threads, so that a
    /// run on fewer cores than the machine has gets whole cores.
    pub fn pick(&self, n: usize) -> Vec<u32> {
        let mut picked = Vec::with_capacity(n);
        let deepest = self.groups.iter().map(Vec::len).max().unwrap_or(0);
        'rounds: for round in 0..deepest {
            for group in &self.groups {
                if picked.len() >= n {
                    break 'rounds;
                }
                if let Some(&core) = group.get(round) {
                    picked.push(core);
                }
            }
        }
        picked.sort_unstable();
        picked
    }

    /// "2 logical cores", or "8 logical cores on 4 physical" where hardware
    /// threads share physical cores.
    pub fn describe(&self) -> String {
        describe_counts(self.logical(), self.physical())
    }
}

/// "1 core", "2 logical cores" or "8 logical cores on 4 physical".
pub fn describe_counts(logical: usize, physical: usize) -> String {
    let plural = if logical == 1 { "" } else { "s" };
    if physical < logical {
        format!("{logical} logical core{plural} on {physical} physical")
    } else {
        format!("{logical} core{plural}")
    }
}

/// The logical cores this process may run on (its CPU affinity).
#[cfg(target_os = "linux")]
fn allowed_cores() -> Vec<u32> {
    // SAFETY: a zeroed cpu_set_t is a valid empty set; sched_getaffinity
    // writes at most `size_of::<cpu_set_t>()` bytes into it.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    let ok =
        unsafe { libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) };
    let cores: Vec<u32> = if ok == 0 {
        (0..libc::CPU_SETSIZE as u32)
            // SAFETY: the index is below CPU_SETSIZE.
            .filter(|&c| unsafe { libc::CPU_ISSET(c as usize, &set) })
            .collect()
    } else {
        Vec::new()
    };
    if cores.is_empty() {
        (0..num_cpus::get().max(1) as u32).collect()
    } else {
        cores
    }
}

/// The logical cores this process may run on.
#[cfg(not(target_os = "linux"))]
fn allowed_cores() -> Vec<u32> {
    (0..num_cpus::get().max(1) as u32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(k: &[&str]) -> Vec<Option<String>> {
        k.iter().map(|s| Some((*s).to_owned())).collect()
    }

    #[test]
    fn hardware_threads_of_one_physical_core_are_grouped() {
        // A 4-core, 8-thread machine as Linux numbers it: 0 and 4 share.
        let allowed: Vec<u32> = (0..8).collect();
        let t = Topology::from_siblings(
            &allowed,
            &keys(&["0,4", "1,5", "2,6", "3,7", "0,4", "1,5", "2,6", "3,7"]),
        );
        assert_eq!((t.logical(), t.physical()), (8, 4));
        assert_eq!(t.groups()[0], vec![0, 4]);
        assert_eq!(t.physical_of(6), Some(2));
        assert_eq!(t.describe(), "8 logical cores on 4 physical");
    }

    #[test]
    fn a_run_on_fewer_cores_gets_whole_physical_cores_first() {
        let allowed: Vec<u32> = (0..8).collect();
        let t = Topology::from_siblings(
            &allowed,
            &keys(&["0,4", "1,5", "2,6", "3,7", "0,4", "1,5", "2,6", "3,7"]),
        );
        assert_eq!(t.pick(2), vec![0, 1]);
        assert_eq!(t.pick(4), vec![0, 1, 2, 3]);
        assert_eq!(t.pick(5), vec![0, 1, 2, 3, 4]);
        assert_eq!(t.pick(99).len(), 8);
    }

    #[test]
    fn a_machine_without_hardware_threads_says_cores() {
        let t = Topology::flat(2);
        assert_eq!((t.logical(), t.physical()), (2, 2));
        assert_eq!(t.describe(), "2 cores");
        assert_eq!(describe_counts(1, 1), "1 core");
        assert_eq!(t.pick(1), vec![0]);
    }

    #[test]
    fn this_machine_has_at_least_one_core_in_one_group() {
        let t = Topology::detect();
        assert!(t.logical() >= 1 && t.physical() >= 1);
        assert!(t.physical() <= t.logical());
        let grouped: usize = t.groups().iter().map(Vec::len).sum();
        assert_eq!(grouped, t.logical());
    }
}
