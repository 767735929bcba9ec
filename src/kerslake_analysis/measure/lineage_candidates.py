"""Suggest links between promises of different documents by text similarity.

A *lineage chain* follows one promise through the documents: made in the 2015 action
plan, restated in the 2016 gap analysis or the 2018 plan, evidenced as done (or not)
later. Finding the chains is a judgement kept by hand in
``data/transcriptions/lineage.csv``; this module only *suggests* candidate pairs so
that nothing obvious is missed. Every text a chain end can be (a commitment, an
observation, a 2018 aim or update, a paragraph of a narrative document) becomes a row
of :func:`evidence_texts`; :func:`candidate_pairs` scores every pair from different
documents with TF-IDF cosine similarity (scikit-learn) and keeps the best few per
text. A candidate is not a link: each one kept is confirmed by reading both ends.

Run ``python -m kerslake_analysis.measure.lineage_candidates [--min 0.2] [--per-item 3]`` to
print the candidates for the curated data. A developer's tool: scikit-learn comes with
the ``lineage`` extra (``pip install 'kerslake-analysis[lineage]'``).

Examples
--------
>>> texts = pd.DataFrame({
...     "ref": ["A", "B", "C"],
...     "kind": ["commitment"] * 3,
...     "source": ["004_8cc2926d097384ad.txt", "001_3e6875fb2dbcaf44.txt",
...                "001_3e6875fb2dbcaf44.txt"],
...     "source_line": [1, 2, 3],
...     "text": ["Agree strategic workforce plan", "Completion of workforce plan",
...              "Reduced paper arrangements"],
... })
>>> candidate_pairs(texts, min_similarity=0.1)[["from_ref", "to_ref"]].values.tolist()
[['A', 'B']]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from kerslake_analysis.base import paths
from kerslake_analysis.ingest import load
from kerslake_analysis.ingest.documents.lineage import DOCUMENT_DATES
from kerslake_analysis.ingest.provenance import SourceDocument, strip_markup

#: Columns of :func:`evidence_texts`.
TEXT_COLUMNS: tuple[str, ...] = ("ref", "kind", "source", "source_line", "text")

#: Narrative documents whose paragraphs (one a line) are candidate ends as they stand.
_NARRATIVE_KEYS: tuple[str, ...] = ("progress_2015", "gap_2016", "iif_2021")
#: A narrative line shorter than this many words (a heading, a list stub) is skipped.
_MIN_WORDS = 8


def evidence_texts(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every text that can be one end of a lineage link, one row each.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        Curated tables as from :func:`kerslake_analysis.ingest.load.load_all`; uses
        ``commitments``, ``observations``, ``cgip18_aims`` and ``cgip18_updates``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TEXT_COLUMNS`. ``kind`` is ``commitment``, ``observation``,
        ``aim``, ``update`` or ``statement`` (a paragraph line of the December 2015
        report, the 2016 gap analysis or the 2021 report, ``ref`` empty).
    """
    aims = tables["cgip18_aims"]
    parts = [
        _rows(tables["commitments"], "commitment_id", "commitment", "text"),
        _rows(tables["observations"], "observation_id", "observation", "evidence"),
        _rows(
            aims.assign(
                whole=aims["aim_text"] + " " + aims["required_actions"] + " " + aims["outputs"]
            ),
            "aim_id",
            "aim",
            "whole",
        ),
        _rows(tables["cgip18_updates"], "update_id", "update", "text"),
        *(_narrative_lines(key) for key in _NARRATIVE_KEYS),
    ]
    return pd.concat(parts, ignore_index=True)


def _rows(frame: pd.DataFrame, id_column: str, kind: str, text_column: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ref": frame[id_column].astype(str),
            "kind": kind,
            "source": frame["source"].astype(str),
            "source_line": frame["source_line"].astype("int64"),
            "text": frame[text_column].astype(str),
        }
    )


def _narrative_lines(key: str) -> pd.DataFrame:
    document = SourceDocument.open(key)
    lines = pd.Series([strip_markup(line) for line in document.lines])
    keep = lines.str.split().str.len() >= _MIN_WORDS
    return pd.DataFrame(
        {
            "ref": "",
            "kind": "statement",
            "source": document.name,
            "source_line": (lines.index[keep] + 1).astype("int64"),
            "text": lines[keep].to_numpy(),
        }
    )


