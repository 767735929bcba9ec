"""Detect a CSV file's text encoding, and refuse to guess when the bytes do not tell.

A tracker saved by Excel on Windows is usually Windows-1252, on a Mac sometimes Mac
Roman, elsewhere UTF-8. :func:`detect_encoding` accepts UTF-8 (with or without a
byte-order mark) at once. Otherwise it asks `charset-normalizer
<https://charset-normalizer.readthedocs.io/>`_ for candidate encodings and keeps those
that decode the whole file with little "chaos" (at most :data:`MAX_CHAOS` of the text
looks like mojibake). It is **sure** only when every such candidate reads the file as the
same text; when two candidates read it differently (Windows-1252 and Mac Roman read byte
``0x8e`` as ``Ž`` and ``é``) it is not sure, and the caller must stop and ask the user to
set ``files.encoding`` in the mapping.

Measured on the ten GMPP files (cp1252, 240-700 KB): charset-normalizer ranks cp1250,
cp775, cp850 or cp932 first and cp1252 second to fourth, with the same chaos (0.0) for
each, so none of them is detected "for sure"; that is why the GMPP mapping pins
``encoding = "cp1252"``. Single-byte Western encodings cannot be told apart from the
bytes alone; a person must look at a line and say which reading is right, and
:func:`describe_candidates` shows the line as each candidate reads it.

Examples
--------
>>> guess = detect_encoding("Ref,Action\\n1,Café\\n".encode("utf-8"))
>>> guess.encoding, guess.confidence, guess.sure
('utf-8', 1.0, True)
>>> guess = detect_encoding("Ref,Action\\n1,Café – draft\\n".encode("mac_roman"))
>>> guess.sure
False
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio

#: A candidate whose decoded text is more than this fraction "chaos" (charset-normalizer's
#: mess ratio: odd symbols, mixed scripts, accents in odd places) is not a candidate.
#: charset-normalizer's own default is 0.2; real cp1252 trackers measure 0.0-0.06.
MAX_CHAOS = 0.1
#: At most this many readings are shown when the encoding cannot be told.
SHOWN_CANDIDATES = 4
#: Encodings trackers are commonly saved in (Excel on Windows, on an old Mac), always
#: tried besides charset-normalizer's candidates and shown first: charset-normalizer does
#: not propose Mac Roman for a real Mac Roman tracker (taxpayers' with 0xD5), and ranks
#: cp1252 below cp1250 on real cp1252 files.
COMMON_ENCODINGS: tuple[str, ...] = ("cp1252", "mac_roman")
_SAMPLE_CHARACTERS = 200_000
_UTF8 = ("utf-8", "utf_8", "utf8")


@dataclass(frozen=True)
class EncodingGuess:
    """What :func:`detect_encoding` found.

    Parameters
    ----------
    encoding : str
        The encoding to read the file with (Python codec name, e.g. ``"utf-8"``,
        ``"utf-8-sig"``, ``"cp1252"``), or the best candidate when not ``sure``.
    confidence : float
        1.0 for UTF-8; otherwise 1 − charset-normalizer's chaos of the best reading
        (0 to 1). Shown in the report footer and the manifest.
    sure : bool
        True when every acceptable candidate reads the file as the same text.
    candidates : list of str
        One encoding per distinct reading (empty when the file is UTF-8): those of
        :data:`COMMON_ENCODINGS` that read it with little chaos first, then the others
        from least chaos.
    """

    encoding: str
    confidence: float
    sure: bool
    candidates: list[str] = field(default_factory=list)


def detect_encoding(source: Path | str | bytes) -> EncodingGuess:
    """Detect the text encoding of a CSV file's bytes.

    Parameters
    ----------
    source : pathlib.Path, str or bytes
        The file (path) or its bytes.

    Returns
    -------
    EncodingGuess
        ``sure`` is False when the bytes do not tell the encoding: no candidate reads
        them with chaos at most :data:`MAX_CHAOS`, or two candidates read them as
        different text. The caller must then refuse the file and ask for
        ``files.encoding`` in the mapping, never read it with the best guess.

    Examples
    --------
    >>> detect_encoding(b"\\xef\\xbb\\xbfRef,Action\\n").encoding
    'utf-8-sig'
    >>> detect_encoding(b"Ref,Action\\n").encoding
    'utf-8'
    """
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        try:
            data.decode("utf-8-sig")
            return EncodingGuess("utf-8-sig", 1.0, True)
        except UnicodeDecodeError:
            pass
    else:
        try:
            data.decode("utf-8")
            return EncodingGuess("utf-8", 1.0, True)
        except UnicodeDecodeError:
            pass
    readings: dict[str, tuple[str, float]] = {}  # digest of the text -> (encoding, chaos)
    for match in from_bytes(data):
        if match.chaos > MAX_CHAOS or match.encoding.replace("_", "-") in _UTF8:
            continue
        try:
            text = data.decode(match.encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        if digest not in readings or match.chaos < readings[digest][1]:
            readings[digest] = (match.encoding, match.chaos)
    for encoding in COMMON_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        if digest in readings:  # the same reading: call it by the common name
            readings[digest] = (encoding, readings[digest][1])
            continue
        chaos = mess_ratio(text[:_SAMPLE_CHARACTERS], maximum_threshold=1.0)
        if chaos <= MAX_CHAOS:
            readings[digest] = (encoding, chaos)
    ranked = sorted(readings.values(), key=lambda pair: pair[1])
    common = [pair for pair in ranked if pair[0] in COMMON_ENCODINGS]
    ranked = common + [pair for pair in ranked if pair not in common]
    if not ranked:
        return EncodingGuess("", 0.0, False)
    encoding, chaos = min(ranked, key=lambda pair: pair[1])
    return EncodingGuess(encoding, round(1.0 - chaos, 3), len(ranked) == 1, [e for e, _ in ranked])


def describe_candidates(data: bytes, candidates: list[str]) -> str:
    """Show the first line holding a non-ASCII byte as each candidate encoding reads it.

    Parameters
    ----------
    data : bytes
        The file's bytes.
    candidates : list of str
        Encodings, best first.

    Returns
    -------
    str
        ``"line 3 reads 'Café' as cp1252, 'CafÈ' as mac_roman"``, or "" when every
        line is ASCII.

    Examples
    --------
    >>> describe_candidates("a\\nCafé\\n".encode("cp1252"), ["cp1252", "mac_roman"])
    "line 2 reads 'Café' as cp1252, 'CafÈ' as mac_roman"
    """
    for number, line in enumerate(data.splitlines(), start=1):
        if line.isascii():
            continue
        readings = []
        for encoding in candidates[:SHOWN_CANDIDATES]:
            text = line.decode(encoding, errors="replace").strip()
            readings.append(f"{_excerpt(text)!r} as {encoding}")
        return f"line {number} reads " + ", ".join(readings)
    return ""


def _excerpt(text: str, width: int = 60) -> str:
    """Up to ``width`` characters of ``text`` around its first non-ASCII character."""
    if len(text) <= width:
        return text
    first = next((i for i, c in enumerate(text) if not c.isascii()), 0)
    start = max(0, first - width // 2)
    return ("…" if start else "") + text[start : start + width] + "…"
