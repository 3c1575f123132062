#!/usr/bin/env python3
"""Writes the NumPy-made interoperability fixtures under fixtures/numpy/.

Run once by hand (python3 scripts/make-numpy-fixtures.py, NumPy >= 1.20); the outputs
are committed and tests read them without Python. Every value follows from a formula
that test/npz-numpy.test.ts recomputes, so the files are checked value by value.
"""

import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'numpy')


def dtype_zoo():
    """One (2, 3, 4) array per dtype, base = arange(24); see the test for the formulas."""
    base = np.arange(24).reshape(2, 3, 4)
    return {
        'bool': base % 3 == 0,
        'int8': (base * 5 - 60).astype(np.int8),
        'uint8': (base * 10).astype(np.uint8),
        'int16': (base * 1000 - 12000).astype(np.int16),
        'uint16': (base * 2000).astype(np.uint16),
        'int32': (base * 100000 - 1000000).astype(np.int32),
        'uint32': (base * 150000000).astype(np.uint32),
        'int64': base.astype(np.int64) * 2**40 - 2**44,
        'uint64': np.uint64(2**63) + base.astype(np.uint64),
        'float32': (base / 8 - 1.5).astype(np.float32),
        'float64': base / 3,
        'complex64': (base - 0.25j * base).astype(np.complex64),
        'complex128': base / 3 + 1j * (base / 7),
        'scalar': np.float64(2.5),
        'text': np.array('ptychopinn \u2713'),
        'empty': np.zeros((0, 3), np.float32),
    }


def dataset(M=8, N=32):
    """A small PtychoPINN-style dataset in float64/complex128, with a pickled _metadata."""
    m, i, j = np.meshgrid(np.arange(M), np.arange(N), np.arange(N), indexing='ij')
    diff3d = np.sqrt(1 + m + 0.5 * i + 0.25 * j)
    y, x = np.meshgrid(np.arange(N), np.arange(N), indexing='ij')
    probe = (x * y / 100) * np.exp(1j * (x + y) / 10)
    oy, ox = np.meshgrid(np.arange(2 * N), np.arange(2 * N), indexing='ij')
    obj = (1 + ox / 100) * np.exp(-1j * oy / 50)
    return {
        'diff3d': diff3d,
        'probeGuess': probe,
        'objectGuess': obj,
        'xcoords': N / 2 + 2.5 * np.arange(M),
        'ycoords': N / 2 + 1.25 * np.arange(M),
        'scan_index': np.zeros(M, dtype=np.int64),
        '_metadata': np.array({'source': 'make-numpy-fixtures', 'version': 1}, dtype=object),
    }


def ptychodus(N=32, W=80, H=72):
    """A Ptychodus product and diffraction file, as its NPZ plugins write them."""
    y, x = np.meshgrid(np.arange(N), np.arange(N), indexing='ij')
    oy, ox = np.meshgrid(np.arange(H), np.arange(W), indexing='ij')
    dx, dy, cx, cy = 1e-8, 2e-8, 1e-6, -2e-6
    indexes = [15, 10, 12, 11, 14]
    x_px = np.array([20.0 + 3 * k for k in range(5)])
    y_px = np.array([30.0 - 2 * k for k in range(5)])
    product = {
        'name': 'fixture scan',
        'comments': 'written by make-numpy-fixtures.py',
        'detector_object_distance_m': 2.0,
        'probe_energy_eV': 8000.0,
        'probe_photon_count': 0.0,
        'exposure_time_s': 0.1,
        'mass_attenuation_m2_kg': 0.0,
        'probe_position_indexes': indexes,
        'probe_position_x_m': list((x_px - W / 2) * dx + cx),
        'probe_position_y_m': list((y_px - H / 2) * dy + cy),
        'probe': ((1 + x / 10) * np.exp(1j * y / 10)).astype(np.complex64)[None, None],
        'probe_pixel_width_m': dx,
        'probe_pixel_height_m': dy,
        'object': ((1 + ox / 100) * np.exp(-1j * oy / 30)).astype(np.complex64)[None],
        'object_center_x_m': cx,
        'object_center_y_m': cy,
        'object_pixel_width_m': dx,
        'object_pixel_height_m': dy,
        'object_layer_spacing_m': np.zeros(0),
        'loss_epochs': [0, 1, 2],
        'loss_values': [3.0, 2.0, 1.5],
    }
    m, i, j = np.meshgrid(np.arange(6), np.arange(N), np.arange(N), indexing='ij')
    bad = np.zeros((N, N), bool)
    bad[3, 4] = True
    patterns = {
        'indexes': np.arange(10, 16),
        'patterns': ((7 * m + 3 * i + j) % 50).astype(np.uint16),
        'bad_pixels': bad,
    }
    return product, patterns


def main():
    os.makedirs(OUT, exist_ok=True)
    zoo = dtype_zoo()
    np.savez(os.path.join(OUT, 'savez.npz'), **zoo)
    np.savez_compressed(os.path.join(OUT, 'savez_compressed.npz'), **zoo)
    np.savez_compressed(
        os.path.join(OUT, 'fortran.npz'),
        **{key: np.asfortranarray(zoo[key]) for key in ('int16', 'float32', 'complex128', 'bool')},
    )
    product, patterns = ptychodus()
    np.savez(os.path.join(OUT, 'ptychodus_product.npz'), **product)
    np.savez_compressed(os.path.join(OUT, 'ptychodus_patterns.npz'), allow_pickle=False, **patterns)
    data = dataset()
    np.savez_compressed(os.path.join(OUT, 'dataset_complex128.npz'), **data)
    # A required key pickled: must be refused, never unpickled.
    np.savez(
        os.path.join(OUT, 'probe_as_object.npz'),
        **{**data, 'probeGuess': np.array([data['probeGuess']], dtype=object)},
    )


if __name__ == '__main__':
    main()
