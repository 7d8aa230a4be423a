#!/bin/sh
# The Python that `make` builds .venv with: the system's /usr/bin/python3 if it is CPython >= 3.11 and
# can make a venv, else python3 on PATH.
#
# The system interpreter comes before PATH's because distributions compile CPython with
# profile-guided and link-time optimisation and link it statically (Debian: python3.11), while a
# source build such as pyenv's default (./configure --enable-shared, no --enable-optimizations) runs
# raqib's extraction about 12 % slower (BENCHMARKS.md, "Run J"). `make PY=...` overrides all of this.
for py in /usr/bin/python3 python3; do
    command -v "$py" >/dev/null 2>&1 || continue
    if "$py" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11) or sys.implementation.name != "cpython")' \
        >/dev/null 2>&1; then
        echo "$py"
        exit 0
    fi
done
echo "raqib needs CPython >= 3.11 with the venv module (Debian: apt-get install python3-venv)" >&2
echo python3
