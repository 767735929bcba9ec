"""Third-party example data: where it is, and downloading it pinned by SHA-256.

The repository does not carry the example data sets (the GMPP annual data, later the
public trackers). The list of each example's files, their published location and their
SHA-256 is data, in the package file ``example_data.toml``
(:data:`kerslake_analysis.base.paths.EXAMPLE_DATA_LIST`); adding an example means adding a
table there, not code.

An example's data is looked for, in order (:func:`locate`):

1. the shared copy beside the repository, ``../shared/<shared>`` (read in place; the
   project's machines and CI have it);
2. ``examples/<name>/data/`` of the checkout (or of the current folder when installed),
   where ``kerslake examples fetch NAME`` downloads to; ignored by git.

:func:`fetch` downloads every file of an example from ``base_url`` + file name (the base
overridable with ``--base-url`` or the environment variable :data:`BASE_URL_VARIABLE`),
checks every file's SHA-256 before writing anything, and writes each file atomically.
A file whose checksum differs is refused and nothing is written.

Examples
--------
>>> example = load_examples()["gmpp"]
>>> len(example.files), example.shared
(10, 'external/gmpp')
"""

from __future__ import annotations

import hashlib
import os
import tomllib
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tqdm.auto import tqdm

from kerslake_analysis.base import paths
from kerslake_analysis.base.files import atomic_write

#: Environment variable that replaces every example's ``base_url`` (e.g. a mirror).
BASE_URL_VARIABLE = "KERSLAKE_EXAMPLES_BASE_URL"
#: Seconds to wait for a server before giving up.
TIMEOUT_SECONDS = 60


class ExampleDataError(RuntimeError):
    """Example data is missing, unknown, or could not be downloaded and verified."""


@dataclass(frozen=True)
class Example:
    """One example data set, as listed in ``example_data.toml``.

    Attributes
    ----------
    name : str
        The example's name, e.g. ``"gmpp"``.
    title : str
        What the data is.
    licence : str
        The publisher's terms.
    base_url : str
        The published location: each file is at ``base_url`` + its name.
    shared : str
        The folder of the shared copy under ``../shared``.
    files : dict of str to str
        File name to SHA-256 hex digest.
    """

    name: str
    title: str
    licence: str
    base_url: str
    shared: str
    files: dict[str, str]


def load_examples(path: Path | None = None) -> dict[str, Example]:
    """Read the list of example data sets.

    Parameters
    ----------
    path : pathlib.Path, optional
        The list; defaults to :data:`kerslake_analysis.base.paths.EXAMPLE_DATA_LIST`.

    Returns
    -------
    dict of str to Example

    Raises
    ------
    ExampleDataError
        If a table lacks a key; the message names the file, the example and the key.
    """
    path = path or paths.EXAMPLE_DATA_LIST
    with open(path, "rb") as fh:
        tables = tomllib.load(fh)
    examples = {}
    for name, table in tables.items():
        missing = [k for k in ("title", "licence", "base_url", "shared", "files") if k not in table]
        if missing:
            raise ExampleDataError(f"{path}: example [{name}] lacks {', '.join(missing)}")
        examples[name] = Example(
            name=name,
            title=table["title"],
            licence=table["licence"],
            base_url=table["base_url"],
            shared=table["shared"],
            files=dict(table["files"]),
        )
    return examples


def get_example(name: str) -> Example:
    """Return one example by name.

    Parameters
    ----------
    name : str

    Returns
    -------
    Example

    Raises
    ------
    ExampleDataError
        If no example has that name; the message lists the known ones.
    """
    examples = load_examples()
    if name not in examples:
        raise ExampleDataError(f"no example {name!r}; known: {', '.join(sorted(examples))}")
    return examples[name]


