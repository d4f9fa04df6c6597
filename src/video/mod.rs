//! Clips of a run for slides: frames in, a GIF, MP4 or WebM out.
//!
//! The window draws a finished run's replay offline, one frame per tick of
//! a fixed frame rate (`gui::app::offline`), and hands each frame's pixels
//! here. Nothing here knows the window or the run: it turns frames into a
//! file.
//!
//! - [`options`]: which format a path asks for, and the clip's timing (the
//!   frames' moments of the run for a speed, a frame rate and a range),
//!   checked before anything is drawn.
//! - [`palette`] and [`gif`]: the built-in GIF writer. Its palette holds the
//!   state colours exactly, and each frame stores only what changed.
//! - [`ffmpeg`]: MP4 (H.264) and WebM (VP9) through an `ffmpeg` on PATH,
//!   fed raw frames through a pipe.
//! - [`clip`]: one writer for any format, into a temporary file beside the
//!   target that is renamed into place only when the clip is complete, so a
//!   cancelled or failed recording leaves nothing behind.
//!
//! The same frames and options give the same file, byte for byte: the GIF
//! writer has no clock and no randomness, and ffmpeg is asked for bit-exact
//! output.

pub mod clip;
pub mod ffmpeg;
pub mod gif;
pub mod options;
pub mod palette;

pub use clip::{ClipTarget, ClipWriter, VideoError};
pub use options::{ClipTiming, FPS_MAX, FPS_MIN, Format, SPEED_MAX, SPEED_MIN};
