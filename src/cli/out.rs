//! Writing to the terminal, or to whatever stdout and stderr are: a pipe that
//! its reader closed (`| head`), a full device (`> /dev/full`), nothing at
//! all (`2>&-`). `print!` panics on each of these; here a closed pipe ends
//! the output quietly, as `head` expects, and any other failure becomes one
//! line naming stdout, and exit code 1.

use std::io::{self, Write};

/// Why stdout could not take the output.
#[derive(Debug, thiserror::Error)]
#[error("writing to stdout: {0}")]
pub struct StdoutError(#[source] pub io::Error);

/// Whether stdout still has a reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    /// Everything was written.
    Listening,
    /// The reader closed the pipe: stop writing, end quietly.
    Gone,
}

/// Writes `text` to stdout and flushes it.
pub fn stdout(text: &str) -> Result<Reader, StdoutError> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(Reader::Listening),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(Reader::Gone),
        Err(e) => Err(StdoutError(e)),
    }
}

/// Whether stdout is a pipe whose reader has gone, asked without writing
/// anything: a long command whose table comes at its end can stop early.
#[cfg(unix)]
pub fn reader_gone() -> bool {
    let mut fd = libc::pollfd {
        fd: libc::STDOUT_FILENO,
        events: libc::POLLOUT,
        revents: 0,
    };
    // SAFETY: one valid pollfd, a timeout of 0: it only asks.
    let ready = unsafe { libc::poll(&mut fd, 1, 0) };
    ready > 0 && fd.revents & (libc::POLLERR | libc::POLLHUP) != 0
}

/// Whether stdout's reader has gone (not known here: no).
#[cfg(not(unix))]
pub fn reader_gone() -> bool {
    false
}

/// Writes one line to stderr, prefixed with `threadlab: `. Never fails: a
/// closed stderr has no one to tell.
pub fn warn(line: &str) {
    let _ = writeln!(io::stderr().lock(), "threadlab: {line}");
}

/// The error and its causes in one line, each said once: an error whose
/// text already holds its source's (thiserror's `{0}` beside `#[from]`)
/// would otherwise repeat it ("not a frame: not a frame").
pub fn one_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line.replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("worker process: {0}")]
    struct Outer(#[from] Inner);

    #[derive(Debug, thiserror::Error)]
    #[error("not a threadlab frame")]
    struct Inner;

    #[test]
    fn a_cause_already_in_the_message_is_not_repeated() {
        let err = anyhow::Error::from(Outer(Inner));
        assert_eq!(one_line(&err), "worker process: not a threadlab frame");
        let err = anyhow::Error::from(Inner).context("writing the trace to t.json");
        assert_eq!(
            one_line(&err),
            "writing the trace to t.json: not a threadlab frame"
        );
    }
}
