#!/usr/bin/python3
"""Writes figure/colormap_tables.inc: matplotlib's exact 256-entry viridis and inferno tables
(CC0 data). Run from the repository root with Debian's python3-matplotlib installed; the output is
committed, so neither matplotlib nor Python is needed to build ReionScope."""
import matplotlib
from matplotlib import colormaps

lines = ['// Generated from matplotlib %s (viridis and inferno: CC0, by Stéfan van der Walt and Nathaniel' % matplotlib.__version__,
         '// Smith) with packaging/tools/colormap_tables.py; do not edit by hand. 256 sRGB entries each.', '']
for name in ('viridis', 'inferno'):
    cm = colormaps[name]
    assert cm.N == 256
    vals = ['0x%02x%02x%02x' % tuple(round(c * 255) for c in cm(i)[:3]) for i in range(256)]
    lines.append('inline constexpr unsigned k%sTable[256] = {' % name.capitalize())
    lines += ['    ' + ', '.join(vals[i:i + 8]) + ',' for i in range(0, 256, 8)]
    lines += ['};', '']
open('figure/colormap_tables.inc', 'w').write('\n'.join(lines))