def candidate_pairs(
    texts: pd.DataFrame, min_similarity: float = 0.2, per_item: int = 3
) -> pd.DataFrame:
    """Score pairs of texts from different documents and keep the most similar.

    The TF-IDF model (English stop words removed, words and word pairs, sublinear term
    frequency) is fitted on all the texts. A pair is oriented from the earlier document
    to the later one (:data:`kerslake_analysis.ingest.documents.lineage.DOCUMENT_DATES`); for
    each earlier text and each later document, the ``per_item`` best texts scoring at
    least ``min_similarity`` are kept.

    Parameters
    ----------
    texts : pandas.DataFrame
        Columns :data:`TEXT_COLUMNS`, as from :func:`evidence_texts`.
    min_similarity : float, default 0.2
        Lowest cosine similarity kept (0 to 1).
    per_item : int, default 3
        Most candidates kept per earlier text and later document.

    Returns
    -------
    pandas.DataFrame
        ``from_ref``, ``from_kind``, ``from_source``, ``from_line``, ``to_ref``,
        ``to_kind``, ``to_source``, ``to_line``, ``similarity``, ``from_text``,
        ``to_text``; most similar first.

    Raises
    ------
    KeyError
        If a text's ``source`` is not one of the five raw documents.
    ImportError
        If scikit-learn is not installed; the message names the ``lineage`` extra.
    """
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.metrics.pairwise import cosine_similarity
    except ImportError as exc:
        raise ImportError(
            "the lineage candidate finder needs scikit-learn: "
            "pip install 'kerslake-analysis[lineage]'"
        ) from exc
    dates = texts["source"].map(lambda name: DOCUMENT_DATES[name])
    matrix = TfidfVectorizer(
        stop_words="english", ngram_range=(1, 2), sublinear_tf=True
    ).fit_transform(texts["text"])
    similarity = cosine_similarity(matrix)
    later = dates.to_numpy()[None, :] > dates.to_numpy()[:, None]
    keep = later & (similarity >= min_similarity)
    first, second = np.nonzero(keep)
    pairs = pd.DataFrame(
        {
            "from_ref": texts["ref"].to_numpy()[first],
            "from_kind": texts["kind"].to_numpy()[first],
            "from_source": texts["source"].to_numpy()[first],
            "from_line": texts["source_line"].to_numpy()[first],
            "to_ref": texts["ref"].to_numpy()[second],
            "to_kind": texts["kind"].to_numpy()[second],
            "to_source": texts["source"].to_numpy()[second],
            "to_line": texts["source_line"].to_numpy()[second],
            "similarity": similarity[first, second].round(3),
            "from_text": texts["text"].to_numpy()[first],
            "to_text": texts["text"].to_numpy()[second],
            "_from": first,
        }
    )
    pairs = pairs.sort_values(["similarity", "_from"], ascending=[False, True], kind="stable")
    pairs = pairs.groupby(["_from", "to_source"], sort=False).head(per_item)
    return pairs.drop(columns="_from").reset_index(drop=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the candidate pairs of the curated data as CSV on standard output.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (defaults to ``sys.argv[1:]``): ``--min`` and ``--per-item``.

    Returns
    -------
    int
        0.
    """
    parser = argparse.ArgumentParser(
        prog="python -m kerslake_analysis.measure.lineage_candidates",
        description="List candidate lineage links between documents by TF-IDF similarity.",
    )
    parser.add_argument("--min", type=float, default=0.2, help="lowest similarity kept")
    parser.add_argument("--per-item", type=int, default=3, help="candidates per text and document")
    parser.add_argument("--curated", default=str(paths.CURATED_DIR), help="curated tables folder")
    args = parser.parse_args(argv)
    texts = evidence_texts(load.load_all(Path(args.curated)))
    candidate_pairs(texts, args.min, args.per_item).to_csv(sys.stdout, index=False)
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through main()
    raise SystemExit(main())
