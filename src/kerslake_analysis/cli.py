"""The ``kerslake`` command line.

Subcommands
-----------
``kerslake report``  render period reports (``--all``, ``--plan``, ``--period``).
``kerslake periods`` list the (plan, period) pairs the embedded data supports.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kerslake_analysis import __version__


def _cmd_report(args: argparse.Namespace) -> int:
    from kerslake_analysis import report

    try:
        chosen = report.select_periods(args.plan, args.period, args.all)
    except (report.ReportError, ValueError) as exc:
        print(f"kerslake report: {exc}", file=sys.stderr)
        return 2
    results = report.render_reports(chosen, reports_root=args.out, progress=not args.quiet)
    print(report.summary_line(results))
    for result in results:
        if result.ok:
            print(f"  wrote {result.html_path}")
    return 0 if all(r.ok for r in results) else 1


def _cmd_periods(args: argparse.Namespace) -> int:
    from kerslake_analysis.periods import embedded_periods

    for p in embedded_periods():
        print(f"{p.plan}\t{p.period}\t{p.title}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser for ``kerslake``.

    Returns
    -------
    argparse.ArgumentParser

    Examples
    --------
    >>> args = build_parser().parse_args(["report", "--plan", "cgip-2018", "--period", "2018-09"])
    >>> (args.command, args.plan, args.period, args.all)
    ('report', 'cgip-2018', '2018-09', False)
    """
    parser = argparse.ArgumentParser(
        prog="kerslake",
        description="Improvement-plan documents as auditable data, and one HTML report per period.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    rep = sub.add_parser("report", help="render period reports to reports/<plan>/<period>/")
    rep.add_argument("--plan", help="plan slug, e.g. cgip-2018")
    rep.add_argument("--period", help="reporting month, YYYY-MM")
    rep.add_argument("--all", action="store_true", help="every embedded (plan, period)")
    rep.add_argument("--out", type=Path, default=None, help="reports folder (default: reports/)")
    rep.add_argument("--quiet", action="store_true", help="no progress bar")
    rep.set_defaults(func=_cmd_report)

    per = sub.add_parser("periods", help="list the embedded (plan, period) pairs")
    per.set_defaults(func=_cmd_periods)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``kerslake`` command.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; defaults to ``sys.argv[1:]``.

    Returns
    -------
    int
        Exit status: 0 success, 1 some report failed, 2 bad arguments.
    """
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
