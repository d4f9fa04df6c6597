//! The module tree of `src/` and the imports between its files, resolved
//! from what [`crate::read`] found, and the two questions the rules ask of
//! them: which cycles go through a folder, and how one folder reaches
//! another.

use crate::read::{Import, lex, scan};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::path::Path;

/// `src/` of this package.
pub fn src_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, as (path relative to `dir` with `/`, text).
pub fn rust_files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("src/ is readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(dir).expect("under src/");
                let rel = rel.to_string_lossy().replace('\\', "/");
                let text = std::fs::read_to_string(&path).expect("source is UTF-8");
                out.push((rel, text));
            }
        }
    }
    out.sort();
    out
}

/// One import found in the source: from a file to the file defining the item.
#[derive(Debug)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub line: usize,
    pub text: String,
}

/// A path met in a file, to be resolved once every module is known.
struct Ref {
    file: usize,
    module: Vec<String>,
    line: usize,
    path: Vec<String>,
}

/// Where a path leads: into a module, or to an item of a file.
enum At {
    Module(Vec<String>),
    Item(usize),
}

/// The files of `src/`, its modules, and the imports between the files.
#[derive(Default)]
pub struct Tree {
    /// Paths relative to `src/`.
    pub files: Vec<String>,
    /// Module path → the file that holds it.
    modules: HashMap<Vec<String>, usize>,
    /// Module path → its imports, for resolving names through them.
    imports: HashMap<Vec<String>, Vec<Import>>,
    pub edges: Vec<Edge>,
}

impl Tree {
    pub fn read_src() -> Tree {
        let files = rust_files(&src_dir());
        let tree = Tree::from_files(
            files
                .iter()
                .map(|(p, t)| (p.as_str(), t.as_str()))
                .collect(),
        );
        // A reader that silently stopped understanding the code would pass
        // every check; a real tree has hundreds of imports.
        assert!(
            tree.edges.len() > 100,
            "only {} imports read",
            tree.edges.len()
        );
        tree
    }

    pub fn from_files(files: Vec<(&str, &str)>) -> Tree {
        let files: Vec<(&str, &str)> = files
            .into_iter()
            .filter(|(p, _)| *p != "main.rs" && !p.starts_with("bin/"))
            .collect();
        let mut tree = Tree {
            files: files.iter().map(|(p, _)| p.to_string()).collect(),
            ..Tree::default()
        };
        for (i, (path, _)) in files.iter().enumerate() {
            tree.modules.insert(module_of(path), i);
        }
        let mut refs = Vec::new();
        let mut test_only = HashSet::new();
        for (i, (path, text)) in files.iter().enumerate() {
            let scan = scan(&lex(text), &module_of(path));
            for (module, imports) in scan.imports {
                tree.imports.entry(module).or_default().extend(imports);
            }
            for module in scan.inline_modules {
                tree.modules.insert(module, i);
            }
            test_only.extend(scan.test_modules);
            refs.extend(scan.refs.into_iter().map(|(module, line, path)| Ref {
                file: i,
                module,
                line,
                path,
            }));
        }
        // Files of `#[cfg(test)] mod x;` are tests as a whole.
        let is_test = |m: &[String]| test_only.iter().any(|t: &Vec<String>| m.starts_with(t));
        for r in refs {
            if is_test(&module_of(&tree.files[r.file])) {
                continue;
            }
            if let Some(to) = tree.resolve(&r.module, &r.path, 0)
                && to != r.file
                && !is_test(&module_of(&tree.files[to]))
            {
                tree.edges.push(Edge {
                    from: r.file,
                    to,
                    line: r.line,
                    text: r.path.join("::"),
                });
            }
        }
        tree
    }

    fn resolve(&self, module: &[String], path: &[String], depth: u8) -> Option<usize> {
        match self.walk(module, path, depth)? {
            At::Module(m) => self.modules.get(&m).copied(),
            At::Item(file) => Some(file),
        }
    }

