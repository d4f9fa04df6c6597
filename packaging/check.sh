#!/usr/bin/env bash
# The packaging check CI runs (.ci/run calls it after the tests), and anyone
# can run locally as root on Debian 12 (it installs and removes a package):
#   1. the desktop entry and the AppStream metainfo pass their validators;
#   2. cargo-deb builds the .deb, and its contents pass appstreamcli
#      validate-tree (metainfo, desktop entry and icons agree);
#   3. the .deb installs with dpkg (apt-get pulls in missing dependencies),
#      `/usr/bin/threadlab list` runs from the installed path and lists the
#      presets, the desktop files land where desktops look for them;
#   4. the package is removed again, so the machine is left as it was.
# desktop-file-utils and appstream come from scripts/setup.sh.
#
# Which build goes into the .deb: PACKAGING_PROFILE, "dev" unless set.
# An optimised build costs a full second build of every dependency (see
# BENCHMARKS.md: tens of minutes on a busy 2-core machine), more than CI can
# spare. So by default the .deb carries the dev binary that `cargo test` has
# just built in CI (the integration tests run it), packaged as is with
# --no-build: no extra compile. What this checks (the package's layout,
# dependencies, install, the installed binary running) is the same for every
# profile; packaging/build.sh builds the "dist" one (fat LTO) it ships.
# To check that one too:  PACKAGING_PROFILE=dist bash packaging/check.sh
set -euo pipefail
cd "$(dirname "$0")/.."

app_id="io.github.threadlab.Threadlab"
profile="${PACKAGING_PROFILE:-dev}"
# A cargo-deb release known to build with our Rust (1.95; it needs 1.85+).
# Pinned, with --locked, so CI does not break when a new release needs more.
cargo_deb_version="3.8.0"

step() { printf '\n-- packaging: %s\n' "$*"; }
fail() {
  echo "packaging: FAILED: $*" >&2
  exit 1
}

if [ "$(id -u)" -eq 0 ]; then
  sudo=""
else
  sudo="sudo"
fi

step "validate the desktop entry"
desktop-file-validate "packaging/linux/$app_id.desktop"

step "validate the AppStream metainfo"
# --no-net: CI has no general network, and the screenshot URL is checked
# by hand when the screenshot is published.
appstreamcli validate --no-net "packaging/linux/$app_id.metainfo.xml"

step "cargo-deb $cargo_deb_version"
if ! cargo deb --version 2>/dev/null | grep -qF "$cargo_deb_version"; then
  # About 3 minutes on 2 cores; cached in ~/.cargo/bin after the first run.
  cargo install cargo-deb --version "$cargo_deb_version" --locked
fi
cargo deb --version

step "build the .deb ($profile profile)"
# --locked: built from the committed Cargo.lock, as shipped.
# The build log goes to stderr (shown); cargo deb prints the path of the
# package it wrote on stdout.
if [ "$profile" = dev ]; then
  # The binary exactly as the tests build it (their dev-dependencies change
  # the features of shared crates, so a plain `cargo build` would compile the
  # window's dependencies a second time). A no-op right after `cargo test`.
  cargo test --locked --no-run
  # cargo-deb warns that the dev profile is meant for releases only; it
  # packages it all the same, and the pinned version keeps it that way.
  deb="$(cargo deb --locked --profile dev --no-build | tail -n 1)"
else
  deb="$(cargo deb --locked --profile "$profile" | tail -n 1)"
fi
[ -f "$deb" ] || fail "cargo deb did not produce a package (got '$deb')"
echo "built $deb ($(du -h "$deb" | cut -f1))"
dpkg-deb --info "$deb" | sed -n '/Package:/,$p'

step "validate the package's contents as installed files"
# validate-tree reads usr/share/{metainfo,applications,icons} together, so it
# catches an icon or desktop entry the metainfo names but the .deb lacks.
unpacked="$(mktemp -d)"
dpkg-deb --extract "$deb" "$unpacked"
appstreamcli validate-tree --no-net "$unpacked"
rm -rf "$unpacked"

# Leave the machine clean on every path, even if a check below fails.
installed=0
cleanup() {
  if [ "$installed" -eq 1 ]; then
    step "remove the package"
    $sudo dpkg -r threadlab >/dev/null || echo "packaging: could not remove threadlab" >&2
  fi
}
trap cleanup EXIT

step "install the .deb with dpkg"
if dpkg-query -W -f='${Status}' threadlab 2>/dev/null | grep -q "install ok installed"; then
  fail "a threadlab package is already installed here; remove it first (dpkg -r threadlab)"
fi
installed=1
export DEBIAN_FRONTEND=noninteractive
if ! $sudo dpkg -i "$deb"; then
  # dpkg does not fetch dependencies; apt-get does, and finishes the install
  # (after refreshing its package lists, which a fresh machine may lack).
  $sudo apt-get update -qq
  $sudo apt-get install -f -y -qq --no-install-recommends
fi
dpkg-query -W -f='${Status}\n' threadlab | grep -q "install ok installed" ||
  fail "threadlab is not installed after dpkg -i"

step "run threadlab from the installed path"
# Absolute path: prove the packaged binary runs, not target/ or ~/.cargo/bin.
listing="$(/usr/bin/threadlab list)"
echo "$listing"
grep -q '^cpu-bound ' <<<"$listing" || fail "'threadlab list' does not list cpu-bound"

step "check the installed desktop files"
for f in \
  "/usr/share/applications/$app_id.desktop" \
  "/usr/share/metainfo/$app_id.metainfo.xml" \
  "/usr/share/icons/hicolor/scalable/apps/$app_id.svg" \
  "/usr/share/icons/hicolor/16x16/apps/$app_id.png" \
  "/usr/share/icons/hicolor/256x256/apps/$app_id.png" \
  "/usr/share/icons/hicolor/512x512/apps/$app_id.png" \
  /usr/share/doc/threadlab/copyright; do
  [ -f "$f" ] || fail "missing after install: $f"
done
desktop-file-validate "/usr/share/applications/$app_id.desktop"
# The entry's Exec must name a program on PATH: the one we installed.
[ "$(command -v threadlab)" = /usr/bin/threadlab ] ||
  echo "packaging: note: 'threadlab' on PATH is $(command -v threadlab), not /usr/bin/threadlab"

step "ok"
