"""Settings files checked with pydantic: one strict model base, one wording of its errors.

A settings file (a register's ``MAP.toml``, the panel and mail files) is read with
:mod:`tomllib` and checked by a pydantic model built on :class:`StrictModel`: unknown
keys, missing keys and values of the wrong type are refused, and every problem is
kept. :func:`validation_issues` turns pydantic's :class:`~pydantic.ValidationError`
into one message per problem, naming the key as the file writes it
(``columns.text``, ``member#2.address``), so each reader can add its file name and,
where it can find one, the line.

Examples
--------
>>> from pydantic import ValidationError
>>> class Server(StrictModel):
...     host: str
...     port: int
>>> try:
...     Server.model_validate({"host": "mail.example.org", "prot": 25})
... except ValidationError as error:
...     for issue in validation_issues(error, Server):
...         print(issue.key, "|", issue.message)
port | missing required key 'port'
prot | unknown key 'prot' (known keys there: host, port)
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, ValidationError

# The names pydantic gives a value's validator functions in an error's location.
_VALIDATOR_STEP = re.compile(r"function-(before|after|wrap|plain)\[")


class StrictModel(BaseModel):
    """The base of every settings model: unknown keys refused, no type coercion, frozen."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


@dataclass(frozen=True)
class Issue:
    """One problem pydantic found in a settings file, in the file's own terms.

    Attributes
    ----------
    loc : tuple of (str or int)
        Where in the file's data: keys, and list positions counted from 0.
    key : str
        The same written as the file's keys, list positions counted from 1
        (``member#2.address``); "" for the file as a whole.
    kind : str
        pydantic's error type (``"missing"``, ``"extra_forbidden"``, ``"value_error"`` …).
    message : str
        What is wrong, in plain English, naming the key.
    reason : str
        What is wrong without the key (pydantic's or a validator's own words).
    """

    loc: tuple[str | int, ...]
    key: str
    kind: str
    message: str
    reason: str


def validation_issues(error: ValidationError, model: type[BaseModel]) -> list[Issue]:
    """Every problem of a :class:`~pydantic.ValidationError`, each naming its key.

    Parameters
    ----------
    error : pydantic.ValidationError
        Raised by ``model.model_validate(data)``.
    model : type of pydantic.BaseModel
        The model validated, to list the keys known where an unknown one was found.

    Returns
    -------
    list of Issue
        In pydantic's order. Messages: ``unknown key 'k' (known keys there: …)``,
        ``missing required key 'k'``, ``key 'k': reason (got value)``.
    """
    issues = []
    for detail in error.errors():
        loc = tuple(
            part
            for part in detail["loc"]
            if not (isinstance(part, str) and _VALIDATOR_STEP.match(part))
        )
        key = dotted_key(loc)
        kind = detail["type"]
        reason = str(detail["msg"]).removeprefix("Value error, ")
        if kind == "extra_forbidden":
            known = known_keys(model, loc[:-1])
            hint = f" (known keys there: {', '.join(known)})" if known else ""
            message = f"unknown key {key!r}{hint}"
        elif kind == "missing":
            message = f"missing required key {key!r}"
        else:
            shown = detail.get("input")
            got = (
                ""
                if isinstance(shown, dict | list) or shown is None or repr(shown) in reason
                else f" (got {shown!r})"
            )
            message = f"key {key!r}: {reason}{got}" if key else reason
        issues.append(Issue(loc, key, kind, message, reason))
    return issues


def dotted_key(loc: tuple[str | int, ...] | list[Any]) -> str:
    """A location as the file writes it: keys joined by dots, list positions from 1.

    Parameters
    ----------
    loc : sequence of (str or int)

    Returns
    -------
    str

    Examples
    --------
    >>> dotted_key(("member", 1, "address"))
    'member#2.address'
    """
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"#{part + 1}"
        else:
            text += ("." if text else "") + str(part)
    return text


def known_keys(model: type[BaseModel], loc: tuple[str | int, ...] | list[Any]) -> list[str]:
    """The keys a model allows at a location, for "unknown key" messages.

    Parameters
    ----------
    model : type of pydantic.BaseModel
        The model of the whole file.
    loc : sequence of (str or int)
        The location of the table holding the unknown key.

    Returns
    -------
    list of str
        In the model's order; [] where the location is not a model (a free table).
        A field named ``absent`` (a marker, never written) is left out.
    """
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            continue
        if (
            isinstance(current, type)
            and issubclass(current, BaseModel)
            and part in current.model_fields
        ):
            current = current.model_fields[part].annotation
        else:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [name for name in current.model_fields if name != "absent"]
    return []


def _unwrap(annotation: Any) -> Any:
    """Strip Optional, list[...] and Annotated[...] from a type annotation."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        elif origin is list:
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation
