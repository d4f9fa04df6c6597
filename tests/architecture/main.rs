//! The shape of `src/`, checked, so a change that tangles it fails
//! `cargo test` instead of waiting for a reviewer to notice: no import cycle
//! crosses a folder, `engine/processes` never depends on `engine/labs`, no
//! source file grows past 600 lines, and `src/gui/` keeps its files in
//! folders.
//!
//! How imports are read. Every `src/**/*.rs` except `main.rs` (the binary's
//! root: it stands on top of the library and nothing can import it) is lexed
//! with comments, strings and char literals dropped, then scanned for
//! - `use` trees anywhere in a file, grouped or not, public or not
//!   (`pub use crate::{a::b, c::{self, d as e}, f::*};`);
//! - paths in code and types: `crate::…`, `self::…`, `super::…`, and paths
//!   that start with a name a `use` brought in or with a child module
//!   (`processes::group::start(..)` after `use crate::engine::processes;`).
//!
//! A path is resolved through the module tree (taken from the file layout:
//! `a/mod.rs` and `a.rs` beside `a/` both make module `a`; inline `mod x { }`
//! blocks too) and through imports and re-exports (`pub use`), down to the
//! file that defines the item. Paths that resolve to nothing in the crate
//! (`std::…`, `egui::…`) are other crates' business.
//!
//! Left out on purpose: items behind `#[cfg(test)]` (the `mod tests` at the
//! bottom of a file), since a unit test may reach up to build its fixture and
//! the rules are about what the program is made of; and doc comments with
//! their intra-doc links, which are prose.
//!
//! Folders. A file sits in its directory, except a module's root (`a/mod.rs`,
//! or `a.rs` beside `a/`), which belongs to folder `a`. An import from file F
//! to file T is seen in the deepest folder holding both, between what F and T
//! sit in there: a sub-folder or a file directly in it. So
//! `engine/labs/kill.rs` → `engine/processes/group.rs` is `labs/` →
//! `processes/` inside `engine/`, and `engine/labs/kill.rs` →
//! `engine/context.rs` is `labs/` → `context.rs`. A cycle in one of these
//! graphs that goes through a folder fails: two sibling folders that need
//! each other, or a file that uses a folder and is used by it (a `run.rs` on
//! top of `labs/` that `labs/` also imports). A cycle of plain files within
//! one folder is not a folder's concern and is allowed.

mod read;
mod tree;

use std::collections::BTreeSet;
use tree::{Tree, rust_files, src_dir};

/// The longest a source file may grow before it asks to be split.
const MAX_LINES: usize = 600;
/// Files allowed directly in `src/gui/`; the rest live in its folders.
const MAX_GUI_TOP_FILES: usize = 3;

#[test]
fn no_import_cycle_crosses_a_folder() {
    assert_no_cycles(|level| !level.starts_with("gui/"));
}

/// The same rule inside `src/gui/`, apart so that the window's folders and
/// the rest of the tree each give their own answer.
#[test]
fn no_import_cycle_crosses_a_folder_in_gui() {
    assert_no_cycles(|level| level.starts_with("gui/"));
}

/// Fails with every cycle found in the folders that `checked` accepts
/// (`""` for `src/` itself, `"engine/"`, `"gui/timeline/"`, …).
fn assert_no_cycles(checked: impl Fn(&str) -> bool) {
    let tree = Tree::read_src();
    let cycles: Vec<String> = tree
        .folder_cycles()
        .into_iter()
        .filter(|(level, _)| checked(level))
        .map(|(_, text)| text)
        .collect();
    assert!(
        cycles.is_empty(),
        "import cycles cross folders of src/ (see tests/architecture.rs):\n\n{}",
        cycles.join("\n")
    );
}

#[test]
fn processes_never_depends_on_labs() {
    let tree = Tree::read_src();
    let found = tree.dependency_path("engine/processes/", "engine/labs/");
    assert!(
        found.is_none(),
        "engine/processes is the parent's plumbing and must not depend on the experiments in \
         engine/labs (pass what it needs in, or move it down):\n{}",
        found.unwrap_or_default()
    );
}

#[test]
fn no_source_file_is_over_600_lines() {
    let mut long = Vec::new();
    for (path, text) in rust_files(&src_dir()) {
        let lines = text.lines().count();
        if lines > MAX_LINES {
            long.push(format!("  src/{path}: {lines} lines"));
        }
    }
    assert!(
        long.is_empty(),
        "files over {MAX_LINES} lines; split them along a concept:\n{}",
        long.join("\n")
    );
}

