"""The ``kerslake`` command line.

Subcommands
-----------
``kerslake report``  render period reports (``--all``, ``--plan``, ``--period``; ``--jobs N``
                    to render N at once, ``--executor dask --scheduler ADDRESS`` on a cluster).
``kerslake periods`` list the (plan, period) pairs the embedded data supports.
``kerslake map``     draft a commented mapping (MAP.toml) from a tracker's files.
``kerslake validate`` check a council's tracker against its mapping.
``kerslake email``   write a report as an e-mail to the outbox, or send it to the panel.
``kerslake audit``   check the published figures (``--strict``, ``--rebuild``).
``kerslake lineage`` follow each promise across the documents, 2015–2021.
``kerslake examples`` list, locate or fetch the third-party example data (``fetch gmpp``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kerslake_analysis import __version__


class _Refused(Exception):
    """A command cannot run here; the message is one line for the user."""


def _require_checkout(what: str) -> None:
    """Refuse a Birmingham command when the package is installed without a checkout."""
    from kerslake_analysis.base import paths

    try:
        paths.require_checkout(what)
    except paths.CheckoutError as exc:
        raise _Refused(str(exc)) from None


def _register_periods(args: argparse.Namespace) -> list:
    """The (plan, period) pairs of a council's tracker given by --register/--mapping."""
    from kerslake_analysis.base.periods import ReportPeriod
    from kerslake_analysis.ingest.register import load_register

    if not args.mapping:
        raise ValueError("--register needs --mapping MAP.toml")
    register = load_register(args.register, args.mapping)
    periods = [
        ReportPeriod(
            register.name,
            period,
            register=str(Path(args.register).resolve()),
            mapping=str(Path(args.mapping).resolve()),
            plan_title=register.title,
        )
        for period in register.periods
        if args.period is None or period == args.period
    ]
    if not periods:
        raise ValueError(f"register has no period {args.period}; periods: {register.periods}")
    return periods


def _cmd_report(args: argparse.Namespace) -> int:
    from kerslake_analysis.ingest.register import RegisterError
    from kerslake_analysis.report import pages

    try:
        if args.register:
            chosen = _register_periods(args)
        else:
            _require_checkout("kerslake report --plan/--all")
            chosen = pages.select_periods(args.plan, args.period, args.all)
    except RegisterError as exc:
        print(f"kerslake report: the register cannot be read:\n{exc}", file=sys.stderr)
        return 2
    except (pages.ReportError, ValueError) as exc:
        print(f"kerslake report: {exc}", file=sys.stderr)
        return 2
    if args.executor == "dask" and args.jobs is not None:
        print(
            "kerslake report: --jobs is for the local executor; with --executor dask the "
            "cluster's workers set how many reports run at once",
            file=sys.stderr,
        )
        return 2
    try:
        results = pages.render_reports(
            chosen,
            reports_root=args.out,
            progress=not args.quiet,
            jobs=args.jobs,
            executor=args.executor,
            scheduler=args.scheduler,
        )
    except pages.ReportError as exc:
        print(f"kerslake report: {exc}", file=sys.stderr)
        return 2
    from kerslake_analysis.base import paths
    from kerslake_analysis.report.manifest import write_manifest

    root = args.out or paths.REPORTS_DIR
    manifest = write_manifest(results, chosen, root)
    print(pages.summary_line(results))
    for result in results:
        if result.ok:
            print(f"  wrote {result.html_path}")
    for plan in dict.fromkeys(p.plan for p in chosen):
        if (root / plan / "index.html").is_file():
            print(f"  wrote {root / plan / 'index.html'} (the plan's overview)")
    print(f"  wrote {root / 'index.html'} (the dashboard)")
    print(f"  wrote {manifest}")
    printed_ok = True
    if args.pdf:
        from kerslake_analysis.report.pdf import print_pdfs

        written = [r.html_path for r in results if r.ok]
        written += [root / plan / "index.html" for plan in dict.fromkeys(p.plan for p in chosen)]
        written.append(root / "index.html")
        for printed in print_pdfs(p for p in written if p.is_file()):
            if printed.ok:
                print(f"  wrote {printed.pdf_path}")
            else:
                printed_ok = False
                print(
                    f"kerslake report: could not print {printed.html_path}: {printed.error}",
                    file=sys.stderr,
                )
    return 0 if all(r.ok for r in results) and printed_ok else 1


