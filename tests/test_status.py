"""Tests of kerslake_analysis.measure.status: the December 2015 key plus No evidence."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference_status import reference_status

from kerslake_analysis.base.statuses import KEY_STATUSES
from kerslake_analysis.ingest import schema
from kerslake_analysis.measure import status as status_module
from kerslake_analysis.measure.status import (
    _RAG_OF_CODE,
    BEHIND_STATUSES,
    OBSERVATION_STATES,
    RAG_COLOURS,
    STATUS_COLOURS,
    STATUS_DTYPE,
    STATUS_ORDER,
    STATUS_RAG,
    StatusIndex,
    _rag_codes,
    as_of_date,
    status_as_of,
    status_by_period,
)


def commitments(rows: list[tuple[str, str | None]], **extra) -> pd.DataFrame:
    """Commitments from (id, due_end 'YYYY-MM-DD' or None)."""
    frame = pd.DataFrame(
        {
            "commitment_id": [r[0] for r in rows],
            "due_end": pd.to_datetime([r[1] for r in rows]).astype("datetime64[us]"),
        }
    )
    for name, values in extra.items():
        frame[name] = values
    return frame


def observations(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Observations from (id, observed_on 'YYYY-MM-DD', state)."""
    return pd.DataFrame(
        {
            "commitment_id": [r[0] for r in rows],
            "observed_on": pd.to_datetime([r[1] for r in rows]).astype("datetime64[us]"),
            "state": [r[2] for r in rows],
        }
    )


def status_of(c: pd.DataFrame, o: pd.DataFrame, as_of: str) -> dict[str, str]:
    out = status_as_of(c, o, as_of)
    return dict(zip(out["commitment_id"], out["status"].astype(str), strict=True))


# ------------------------------------------------------------------ the key


def test_status_order_and_rag_follow_the_december_2015_key():
    # The report's key (000_e235c92a6776d4ac.txt lines 184-189) names the six statuses;
    # docs/design.md fixes their order and RAG, adds Ongoing (open or recurring, no due
    # end, no RAG) before TBC and No evidence last, grey, no RAG.
    assert STATUS_ORDER == (
        "Complete",
        "In progress",
        "Not due to have started",
        "In progress – completion slipped",
        "Not started – completion slipped",
        "Ongoing",
        "TBC",
        "No evidence",
    )
    assert KEY_STATUSES == (
        "Complete",
        "In progress",
        "Not due to have started",
        "In progress – completion slipped",
        "Not started – completion slipped",
        "TBC",
    )
    assert STATUS_DTYPE.ordered and list(STATUS_DTYPE.categories) == list(STATUS_ORDER)
    assert [STATUS_RAG[s] for s in STATUS_ORDER] == [
        "Green",
        "Amber",
        "Amber",
        "Red",
        "Red",
        "none",
        "none",
        "none",
    ]
    assert BEHIND_STATUSES == STATUS_ORDER[3:5]
    assert set(STATUS_COLOURS) == set(STATUS_ORDER)
    assert STATUS_COLOURS["No evidence"] == RAG_COLOURS["none"]
    assert len(set(STATUS_COLOURS.values())) == 8  # every status distinguishable
    # By hand: Green 0, Amber 1, Amber 1, Red 2, Red 2, none 3 (Ongoing, TBC, No evidence).
    assert list(_rag_codes(np.arange(8, dtype=np.int8))) == [0, 1, 1, 2, 2, 3, 3, 3]
    assert list(_RAG_OF_CODE) == [0, 1, 1, 2, 2, 3, 3, 3]
    assert OBSERVATION_STATES == schema.OBSERVATION_STATES


