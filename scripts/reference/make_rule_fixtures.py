"""Ground truth for the rule-file reader and writer (src/core/rules-file): files written by the real torch.save and
numpy, the way the reference code (enajx/HebbianMetaLearning) saves evolved Hebbian coefficients, plus hostile
files the reader must refuse. Their expected contents are the formulas below, which test/unit/rules-file.test.ts
writes again independently; the tests never take an expected array from our own reader.

Run it (development only: CI has neither torch nor numpy; the fixtures are committed) with Debian's python3-torch
and python3-numpy (torch 1.13, numpy 1.24 here):

    /usr/bin/python3 scripts/reference/make_rule_fixtures.py test/fixtures/rules

It rewrites every file in that folder deterministically (the same bytes each time for a given torch and numpy).
"""
import io
import os
import pickle
import sys
import zipfile

import numpy as np
import torch

SYNAPSES = 28 * 128 + 128 * 64 + 64 * 8  # the quadruped's 28 -> 128 -> 64 -> 8 network, no bias: 12 288


def formula(rows, cols, dtype=np.float32):
    """value[r, c] = ((r * cols + c) % 2001 - 1000) / 256: exact in float32 and float64."""
    k = np.arange(rows * cols, dtype=np.int64).reshape(rows, cols)
    return ((k % 2001 - 1000) / 256.0).astype(dtype)


def small():
    """np.arange(6).reshape(3, 2) as float32: [[0, 1], [2, 3], [4, 5]]."""
    return np.arange(6, dtype=np.float32).reshape(3, 2)


class Evil:
    """Pickles as a call of os.system: what a hostile coefficients file would carry."""

    def __reduce__(self):
        return (os.system, ('echo this ran',))


def main(out):
    os.makedirs(out, exist_ok=True)
    p = lambda name: os.path.join(out, name)

    # Real torch.save files, as the reference's evolution_strategy_hebb.py writes them (zip format, torch >= 1.6).
    torch.save(small(), p('small.dat'))                                   # the writer's byte-for-byte reference
    torch.save(formula(SYNAPSES, 5), p('HEBcoeffs__AntBulletEnv-v0__rew_1234__ABCD_lr__init_uni__pop_200__coeffs__100.dat'))
    torch.save(formula(SYNAPSES, 1).squeeze(), p('quadruped-A.dat'))    # rule A: the reference squeezes to (12288,)
    torch.save(small(), p('small-legacy.dat'), _use_new_zipfile_serialization=False)  # torch < 1.6's format

    # numpy .npy files.
    np.save(p('small.npy'), small())                                       # the .npy writer's reference
    np.save(p('quadruped-AD-f64.npy'), formula(SYNAPSES, 2, np.float64))   # format 1.0, float64
    np.save(p('small-fortran.npy'), np.asfortranarray(small()))            # Fortran order
    with open(p('small-v2.npy'), 'wb') as f:
        np.lib.format.write_array(f, small(), version=(2, 0))
    bad = formula(SYNAPSES, 1).squeeze()
    bad[7] = np.nan
    np.save(p('quadruped-A-nan.npy'), bad)                                 # a NaN at row 7

    # Files to refuse.
    torch.save(Evil(), p('evil-system.dat'))                               # GLOBAL posix system + REDUCE
    evil = b'\x80\x02cos\nsystem\nq\x00X\x0d\x00\x00\x00echo this ranq\x01\x85q\x02Rq\x03.'
    with open(p('evil-legacy.dat'), 'wb') as f:                            # legacy layout, GLOBAL os system
        for obj in (0x1950a86a20f9469cfc6c, 1001, dict(protocol_version=1001, little_endian=True, type_sizes=dict(short=2, int=4, long=4))):
            pickle.dump(obj, f, protocol=2)
        f.write(evil)
    data = open(p('small.dat'), 'rb').read()
    with open(p('truncated.dat'), 'wb') as f:                               # cut inside the central directory
        f.write(data[: len(data) - 60])
    with zipfile.ZipFile(p('deflated.dat'), 'w', compression=zipfile.ZIP_DEFLATED) as z:  # re-zipped, deflated
        with zipfile.ZipFile(p('small.dat')) as original:
            for name in original.namelist():
                z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), original.read(name), zipfile.ZIP_DEFLATED)
    torch.save(formula(100, 5), p('wrong-shape.dat'))                      # 100 rows, not 12 288
    torch.save(small().astype(np.float16), p('float16.dat'))
    torch.save(torch.arange(6, dtype=torch.float32).reshape(3, 2), p('tensor.dat'))  # a tensor, not a numpy array

    # Check what torch.load reads back, so the fixtures are what they claim to be.
    assert np.array_equal(torch.load(p('small.dat')), small())
    assert np.array_equal(torch.load(p('small-legacy.dat')), small())
    assert np.array_equal(np.load(p('small-fortran.npy')), small())


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'test/fixtures/rules')
