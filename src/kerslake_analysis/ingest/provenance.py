"""Tie every curated row to a verbatim line of its source document.

A row's ``quote`` must be a substring of line ``source_line`` (1-based) of the raw
file named in ``source``. :class:`SourceDocument` finds that line for a quote and
refuses quotes that are not in the document, so no row can be written without a
traceable origin.

Examples
--------
>>> doc = SourceDocument.open("gap_2016")
>>> doc.name
'003_5c42c1f83524bff3.txt'
>>> doc.locate("Gap analysis summary - March 2016")
3
>>> strip_markup("<p><b>Ready</b> &amp; <i>done</i><br/>now</p>")
'Ready & done now'
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import nh3

from kerslake_analysis.base import paths


class QuoteNotFoundError(ValueError):
    """A quote is not a verbatim substring of its source document."""


@dataclass(frozen=True)
class SourceDocument:
    """A raw source document read as lines.

    Parameters
    ----------
    path : pathlib.Path
        Location of the raw file.
    lines : tuple of str
        The file's lines without line endings; ``lines[0]`` is line 1.
    """

    path: Path
    lines: tuple[str, ...] = field(repr=False)

    @property
    def name(self) -> str:
        """The file name used in the ``source`` column."""
        return self.path.name

    @property
    def text(self) -> str:
        """The whole document as one string."""
        return "\n".join(self.lines)

    @classmethod
    def open(cls, key: str, raw_dir: Path | None = None) -> SourceDocument:
        """Read one of the five source documents by its key in ``paths.SOURCE_FILES``.

        Parameters
        ----------
        key : str
            For example ``"cgip_2018"``.
        raw_dir : pathlib.Path, optional
            Folder holding the documents; defaults to ``paths.RAW_DIR``.

        Returns
        -------
        SourceDocument

        Raises
        ------
        FileNotFoundError
            If the document is not in the folder; the message names the path.
        """
        path = paths.raw_file(key)
        if raw_dir is not None:
            path = Path(raw_dir) / path.name
        if not path.is_file():
            raise FileNotFoundError(f"source document {key!r} not found at {path}")
        return _open_cached(path.resolve())

    def line(self, number: int) -> str:
        """Return line ``number`` (1-based)."""
        return self.lines[number - 1]

    def locate(self, quote: str, start: int = 1) -> int:
        """Return the first line at or after ``start`` that contains ``quote``.

        Parameters
        ----------
        quote : str
            Verbatim text expected on a single line of the document.
        start : int, default 1
            First line (1-based) to search from; use it to pick the right one of
            several occurrences.

        Returns
        -------
        int
            The 1-based line number.

        Raises
        ------
        QuoteNotFoundError
            If no line at or after ``start`` contains the quote; the message names
            the file and the quote.
        """
        if not quote:
            raise QuoteNotFoundError(f"{self.name}: empty quote")
        for number in range(max(start, 1), len(self.lines) + 1):
            if quote in self.lines[number - 1]:
                return number
        raise QuoteNotFoundError(
            f"{self.name}: quote not found verbatim on any line from {start}: {quote!r}"
        )

    def check(self, quote: str, line: int) -> None:
        """Raise :class:`QuoteNotFoundError` unless ``quote`` is on line ``line``."""
        if not (1 <= line <= len(self.lines)) or quote not in self.lines[line - 1]:
            raise QuoteNotFoundError(f"{self.name}:{line}: quote not on that line: {quote!r}")


@cache
def _open_cached(path: Path) -> SourceDocument:
    text = path.read_text(encoding="utf-8")
    return SourceDocument(path=path, lines=tuple(text.split("\n")))


_WHITESPACE = re.compile(r"\s+")


def strip_markup(fragment: str) -> str:
    """Turn an HTML/markdown table fragment into plain text.

    Tags are removed with :func:`nh3.clean` (no tags allowed), entities are
    unescaped, markdown bold markers dropped and white space folded. ``<br>`` and
    ``</p>`` become spaces so words do not run together.

    Parameters
    ----------
    fragment : str
        Text that may contain tags such as ``<b>``, ``<p>``, ``<br/>``, ``<sup>``.

    Returns
    -------
    str
        Plain text.
    """
    spaced = re.sub(r"(?i)<br\s*/?>|</p>|</li>", " ", fragment)
    cleaned = html.unescape(nh3.clean(spaced, tags=set()))
    cleaned = cleaned.replace("**", "")
    return _WHITESPACE.sub(" ", cleaned).strip()


def is_bold(fragment: str) -> bool:
    """Return True when the visible text of ``fragment`` is wholly inside ``<b>``/``<strong>``.

    Parameters
    ----------
    fragment : str
        An HTML fragment.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_bold("<p><b>Done (September Update).</b></p>")
    True
    >>> is_bold("<p>Survey planned <b>NOW COMPLETE</b></p>")
    False
    """
    outside = re.sub(r"(?is)<(b|strong)\b[^>]*>.*?</\1>", "", fragment)
    return bool(strip_markup(fragment)) and not strip_markup(outside)
