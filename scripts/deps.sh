#!/usr/bin/env bash
# Installs the Debian packages lockstep needs, if any is missing.
set -euo pipefail
pkgs=(qemu-user libunicorn-dev gcc gdbserver pkg-config valgrind)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "lockstep: missing packages: ${missing[*]}" >&2
  echo "lockstep: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "lockstep: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
