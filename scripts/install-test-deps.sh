#!/usr/bin/env bash
# Debian packages the tests need: real sshd, network namespaces, iptables, QEMU and the
# browser. Run as root (or with sudo available).
set -euo pipefail
packages=(openssh-server openssh-client iproute2 iptables bridge-utils qemu-system-x86 qemu-utils
  lvm2 busybox-static socat util-linux procps chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "test dependencies: all installed"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing: ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
