#!/usr/bin/python3
"""Writes small py21cmfast-layout files for tst_py21cmfast, with h5py as py21cmfast itself does.

Usage: write_py21cmfast_fixtures.py OUTDIR [REAL_V4_COEVAL_FILE]

Layouts follow the dumps in shared/data/py21cmfast (v4 LightCone.save(), v3/v4 TsBox, halo
catalogues). Distances are computed here, independently of ReionScope, by integrating 1/E(z) for
the astropy Planck cosmology (photons + one 0.06 eV neutrino) that py21cmfast clones.
"""
import sys

import h5py
import numpy as np

out = sys.argv[1]
H, OMM = 0.6766, 0.30964144154550644


def distance_table(zmax=10.0, n=400001):
    """Cumulative trapezoid integral of c/H0/E(z) on a fine z grid."""
    sigma, c_cm, grav, mpc = 5.670374419e-5, 2.99792458e10, 6.67430e-8, 3.0856775814913673e24
    h0 = H * 100 * 1e5 / mpc
    og = 4 * sigma / c_cm**3 * 2.7255**4 / (3 * h0**2 / (8 * np.pi * grav))
    nu_y = 0.06 / (8.617333262e-5 * 0.7137658555036082 * 2.7255)

    def rad(zz):
        rel = (1 + (0.3173 * nu_y / (1 + zz)) ** 1.83) ** (1 / 1.83)
        return og * (1 + 0.22710731766 * 3.046 / 3 * (2 + rel)) * (1 + zz) ** 4

    ol = 1 - OMM - rad(0.0)
    zz = np.linspace(0, zmax, n)
    inv_e = 1 / np.sqrt(OMM * (1 + zz) ** 3 + rad(zz) + ol)
    steps = 0.5 * (inv_e[1:] + inv_e[:-1]) * np.diff(zz)
    return zz, 299792.458 / (100 * H) * np.concatenate([[0.0], np.cumsum(steps)])


Z_TABLE, D_TABLE = distance_table()


def comoving_distance(z):
    return np.interp(z, Z_TABLE, D_TABLE)


def v4_inputs(g, seed, node_z):
    ip = g.create_group("InputParameters")
    ip.attrs["21cmFAST-version"] = "4.2"
    ip.attrs["random_seed"] = np.int64(seed)
    ip.create_dataset("node_redshifts", data=np.asarray(node_z, dtype=np.float64))
    so = ip.create_group("simulation_options")
    so.attrs["BOX_LEN"] = 48.0
    so.attrs["HII_DIM"] = np.int64(32)
    so.attrs["DIM"] = np.int64(96)
    so.attrs["NON_CUBIC_FACTOR"] = 1.0
    cp = ip.create_group("cosmo_params")
    cp.attrs["hlittle"] = H
    cp.attrs["OMm"] = OMM
    cp.attrs["OMb"] = 0.04897468161869667
    ct = ip.create_group("cosmo_tables")
    ct.attrs["ps_norm"] = 0.8102
    ap = ip.create_group("astro_params")
    ap.attrs["HII_EFF_FACTOR"] = 30.0
    ap.attrs["F_STAR10"] = -1.3
    ap.attrs["F_ESC10"] = -1.0
    ap.attrs["L_X"] = 40.5
    ap.attrs["M_TURN"] = 8.7
    ao = ip.create_group("astro_options")
    ao.attrs["USE_TS_FLUCT"] = False
    ao.attrs["HII_FILTER"] = "sharp-k"
    mo = ip.create_group("matter_options")
    mo.attrs["HMF"] = "ST"


rng = np.random.default_rng(7)

# v4 LightCone.save(): 32 x 32 x 309, z 7 .. 8.5, float64 brightness_temp (RSDs on).
d0 = comoving_distance(7.0)
dist = d0 + 1.5 * np.arange(309)
node_z = np.array([8.75196, 8.56, 8.37, 8.19, 8.01, 7.83, 7.66, 7.49, 7.32, 7.16, 7.0])
with h5py.File(f"{out}/LightCone_z7.0-8.5_r2.h5", "w") as f:
    f.attrs["__version__"] = "4.2"
    f.attrs["lightcone"] = True
    f.attrs["highz_buffer_pixels"] = np.int64(0)
    f.attrs["lowz_buffer_pixels"] = np.int64(0)
    v4_inputs(f, 2, node_z)
    lc = f.create_group("lightcones")
    ramp = np.linspace(0.1, 0.9, 309)[None, None, :]
    lc["brightness_temp"] = (20.0 * ramp * np.ones((32, 32, 1))).astype(np.float64)
    lc["neutral_fraction"] = (ramp * np.ones((32, 32, 1))).astype(np.float32)
    lc["density"] = rng.normal(0, 0.3, (32, 32, 309)).astype(np.float32)
    lc["los_velocity"] = np.zeros((32, 32, 309), np.float32)
    f["lightcone_distances"] = dist
    gq = f.create_group("global_quantities")
    gq["neutral_fraction"] = np.linspace(0.75, 0.15, 11)
    gq["brightness_temp"] = np.linspace(17.5, 2.8, 11)
    gq["density"] = np.zeros(11)
    f.create_group("photon_nonconservation_data")