    fn walk(&self, module: &[String], path: &[String], depth: u8) -> Option<At> {
        if depth > 16 || path.is_empty() {
            return None;
        }
        let (mut at, rest, relative) = match path[0].as_str() {
            "crate" => (At::Module(Vec::new()), &path[1..], false),
            "self" => (At::Module(module.to_vec()), &path[1..], false),
            "super" => (At::Module(parent(module)?), &path[1..], false),
            _ => (At::Module(module.to_vec()), path, true),
        };
        for (i, seg) in rest.iter().enumerate() {
            at = match at {
                At::Item(file) => At::Item(file),
                At::Module(m) => match self.step(&m, seg, depth) {
                    Some(next) => next,
                    // Not a child or an import here: another crate's name.
                    None if relative && i == 0 => return None,
                    // Otherwise an item defined in `m` itself.
                    None => At::Item(*self.modules.get(&m)?),
                },
            };
        }
        Some(at)
    }

    /// One segment further from module `m`: a child module, or a name that
    /// `m` imports (re-exports included), or one of its globs provides.
    fn step(&self, m: &[String], seg: &str, depth: u8) -> Option<At> {
        match seg {
            "self" => return Some(At::Module(m.to_vec())),
            "super" => return parent(m).map(At::Module),
            "crate" => return Some(At::Module(Vec::new())),
            _ => {}
        }
        let child: Vec<String> = m.iter().cloned().chain([seg.to_owned()]).collect();
        if self.modules.contains_key(&child) {
            return Some(At::Module(child));
        }
        let imports = self.imports.get(m)?;
        if let Some(import) = imports.iter().find(|i| i.alias.as_deref() == Some(seg)) {
            return self.walk(m, &import.path, depth + 1);
        }
        imports.iter().filter(|i| i.glob).find_map(|glob| {
            match self.walk(m, &glob.path, depth + 1)? {
                At::Module(g) => self.step(&g, seg, depth + 1),
                At::Item(_) => None,
            }
        })
    }

    /// Where a file sits: its folders, then its own name.
    fn position(&self, file: usize) -> Vec<String> {
        let path = &self.files[file];
        let mut parts: Vec<String> = path.split('/').map(str::to_owned).collect();
        let name = parts.pop().unwrap_or_default();
        let stem = name.trim_end_matches(".rs");
        let has_folder = |dir: &str| self.files.iter().any(|f| f.starts_with(&format!("{dir}/")));
        let root_of_folder =
            name != "mod.rs" && name != "lib.rs" && has_folder(&path[..path.len() - 3]);
        if root_of_folder {
            parts.push(stem.to_owned());
        }
        parts.push(name);
        parts
    }

