#!/bin/sh
# Installs the Debian packages umath-linalg needs; does nothing when all are present.
# Called by `make deps` (and so by make, make test and make demo).
set -e
PKGS="build-essential pkg-config libopenblas-dev liblapacke-dev libffi-dev
python3 python3-dev python3-numpy python3-cffi python3-pytest python3-setuptools
python3-exceptiongroup python3-tomli python3-matplotlib python3-threadpoolctl
pypy3 pypy3-dev libeigen3-dev clang python3-dask python3-distributed
valgrind libclang-rt-14-dev"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "make deps: installing$missing"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
