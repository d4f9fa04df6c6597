#!/usr/bin/env bash
# Time from exec to the window's first painted frame, for BENCHMARKS.md.
#   bash packaging/first-frame.sh [BINARY] [RUNS]     (default: target/release/threadlab, 7)
# Needs a display: a desktop, or a virtual one (Xvfb :99 & DISPLAY=:99 ...).
# The window, started with THREADLAB_FIRST_FRAME=1, asks for the pixels of its
# first frame, prints the wall clock when they have been read back from the
# GPU, and closes (src/gui/present/first_frame.rs). The clock is noted here just
# before exec, so the figure covers everything a user waits for: loading the
# binary and its libraries, the window, the GPU adapter, the first layout and
# paint. Prints each run and the median, in milliseconds.
set -euo pipefail
bin="${1:-target/release/threadlab}"
runs="${2:-7}"
[ -x "$bin" ] || { echo "first-frame: no executable at $bin" >&2; exit 1; }
[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || { echo "first-frame: no display (set DISPLAY)" >&2; exit 1; }

times=()
for ((i = 1; i <= runs; i++)); do
  start="$(date +%s%N)"
  line="$(THREADLAB_FIRST_FRAME=1 timeout 120 "$bin" gui 2>/dev/null | grep '^first-frame:' || true)"
  [ -n "$line" ] || { echo "first-frame: run $i printed nothing" >&2; exit 1; }
  painted="$(sed 's/.*unix_ns=\([0-9]*\).*/\1/' <<<"$line")"
  ms=$(((painted - start) / 1000000))
  times+=("$ms")
  echo "run $i: ${ms} ms  ($line)"
done
median="$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')"
echo "median of $runs: ${median} ms (load: $(cut -d' ' -f1-3 /proc/loadavg))"