/// ARCHITECTURE.md's map names every folder of `src/` (as `src/a/b/`), so
/// a new folder cannot land without a word on its role.
#[test]
fn architecture_md_names_every_folder() {
    let map = std::fs::read_to_string(src_dir().join("../ARCHITECTURE.md"))
        .expect("ARCHITECTURE.md beside src/");
    let mut missing = Vec::new();
    let mut dirs = vec![src_dir()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                let rel = path.strip_prefix(src_dir()).unwrap_or(&path);
                let name = format!("src/{}/", rel.to_string_lossy());
                if !map.contains(&format!("`{name}`")) && !map.contains(&format!("{name} ")) {
                    missing.push(name);
                }
                dirs.push(path);
            }
        }
    }
    missing.sort();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md's map does not name these folders of src/ (add a line with its role): {}",
        missing.join(", ")
    );
}

#[test]
fn gui_has_at_most_three_files_at_its_top() {
    let Ok(entries) = std::fs::read_dir(src_dir().join("gui")) else {
        return;
    };
    let mut top: Vec<String> = entries
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".rs"))
        .collect();
    top.sort();
    assert!(
        top.len() <= MAX_GUI_TOP_FILES,
        "src/gui/ holds {} files directly (at most {MAX_GUI_TOP_FILES}); put them in the folder of \
         their concern: {}",
        top.len(),
        top.join(", ")
    );
}

#[test]
fn the_reader_resolves_grouped_imports_reexports_and_paths_in_code() {
    let tree = Tree::from_files(vec![
        ("lib.rs", "pub mod a; pub mod b; mod c;"),
        ("a/mod.rs", "pub mod deep; pub use deep::Thing;"),
        ("a/deep.rs", "pub struct Thing; pub fn f() {}"),
        (
            "b/mod.rs",
            "use crate::{a::{self, Thing as T}, c::*};\n\
             // use crate::c::commented_out;\n\
             fn g() { let s = \"crate::c::in_a_string\"; crate::a::deep::f(); a::deep::f(); }",
        ),
        (
            "c.rs",
            "pub fn h() {}\n#[cfg(test)]\nmod tests { use crate::b::anything; }",
        ),
    ]);
    let edges: BTreeSet<(String, String)> = tree
        .edges
        .iter()
        .map(|e| (tree.files[e.from].clone(), tree.files[e.to].clone()))
        .collect();
    let want: BTreeSet<(String, String)> = [
        ("a/mod.rs", "a/deep.rs"),
        ("b/mod.rs", "a/deep.rs"),
        ("b/mod.rs", "a/mod.rs"),
        ("b/mod.rs", "c.rs"),
    ]
    .iter()
    .map(|(f, t)| (f.to_string(), t.to_string()))
    .collect();
    assert_eq!(edges, want, "{:#?}", tree.edges);
}

#[test]
fn a_cycle_between_sibling_folders_is_reported_with_its_imports() {
    let tree = Tree::from_files(vec![
        ("lib.rs", "pub mod e;"),
        ("e/mod.rs", "pub mod labs; pub mod processes;"),
        ("e/labs/mod.rs", "use crate::e::processes::Group;"),
        (
            "e/processes/mod.rs",
            "pub struct Group;\nfn f() { crate::e::labs::run(); }",
        ),
    ]);
    let cycles = tree.folder_cycles();
    assert_eq!(cycles.len(), 1, "{cycles:#?}");
    let (level, text) = &cycles[0];
    assert_eq!(level, "e/");
    assert!(
        text.contains("in src/e/: labs/ → processes/ → labs/"),
        "{text}"
    );
    assert!(
        text.contains("e/labs/mod.rs:1 `crate::e::processes::Group`"),
        "{text}"
    );
    assert!(
        text.contains("e/processes/mod.rs:2 `crate::e::labs::run`"),
        "{text}"
    );
    let path = tree.dependency_path("e/processes/", "e/labs/");
    assert!(path.is_some_and(|p| p.contains("crate::e::labs::run")));
}

#[test]
fn a_file_on_both_sides_of_a_folder_is_a_cycle_but_files_among_themselves_are_not() {
    let through_folder = Tree::from_files(vec![
        ("lib.rs", "pub mod e;"),
        ("e/mod.rs", "pub mod run; pub mod labs;"),
        ("e/run.rs", "use super::labs::go; pub struct Ctx;"),
        ("e/labs/mod.rs", "use crate::e::run::Ctx; pub fn go() {}"),
    ]);
    assert_eq!(through_folder.folder_cycles().len(), 1);
    let files_only = Tree::from_files(vec![
        ("lib.rs", "pub mod x; pub mod y;"),
        ("x.rs", "use crate::y::Y; pub struct X;"),
        ("y.rs", "use crate::x::X; pub struct Y;"),
    ]);
    assert!(files_only.folder_cycles().is_empty());
}
