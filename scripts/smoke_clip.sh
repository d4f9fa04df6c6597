#!/usr/bin/env bash
# Clips from the command line, checked from the outside: a GIF of the race
# at 0.1x (imagemagick counts its frames against the run's length, speed and
# frame rate, and the file must stay small), and, when ffmpeg is installed,
# an MP4 that ffprobe must see as H.264 at the frame rate and length asked;
# and a saved run recorded twice must give the same file, byte for byte.
#
#   scripts/smoke_clip.sh                          # release build
#   scripts/smoke_clip.sh target/debug/threadlab   # another binary (as .ci/run does)
#
# Needs: xvfb (xvfb-run), imagemagick (identify), python3; ffmpeg for the MP4.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${1:-${THREADLAB_BIN:-target/release/threadlab}}"
OUT="${OUT:-target/smoke/clips}"
SPEED=0.1
FPS=30
MAX_BYTES=$((15 * 1024 * 1024))   # a 10-second clip at 1280x720

if [ ! -x "$BIN" ]; then
    case "$BIN" in
        target/debug/*) cargo build ;;
        *) cargo build --release ;;
    esac
fi
rm -rf "$OUT"
mkdir -p "$OUT"

unset WAYLAND_DISPLAY
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
    XDG_RUNTIME_DIR="$(mktemp -d)"
    chmod 700 "$XDG_RUNTIME_DIR"
    export XDG_RUNTIME_DIR
fi
run() {
    if [ -z "${DISPLAY:-}" ]; then
        timeout 900 xvfb-run -a -s "-screen 0 1280x720x24 -nolisten tcp" "$@"
    else
        timeout 900 "$@"
    fi
}
fail() { echo "smoke_clip: $*" >&2; exit 1; }
# The run's wall time, ms, from the summary the window prints with --run --exit.
wall_ms() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["wall_ms"])' "$1"; }
# Frames a clip of `ms` of the run has: one at the start, one per tick after.
expected() { python3 -c 'import sys; ms,s,f=map(float,sys.argv[1:]); print(ms/1000/s*f)' "$1" "$SPEED" "$FPS"; }
within_one() { python3 -c 'import sys; a,b=map(float,sys.argv[1:]); sys.exit(0 if abs(a-b) <= 1.0 + 1e-6 else 1)' "$1" "$2"; }

# The GIF: frame count, size, bytes.
gif="$OUT/race.gif"
run "$BIN" gui --preset race --present --size 1280x720 --run \
    --record "$gif" --speed "$SPEED" --fps "$FPS" --exit > "$OUT/race.json"
[ -s "$gif" ] || fail "no clip at $gif"
frames="$(identify -ping "$gif" | wc -l)"
want="$(expected "$(wall_ms "$OUT/race.json")")"
within_one "$frames" "$want" || fail "$gif has $frames frames; the run's length asks for $want"
size="$(identify -ping -format '%W x %H\n' "$gif" | head -1)"
[ "$size" = "1280 x 720" ] || fail "$gif is $size"
bytes="$(stat -c %s "$gif")"
[ "$bytes" -le "$MAX_BYTES" ] || fail "$gif is $bytes bytes, over 15 MB"
echo "smoke_clip: ok: $gif, $frames frames (expected $want), $bytes bytes"

# A saved run recorded twice gives the same bytes.
run_file="$OUT/race.tlrun"
"$BIN" run race --save "$run_file" > /dev/null
for k in 1 2; do
    run "$BIN" gui --open "$run_file" --size 1280x720 --record "$OUT/again-$k.gif" \
        --speed 1 --fps "$FPS" --exit > /dev/null
done
cmp -s "$OUT/again-1.gif" "$OUT/again-2.gif" || fail "the same saved run recorded twice gave different files"
echo "smoke_clip: ok: $run_file recorded twice, byte for byte the same"

# The MP4, when ffmpeg is there: H.264, the frame rate, the length.
if command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null; then
    mp4="$OUT/race.mp4"
    to_ms=300
    run "$BIN" gui --preset race --size 1280x720 --run \
        --record "$mp4" --speed "$SPEED" --fps "$FPS" --to "$to_ms" --exit > "$OUT/race-mp4.json"
    [ -s "$mp4" ] || fail "no clip at $mp4"
    probe() { ffprobe -v error -select_streams v:0 -show_entries "$1" -of default=nw=1:nk=1 "$mp4"; }
    codec="$(probe stream=codec_name)"
    rate="$(probe stream=r_frame_rate)"
    count="$(probe stream=nb_frames)"
    [ "$codec" = "h264" ] || fail "$mp4 is $codec, not h264"
    [ "$rate" = "$FPS/1" ] || fail "$mp4 plays at $rate, not $FPS/1"
    wall="$(wall_ms "$OUT/race-mp4.json")"
    shown="$(python3 -c 'import sys; print(min(float(sys.argv[1]), float(sys.argv[2])))' "$wall" "$to_ms")"
    want="$(expected "$shown")"
    within_one "$count" "$want" || fail "$mp4 has $count frames; $shown ms at ${SPEED}x asks for $want"
    echo "smoke_clip: ok: $mp4, $codec at $rate, $count frames (expected $want)"
else
    echo "smoke_clip: ffmpeg not installed; MP4 not checked"
fi
