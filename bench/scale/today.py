"""Each figure of bench-scale next to today's: the same bench's output before issue
13's changes (bench/scale/today.txt, recorded on main at commit af1c02a), matched by
section, row label and N. The write-unit and cost sections also show, in braces, main
before the write-unit work (bench/scale/before_wcu.txt, main at 3151a97): today.txt has
no figure for their rows by call and item."""
from __future__ import annotations

from pathlib import Path

TODAY = Path(__file__).with_name("today.txt")
BEFORE_WCU = Path(__file__).with_name("before_wcu.txt")
BEFORE_WCU_SECTIONS = ("## Write units per signal", "## DynamoDB request cost")
LABEL = 48
COLUMN = 16


def _cells(line: str) -> tuple[str, list[str]]:
    rest = line[LABEL:]
    return line[:LABEL].rstrip(), [rest[i:i + COLUMN].strip() for i in range(0, len(rest), COLUMN)]


def _is_row(line: str, sizes: list[str]) -> bool:
    """A row of figures (not a sentence of the header or the prices)."""
    if len(line) <= LABEL or line.startswith(" " * LABEL) or line.startswith("prices:"):
        return False
    return bool(sizes) or line.startswith("households (N)")


def _table(text: str) -> tuple[dict[tuple[str, str], dict[str, str]], list[str]]:
    """(section, label) -> {N: value}, and the Ns of the columns."""
    figures: dict[tuple[str, str], dict[str, str]] = {}
    sizes: list[str] = []
    section = ""
    for line in text.splitlines():
        if line.startswith("#"):
            section = line
            continue
        if not _is_row(line, sizes):
            continue
        label, cells = _cells(line)
        if label == "households (N)":
            sizes = cells
        if not any(cells):
            section = label  # a request path's heading
            continue
        if sizes:
            figures[(section, label)] = dict(zip(sizes, cells, strict=False))
    return figures, sizes


def beside_today(text: str, today: str | None = None, before_wcu: str | None = None) -> str:
    """The report with today's figure in brackets after each of this run's (and, in the
    write-unit and cost sections, the figure before the write-unit work in braces)."""
    if today is None:
        if not TODAY.exists():
            return text
        today = TODAY.read_text()
    if before_wcu is None:
        before_wcu = BEFORE_WCU.read_text() if BEFORE_WCU.exists() else ""
    before, _ = _table(today)
    second, _ = _table(before_wcu)
    out: list[str] = []
    sizes: list[str] = []
    section = top = ""
    for line in text.splitlines():
        if line.startswith("#"):
            section = top = line
            out.append(line)
            continue
        if not _is_row(line, sizes):
            out.append(line)
            continue
        label, cells = _cells(line)
        if label == "households (N)":
            sizes = cells
        if not any(cells):
            section = label
            out.append(line)
            continue
        was = before.get((section, label), {})
        braced = second.get((section, label), {}) if top.startswith(BEFORE_WCU_SECTIONS) else None
        out.append(f"{label:{LABEL}}" + "".join(
            f"{cell:>{COLUMN}}{'[' + was[n] + ']' if n in was else '':>14}"
            + ("" if braced is None else f"{'{' + braced[n] + '}' if n in braced else '':>14}")
            for n, cell in zip(sizes, cells, strict=False)))
    return "\n".join(out)
