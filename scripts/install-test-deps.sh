#!/usr/bin/env bash
# Debian packages the tests need: real sshd, network namespaces, iptables, QEMU, the
# browser, and what builds the lab VM image (debootstrap into a tree, mkfs.ext4 -d into a
# disk image; see scripts/lab-vm/). Run as root (or with sudo available).
# The list is scripts/test-deps/commands.tsv (command -> package): every command a test, a
# script or the product calls. After installing, each command must resolve, so a machine
# that lacks one fails here with its name instead of deep inside a test.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
table="$here/test-deps/commands.tsv"
mapfile -t packages < <(grep -v '^#' "$table" | awk -F'\t' 'NF == 2 && $2 != "preinstalled" && $2 != "lab-vm" { print $2 }' | sort -u)
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

absent=()
while IFS=$'\t' read -r cmd pkg; do
  case "$cmd" in ''|'#'*) continue ;; esac
  [ "$pkg" = "lab-vm" ] && continue
  PATH="$PATH:/usr/sbin:/sbin" command -v "$cmd" >/dev/null 2>&1 || absent+=("$cmd ($pkg)")
done < "$table"
if [ ${#absent[@]} -gt 0 ]; then
  echo "missing commands after install: ${absent[*]}" >&2
  exit 1
fi
echo "test commands: all ${#packages[@]} packages present, every command resolves"
