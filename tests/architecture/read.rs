//! Reading Rust source as text, just enough to find its imports: a lexer
//! that drops comments, strings and char literals, and a scanner for `use`
//! trees, paths in code, inline modules and `#[cfg(test)]` items.

/// A `use` leaf: `path` brought in as `alias`, or all of `path` (`glob`).
#[derive(Clone, Debug)]
pub struct Import {
    pub path: Vec<String>,
    pub alias: Option<String>,
    pub glob: bool,
}

pub struct Token {
    text: String,
    line: usize,
}

fn is_ident(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// Identifiers and punctuation with their lines (`::` as one token);
/// comments, strings and char literals are dropped.
pub fn lex(src: &str) -> Vec<Token> {
    let c: Vec<char> = src.chars().collect();
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    let (mut i, mut line, mut out) = (0, 1, Vec::new());
    while i < c.len() {
        match c[i] {
            '\n' => (line, i) = (line + 1, i + 1),
            ch if ch.is_whitespace() => i += 1,
            '/' if at(i + 1) == '/' => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            '/' if at(i + 1) == '*' => {
                let mut depth = 0;
                while i < c.len() {
                    match (c[i], at(i + 1)) {
                        ('/', '*') => (depth, i) = (depth + 1, i + 2),
                        ('*', '/') => (depth, i) = (depth - 1, i + 2),
                        ('\n', _) => (line, i) = (line + 1, i + 1),
                        _ => i += 1,
                    }
                    if depth == 0 {
                        break;
                    }
                }
            }
            '"' => i = skip_string(&c, i + 1, None, &mut line),
            '\'' if at(i + 1) == '\\' => {
                i += 3;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            }
            '\'' if at(i + 2) == '\'' => i += 3,
            // A lifetime or a label: its name lexes as a harmless word.
            '\'' => i += 1,
            ch if ch.is_alphanumeric() || ch == '_' => {
                let start = i;
                while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                    i += 1;
                }
                let word: String = c[start..i].iter().collect();
                if matches!(word.as_str(), "r" | "br" | "cr") && matches!(at(i), '"' | '#') {
                    let hashes = c[i..].iter().take_while(|&&h| h == '#').count();
                    if at(i + hashes) == '"' {
                        i = skip_string(&c, i + hashes + 1, Some(hashes), &mut line);
                        continue;
                    }
                    if word == "r" && hashes == 1 {
                        // A raw identifier, `r#type`: lex the name next round.
                        i += 1;
                        continue;
                    }
                }
                out.push(Token { text: word, line });
            }
            ':' if at(i + 1) == ':' => {
                out.push(Token {
                    text: "::".into(),
                    line,
                });
                i += 2;
            }
            ch => {
                out.push(Token {
                    text: ch.to_string(),
                    line,
                });
                i += 1;
            }
        }
    }
    out
}

/// Skips a string body from `i` (just after the quote); `raw` gives the
/// number of `#` of a raw string, which has no escapes. Returns the index
/// after the closing quote.
fn skip_string(c: &[char], mut i: usize, raw: Option<usize>, line: &mut usize) -> usize {
    let hashes = raw.unwrap_or(0);
    while i < c.len() {
        match c[i] {
            '\n' => *line += 1,
            '\\' if raw.is_none() => {
                if c.get(i + 1) == Some(&'\n') {
                    *line += 1;
                }
                i += 1;
            }
            '"' if c[i + 1..]
                .iter()
                .take(hashes)
                .filter(|&&h| h == '#')
                .count()
                == hashes =>
            {
                return i + 1 + hashes;
            }
            _ => {}
        }
        i += 1;
    }
    i
}

/// What one file says about modules and names.
#[derive(Default)]
pub struct Scan {
    /// Per module (inline ones apart), its imports.
    pub imports: Vec<(Vec<String>, Vec<Import>)>,
    /// (module, line, path) of every `use` leaf and path in code.
    pub refs: Vec<(Vec<String>, usize, Vec<String>)>,
    /// `mod x { }` blocks, as module paths.
    pub inline_modules: Vec<Vec<String>>,
    /// Modules behind `#[cfg(test)]` declared as `mod x;` (whole files).
    pub test_modules: Vec<Vec<String>>,
}

pub fn scan(toks: &[Token], file_module: &[String]) -> Scan {
    let text = |i: usize| toks.get(i).map_or("", |t| t.text.as_str());
    let mut out = Scan::default();
    // One entry per open brace: the inline module it opens, if any.
    let mut braces: Vec<Option<String>> = Vec::new();
    let module_at = |braces: &[Option<String>]| -> Vec<String> {
        let inner = braces.iter().flatten().cloned();
        file_module.iter().cloned().chain(inner).collect()
    };
    let mut i = 0;
    while i < toks.len() {
        match text(i) {
            "#" if text(i + 1) == "[" => {
                let end = matching(toks, i + 1);
                let attr: Vec<&str> = (i + 2..end).map(text).collect();
                let test_only = attr.first() == Some(&"cfg")
                    && attr.contains(&"test")
                    && !attr.contains(&"not");
                i = end + 1;
                if test_only {
                    let (after, module) = skip_item(toks, i);
                    if let Some(name) = module {
                        let mut m = module_at(&braces);
                        m.push(name);
                        out.test_modules.push(m);
                    }
                    i = after;
                }
            }
            "use" => {
                let mut leaves = Vec::new();
                i += 1;
                use_tree(toks, &mut i, Vec::new(), &mut leaves);
                while i < toks.len() && text(i) != ";" {
                    i += 1;
                }
                let module = module_at(&braces);
                for (import, line) in &leaves {
                    out.refs.push((module.clone(), *line, import.path.clone()));
                }
                out.imports
                    .push((module, leaves.into_iter().map(|(im, _)| im).collect()));
            }
            "{" => {
                let opens = (i >= 2 && text(i - 2) == "mod").then(|| text(i - 1).to_owned());
                if let Some(name) = &opens {
                    let mut m = module_at(&braces);
                    m.push(name.clone());
                    out.inline_modules.push(m);
                }
                braces.push(opens);
                i += 1;
            }
            "}" => {
                braces.pop();
                i += 1;
            }
            t if is_ident(t)
                && text(i + 1) == "::"
                && is_ident(text(i + 2))
                && !matches!(text(i.wrapping_sub(1)), "::" | "$") =>
            {
                let line = toks[i].line;
                let mut path = vec![t.to_owned()];
                i += 1;
                while text(i) == "::" && is_ident(text(i + 1)) {
                    path.push(text(i + 1).to_owned());
                    i += 2;
                }
                out.refs.push((module_at(&braces), line, path));
            }
            _ => i += 1,
        }
    }
    out
}

/// The index of the bracket closing the one at `open`.
fn matching(toks: &[Token], open: usize) -> usize {
    let mut depth = 0i32;
    for (i, t) in toks.iter().enumerate().skip(open) {
        match t.text.as_str() {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            return i;
        }
    }
    toks.len()
}

/// Skips one item (its further attributes too); returns the index after it,
/// and its name when it is `mod name;` (a whole file behind the cfg).
fn skip_item(toks: &[Token], mut i: usize) -> (usize, Option<String>) {
    while toks.get(i).is_some_and(|t| t.text == "#") {
        i = matching(toks, i + 1) + 1;
    }
    let start = i;
    while i < toks.len() {
        match toks[i].text.as_str() {
            ";" => {
                let words: Vec<&str> = toks[start..i].iter().map(|t| t.text.as_str()).collect();
                let module = match words.as_slice() {
                    [.., "mod", name] => Some((*name).to_owned()),
                    _ => None,
                };
                return (i + 1, module);
            }
            "(" | "[" | "{" => {
                let close = matching(toks, i);
                if toks[i].text == "{" {
                    return (close + 1, None);
                }
                i = close + 1;
            }
            _ => i += 1,
        }
    }
    (i, None)
}

/// Reads one use tree from `i` into `out` as (import, line) leaves.
fn use_tree(toks: &[Token], i: &mut usize, mut path: Vec<String>, out: &mut Vec<(Import, usize)>) {
    let text = |i: usize| toks.get(i).map_or("", |t| t.text.as_str());
    while *i < toks.len() {
        match text(*i) {
            "::" => *i += 1,
            "*" => {
                *i += 1;
                let line = toks[*i - 1].line;
                out.push((
                    Import {
                        path,
                        alias: None,
                        glob: true,
                    },
                    line,
                ));
                return;
            }
            "{" => {
                *i += 1;
                while *i < toks.len() && text(*i) != "}" {
                    let before = *i;
                    use_tree(toks, i, path.clone(), out);
                    if text(*i) == "," || *i == before {
                        *i += 1;
                    }
                }
                *i += 1;
                return;
            }
            t if is_ident(t) => {
                let line = toks[*i].line;
                path.push(t.to_owned());
                *i += 1;
                if text(*i) == "::" {
                    continue;
                }
                let mut alias = path.last().cloned();
                if text(*i) == "as" {
                    alias = Some(text(*i + 1).to_owned());
                    *i += 2;
                }
                if path.last().is_some_and(|s| s == "self") {
                    path.pop();
                    if alias.as_deref() == Some("self") {
                        alias = path.last().cloned();
                    }
                }
                let alias = alias.filter(|a| a != "_");
                out.push((
                    Import {
                        path,
                        alias,
                        glob: false,
                    },
                    line,
                ));
                return;
            }
            _ => return,
        }
    }
}
