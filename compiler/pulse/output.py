"""Writing a pulse program to a directory, all or nothing.

The files are written into a fresh temporary directory beside the target, which is then
renamed into place; a directory jingu wrote before (it holds a manifest) is replaced, any
other existing path is left alone and reported.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from jingu.errors import InputError

MANIFEST = "manifest.json"
SAMPLES = "samples.npz"
OPENPULSE = "program.qasm"


def write_directory(outdir, schedule, samples, *, dense: bool = False,
                    openpulse: bool = False) -> list[str]:
    """Write manifest.json, samples.npz (and program.qasm) into ``outdir``; the names
    written."""
    from . import manifest as mf

    out = Path(outdir)
    if out.exists() and not (out.is_dir() and (not any(out.iterdir())
                                               or (out / MANIFEST).exists())):
        raise InputError(f"{out} exists and is not a pulse output directory (no {MANIFEST}); "
                         f"refusing to overwrite it")
    parent = out.parent if str(out.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=parent))
    try:
        buf = io.BytesIO()
        np.savez(buf, **samples.arrays(dense=dense))
        (tmp / SAMPLES).write_bytes(buf.getvalue())
        names = [MANIFEST, SAMPLES]
        (tmp / MANIFEST).write_text(
            mf.dumps(schedule, samples_file=SAMPLES, layout="dense" if dense else "segments"),
            encoding="utf-8")
        if openpulse:
            from .openpulse import to_openpulse

            (tmp / OPENPULSE).write_text(to_openpulse(schedule), encoding="utf-8")
            names.append(OPENPULSE)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=parent))
            os.replace(out, old / out.name)
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return names
