#!/usr/bin/env bash
# Smoke check of the window, for CI and for anyone: open threadlab on a preset
# (under Xvfb when there is no display), run the preset, save the window as
# PNG once the run is done, exit; then check that the PNG has the window's
# size and is not blank.
#
#   scripts/smoke_gui.sh                          # cpu-bound, release build
#   scripts/smoke_gui.sh target/debug/threadlab   # another binary (as .ci/run does)
#   PRESET=io-bound OUT=/tmp/shot.png scripts/smoke_gui.sh
#
# Needs: xvfb (xvfb-run), imagemagick (identify); Mesa for software rendering.
set -euo pipefail
cd "$(dirname "$0")/.."

PRESET="${PRESET:-cpu-bound}"
BIN="${1:-${THREADLAB_BIN:-target/release/threadlab}}"
OUT="${OUT:-target/smoke/gui-$PRESET.png}"
SIZE="1280x720"          # the window's size (threadlab::gui::WINDOW_SIZE) at 1 px per point
MIN_COLOURS=64           # a blank or failed window has a handful

if [ ! -x "$BIN" ]; then
    case "$BIN" in
        target/debug/*) cargo build ;;
        *) cargo build --release ;;
    esac
fi
mkdir -p "$(dirname "$OUT")"
rm -f "$OUT"

# X11 only: Wayland would need a compositor; winit wants a runtime dir.
unset WAYLAND_DISPLAY
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
    XDG_RUNTIME_DIR="$(mktemp -d)"
    chmod 700 "$XDG_RUNTIME_DIR"
    export XDG_RUNTIME_DIR
fi

run=("$BIN" gui --preset "$PRESET" --run --screenshot "$OUT" --exit)
if [ -z "${DISPLAY:-}" ]; then
    # -a: pick a free display number; the screen is exactly the window's size.
    timeout 600 xvfb-run -a -s "-screen 0 ${SIZE}x24 -nolisten tcp" "${run[@]}"
else
    timeout 600 "${run[@]}"
fi

fail() { echo "smoke_gui: $*" >&2; exit 1; }
[ -s "$OUT" ] || fail "no screenshot at $OUT"
size="$(identify -format '%wx%h' "$OUT")"
colours="$(identify -format '%k' "$OUT")"
spread="$(identify -format '%[fx:standard_deviation]' "$OUT")"
[ "$size" = "$SIZE" ] || fail "$OUT is $size, the window is $SIZE"
[ "$colours" -ge "$MIN_COLOURS" ] || fail "$OUT has only $colours colours: blank window?"
awk -v s="$spread" 'BEGIN { exit !(s > 0.02) }' || fail "$OUT is almost uniform (deviation $spread)"
echo "smoke_gui: ok: $PRESET, $OUT is $size with $colours colours"
