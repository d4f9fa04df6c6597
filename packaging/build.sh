#!/usr/bin/env bash
# Builds what we hand to users, into dist/ (gitignored):
#   - threadlab_<version>-1_amd64.deb            (cargo-deb; Cargo.toml has its metadata)
#   - threadlab-<version>-<arch>-linux.tar.gz    (portable: no installer, no root)
#   - SHA256SUMS
# The tarball mirrors an install prefix (bin/, share/), so
#   tar -xzf threadlab-*.tar.gz --strip-components=1 -C ~/.local
# puts the binary, the desktop entry and the icons where desktops look.
# Needs cargo-deb (packaging/check.sh installs the pinned version).
set -euo pipefail
cd "$(dirname "$0")/.."

app_id="io.github.threadlab.Threadlab"
dist="dist"

command -v cargo-deb >/dev/null || {
  echo "build: cargo-deb not found; run: cargo install cargo-deb --version 3.8.0 --locked" >&2
  exit 1
}

# "path+file:///…#threadlab@0.1.0" (or "…#0.1.0"): keep what follows the last # or @.
version="$(cargo pkgid --quiet | sed 's/.*[#@]//')"
arch="$(uname -m)"
name="threadlab-$version-$arch-linux"

mkdir -p "$dist"

# The dist profile (Cargo.toml): the release profile with fat LTO and one
# codegen unit, for the smallest binary; slow to build, so only done here.
profile="${PACKAGING_PROFILE:-dist}"
echo "build: .deb ($profile profile; a build from scratch takes a long time, see BENCHMARKS.md)"
# The same build serves the tarball below: target/$profile/threadlab.
# (cargo-deb reads "target/release/" in the asset list as the profile's folder.)
deb="$(cargo deb --locked --profile "$profile" --output "$dist/" | tail -n 1)"
[ -f "$deb" ] || {
  echo "build: cargo deb did not produce a package (got '$deb')" >&2
  exit 1
}

echo "build: $name.tar.gz"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
root="$stage/$name"
install -Dm755 "target/$profile/threadlab" "$root/bin/threadlab"
install -Dm644 "packaging/linux/$app_id.desktop" "$root/share/applications/$app_id.desktop"
install -Dm644 "packaging/linux/$app_id.metainfo.xml" "$root/share/metainfo/$app_id.metainfo.xml"
install -Dm644 assets/icon/threadlab.svg "$root/share/icons/hicolor/scalable/apps/$app_id.svg"
for png in packaging/linux/icons/hicolor/*/apps/"$app_id".png; do
  # packaging/linux/icons/hicolor/<size>/apps/<id>.png -> share/icons/hicolor/<size>/apps/<id>.png
  install -Dm644 "$png" "$root/share/icons/${png#packaging/linux/icons/}"
done
# Nothing at the top level but bin/ and share/: unpacking into ~/.local must
# not scatter a README and licences there.
install -Dm644 README.md LICENSE-MIT LICENSE-APACHE -t "$root/share/doc/threadlab/"

# Same bytes for the same inputs: fixed order, owner and times.
mtime="@$(git log -1 --format=%ct 2>/dev/null || date +%s)"
# (gzip -n: no timestamp in the gzip header either.)
tar --create --directory "$stage" \
  --sort=name --owner=0 --group=0 --numeric-owner --mtime="$mtime" "$name" |
  gzip -9n >"$dist/$name.tar.gz"

(cd "$dist" && sha256sum -- "$(basename "$deb")" "$name.tar.gz" >SHA256SUMS)

echo "build: done"
ls -l "$dist"