def test_every_status_on_a_hand_built_register():
    # As of 30 June 2015:
    #   A complete in May                                  -> Complete
    #   B in progress, due 31 Dec 2015                     -> In progress
    #   C not started, due 31 Dec 2015                     -> Not due to have started
    #   D in progress, due 31 Mar 2015 (passed)            -> In progress – completion slipped
    #   E not started, due 31 Mar 2015 (passed)            -> Not started – completion slipped
    #   H in progress, "Ongoing" (no due end)             -> Ongoing
    #   F in progress, no due date (TBC)                   -> TBC
    #   G never observed                                   -> No evidence
    c = commitments(
        [
            ("A", "2015-05-31"),
            ("B", "2015-12-31"),
            ("C", "2015-12-31"),
            ("D", "2015-03-31"),
            ("E", "2015-03-31"),
            ("H", None),
            ("F", None),
            ("G", "2015-03-31"),
        ],
        timescale_kind=["month"] * 5 + ["ongoing", "tbc", "month"],
    )
    o = observations(
        [
            ("A", "2015-05-31", "complete"),
            ("B", "2015-06-30", "in_progress"),
            ("C", "2015-06-30", "not_started"),
            ("D", "2015-06-30", "in_progress"),
            ("E", "2015-06-30", "not_started"),
            ("H", "2015-06-30", "in_progress"),
            ("F", "2015-06-30", "in_progress"),
        ]
    )
    out = status_as_of(c, o, "2015-06")
    assert list(out["status"].astype(str)) == list(STATUS_ORDER)
    assert list(out["rag"].astype(str)) == [
        "Green",
        "Amber",
        "Amber",
        "Red",
        "Red",
        "none",
        "none",
        "none",
    ]
    assert out["status"].dtype == STATUS_DTYPE
    assert (out["period"].astype(str) == "2015-06").all()
    assert (out["as_of"] == pd.Timestamp("2015-06-30")).all()
    assert out["completed_on"].iloc[0] == pd.Timestamp("2015-05-31")
    assert out["completed_on"].iloc[1:].isna().all()
    assert out["last_observed_on"].iloc[:7].eq(pd.Timestamp("2015-06-30")).sum() == 6
    assert pd.isna(out["last_observed_on"].iloc[7])
    # Columns and index of the input are kept.
    assert list(out.columns[:3]) == ["commitment_id", "due_end", "timescale_kind"]
    assert out.index.equals(c.index)


# ------------------------------------------------------------------ edges


def test_due_today_is_not_slipped_and_the_next_day_is():
    c = commitments([("A", "2015-03-31"), ("B", "2015-03-31")])
    o = observations([("A", "2015-03-01", "in_progress"), ("B", "2015-03-01", "not_started")])
    assert status_of(c, o, "2015-03-31") == {"A": "In progress", "B": "Not due to have started"}
    assert status_of(c, o, "2015-04-01") == {
        "A": "In progress – completion slipped",
        "B": "Not started – completion slipped",
    }


def test_completed_on_the_due_date_is_complete_with_that_date():
    c = commitments([("A", "2015-03-31")])
    o = observations([("A", "2015-02-28", "in_progress"), ("A", "2015-03-31", "complete")])
    out = status_as_of(c, o, "2015-03")
    assert out["status"].iloc[0] == "Complete"
    assert out["completed_on"].iloc[0] == pd.Timestamp("2015-03-31")
    assert out["last_seen_incomplete"].iloc[0] == pd.Timestamp("2015-02-28")


def test_ongoing_commitments_have_their_own_status_and_tbc_stays_tbc():
    # Timescales as timescales.parse_timescale reads them: "Ongoing" and "(July 2018
    # onwards)" are kind ongoing, "monthly" recurring, "TBC" tbc; none has a due end.
    # With evidence: the open or recurring ones are Ongoing, TBC stays TBC; without
    # evidence both are No evidence; complete is complete whatever the due date.
    c = commitments(
        [
            ("TBC", None),
            ("ONGOING", None),
            ("ONWARDS", None),
            ("MONTHLY", None),
            ("SILENT", None),
            ("DONE", None),
        ],
        timescale=["TBC", "Ongoing", "(July 2018 onwards)", "monthly", "Ongoing", "Ongoing"],
        timescale_kind=["tbc", "ongoing", "ongoing", "recurring", "ongoing", "ongoing"],
    )
    o = observations(
        [
            ("TBC", "2015-06-30", "not_started"),
            ("ONGOING", "2015-06-30", "in_progress"),
            ("ONWARDS", "2015-06-30", "in_progress"),
            ("MONTHLY", "2015-06-30", "not_started"),
            ("DONE", "2015-06-30", "complete"),
        ]
    )
    assert status_of(c, o, "2015-06") == {
        "TBC": "TBC",
        "ONGOING": "Ongoing",
        "ONWARDS": "Ongoing",
        "MONTHLY": "Ongoing",
        "SILENT": "No evidence",
        "DONE": "Complete",
    }
    assert list(status_as_of(c, o, "2015-06")["rag"].astype(str)) == ["none"] * 5 + ["Green"]
    # Ongoing is never due, so never behind, however late t is.
    assert status_of(c, o, "2030-01")["ONGOING"] == "Ongoing"
    # Without timescale_kind nothing says a commitment is open, so undated means TBC.
    assert status_of(c.drop(columns="timescale_kind"), o, "2015-06")["ONGOING"] == "TBC"