def how_to_get(name: str) -> str:
    """One line saying how to get an example's data.

    Parameters
    ----------
    name : str

    Returns
    -------
    str

    Examples
    --------
    >>> how_to_get("gmpp")
    'run `kerslake examples fetch gmpp` to download it (or put a copy in ../shared/external/gmpp)'
    """
    return (
        f"run `kerslake examples fetch {name}` to download it "
        f"(or put a copy in ../shared/{get_example(name).shared})"
    )


def locate(name: str) -> Path | None:
    """Return the folder holding every file of an example, or None.

    The candidates in order: the shared copy ``../shared/<shared>``, then
    ``examples/<name>/data/`` (see :func:`kerslake_analysis.base.paths.example_data_candidates`).

    Parameters
    ----------
    name : str

    Returns
    -------
    pathlib.Path or None
    """
    example = get_example(name)
    for folder in paths.example_data_candidates(name, example.shared):
        if all((folder / file).is_file() for file in example.files):
            return folder
    return None


def require(name: str) -> Path:
    """Return an example's data folder, or refuse with how to get it.

    Parameters
    ----------
    name : str

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ExampleDataError
        If no candidate folder holds every file; the message says where it looked and
        how to get the data.
    """
    folder = locate(name)
    if folder is None:
        example = get_example(name)
        looked = ", ".join(str(p) for p in paths.example_data_candidates(name, example.shared))
        raise ExampleDataError(
            f"the {name} example data is not here (looked in {looked}): {how_to_get(name)}"
        )
    return folder


def _download(url: str, label: str, progress: bool) -> bytes:
    """The bytes at ``url``, with a progress bar; ExampleDataError naming the URL on failure."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            total = int(response.headers.get("Content-Length") or 0) or None
            chunks = []
            with tqdm(
                total=total, unit="B", unit_scale=True, desc=label, disable=not progress
            ) as bar:
                for chunk in iter(lambda: response.read(1 << 16), b""):
                    chunks.append(chunk)
                    bar.update(len(chunk))
    except OSError as exc:  # URLError, HTTPError and timeouts are OSErrors
        raise ExampleDataError(f"could not download {url}: {exc}") from exc
    return b"".join(chunks)


def fetch(
    name: str,
    dest: Path | None = None,
    base_url: str | None = None,
    progress: bool = True,
) -> Path:
    """Download an example's files, verify each SHA-256, then write them.

    Files already in ``dest`` with the right checksum are not downloaded again. Every
    file is downloaded and checked before any is written, so a file whose checksum
    differs leaves ``dest`` as it was.

    Parameters
    ----------
    name : str
        The example, e.g. ``"gmpp"``.
    dest : pathlib.Path, optional
        Folder to write into; defaults to
        :func:`kerslake_analysis.base.paths.fetched_example_dir` (``examples/<name>/data/``).
    base_url : str, optional
        Where to download from instead of the published location: the environment
        variable :data:`BASE_URL_VARIABLE` if set, else the example's ``base_url``.
    progress : bool, default True
        Show a progress bar per file.

    Returns
    -------
    pathlib.Path
        The folder written.

    Raises
    ------
    ExampleDataError
        If a download fails or a file's SHA-256 differs from the pinned one; the
        message names the file, the URL and both checksums.
    """
    example = get_example(name)
    dest = Path(dest) if dest is not None else paths.fetched_example_dir(name)
    base = base_url or os.environ.get(BASE_URL_VARIABLE) or example.base_url
    base = base if base.endswith("/") else base + "/"
    downloaded: dict[str, bytes] = {}
    for file, expected in example.files.items():
        target = dest / file
        if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == expected:
            continue
        url = base + file
        data = _download(url, file, progress)
        actual = hashlib.sha256(data).hexdigest()
        if actual != expected:
            raise ExampleDataError(
                f"{file} from {url} has SHA-256 {actual}, not the pinned {expected}: "
                f"refused, nothing written to {dest}"
            )
        downloaded[file] = data
    for file, data in downloaded.items():
        atomic_write(dest / file, data)
    return dest
