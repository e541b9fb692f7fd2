#!/bin/bash
# tests/container/arm64-base.sh: make podman able to build and run linux/arm64 images on this x86_64 machine.
#
#   1. qemu-user-static (Debian's) and a binfmt_misc registration of qemu-aarch64 with the F flag, so the kernel
#      runs arm64 ELF binaries through the emulator in any mount namespace, containers included.
#   2. An arm64 debian:bookworm-slim base, tagged $ARM64_BASE (default localhost/debian-arm64:bookworm-slim):
#      debootstrap --foreign of Debian's arm64 packages, the second stage run under QEMU, slimmed the way
#      ../shared/tools/podman-offline slims the amd64 one, imported with --arch arm64. Done once, then cached.
#
# Needs root (binfmt_misc, debootstrap). Prints the base image's name on its last line.
set -euo pipefail

ARM64_BASE=${ARM64_BASE:-localhost/debian-arm64:bookworm-slim}

need=()
command -v qemu-aarch64-static >/dev/null 2>&1 || need+=(qemu-user-static)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
if [ "${#need[@]}" -ne 0 ]; then
  echo "arm64-base: installing ${need[*]} ..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

binfmt=/proc/sys/fs/binfmt_misc
[ -e "$binfmt/register" ] || mount -t binfmt_misc binfmt_misc "$binfmt"
if [ ! -e "$binfmt/qemu-aarch64" ]; then
  # Debian's own registration line (the package installs it for systemd-binfmt, which does not run here).
  conf=/usr/lib/binfmt.d/qemu-aarch64.conf
  [ -f "$conf" ] || { echo "arm64-base: $conf missing (qemu-user-static)" >&2; exit 1; }
  grep -v '^#' "$conf" | head -n1 >"$binfmt/register"
fi
grep -q '^enabled' "$binfmt/qemu-aarch64" || { echo "arm64-base: qemu-aarch64 binfmt is not enabled" >&2; exit 1; }
grep -q '^flags: .*F' "$binfmt/qemu-aarch64" ||
  echo "arm64-base: warning: qemu-aarch64 is registered without the F flag; containers may not find the emulator" >&2

if podman image exists "$ARM64_BASE" 2>/dev/null; then
  echo "$ARM64_BASE"
  exit 0
fi

mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || { echo "arm64-base: cannot find the Debian mirror in apt's sources" >&2; exit 1; }
security=${mirror%/debian}/debian-security
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
echo "arm64-base: debootstrap of arm64 bookworm (the second stage runs under QEMU: a few minutes) ..." >&2
if ! debootstrap --arch=arm64 --foreign --variant=minbase bookworm "$root" "$mirror" >"$work/log" 2>&1 ||
  ! chroot "$root" /debootstrap/debootstrap --second-stage >>"$work/log" 2>&1; then
  tail -n 30 "$work/log" >&2
  exit 1
fi
printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
  'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' 'path-exclude /usr/share/locale/*' \
  'path-include /usr/share/locale/locale.alias' >"$root/etc/dpkg/dpkg.cfg.d/docker"
printf '%s\n' 'Dir::Cache::pkgcache "";' 'Dir::Cache::srcpkgcache "";' 'Acquire::Languages "none";' \
  >"$root/etc/apt/apt.conf.d/docker-clean"
rm -f "$root/etc/apt/sources.list"
cat >"$root/etc/apt/sources.list.d/debian.sources" <<SRC
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} + 2>/dev/null || true
rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin \
  "$root"/var/cache/apt/archives/*.deb "$root"/var/log/*.log "$root"/var/log/apt/* "$root"/tmp/* "$root/debootstrap"
: >"$root/etc/resolv.conf"
: >"$root/etc/hostname"
: >"$root/etc/machine-id"
tar --numeric-owner -C "$root" -c . |
  podman import --arch arm64 --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$ARM64_BASE" >/dev/null
echo "$ARM64_BASE"