def test_completed_before_the_first_observation():
    # First seen already complete: completed_on is that first observation (an upper
    # bound) and nothing was seen incomplete before it.
    c = commitments([("A", "2015-01-31")])
    o = observations([("A", "2015-06-30", "complete")])
    out = status_as_of(c, o, "2015-06")
    assert out["status"].iloc[0] == "Complete"
    assert out["completed_on"].iloc[0] == pd.Timestamp("2015-06-30")
    assert pd.isna(out["last_seen_incomplete"].iloc[0])
    # Before that observation there is no evidence at all.
    assert status_of(c, o, "2015-05") == {"A": "No evidence"}


def test_an_observation_dated_before_the_plans_start_counts():
    # The plan's window opens in February 2015; an update from December 2014 saying the
    # work had started is still evidence.
    c = commitments([("A", "2015-03-31")], due_start=pd.to_datetime(["2015-02-01"]))
    o = observations([("A", "2014-12-15", "in_progress")])
    assert status_of(c, o, "2015-01") == {"A": "In progress"}
    assert status_of(c, o, "2015-04") == {"A": "In progress – completion slipped"}
    out = status_as_of(c, o, "2015-04")
    assert out["last_observed_on"].iloc[0] == pd.Timestamp("2014-12-15")


def test_observations_after_as_of_are_ignored():
    c = commitments([("A", "2015-12-31")])
    o = observations([("A", "2015-03-31", "not_started"), ("A", "2015-07-31", "complete")])
    assert status_of(c, o, "2015-06") == {"A": "Not due to have started"}
    assert status_of(c, o, "2015-07") == {"A": "Complete"}
    out = status_as_of(c, o, "2015-06")
    assert pd.isna(out["completed_on"].iloc[0])
    assert out["last_observed_on"].iloc[0] == pd.Timestamp("2015-03-31")


def test_unknown_state_is_not_evidence_of_a_state():
    c = commitments([("ONLY_UNKNOWN", "2015-03-31"), ("LATER_UNKNOWN", "2015-03-31")])
    o = observations(
        [
            ("ONLY_UNKNOWN", "2015-02-28", "unknown"),
            ("LATER_UNKNOWN", "2015-01-31", "in_progress"),
            ("LATER_UNKNOWN", "2015-02-28", "unknown"),
        ]
    )
    # The unknown update neither erases the earlier in-progress nor counts on its own.
    assert status_of(c, o, "2015-02") == {
        "ONLY_UNKNOWN": "No evidence",
        "LATER_UNKNOWN": "In progress",
    }


def test_latest_observation_decides_and_a_tie_goes_to_the_more_advanced_state():
    c = commitments([("BACK", "2015-12-31"), ("TIE", "2015-12-31")])
    o = observations(
        [
            ("BACK", "2015-01-31", "in_progress"),
            ("BACK", "2015-02-28", "not_started"),  # the latest says not started
            ("TIE", "2015-02-28", "not_started"),
            ("TIE", "2015-02-28", "in_progress"),
        ]
    )
    assert status_of(c, o, "2015-02") == {"BACK": "Not due to have started", "TIE": "In progress"}


def test_a_completion_is_never_undone():
    c = commitments([("A", "2015-12-31")])
    o = observations([("A", "2015-02-28", "complete"), ("A", "2015-03-31", "in_progress")])
    assert status_of(c, o, "2015-03") == {"A": "Complete"}
    assert status_as_of(c, o, "2015-03")["completed_on"].iloc[0] == pd.Timestamp("2015-02-28")


def test_as_of_may_be_a_period_or_a_date():
    assert as_of_date("2016-02") == pd.Timestamp("2016-02-29")
    assert as_of_date(dt.date(2015, 6, 15)) == pd.Timestamp("2015-06-15")
    assert as_of_date(pd.Timestamp("2015-06-15 13:45")) == pd.Timestamp("2015-06-15")
    with pytest.raises(ValueError, match="neither a period"):
        as_of_date("June 2015")
    with pytest.raises(ValueError, match="2015-13"):
        as_of_date("2015-13")


