"""Compare two trees of rendered reports figure by figure (``figures.json``).

Used by ``kerslake audit --rebuild``: every report is rendered again into a temporary
folder and each ``figures.json`` is compared, as JSON, with the current one. Every
difference is listed with the file and the key path, so a changed figure is named,
not just detected.

Examples
--------
>>> json_differences({"a": 1, "b": [1, 2]}, {"a": 2, "b": [1, 2, 3]})
['a: 1 -> 2', 'b: length 2 -> 3', 'b[2]: only in new: 3']
"""

from __future__ import annotations

import json
from pathlib import Path

from kerslake_analysis.base import paths

#: The file each report writes its headline numbers to.
FIGURES_FILE = paths.FIGURES_FILE


def _show(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def json_differences(old: object, new: object, path: str = "") -> list[str]:
    """List every difference between two JSON values, each with its key path.

    Parameters
    ----------
    old, new : object
        Parsed JSON (dicts, lists, strings, numbers, booleans, None).
    path : str, default ""
        The key path of these values inside the document (for recursion).

    Returns
    -------
    list of str
        One line per difference: a changed value (``key: old -> new``), a key or list
        item present on one side only, a list of a different length or a value of a
        different JSON type. ``1`` and ``1.0`` are equal; ``true`` and ``1`` are not.
        Empty when the values are equal.
    """
    where = path or "(top level)"
    if isinstance(old, dict) and isinstance(new, dict):
        lines = []
        for key in sorted(set(old) | set(new)):
            child = _join(path, key)
            if key not in new:
                lines.append(f"{child}: only in old: {_show(old[key])}")
            elif key not in old:
                lines.append(f"{child}: only in new: {_show(new[key])}")
            else:
                lines += json_differences(old[key], new[key], child)
        return lines
    if isinstance(old, list) and isinstance(new, list):
        lines = [] if len(old) == len(new) else [f"{where}: length {len(old)} -> {len(new)}"]
        for index in range(max(len(old), len(new))):
            child = _join(path, index)
            if index >= len(new):
                lines.append(f"{child}: only in old: {_show(old[index])}")
            elif index >= len(old):
                lines.append(f"{child}: only in new: {_show(new[index])}")
            else:
                lines += json_differences(old[index], new[index], child)
        return lines
    if (
        isinstance(old, bool) != isinstance(new, bool)
        or type(old) is not type(new)
        and not (isinstance(old, (int, float)) and isinstance(new, (int, float)))
    ):
        return [f"{where}: {_show(old)} -> {_show(new)} (type changed)"]
    if old != new:
        return [f"{where}: {_show(old)} -> {_show(new)}"]
    return []


def _figure_files(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob(FIGURES_FILE))}


def compare_figures(old_dir: str | Path, new_dir: str | Path) -> list[str]:
    """List every difference between the ``figures.json`` files of two report trees.

    Parameters
    ----------
    old_dir, new_dir : str or pathlib.Path
        Two folders of rendered reports (e.g. ``reports/`` and a fresh rebuild).

    Returns
    -------
    list of str
        ``"<relative path>: <difference>"`` lines, files in path order: a file present
        in one tree only, a file that is not valid JSON, or each differing key path
        (see :func:`json_differences`). Empty when every figure is the same.

    Raises
    ------
    FileNotFoundError
        If either folder does not exist.
    """
    old_root, new_root = Path(old_dir), Path(new_dir)
    for root in (old_root, new_root):
        if not root.is_dir():
            raise FileNotFoundError(f"no such reports folder: {root}")
    old_files, new_files = _figure_files(old_root), _figure_files(new_root)
    lines = []
    for name in sorted(set(old_files) | set(new_files)):
        if name not in new_files:
            lines.append(f"{name}: only in {old_root}")
            continue
        if name not in old_files:
            lines.append(f"{name}: only in {new_root}")
            continue
        parsed = []
        for side, path in (("old", old_files[name]), ("new", new_files[name])):
            try:
                parsed.append(json.loads(path.read_text(encoding="utf-8")))
            except json.JSONDecodeError as error:
                lines.append(f"{name}: {side} file is not valid JSON: {error}")
        if len(parsed) == 2:
            lines += [f"{name}: {line}" for line in json_differences(*parsed)]
    return lines
