#!/usr/bin/env python3
"""Writes fixtures/hdf5/ with h5py, for test/hdf5.test.ts:

- scan.h5 and scan.npz: the first 48 patterns of fixtures/lines-n32.npz in the
  dataset contract (diff3d, probeGuess, xcoords, ycoords, objectGuess, nphotons), the
  same arrays in both (scan.npz uncompressed, so it can be streamed too); scan.h5's
  diff3d is stored in gzip'd chunks of 8 patterns.
- product.h5: a Ptychodus product file (the layout of Ptychodus' H5ProductFileIO:
  file attributes name, comments, detector_object_distance_m, probe_energy_eV,
  probe_photon_count, exposure_time_s; probe (1, 1, N, N) and object (1, H, W)
  complex64 with pixel sizes and centre as attributes; positions in metres) for the
  first 32 patterns of fixtures/lines-n32.npz, object pixels 10 nm, centre (1, -2) µm;
- diffraction.h5: those patterns as photon counts (uint32, amplitude² rounded) in the
  NeXus layout entry/data/data, chunks of 4 patterns.

    python3 -m venv v && v/bin/pip install h5py numpy && v/bin/python scripts/make-hdf5-fixtures.py
"""
import os

import h5py
import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
OUT = os.path.join(ROOT, 'fixtures', 'hdf5')
CONTRACT_KEYS = ['diff3d', 'probeGuess', 'xcoords', 'ycoords', 'objectGuess', 'nphotons']
PIXEL_M = 10e-9
CENTER_M = (1e-6, -2e-6)


def contract():
    source = np.load(os.path.join(ROOT, 'fixtures', 'lines-n32.npz'))
    arrays = {key: source[key] for key in CONTRACT_KEYS}
    for key in ['diff3d', 'xcoords', 'ycoords']:
        arrays[key] = arrays[key][:48]
    np.savez(os.path.join(OUT, 'scan.npz'), **arrays)
    with h5py.File(os.path.join(OUT, 'scan.h5'), 'w') as f:
        for key, value in arrays.items():
            if key == 'diff3d':
                f.create_dataset(key, data=value, chunks=(8,) + value.shape[1:], compression='gzip')
            else:
                f.create_dataset(key, data=value)


def ptychodus():
    source = np.load(os.path.join(ROOT, 'fixtures', 'lines-n32.npz'))
    M = 32
    obj = source['objectGuess'].astype(np.complex64)
    H, W = obj.shape
    x_m = (source['xcoords'][:M] - W / 2) * PIXEL_M + CENTER_M[0]
    y_m = (source['ycoords'][:M] - H / 2) * PIXEL_M + CENTER_M[1]
    with h5py.File(os.path.join(OUT, 'product.h5'), 'w') as f:
        f.attrs['name'] = 'lines-n32'
        f.attrs['comments'] = 'fixture for ptychopinn'
        f.attrs['detector_object_distance_m'] = 2.0
        f.attrs['probe_energy_eV'] = 8000.0
        f.attrs['probe_photon_count'] = 1e6
        f.attrs['exposure_time_s'] = 0.1
        f.create_dataset('probe_position_indexes', data=np.arange(M, dtype=np.int64))
        f.create_dataset('probe_position_x_m', data=x_m)
        f.create_dataset('probe_position_y_m', data=y_m)
        probe = f.create_dataset('probe', data=source['probeGuess'].astype(np.complex64)[None, None])
        probe.attrs['pixel_width_m'] = PIXEL_M
        probe.attrs['pixel_height_m'] = PIXEL_M
        h5obj = f.create_dataset('object', data=obj[None])
        h5obj.attrs['center_x_m'] = CENTER_M[0]
        h5obj.attrs['center_y_m'] = CENTER_M[1]
        h5obj.attrs['pixel_width_m'] = PIXEL_M
        h5obj.attrs['pixel_height_m'] = PIXEL_M
        f.create_dataset('object_layer_distance_m', data=np.zeros(0))
        f.create_dataset('costs', data=np.zeros(0))
    counts = np.round(source['diff3d'][:M].astype(np.float64) ** 2).astype(np.uint32)
    with h5py.File(os.path.join(OUT, 'diffraction.h5'), 'w') as f:
        f.create_dataset('entry/data/data', data=counts, chunks=(4,) + counts.shape[1:], compression='gzip')


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    contract()
    ptychodus()