def test_string_inputs_are_read_like_the_curated_csv():
    c = pd.DataFrame({"commitment_id": ["A", "B"], "due_end": ["2015-03-31", ""]})
    o = pd.DataFrame(
        {
            "commitment_id": ["A", "B"],
            "observed_on": ["2015-04-30"] * 2,
            "state": ["in_progress"] * 2,
        }
    )
    assert status_of(c, o, "2015-04") == {"A": "In progress – completion slipped", "B": "TBC"}


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("c_rows", "o_rows", "message"),
    [
        (
            [("A", None)],
            [("Z", "2015-01-31", "complete")],
            r"commitment_id: not in commitments: index 0: 'Z'",
        ),
        ([("A", None)], [("A", "2015-01-31", "done")], r"state: not one of .*index 0: 'done'"),
        ([("A", None), ("A", None)], [], r"commitment_id: IDs repeat: \['A'\]"),
    ],
)
def test_bad_input_names_the_frame_column_and_row(c_rows, o_rows, message):
    o = observations(o_rows) if o_rows else observations([]).astype({"state": object})
    with pytest.raises(ValueError, match=message):
        status_as_of(commitments(c_rows), o, "2015-01")


@pytest.mark.parametrize(
    "text", ["03/04/2015", "2015/04/03", "4 March 2015", "20150304", "2015-02-30"]
)
def test_non_iso_dates_are_refused_never_guessed(text):
    # "03/04/2015" is 3 April in the UK and 4 March in the US: refuse it, naming the
    # frame, the column and the row, rather than read it either way.
    c = pd.DataFrame({"commitment_id": ["A", "B"], "due_end": ["2015-04-30", text]})
    o = observations([("A", "2015-04-30", "in_progress")])
    with pytest.raises(ValueError, match=r"commitments, column due_end: not a date.*index 1"):
        status_as_of(c, o, "2015-04")
    o = pd.DataFrame(
        {"commitment_id": ["A", "A"], "observed_on": ["2015-03-31", text], "state": ["unknown"] * 2}
    )
    with pytest.raises(ValueError, match=r"observations, column observed_on: not a date.*index 1"):
        status_as_of(commitments([("A", "2015-04-30")]), o, "2015-04")
    with pytest.raises(ValueError, match="neither a period"):
        status_as_of(commitments([("A", "2015-04-30")]), observations([]), text)


def test_iso_text_and_date_objects_are_read_as_dates():
    # ISO text and date objects give the same status as datetime64: A due 31 March,
    # seen in progress on 30 April, is slipped at the end of April.
    for due in ("2015-03-31", dt.date(2015, 3, 31), pd.Timestamp("2015-03-31")):
        c = pd.DataFrame({"commitment_id": ["A"], "due_end": pd.Series([due], dtype=object)})
        o = pd.DataFrame(
            {"commitment_id": ["A"], "observed_on": ["2015-04-30"], "state": ["in_progress"]}
        )
        assert status_of(c, o, "2015-04") == {"A": "In progress – completion slipped"}


def test_bad_dates_and_missing_columns_are_named():
    c = pd.DataFrame({"commitment_id": ["A", "B"], "due_end": ["2015-03-31", "31/03/2015"]})
    with pytest.raises(ValueError, match=r"commitments, column due_end: not a date .*index 1"):
        status_as_of(c, observations([]), "2015-01")
    with pytest.raises(ValueError, match=r"observations: missing column\(s\) \['state'\]"):
        status_as_of(
            commitments([("A", None)]),
            pd.DataFrame(columns=["commitment_id", "observed_on"]),
            "2015-01",
        )
    o = observations([("A", "2015-01-31", "complete")])
    o.loc[0, "observed_on"] = pd.NaT
    with pytest.raises(ValueError, match=r"observed_on: missing date at index \[0\]"):
        status_as_of(commitments([("A", None)]), o, "2015-01")
    with pytest.raises(ValueError, match=r"already have column\(s\) \['status'\]"):
        status_as_of(commitments([("A", None)], status=["x"]), observations([]), "2015-01")


