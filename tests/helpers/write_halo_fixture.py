"""Writes a py21cmfast v3 PerturbHaloField cache file that belongs to the same run as a real v3
PerturbedField file: every parameter group and root attribute is copied from it (as py21cmfast
writes them for every structure of one run), the halo list is ours.

usage: /usr/bin/python3 write_halo_fixture.py PERTURBED_FIELD.h5 OUT.h5
Positions are cells of the HII_DIM grid, as v3's PerturbHaloField.c stores them."""
import sys

import h5py
import numpy as np

src, out = sys.argv[1], sys.argv[2]
with h5py.File(src, "r") as s, h5py.File(out, "w") as f:
    for k, v in s.attrs.items():
        f.attrs[k] = v
    for name in s:
        if name != "PerturbedField" and isinstance(s[name], h5py.Group):
            s.copy(s[name], f, name=name)
    g = f.create_group("PerturbHaloField")
    g["halo_masses"] = np.array([2e9, 3e10, 4e11, 6e9], np.float32)
    g["halo_coords"] = np.array([[2, 3, 4], [8, 8, 8], [15, 0, 7], [5, 12, 1]], np.int32)
