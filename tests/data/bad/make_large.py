"""Write the large workbooks of the bad-input corpus into a folder (never committed).

Used by tests/test_bad_inputs.py (into ``tmp_path``) and by
benchmarks/measure_xlsx_memory.py. Every workbook is written as XML streamed into the
zip archive, so writing one takes little memory whatever its size. The shapes are those
of issue 14's "23 MB XLSX under the size and row limits": each file is under the default
50 MB and 100,000 records.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

from openpyxl.utils import get_column_letter

HEADER = ["Ref", "Action", "Lead", "Start", "Due", "Status", "Completed", "Update"]
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def workbook_from_xml(
    path: Path,
    rows_xml: Iterable[bytes],
    dimension: str,
    *,
    shared_strings: Iterable[bytes] | None = None,
    sst_attributes: str = "",
    styles: Iterable[bytes] | None = None,
) -> None:
    """Write a minimal XLSX whose one sheet's ``<sheetData>`` is streamed from ``rows_xml``.

    ``shared_strings`` (``<si>`` elements) and ``styles`` (the whole ``styles.xml``), if
    given, are streamed into their parts the same way.
    """
    overrides = [("/xl/workbook.xml", "sheet.main"), ("/xl/worksheets/sheet1.xml", "worksheet")]
    rels = [("rId1", "worksheet", "worksheets/sheet1.xml")]
    if shared_strings is not None:
        overrides.append(("/xl/sharedStrings.xml", "sharedStrings"))
        rels.append(("rId2", "sharedStrings", "sharedStrings.xml"))
    if styles is not None:
        overrides.append(("/xl/styles.xml", "styles"))
        rels.append(("rId3", "styles", "styles.xml"))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
            '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            + "".join(
                f'<Override PartName="{part}" ContentType="{_CT}.{kind}+xml"/>'
                for part, kind in overrides
            )
            + "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook {_NS} xmlns:r="{_REL}"><sheets><sheet name="Tracker" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(
                f'<Relationship Id="{rid}" Type="{_REL}/{kind}" Target="{target}"/>'
                for rid, kind, target in rels
            )
            + "</Relationships>",
        )
        if shared_strings is not None:
            with archive.open("xl/sharedStrings.xml", "w") as part:
                part.write(f"<sst {_NS}{sst_attributes}>".encode())
                for chunk in shared_strings:
                    part.write(chunk)
                part.write(b"</sst>")
        if styles is not None:
            with archive.open("xl/styles.xml", "w") as part:
                for chunk in styles:
                    part.write(chunk)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<worksheet {_NS}><dimension ref="{dimension}"/><sheetData>'.encode())
            for chunk in rows_xml:
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")


def inline_row(number: int, values: list[str]) -> bytes:
    """One ``<row>`` of inline-string cells from column A."""
    cells = "".join(
        f'<c r="{get_column_letter(j + 1)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for j, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'.encode()


def _good_row(n: int) -> list[str]:
    return [f"R{n}", f"Action {n}", "Lead", "01/07/2018", "31/08/2018", "On track", "", ""]


def shared_strings(path: Path, megabytes: int = 150, declared: bool = True) -> int:
    """A workbook whose shared-strings part holds ``megabytes`` MB of distinct strings.

    The sheet is the header and three good records (inline strings) and one cell, I2,
    that uses shared string 0; ``declared`` False leaves out the ``uniqueCount`` and
    ``count`` attributes of ``<sst>``. Each ``<si>`` is 40 bytes: ``<si><t>`` (7), a 24-character
    text ``s`` + 8 digits + 15 letters, ``</t></si>`` (9). Returns the number of strings.
    """
    count = megabytes * 1_000_000 // 40

    def strings():
        for start in range(0, count, 10_000):
            yield b"".join(
                b"<si><t>s%08dabcdefghijklmno</t></si>" % i
                for i in range(start, min(start + 10_000, count))
            )

    rows = [inline_row(1, HEADER)] + [inline_row(n, _good_row(n)) for n in (2, 3, 4)]
    rows[1] = rows[1].replace(b"</row>", b'<c r="I2" t="s"><v>0</v></c></row>')
    attributes = f' count="{count}" uniqueCount="{count}"' if declared else ""
    workbook_from_xml(path, rows, "A1:I4", shared_strings=strings(), sst_attributes=attributes)
    return count


def numbers(path: Path, records: int = 99_999, columns: int = 30, dimension: str | None = None):
    """``records`` rows under a header, each ``columns`` numbers (``<v>``), no strings.

    The dimension is the true one unless ``dimension`` says otherwise.
    """
    letters = [get_column_letter(j + 1) for j in range(columns)]

    def rows():
        yield inline_row(1, [*HEADER, *(f"x{j}" for j in range(len(HEADER), columns))])
        for n in range(2, records + 2):
            yield (
                f'<row r="{n}">'
                + "".join(f'<c r="{c}{n}"><v>{n * 31 + j}</v></c>' for j, c in enumerate(letters))
                + "</row>"
            ).encode()

    workbook_from_xml(path, rows(), dimension or f"A1:{letters[-1]}{records + 1}")


def long_texts(path: Path, records: int = 99_999, characters: int = 1_000) -> None:
    """``records`` good records whose Action and Update are ``characters`` long each.

    The texts repeat a 50-character phrase with the record's number, so the file
    compresses well while each cell is a distinct string.
    """
    phrase = "the council will publish a plan and report on it "  # 50 characters
    body = (phrase * (characters // 50 + 1))[: characters - 8]

    def rows():
        yield inline_row(1, HEADER)
        for n in range(2, records + 2):
            row = _good_row(n)
            row[1] = f"{n:08d}{body}"
            row[7] = f"{n:08d}{body}"
            yield inline_row(n, row)

    workbook_from_xml(path, rows(), f"A1:H{records + 1}")


def many_styles(path: Path, styles: int = 1_000_000) -> None:
    """The corpus's good records with a ``styles.xml`` of ``styles`` cell formats (xf).

    Each ``<xf .../>`` names its own number format among 1,000 custom ones.
    """

    def part():
        yield f'<styleSheet {_NS}><numFmts count="1000">'.encode()
        yield b"".join(
            b'<numFmt numFmtId="%d" formatCode="0.%s"/>' % (164 + i, b"0" * (1 + i % 20))
            for i in range(1000)
        )
        yield b'</numFmts><fonts count="1"><font/></fonts><fills count="1">'
        yield b'<fill><patternFill patternType="none"/></fill></fills>'
        yield b'<borders count="1"><border/></borders>'
        yield b'<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        yield f'</cellStyleXfs><cellXfs count="{styles}">'.encode()
        for start in range(0, styles, 10_000):
            yield b"".join(
                b'<xf numFmtId="%d" fontId="0" fillId="0" borderId="0" xfId="0" '
                b'applyNumberFormat="1"/>' % (164 + i % 1000)
                for i in range(start, min(start + 10_000, styles))
            )
        yield b"</cellXfs></styleSheet>"

    rows = [inline_row(1, HEADER)] + [inline_row(n, _good_row(n)) for n in (2, 3, 4)]
    workbook_from_xml(path, rows, "A1:H4", styles=part())
