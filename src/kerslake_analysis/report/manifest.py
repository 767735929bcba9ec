"""``manifest.json``: what a ``kerslake report`` run read, ran and wrote."""

from __future__ import annotations

import json
from pathlib import Path

from kerslake_analysis.base import paths
from kerslake_analysis.base.run_info import git_commit, package_versions, sha256_file
from kerslake_analysis.report.pages import write_inside


def write_manifest(results, periods, reports_root: Path) -> Path:
    """Write ``manifest.json``: what a ``kerslake report`` run read, ran and wrote.

    Parameters
    ----------
    results : sequence of kerslake_analysis.report.pages.ReportResult
        One per period, in the order of ``periods``.
    periods : sequence of kerslake_analysis.base.periods.ReportPeriod
        The periods rendered.
    reports_root : pathlib.Path
        The reports folder; the manifest goes to its top.

    Returns
    -------
    pathlib.Path
        The manifest written: package versions, git commit, the SHA-256 of every input
        (the raw documents and curated tables, or a tracker's files and mapping), for a
        tracker's CSV files their text encoding (``input_encodings``: set in the mapping,
        or detected with its confidence), and per report its parameters, outcome and the
        SHA-256 of its page and ``figures.json``.
        No timestamps, so two runs on the same inputs write the same manifest.
    """
    inputs: dict[str, str] = {}
    encodings: dict[str, dict] = {}
    # Every period of one source reads the same files: hash (and detect) them once.
    for register, mapping in dict.fromkeys((p.register, p.mapping) for p in periods):
        if register:
            folder = Path(register)
            files = [*sorted(p for p in folder.iterdir() if p.is_file()), Path(mapping)]
            encodings.update(_encodings(files[:-1], Path(mapping)))
        else:
            files = sorted(paths.RAW_DIR.glob("*.txt")) + sorted(paths.CURATED_DIR.glob("*.csv"))
        for path in files:
            inputs[_shown(path)] = sha256_file(path)
    reports = []
    for period, result in zip(periods, results, strict=True):
        entry = {"plan": period.plan, "period": period.period, "parameters": period.parameters()}
        entry["ok"] = result.ok
        if result.ok:
            entry["html_sha256"] = sha256_file(result.html_path)
            figures = result.html_path.parent / paths.FIGURES_FILE
            if figures.is_file():
                entry["figures_sha256"] = sha256_file(figures)
        else:
            entry["error"] = result.error
        reports.append(entry)
    manifest = {
        "package_versions": package_versions(),
        "git_commit": git_commit(),
        "inputs": dict(sorted(inputs.items())),
        "reports": reports,
    }
    if encodings:
        manifest["input_encodings"] = dict(sorted(encodings.items()))
    target = reports_root / "manifest.json"
    write_inside(reports_root, target, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return target


def _encodings(files: list[Path], mapping_path: Path) -> dict[str, dict]:
    """Each CSV snapshot's text encoding: set in the mapping, or detected with its confidence."""
    from kerslake_analysis.ingest.register import MappingError, read_mapping
    from kerslake_analysis.ingest.register.encoding import detect_encoding
    from kerslake_analysis.ingest.register.sheets import CSV_SUFFIXES

    try:
        mapping = read_mapping(mapping_path)
    except MappingError:
        return {}
    found = {}
    for path in files:
        if path.suffix.casefold() not in CSV_SUFFIXES:
            continue
        pinned = mapping.plan_for(path.name).encoding
        if pinned is not None:
            found[_shown(path)] = {"encoding": pinned, "confidence": None, "set_in_mapping": True}
            continue
        guess = detect_encoding(path)
        found[_shown(path)] = {
            "encoding": guess.encoding if guess.sure else None,
            "confidence": guess.confidence if guess.sure else None,
            "set_in_mapping": False,
        }
    return found


def _shown(path: Path) -> str:
    """A path relative to the repository when it is inside it, else as given."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(paths.PROJ_ROOT).as_posix()
    except ValueError:
        return Path(path).as_posix()
