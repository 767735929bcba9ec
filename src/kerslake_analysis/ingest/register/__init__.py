"""Any council's tracker ("register"): a folder of snapshot files plus a mapping.

A register is a folder of snapshot files (CSV or XLSX, one per period, the period in
the file name) in the council's own column names, and a mapping file ``MAP.toml``
that says which column holds what and how the council's status words map onto the
six statuses. The schema of the mapping is documented in ``docs/register-mapping.md``.

* :func:`load_register` returns a :class:`Register` whose ``commitments`` and
  ``observations`` have the shape of the curated tables, or raises
  :class:`RegisterError` listing every problem;
* :func:`validate_register` returns those problems as a list of :class:`Problem`;
* :func:`format_problems` prints them, one per line, for the command line.

Modules: :mod:`~kerslake_analysis.ingest.register.mapping` (the TOML schema),
:mod:`~kerslake_analysis.ingest.register.sheets` (reading CSV and XLSX cells),
:mod:`~kerslake_analysis.ingest.register.snapshot` (one file to tidy rows),
:mod:`~kerslake_analysis.ingest.register.loader` (a folder to a register) and
:mod:`~kerslake_analysis.ingest.register.draft` (a draft mapping from the files, for
``kerslake map``).
"""

from kerslake_analysis.ingest.register.loader import (
    Register,
    check_register,
    load_register,
    validate_register,
)
from kerslake_analysis.ingest.register.mapping import Mapping, read_mapping
from kerslake_analysis.ingest.register.problems import (
    MappingError,
    Problem,
    RegisterError,
    format_problems,
)

__all__ = [
    "Mapping",
    "MappingError",
    "Problem",
    "Register",
    "RegisterError",
    "check_register",
    "format_problems",
    "load_register",
    "read_mapping",
    "validate_register",
]
