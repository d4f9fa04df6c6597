//! Python source in coloured pieces, for the code panel: keywords, names
//! the standard library gives (`print`, `range`), strings, numbers and
//! comments. A line at a time, which is all the generated programs need
//! (their only multi-line string is the docstring, whose lines are told to
//! the tokenizer as one).

use std::ops::Range;

/// What a piece of a line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    /// `def`, `for`, `with`, …
    Keyword,
    /// `print`, `range`, `len`, … and `True`, `False`, `None`.
    Builtin,
    /// A string (or a line of the docstring).
    Text,
    /// A number.
    Number,
    /// A comment.
    Comment,
    /// Everything else: names, operators, spaces.
    Plain,
}

const KEYWORDS: &[&str] = &[
    "and", "as", "break", "continue", "def", "del", "elif", "else", "except", "finally", "for",
    "from", "global", "if", "import", "in", "is", "lambda", "not", "or", "pass", "raise", "return",
    "try", "while", "with", "yield",
];

const BUILTINS: &[&str] = &[
    "True",
    "False",
    "None",
    "print",
    "range",
    "len",
    "sum",
    "max",
    "min",
    "all",
    "any",
    "next",
    "open",
    "sorted",
    "list",
    "int",
    "bytes",
    "enumerate",
];

/// The pieces of `line`, in order, covering it whole. `in_docstring` says
/// whether the line is inside a triple-quoted string that began earlier;
/// the second value says whether the string goes on after this line.
pub fn tokens(line: &str, in_docstring: bool) -> (Vec<(Range<usize>, Token)>, bool) {
    let mut out = Vec::new();
    let b = line.as_bytes();
    let mut i = 0;
    let mut open = in_docstring;
    if open {
        match line.find("\"\"\"") {
            Some(end) => {
                out.push((0..end + 3, Token::Text));
                i = end + 3;
                open = false;
            }
            None => return (vec![(0..line.len(), Token::Text)], true),
        }
    }
    while i < b.len() {
        let c = b[i];
        let start = i;
        let token = if c == b'#' {
            i = b.len();
            Token::Comment
        } else if line[i..].starts_with("\"\"\"") {
            match line[i + 3..].find("\"\"\"") {
                Some(end) => i += end + 6,
                None => {
                    i = b.len();
                    open = true;
                }
            }
            Token::Text
        } else if c == b'"' || c == b'\'' {
            i += 1;
            while i < b.len() && b[i] != c {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(b.len());
            Token::Text
        } else if c == b'f' && i + 1 < b.len() && (b[i + 1] == b'"' || b[i + 1] == b'\'') {
            // An f-string: the prefix and the string as one piece.
            let quote = b[i + 1];
            i += 2;
            while i < b.len() && b[i] != quote {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(b.len());
            Token::Text
        } else if c.is_ascii_digit() {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.') {
                i += 1;
            }
            Token::Number
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            let word = &line[start..i];
            if KEYWORDS.contains(&word) {
                Token::Keyword
            } else if BUILTINS.contains(&word) {
                Token::Builtin
            } else {
                Token::Plain
            }
        } else {
            // Anything else up to the next piece that starts differently.
            i += line[i..].chars().next().map_or(1, char::len_utf8);
            Token::Plain
        };
        match out.last_mut() {
            Some((r, Token::Plain)) if token == Token::Plain && r.end == start => r.end = i,
            _ => out.push((start..i, token)),
        }
    }
    (out, open)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &str) -> Vec<(&str, Token)> {
        tokens(line, false)
            .0
            .into_iter()
            .map(|(r, t)| (&line[r], t))
            .collect()
    }

    #[test]
    fn keywords_strings_numbers_and_comments() {
        let k = kinds("    for i in range(10):  # ten");
        assert!(k.contains(&("for", Token::Keyword)));
        assert!(k.contains(&("in", Token::Keyword)));
        assert!(k.contains(&("range", Token::Builtin)));
        assert!(k.contains(&("10", Token::Number)));
        assert!(k.contains(&("# ten", Token::Comment)));
        let s = kinds("print(f\"{n} done\", 'x')");
        assert!(s.contains(&("f\"{n} done\"", Token::Text)));
        assert!(s.contains(&("'x'", Token::Text)));
    }

    #[test]
    fn pieces_cover_the_line_and_a_docstring_spans_lines() {
        let line = "x = counter + one()  # read, call, write";
        let (pieces, open) = tokens(line, false);
        assert!(!open);
        assert_eq!(pieces.first().unwrap().0.start, 0);
        assert_eq!(pieces.last().unwrap().0.end, line.len());
        assert!(pieces.windows(2).all(|w| w[0].0.end == w[1].0.start));
        let (_, open) = tokens("\"\"\"race: two threads", false);
        assert!(open);
        let (inside, open) = tokens("still the docstring", true);
        assert!(open && inside == vec![(0..19, Token::Text)]);
        let (_, open) = tokens("\"\"\"", true);
        assert!(!open);
    }
}