def _cmd_periods(args: argparse.Namespace) -> int:
    from kerslake_analysis.report.plan_data import embedded_report_periods

    if not args.register:
        _require_checkout("kerslake periods")
    try:
        periods = _register_periods(args) if args.register else embedded_report_periods()
    except ValueError as exc:
        print(f"kerslake periods: {exc}", file=sys.stderr)
        return 2
    for p in periods:
        print(f"{p.plan}\t{p.period}\t{p.title}")
    return 0


def _cmd_map(args: argparse.Namespace) -> int:
    from kerslake_analysis.base.files import atomic_write
    from kerslake_analysis.ingest.register.draft import draft_mapping

    if args.out.exists() and not args.force:
        print(
            f"kerslake map: {args.out} exists; not overwritten (add --force to replace it)",
            file=sys.stderr,
        )
        return 2
    try:
        draft = draft_mapping(args.tracker)
    except FileNotFoundError:
        print(f"kerslake map: no such folder or file: {args.tracker}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"kerslake map: {exc}", file=sys.stderr)
        return 2
    atomic_write(args.out, draft.text)
    print(
        f"wrote {args.out}: review it, then kerslake validate {args.tracker} --mapping {args.out}"
    )
    for item in draft.open_items:
        print(f"  open: {item}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from kerslake_analysis.ingest.problems import summarise_problems, write_problems_csv
    from kerslake_analysis.ingest.register import check_register, format_problems
    from kerslake_analysis.ingest.register.draft import open_items

    problems, notices = check_register(args.path, args.mapping)
    if notices:
        print(
            f"{len(notices)} notice{'s' if len(notices) != 1 else ''} (read, but you should know):"
        )
        print("\n".join(f"  {n}" for n in notices))
    if args.csv is not None:
        write_problems_csv(problems, args.csv)
    todo = open_items(args.mapping)
    if todo:
        print(f"{len(todo)} item(s) of the mapping still marked TODO:")
        for line in todo:
            print(f"  {args.mapping.name}, {line}")
    if problems:
        if args.all:
            print(format_problems(problems))
        else:
            command = f"kerslake validate {args.path} --mapping {args.mapping}"
            print(
                summarise_problems(
                    problems,
                    f"To see all {len(problems)}: {command} --all (every problem, one a line) "
                    "or --csv problems.csv (file, row, column, cell, kind, message)",
                )
            )
        if args.csv is not None:
            print(f"All {len(problems)} problems written to {args.csv}")
        print(f"{len(problems)} problem(s) found in {args.path}", file=sys.stderr)
        return 1
    print(f"{args.path}: no problems found")
    return 0


def _cmd_email(args: argparse.Namespace) -> int:
    from kerslake_analysis.deliver.email_command import email_report

    _require_checkout("kerslake email")
    try:
        outcome, code = email_report(
            args.plan,
            args.period,
            send=args.send,
            outbox=args.outbox,
            retry_failed=args.retry_failed,
            panel_path=args.panel,
            settings_path=args.mail_config,
        )
    except ValueError as exc:  # MailError, ConfigError and PeriodError are ValueErrors
        print(f"kerslake email: {exc}", file=sys.stderr)
        return 2
    if isinstance(outcome, Path):
        print(f"wrote {outcome} (not sent; add --send to deliver it)")
    else:
        print(outcome)
    return code


def _positive_int(text: str) -> int:
    """An argparse type: a whole number of 1 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _cmd_audit(args: argparse.Namespace) -> int:
    from kerslake_analysis import audit
    from kerslake_analysis.base import paths
    from kerslake_analysis.report import audit_page, pages

    _require_checkout("kerslake audit")
    out = args.out or paths.AUDIT_DIR
    result = audit_page.render_audit(out)
    pages.render_index(out.parent if args.out else None)
    if not result.ok:
        print(f"kerslake audit: {result.error}", file=sys.stderr)
        return 1
    findings = audit.read_findings(out)
    print(audit.summary_line(findings))
    print(f"  wrote {result.html_path}")
    status = audit.strict_exit_code(findings) if args.strict else 0
    if args.rebuild:
        status = max(status, _rebuild_and_compare(args.out.parent if args.out else None))
    return status


def _rebuild_and_compare(reports_root: Path | None) -> int:
    """Render every report again into a temporary folder and compare each figures.json."""
    import tempfile

    from kerslake_analysis import audit
    from kerslake_analysis.base import paths
    from kerslake_analysis.report import audit_page, lineage_page, pages

    current = reports_root or paths.REPORTS_DIR
    if not any(current.rglob(paths.FIGURES_FILE)):
        print(
            f"kerslake audit --rebuild: no figures.json under {current}; run make report first",
            file=sys.stderr,
        )
        return 2
    with tempfile.TemporaryDirectory(prefix="kerslake-rebuild-") as folder:
        fresh = Path(folder)
        results = pages.render_reports(
            pages.select_periods(all_periods=True), reports_root=fresh, progress=True
        )
        results += [
            audit_page.render_audit(fresh / "audit"),
            lineage_page.render_lineage(fresh / "lineage"),
        ]
        failed = [r for r in results if not r.ok]
        for r in failed:
            print(f"kerslake audit --rebuild: {r.error}", file=sys.stderr)
        differences = audit.compare_figures(current, fresh)
    for line in differences:
        print(f"  differs: {line}")
    print(
        f"rebuild: {len(differences)} difference(s) between the current figures and a fresh render"
    )
    return 1 if differences or failed else 0


def _cmd_lineage(args: argparse.Namespace) -> int:
    from kerslake_analysis.base import paths
    from kerslake_analysis.report import lineage_page, pages

    _require_checkout("kerslake lineage")
    out = args.out or paths.LINEAGE_DIR
    result = lineage_page.render_lineage(out)
    pages.render_index(out.parent if args.out else None)
    if not result.ok:
        print(f"kerslake lineage: {result.error}", file=sys.stderr)
        return 1
    print(f"  wrote {result.html_path}")
    return 0


def _cmd_examples(args: argparse.Namespace) -> int:
    from kerslake_analysis.ingest import example_data

    try:
        if args.action == "list":
            for example in example_data.load_examples().values():
                folder = example_data.locate(example.name)
                where = folder if folder else "not here: " + example_data.how_to_get(example.name)
                print(f"{example.name}\t{example.title}\t{where}")
            return 0
        if args.action == "path":
            print(example_data.require(args.name))
            return 0
        folder = example_data.fetch(
            args.name, args.dest, base_url=args.base_url, progress=not args.quiet
        )
    except example_data.ExampleDataError as exc:
        print(f"kerslake examples {args.action}: {exc}", file=sys.stderr)
        return 1 if args.action == "path" else 2
    print(f"{args.name}: every file matches its pinned SHA-256 in {folder}")
    return 0


def _register_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--register", type=Path, help="folder of a council's tracker snapshots, one file per period"
    )
    parser.add_argument("--mapping", type=Path, help="the tracker's MAP.toml (with --register)")


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
    rep.add_argument(
        "--jobs",
        type=_positive_int,
        default=None,
        metavar="N",
        help="render up to N reports at once, each in its own process (default: the "
        "cores this process may use, os.sched_getaffinity)",
    )
    rep.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="where reports run: this machine (default) or a dask.distributed cluster",
    )
    rep.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="the dask scheduler's address, e.g. tcp://10.0.0.5:8786 (with --executor dask)",
    )
    rep.add_argument(
        "--pdf",
        action="store_true",
        help="also print each page written to a PDF beside it (A4, headless Chromium)",
    )
    _register_options(rep)
    rep.set_defaults(func=_cmd_report)

    per = sub.add_parser("periods", help="list the (plan, period) pairs that can be reported")
    per.add_argument("--period", help=argparse.SUPPRESS)
    _register_options(per)
    per.set_defaults(func=_cmd_periods)

    mp = sub.add_parser(
        "map", help="draft a commented MAP.toml from a tracker's files, for you to review"
    )
    mp.add_argument("tracker", type=Path, help="folder of snapshot files, or one file")
    mp.add_argument(
        "--out", type=Path, default=Path("MAP.toml"), help="the draft (default: ./MAP.toml)"
    )
    mp.add_argument("--force", action="store_true", help="replace an existing --out file")
    mp.set_defaults(func=_cmd_map)

    val = sub.add_parser(
        "validate",
        help="check a council's tracker against its mapping; summarise the problems found",
    )
    val.add_argument("path", type=Path, help="folder of snapshot files (CSV or XLSX)")
    val.add_argument("--mapping", type=Path, required=True, help="the tracker's MAP.toml")
    val.add_argument(
        "--all",
        action="store_true",
        help="list every problem (by default a long list is summarised by file and kind)",
    )
    val.add_argument(
        "--csv",
        type=Path,
        metavar="FILE",
        help="write every problem to FILE as CSV: file, row, column, cell, kind, message",
    )
    val.set_defaults(func=_cmd_validate)

    aud = sub.add_parser(
        "audit", help="check the councils' published figures; write reports/audit/audit.html"
    )
    aud.add_argument("--strict", action="store_true", help="exit 1 if any finding is inconsistent")
    aud.add_argument(
        "--rebuild",
        action="store_true",
        help="render every report again into a temporary folder and list every figures.json "
        "difference from the current reports",
    )
    aud.add_argument("--out", type=Path, default=None, help="folder (default: reports/audit/)")
    aud.set_defaults(func=_cmd_audit)

    lin = sub.add_parser(
        "lineage", help="follow promises across the documents; write reports/lineage/lineage.html"
    )
    lin.add_argument("--out", type=Path, default=None, help="folder (default: reports/lineage/)")
    lin.set_defaults(func=_cmd_lineage)

    eml = sub.add_parser(
        "email", help="write a period report as an e-mail to reports/outbox/, or --send it"
    )
    eml.add_argument("--plan", required=True, help="plan slug, e.g. cgip-2018")
    eml.add_argument("--period", required=True, help="reporting month, YYYY-MM")
    eml.add_argument("--send", action="store_true", help="deliver by SMTP (config/mail.toml)")
    eml.add_argument(
        "--retry-failed", action="store_true", help="send only to those not yet reached"
    )
    eml.add_argument("--outbox", type=Path, default=None, help="folder for .eml files and log")
    eml.add_argument("--panel", type=Path, default=None, help="panel file (config/panel.toml)")
    eml.add_argument(
        "--mail-config", type=Path, default=None, help="SMTP settings (config/mail.toml)"
    )
    eml.set_defaults(func=_cmd_email)

    exa = sub.add_parser(
        "examples", help="the third-party example data: list, path NAME, fetch NAME"
    )
    exa.add_argument(
        "action",
        choices=("list", "path", "fetch"),
        help="list the examples; print where NAME's data is (exit 1 if absent); download it",
    )
    exa.add_argument("name", nargs="?", default="gmpp", help="the example (default gmpp)")
    exa.add_argument(
        "--dest",
        type=Path,
        default=None,
        help="folder to download into (default examples/NAME/data/)",
    )
    exa.add_argument(
        "--base-url",
        default=None,
        help="download from here instead of the published location "
        "(or set KERSLAKE_EXAMPLES_BASE_URL)",
    )
    exa.add_argument("--quiet", action="store_true", help="no progress bar")
    exa.set_defaults(func=_cmd_examples)
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
    try:
        return args.func(args)
    except _Refused as exc:  # the message names the command
        print(exc, file=sys.stderr)
        return 2
    except OSError as exc:  # a folder that is a file, a file that cannot be read or written
        where = f" {exc.filename}" if exc.filename else ""
        print(f"kerslake {args.command}:{where}: {exc.strerror or exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