def test_status_index_refuses_dates_it_did_not_index():
    index = StatusIndex(commitments([("A", None)]), observations([]), ["2015-01", "2015-02"])
    with pytest.raises(ValueError, match="2015-03-31 is not indexed"):
        index.status_as_of("2015-03")
    with pytest.raises(ValueError, match="at most one per month"):
        StatusIndex(commitments([("A", None)]), observations([]), ["2015-01-15", "2015-01-31"])


# ------------------------------------------------------------------ many periods


def test_status_by_period_stacks_status_as_of():
    c = commitments([("A", "2015-02-28"), ("B", None)], theme=["Culture", "Finance"])
    o = observations(
        [
            ("A", "2015-01-31", "in_progress"),
            ("A", "2015-03-31", "complete"),
            ("B", "2015-02-28", "not_started"),
        ]
    )
    periods = ["2015-01", "2015-02", "2015-03"]
    panel = status_by_period(c, o, periods)
    assert list(panel["period"].astype(str)) == ["2015-01"] * 2 + ["2015-02"] * 2 + ["2015-03"] * 2
    assert panel["theme"].dtype == "category"
    # By hand: A (due 28 Feb) in progress on 31 Jan -> In progress in January and on its
    # due date 28 February, Complete on 31 March. B (undated, no timescale_kind): no
    # evidence in January, not started from 28 February -> TBC.
    assert panel["status"].astype(str).tolist() == [
        "In progress",
        "No evidence",
        "In progress",
        "TBC",
        "Complete",
        "TBC",
    ]
    for period in periods:
        one = status_as_of(c, o, period)
        part = panel[panel["period"] == period].reset_index(drop=True)
        for column in ("status", "rag", "completed_on", "last_seen_incomplete", "last_observed_on"):
            assert part[column].tolist() == one[column].tolist(), (period, column)


# ------------------------------------------------------------------ properties

DAYS = [dt.date(2015, 1, 1) + dt.timedelta(days=d) for d in range(0, 400, 9)]
UNDATED_KINDS = ("tbc", "ongoing", "recurring", "none")


@st.composite
def registers(draw):
    """Random small registers: commitments with or without due dates, observations on a
    few shared days (so ties happen), every state including unknown."""
    n = draw(st.integers(1, 12))
    ids = [f"C{i}" for i in range(n)]
    dues = [draw(st.one_of(st.none(), st.sampled_from(DAYS))) for _ in ids]
    kinds = [draw(st.sampled_from(UNDATED_KINDS)) if due is None else "month" for due in dues]
    obs = draw(
        st.lists(
            st.tuples(
                st.sampled_from(ids), st.sampled_from(DAYS), st.sampled_from(OBSERVATION_STATES)
            ),
            max_size=40,
        )
    )
    return list(zip(ids, dues, kinds, strict=True)), obs


def frames(register):
    rows, obs = register
    c = pd.DataFrame(
        {
            "commitment_id": [r[0] for r in rows],
            "due_end": pd.to_datetime([r[1] for r in rows]).astype("datetime64[us]"),
            "timescale_kind": [r[2] for r in rows],
        }
    )
    o = pd.DataFrame(
        {
            "commitment_id": pd.Series([r[0] for r in obs], dtype="str"),
            "observed_on": pd.to_datetime([r[1] for r in obs]).astype("datetime64[us]"),
            "state": pd.Series([r[2] for r in obs], dtype="str"),
        }
    )
    return c, o


def as_date(value):
    return None if pd.isna(value) else value.date()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registers(), st.sampled_from(DAYS))
def test_vectorised_status_agrees_with_the_per_row_reference(register, as_of):
    c, o = frames(register)
    out = status_as_of(c, o, pd.Timestamp(as_of))
    expected = reference_status(register[0], register[1], as_of)
    assert list(out["status"].astype(str)) == [r["status"] for r in expected]
    for column in ("completed_on", "last_seen_incomplete", "last_observed_on"):
        assert [as_date(v) for v in out[column]] == [r[column] for r in expected], column


