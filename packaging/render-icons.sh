#!/usr/bin/env bash
# Renders the app icon (assets/icon/threadlab.svg) into the hicolor PNG sizes
# that desktops look up, under packaging/linux/icons/. The PNGs are committed,
# so CI and packagers need no SVG renderer: run this only after editing the SVG.
# Needs rsvg-convert (Debian: apt-get install librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/.."

app_id="io.github.threadlab.Threadlab"
svg="assets/icon/threadlab.svg"
out="packaging/linux/icons/hicolor"

command -v rsvg-convert >/dev/null || {
  echo "render-icons: rsvg-convert not found (apt-get install librsvg2-bin)" >&2
  exit 1
}

for size in 16 32 48 64 128 256 512; do
  dir="$out/${size}x${size}/apps"
  mkdir -p "$dir"
  rsvg-convert --width "$size" --height "$size" "$svg" --output "$dir/$app_id.png"
  echo "render-icons: $dir/$app_id.png"
done
