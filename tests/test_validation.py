"""base.validation: pydantic's errors worded once, naming the key as the file writes it."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import AfterValidator, BaseModel, ValidationError

from kerslake_analysis.base.validation import (
    StrictModel,
    dotted_key,
    known_keys,
    validation_issues,
)


def _even(value: int) -> int:
    if value % 2:
        raise ValueError("must be even")
    return value


class Entry(StrictModel):
    name: str
    size: Annotated[int, AfterValidator(_even)] = 0


class File(StrictModel):
    entry: list[Entry]
    title: str | None = None


def _issues(data: dict):
    with pytest.raises(ValidationError) as info:
        File.model_validate(data)
    return validation_issues(info.value, File)


def test_unknown_missing_and_invalid_keys_are_named_as_written():
    issues = _issues({"entry": [{"name": "a"}, {"size": 3, "nmae": "b"}], "extra": 1})
    messages = sorted(issue.message for issue in issues)
    assert messages == [
        # the second entry is #2 (counted from 1, as a reader counts the tables)
        "key 'entry#2.size': must be even (got 3)",
        "missing required key 'entry#2.name'",
        "unknown key 'entry#2.nmae' (known keys there: name, size)",
        "unknown key 'extra' (known keys there: entry, title)",
    ]
    by_key = {issue.key: issue for issue in issues}
    # the validator step pydantic puts in the location is left out
    assert by_key["entry#2.size"].loc == ("entry", 1, "size")
    assert by_key["entry#2.size"].reason == "must be even"
    assert by_key["entry#2.name"].kind == "missing"


def test_strict_models_do_not_coerce_and_are_frozen():
    issues = _issues({"entry": [{"name": 5}]})
    assert [(i.key, i.kind) for i in issues] == [("entry#1.name", "string_type")]
    entry = Entry(name="a")
    with pytest.raises(ValidationError):
        entry.name = "b"


def test_known_keys_and_dotted_key():
    assert known_keys(File, ("entry", 0)) == ["name", "size"]
    assert known_keys(File, ("title",)) == []  # a text, not a table
    assert known_keys(BaseModel, ()) == []
    assert dotted_key(("a", 0, "b", 2)) == "a#1.b#3"
