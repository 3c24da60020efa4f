"""Each figure of bench-scale next to today's: the same bench's output before issue
13's changes (bench/scale/today.txt, recorded on main at commit af1c02a), matched by
section, row label and N."""
from __future__ import annotations

from pathlib import Path

TODAY = Path(__file__).with_name("today.txt")
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


def beside_today(text: str, today: str | None = None) -> str:
    """The report with today's figure in brackets after each of this run's."""
    if today is None:
        if not TODAY.exists():
            return text
        today = TODAY.read_text()
    before, _ = _table(today)
    out: list[str] = []
    sizes: list[str] = []
    section = ""
    for line in text.splitlines():
        if line.startswith("#"):
            section = line
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
        out.append(f"{label:{LABEL}}" + "".join(
            f"{cell:>{COLUMN}}{'[' + was[n] + ']' if n in was else '':>14}" for n, cell in zip(sizes, cells,
                                                                                             strict=False)))
    return "\n".join(out)
