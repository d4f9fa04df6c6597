#!/usr/bin/env bash
# Installs the system packages threadlab needs on Debian or Ubuntu, beyond Rust:
# the run-time graphics libraries the window loads (X11, Wayland, Vulkan, GL),
# Mesa's software renderers (so it runs and its UI tests render with no GPU),
# python3 for the CPython lens and its tests (unless a python3 is already on
# PATH, from pyenv say), and the tools the checks use (Xvfb, imagemagick,
# xdotool, desktop-file-utils, appstream, GNU time), and ffmpeg for MP4 and
# WebM clips. Safe to run again. Needs
# root (or sudo).
set -euo pipefail

packages=(
  # run time: the window (winit + wgpu load these at run time)
  libx11-6 libx11-xcb1 libxcursor1 libxrandr2 libxi6 libxkbcommon0 libxkbcommon-x11-0
  libwayland-client0 libwayland-cursor0 libwayland-egl1
  libvulkan1 mesa-vulkan-drivers libegl1 libgl1 libgl1-mesa-dri
  # headless checks: a virtual display, screenshots, clicks
  xvfb x11-apps xauth imagemagick xdotool
  # packaging checks
  desktop-file-utils appstream
  # peak memory of a run (/usr/bin/time -v), for BENCHMARKS.md
  time
  # clips as MP4 and WebM (the window pipes raw frames to it); ffprobe checks them
  ffmpeg
)

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi

# The CPython lens runs the experiments in the python3 on PATH: any will do.
if ! command -v python3 >/dev/null 2>&1; then
  packages+=(python3)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: all system packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