    /// Every cycle through a folder, in words, one entry per cycle with the
    /// folder it is in (`""` for `src/` itself).
    pub fn folder_cycles(&self) -> Vec<(String, String)> {
        // (folder, from, to) → the imports that make the edge.
        let mut graph: BTreeMap<(String, String, String), Vec<String>> = BTreeMap::new();
        for e in &self.edges {
            let (from, to) = (self.position(e.from), self.position(e.to));
            let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
            let node = |p: &[String]| {
                if p.len() > common + 1 {
                    format!("{}/", p[common])
                } else {
                    p[common].clone()
                }
            };
            let level = from[..common]
                .iter()
                .map(|s| format!("{s}/"))
                .collect::<String>();
            let why = format!("{}:{} `{}`", self.files[e.from], e.line, e.text);
            graph
                .entry((level, node(&from), node(&to)))
                .or_default()
                .push(why);
        }
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let levels: BTreeSet<&String> = graph.keys().map(|(l, _, _)| l).collect();
        for level in levels {
            let next = |n: &str| -> Vec<String> {
                graph
                    .keys()
                    .filter(|(l, f, _)| l == level && f == n)
                    .map(|(_, _, t)| t.clone())
                    .collect()
            };
            let folders: BTreeSet<&String> = graph
                .keys()
                .filter(|(l, f, _)| l == level && f.ends_with('/'))
                .map(|(_, f, _)| f)
                .collect();
            // One cycle per folder and first step, so a short cycle does
            // not hide another one through the same folder.
            let cycles = folders.into_iter().flat_map(|folder| {
                next(folder).into_iter().filter_map(|first| {
                    let back = shortest_path(&first, folder, &next)?;
                    Some([vec![folder.clone()], back].concat())
                })
            });
            for cycle in cycles.collect::<Vec<_>>() {
                let mut key = cycle[..cycle.len() - 1].to_vec();
                key.sort();
                if !seen.insert((level.clone(), key)) {
                    continue;
                }
                let mut text = format!("in src/{level}: {}\n", cycle.join(" → "));
                for hop in cycle.windows(2) {
                    let why = &graph[&(level.clone(), hop[0].clone(), hop[1].clone())];
                    let more = why.len().saturating_sub(3);
                    let shown = why.iter().take(3).cloned().collect::<Vec<_>>().join("; ");
                    let more = if more > 0 {
                        format!(" (+{more} more)")
                    } else {
                        String::new()
                    };
                    text += &format!("  {} → {}: {shown}{more}\n", hop[0], hop[1]);
                }
                out.push((level.clone(), text));
            }
        }
        out
    }

    /// A chain of imports from a file under `from` to one under `to`, directly
    /// or through other files, in words.
    pub fn dependency_path(&self, from: &str, to: &str) -> Option<String> {
        let mut came_by: HashMap<usize, usize> = HashMap::new();
        let mut queue: VecDeque<usize> = (0..self.files.len())
            .filter(|&f| self.files[f].starts_with(from))
            .collect();
        let starts: HashSet<usize> = queue.iter().copied().collect();
        while let Some(f) = queue.pop_front() {
            for (i, e) in self.edges.iter().enumerate().filter(|(_, e)| e.from == f) {
                if starts.contains(&e.to) || came_by.contains_key(&e.to) {
                    continue;
                }
                came_by.insert(e.to, i);
                if self.files[e.to].starts_with(to) {
                    let mut chain = vec![i];
                    while let Some(&j) = came_by.get(&self.edges[chain[0]].from) {
                        chain.insert(0, j);
                    }
                    let lines = chain.iter().map(|&j| {
                        let e = &self.edges[j];
                        let (a, b) = (&self.files[e.from], &self.files[e.to]);
                        format!("  {a}:{} `{}` → {b}", e.line, e.text)
                    });
                    return Some(lines.collect::<Vec<_>>().join("\n"));
                }
                queue.push_back(e.to);
            }
        }
        None
    }
}

/// The shortest way from `from` to `to`, as nodes (both ends included).
fn shortest_path(from: &str, to: &str, next: &dyn Fn(&str) -> Vec<String>) -> Option<Vec<String>> {
    let mut came_from: HashMap<String, String> = HashMap::new();
    let mut queue = VecDeque::from([from.to_owned()]);
    while let Some(n) = queue.pop_front() {
        if n == to {
            let mut path = vec![n];
            while let Some(p) = came_from.get(path.last()?) {
                path.push(p.clone());
            }
            path.reverse();
            return Some(path);
        }
        for m in next(&n) {
            if m != from && !came_from.contains_key(&m) {
                came_from.insert(m.clone(), n.clone());
                queue.push_back(m);
            }
        }
    }
    None
}

/// The module a file makes: `a/b.rs` and `a/b/mod.rs` are `a::b`.
fn module_of(path: &str) -> Vec<String> {
    let path = path.trim_end_matches(".rs");
    let mut parts: Vec<String> = path.split('/').map(str::to_owned).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

fn parent(module: &[String]) -> Option<Vec<String>> {
    module.split_last().map(|(_, p)| p.to_vec())
}
