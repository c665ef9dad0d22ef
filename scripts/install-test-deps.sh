#!/usr/bin/env bash
# Debian packages the tests need: real sshd, network namespaces, iptables, QEMU, the
# browser, and what builds the lab VM image (debootstrap into a tree, mkfs.ext4 -d into a
# disk image; see scripts/lab-vm/). Run as root (or with sudo available).
set -euo pipefail
packages=(openssh-server openssh-client iproute2 iptables bridge-utils qemu-system-x86 qemu-utils
  lvm2 busybox-static socat util-linux procps chromium debootstrap e2fsprogs coreutils)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
# The tiny test guest's kernel comes from `apt-get download`, which needs package lists.
if [ ${#missing[@]} -gt 0 ] || ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
  $SUDO apt-get update -q
fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "test dependencies: all installed"
else
  echo "installing: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