@settings(max_examples=100, deadline=None)
@given(registers(), st.lists(st.sampled_from(DAYS), min_size=2, max_size=6, unique=True))
def test_counts_sum_to_the_total_and_complete_never_turns_back(register, dates):
    c, o = frames(register)
    dates = sorted({d.replace(day=1) for d in dates})  # at most one date per month
    panel = status_by_period(c, o, [pd.Timestamp(d) for d in dates])
    counts = panel.groupby("period", observed=True)["status"].value_counts()
    assert (counts.groupby(level=0).sum() == len(c)).all()
    wide = panel.pivot(index="commitment_id", columns="period", values="status")
    complete = wide.eq("Complete").to_numpy()
    # Once Complete at a date, Complete at every later date.
    assert (np.diff(complete.astype(int), axis=1) >= 0).all()


# ------------------------------------------------------------------ the large-register paths


def _hand_register():
    """Six commitments and their statuses at the end of June 2015, worked by hand.

    A due 31 Mar, in progress 31 Jan, complete 30 Apr         -> Complete (30 Apr)
    B due 31 Dec, not started 31 Jan, in progress 31 May      -> In progress
    C due 31 Mar, not started 31 Jan and 31 May               -> Not started – slipped
    D no due date, ongoing, in progress 31 May                -> Ongoing
    E due 31 May, in progress 28 Feb, unknown 31 May          -> In progress – slipped
    F due 31 Dec, only an unknown observation                 -> No evidence
    """
    c = commitments(
        [
            ("A", "2015-03-31"),
            ("B", "2015-12-31"),
            ("C", "2015-03-31"),
            ("D", None),
            ("E", "2015-05-31"),
            ("F", "2015-12-31"),
        ],
        timescale_kind=["month", "month", "month", "ongoing", "month", "month"],
    )
    o = observations(
        [
            ("A", "2015-01-31", "in_progress"),
            ("B", "2015-01-31", "not_started"),
            ("C", "2015-01-31", "not_started"),
            ("E", "2015-02-28", "in_progress"),
            ("A", "2015-04-30", "complete"),
            ("B", "2015-05-31", "in_progress"),
            ("C", "2015-05-31", "not_started"),
            ("D", "2015-05-31", "in_progress"),
            ("E", "2015-05-31", "unknown"),
            ("F", "2015-05-31", "unknown"),
        ]
    )
    expected = {
        "A": "Complete",
        "B": "In progress",
        "C": "Not started – completion slipped",
        "D": "Ongoing",
        "E": "In progress – completion slipped",
        "F": "No evidence",
    }
    return c, o, expected


def _check_hand_register(c, o, expected):
    out = status_as_of(c, o, "2015-06")
    statuses = zip(out["commitment_id"].astype(str), out["status"].astype(str), strict=True)
    assert dict(statuses) == expected
    assert out["completed_on"].iloc[0] == pd.Timestamp("2015-04-30")
    assert out["last_seen_incomplete"].iloc[0] == pd.Timestamp("2015-01-31")
    # E's latest known state is the in-progress of 28 February (the unknown is no state).
    assert out["last_observed_on"].iloc[4] == pd.Timestamp("2015-02-28")


def test_chunked_reading_gives_the_hand_worked_statuses(monkeypatch):
    # Chunks of 3 rows: the ten observations are read in four chunks, and every
    # commitment's observations fall in more than one.
    monkeypatch.setattr(status_module, "_CHUNK", 3)
    _check_hand_register(*_hand_register())


def test_searching_dates_instead_of_the_day_table_gives_the_hand_worked_statuses(monkeypatch):
    # Observations span 119 days (31 Jan to 31 May): a limit of 10 days forces the search.
    monkeypatch.setattr(status_module, "_MAX_DAY_TABLE", 10)
    _check_hand_register(*_hand_register())


def test_categorical_ids_and_states_give_the_hand_worked_statuses():
    c, o, expected = _hand_register()
    ids = pd.CategoricalDtype(c["commitment_id"].tolist())
    # The shortcut: categories equal to the commitments, states in the internal order.
    same = o.assign(
        commitment_id=o["commitment_id"].astype(ids),
        state=o["state"].astype(pd.CategoricalDtype(list(OBSERVATION_STATES))),
    )
    _check_hand_register(c, same, expected)
    # Categories in another order, with unused ones: looked up, not taken as codes.
    other = o.assign(
        commitment_id=o["commitment_id"].astype(
            pd.CategoricalDtype(["F", "E", "D", "C", "B", "A"])
        ),
        state=o["state"].astype(
            pd.CategoricalDtype(["unknown", "not_started", "in_progress", "complete", "blocked"])
        ),
    )
    _check_hand_register(c, other, expected)
