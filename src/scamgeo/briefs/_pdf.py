"""Printing a brief to PDF through headless Chromium (the browser the tests already use)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from .._errors import ScamgeoError

__all__ = ["CHROMIUM", "chromium", "to_pdf"]

#: where the browser is looked for first; then ``chromium``/``chromium-browser`` on PATH
CHROMIUM = "/usr/bin/chromium"


def chromium() -> str:
    """The path of the Chromium executable; :class:`ScamgeoError` if there is none."""
    env = os.environ.get("SCAMGEO_CHROMIUM")
    for candidate in (env, CHROMIUM, shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise ScamgeoError(
        "--pdf needs Chromium to print the brief, and none was found (looked for "
        f"{env + ', ' if env else ''}{CHROMIUM}, chromium and chromium-browser on PATH); "
        "install chromium or set SCAMGEO_CHROMIUM to its path"
    )


def to_pdf(
    html_path: str | os.PathLike, pdf_path: str | os.PathLike, *, timeout: float = 120
) -> Path:
    """Print a brief's HTML page to PDF with headless Chromium and its print CSS.

    Parameters
    ----------
    html_path : path
        The brief's HTML file (self-contained; no network is needed).
    pdf_path : path
        Where to write the PDF (replaced atomically).
    timeout : float
        Seconds Chromium may take.

    Returns
    -------
    Path
        ``pdf_path``.

    Raises
    ------
    ScamgeoError
        Chromium missing, the HTML missing, or Chromium failing to write the PDF.
    """
    src = Path(html_path).resolve()
    if not src.is_file():
        raise ScamgeoError(f"to_pdf: no brief at {src.name} (looked in {src.parent})")
    dest = Path(pdf_path).resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.part")
    tmp.unlink(missing_ok=True)
    exe = chromium()
    cmd = [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--no-pdf-header-footer",
        f"--print-to-pdf={tmp}",
        src.as_uri(),
    ]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        tmp.unlink(missing_ok=True)
        raise ScamgeoError(f"to_pdf: Chromium took more than {timeout:g} s on {src.name}") from None
    if not tmp.is_file() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        last = (proc.stderr or "").strip().splitlines()[-1:] or ["no message"]
        raise ScamgeoError(
            f"to_pdf: Chromium did not write a PDF for {src.name} (exit {proc.returncode}: "
            f"{last[0]})"
        )
    os.replace(tmp, dest)
    return dest
