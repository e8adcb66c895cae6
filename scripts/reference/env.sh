# Source this before running the scripts in scripts/reference/ (reference stack: see test/fixtures/pybullet/README.md).
#   REF=/work/ref . scripts/reference/env.sh
REF=${REF:-/work/ref}
export HEB_REF_DIR=${HEB_REF_DIR:-$REF/heb}
export PYTHONPATH=$HEB_REF_DIR:$REF/gym:$REF/bullet3/examples/pybullet/gym:$(echo $REF/bullet3/build/lib.linux-x86_64-*)
export OMP_NUM_THREADS=1
export PY=/usr/bin/python3