# the redshifts the reader must find (slice 0, 100, 308)
with open(f"{out}/lightcone_expected.txt", "w") as fh:
    for k in (0, 100, 308):
        fh.write(f"{k} {np.interp(dist[k], D_TABLE, Z_TABLE):.8f}\n")

# v3 TsBox cache file and a v4 one (one structure, OutputFields).
ts = rng.uniform(10, 200, (16, 16, 16)).astype(np.float32)


def write_ts(group, names):
    """T_s, T_k = T_s / 2 and x_e = 2e-4 under the version's names."""
    group[names[0]] = ts
    group[names[1]] = ts * 0.5
    group[names[2]] = np.full((16, 16, 16), 2e-4, np.float32)


with h5py.File(f"{out}/TsBox_0123456789abcdef_r3.h5", "w") as f:
    f.attrs["redshift"] = 12.0
    f.attrs["random_seed"] = np.int64(3)
    f.attrs["version"] = "3.4.0"
    up = f.create_group("user_params")
    up.attrs["HII_DIM"] = np.int64(16)
    up.attrs["BOX_LEN"] = 48.0
    up.attrs["DIM"] = np.int64(48)
    f.create_group("astro_params").attrs["HII_EFF_FACTOR"] = 30.0
    write_ts(f.create_group("TsBox"), ("Ts_box", "Tk_box", "x_e_box"))
with h5py.File(f"{out}/TsBox.h5", "w") as f:
    f.attrs["21cmFAST-version"] = "4.2"
    g = f.create_group("TsBox")
    g.attrs["redshift"] = 11.0
    v4_inputs(g, 3, node_z)
    write_ts(g.create_group("OutputFields"), ("spin_temperature", "kinetic_temp_neutral", "xray_ionised_fraction"))

# v4 HaloCatalog with a buffer longer than n_halos, and a v3 PerturbHaloField.
with h5py.File(f"{out}/HaloCatalog.h5", "w") as f:
    f.attrs["21cmFAST-version"] = "4.2"
    g = f.create_group("HaloCatalog")
    g.attrs["redshift"] = 8.0
    g.attrs["n_halos"] = np.int64(5)
    v4_inputs(g, 4, node_z)
    of = g.create_group("OutputFields")
    of["halo_masses"] = np.array([2e8, 5e9, 1e10, 3e8, 7e11, 0, 0], np.float32)
    of["halo_coords"] = rng.uniform(0, 48, (7, 3)).astype(np.float32)
    for name in ("star_rng", "sfr_rng", "xray_rng"):
        of[name] = np.zeros(7, np.float32)


def v3_haloes(name, structure, masses, coords, **user_params):
    """A v3 halo file (seed 4, z 9): positions are cells of DIM (HaloField, FindHaloes.c) or of
    HII_DIM (PerturbHaloField, PerturbHaloField.c)."""
    with h5py.File(f"{out}/{name}", "w") as f:
        f.attrs["redshift"] = 9.0
        f.attrs["random_seed"] = np.int64(4)
        f.attrs["version"] = "3.4.0"
        up = f.create_group("user_params")
        for k, v in user_params.items():
            up.attrs[k] = v
        g = f.create_group(structure)
        g["halo_masses"] = np.array(masses, np.float32)
        g["halo_coords"] = np.array(coords, np.int32)


v3_haloes("PerturbHaloField_fedcba9876543210_r4.h5", "PerturbHaloField", [1e9, 4e9, 2.5e10],
          [[1, 2, 3], [4, 5, 6], [7, 8, 9]], HII_DIM=np.int64(16), BOX_LEN=48.0)
v3_haloes("HaloField_0123456789abcdef_r4.h5", "HaloField", [3e9, 8e10], [[3, 6, 9], [47, 0, 12]],
          HII_DIM=np.int64(16), DIM=np.int64(48), BOX_LEN=48.0)

# A v4 cache tree {cosmo}/{seed}/{zgrid}/{z}/{astro}/<Struct>.h5 made from the real v4 Coeval file:
# two astrophysics (L_X 40.5 and 41) sharing one PerturbedField.
if len(sys.argv) > 2:
    with h5py.File(sys.argv[2], "r") as src:
        for astro, lx in (("a1b2", 40.5), ("c3d4", 41.0)):
            folder = f"{out}/cache/cosmohash/1/zgridhash/8.0000/{astro}"
            import os

            os.makedirs(folder, exist_ok=True)
            structs = ["IonizedBox", "BrightnessTemp"] + (["PerturbedField"] if astro == "a1b2" else [])
            for struct in structs:
                with h5py.File(f"{folder}/{struct}.h5", "w") as f:
                    for k, v in src.attrs.items():
                        if k != "coeval":
                            f.attrs[k] = v
                    src.copy(src[struct], f, name=struct)
                    if struct != "PerturbedField":
                        f[f"{struct}/InputParameters/astro_params"].attrs["L_X"] = lx
