"""Write curated commitments and observations as a council-style tracker (one XLSX per period).

The 2018 improvement plan is shipped twice: as curated tables, and as the monthly
tracker a council would keep (``data/registers/cgip-2018/``), read back through the
generic register loader. Both routes must give the same figures; the tests check it.

Each snapshot file lists every commitment with its state as of the period: the state
of the latest observation on or before the period's last day, written as the
council's word (``Complete``, ``In progress``, ``Not started``), or a blank status
when the documents give no evidence yet (read back as ``unknown``, so the commitment
stays *No evidence*).

The workbooks are written deterministically (fixed document properties and zip
timestamps), so ``make data`` reproduces them byte for byte.

Examples
--------
>>> import tempfile
>>> from kerslake_analysis.ingest import load
>>> with tempfile.TemporaryDirectory() as folder:
...     written = export_tracker(load.load_commitments(), load.load_observations(),
...                              "cgip-2018", ["2018-09"], Path(folder))
...     [p.name for p in written]
['cgip-2018_2018-09.xlsx']
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from kerslake_analysis.base import paths
from kerslake_analysis.base.files import atomic_write
from kerslake_analysis.base.periods import period_end
from kerslake_analysis.ingest import load
from kerslake_analysis.ingest.documents import cgip_2018

#: The council's column names in the exported tracker, by curated column.
TRACKER_COLUMNS: dict[str, str] = {
    "commitment_id": "Ref",
    "text": "Output",
    "theme": "Section",
    "owner": "Lead",
    "due_start": "Start",
    "due_end": "Target date",
    "status": "Status",
    "evidence": "Latest update",
}

#: How each observation state is written in the tracker's Status column.
STATE_WORDS: dict[str, str] = {
    "complete": "Complete",
    "in_progress": "In progress",
    "not_started": "Not started",
    "unknown": "",
}

#: Fixed timestamp for workbook properties and zip entries (reproducible files).
_FIXED_TIME = dt.datetime(2000, 1, 1)


def tracker_snapshot(
    commitments: pd.DataFrame, observations: pd.DataFrame, period: str
) -> pd.DataFrame:
    """The tracker's rows for one period, in the council's column names.

    Parameters
    ----------
    commitments : pandas.DataFrame
        Curated commitments of one plan.
    observations : pandas.DataFrame
        Curated observations (any plan; only those of ``commitments`` are used).
    period : str
        ``YYYY-MM``.

    Returns
    -------
    pandas.DataFrame
        One row per commitment, columns :data:`TRACKER_COLUMNS` values.
    """
    as_of = pd.Timestamp(period_end(period))
    seen = observations[
        observations["commitment_id"].isin(commitments["commitment_id"])
        & (observations["observed_on"] <= as_of)
    ].sort_values(["commitment_id", "observed_on", "observation_id"])
    latest = seen.groupby("commitment_id").tail(1).set_index("commitment_id")
    frame = commitments[["commitment_id", "text", "theme", "owner", "due_start", "due_end"]].copy()
    frame["status"] = frame["commitment_id"].map(latest["state"].map(STATE_WORDS)).fillna("")
    frame["evidence"] = frame["commitment_id"].map(latest["evidence"]).fillna("")
    for column in ("due_start", "due_end"):
        frame[column] = frame[column].dt.strftime("%Y-%m-%d").fillna("")
    return frame.rename(columns=TRACKER_COLUMNS)[list(TRACKER_COLUMNS.values())]


#: Leading characters that make a spreadsheet read a cell as a formula (OWASP, "CSV
#: Injection": ``=``, ``+``, ``-``, ``@``, tab and carriage return).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def _append_text(ws, values: list[str]) -> None:
    """Append a row of texts, each written as text: never a live formula.

    openpyxl turns a string beginning with ``=`` into a formula; such a cell (and any
    beginning with another of :data:`FORMULA_PREFIXES`) is stored as a string with
    Excel's "quote prefix" style, the workbook form of OWASP's leading apostrophe:
    Excel shows and edits it as text, and reading it back gives the same text.
    """
    ws.append(values)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
            cell.data_type = "s"
            cell.quotePrefix = True


def _workbook_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    _append_text(ws, [str(c) for c in frame.columns])
    for row in frame.itertuples(index=False):
        _append_text(ws, [str(v) for v in row])
    book.properties.creator = "kerslake-analysis"
    book.properties.created = _FIXED_TIME
    book.properties.modified = _FIXED_TIME
    raw = io.BytesIO()
    book.save(raw)
    # Rewrite the zip with fixed entry timestamps so the bytes do not depend on the clock.
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" on save
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>2000-01-01T00:00:00Z\g<2>",
                    content,
                )
            dst.writestr(entry, content)
    return fixed.getvalue()


def export_tracker(
    commitments: pd.DataFrame,
    observations: pd.DataFrame,
    plan: str,
    periods: Sequence[str],
    out_dir: Path,
) -> list[Path]:
    """Write one ``<plan>_<period>.xlsx`` per period into ``out_dir``.

    Parameters
    ----------
    commitments : pandas.DataFrame
        Curated commitments (all plans; ``plan`` selects).
    observations : pandas.DataFrame
        Curated observations.
    plan : str
        Plan slug, e.g. ``"cgip-2018"``.
    periods : sequence of str
        ``YYYY-MM`` periods, one file each.
    out_dir : pathlib.Path
        Folder to write into (created if missing); each file is written to a
        temporary name and renamed when complete.

    Returns
    -------
    list of pathlib.Path
        The files written, in period order.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    mine = commitments[commitments["plan"] == plan].reset_index(drop=True)
    written = []
    for period in periods:
        data = _workbook_bytes(tracker_snapshot(mine, observations, period), "Tracker")
        target = out_dir / f"{plan}_{period}.xlsx"
        atomic_write(target, data)
        written.append(target)
    return written


#: The trackers shipped in ``data/registers/``: plan and the periods to write.
SHIPPED_TRACKERS: dict[str, tuple[str, ...]] = {
    cgip_2018.PLAN: cgip_2018.PERIODS,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Write the shipped trackers from ``data/curated/`` (run by ``make data``).

    Parameters
    ----------
    argv : sequence of str, optional
        ``[--out DIR]``; defaults to ``data/registers``.

    Returns
    -------
    int
        Exit status.
    """
    parser = argparse.ArgumentParser(description=main.__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=paths.REGISTERS_DIR)
    args = parser.parse_args(argv)
    commitments, observations = load.load_commitments(), load.load_observations()
    for plan, periods in SHIPPED_TRACKERS.items():
        for path in export_tracker(commitments, observations, plan, periods, args.out / plan):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
