#!/usr/bin/env bash
# Pictures of the built-in deck's key steps at 1920x1080 in presentation
# mode, each twice: the question with a room's votes, then the answer the
# run measured. For the README and for looking at the deck as from the back
# of a lecture hall.
#   scripts/deck_shots.sh [OUTDIR] [BINARY]
# Defaults: docs/screenshots/deck, target/release/threadlab. Needs Xvfb.
set -eu
out=${1:-docs/screenshots/deck}; bin=${2:-target/release/threadlab}
[ -x "$bin" ] || { echo "deck_shots: no executable at $bin (build it first)" >&2; exit 2; }
command -v Xvfb >/dev/null || { echo "deck_shots: Xvfb missing (run scripts/setup.sh)" >&2; exit 2; }
mkdir -p "$out"
disp=":$(( 200 + RANDOM % 500 ))"
Xvfb "$disp" -screen 0 1920x1080x24 >/dev/null 2>&1 & xp=$!
data=$(mktemp -d)   # a clean user data folder: no remembered window or scenario
trap 'kill $xp 2>/dev/null; rm -rf "$data"' EXIT
sleep 1
deck=threading-vs-multiprocessing
# step, a name for the files, the room's votes
while read -r step name votes; do
  for phase in ask answer; do
    run=(); [ "$phase" = answer ] && run=(--run)
    env -u WAYLAND_DISPLAY DISPLAY="$disp" XDG_DATA_HOME="$data" XDG_CONFIG_HOME="$data" \
      timeout 300 "$bin" gui --deck "$deck" --step "$step" --votes "$votes" \
      --present --size 1920x1080 "${run[@]}" --screenshot "$out/$name-$phase.png" --exit >/dev/null
    echo "shot $out/$name-$phase.png"
  done
done <<'STEPS'
2 cpu-bound 9,6,5
4 oversubscribed 4,7,9
7 race 8,9,3
11 queue 5,10,5
12 daemon 12,8
STEPS
