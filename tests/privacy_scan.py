"""The privacy scan over the whole test suite: everything the tests let through to
stdout, stderr and the log (what would reach CloudWatch from a handler) is kept
per test, and at the end of the run it is searched for debtor data. A find fails
the run, naming the test and the kind of value, never the value itself.

Debtor data is recognised by its shape (postcodes, Dutch phone numbers, e-mail
addresses, BSNs passing the eleven test) and by the fictitious last names the
tests and the demo use.
"""
from __future__ import annotations

import functools
import json
import re
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# Addresses of systems and municipalities (not of residents) that logs may name.
_SYSTEM_EMAIL = re.compile(r"(vroegsignalering|noreply|no-reply|sender|team)[\w.+-]*@", re.IGNORECASE)
_PATTERNS = {
    "postcode": re.compile(r"(?<![\w-])[1-9][0-9]{3} ?[A-Z]{2}(?![\w-])"),
    "phone": re.compile(r"(?<![\w+])(\+31[1-9][0-9]{8}|06[0-9]{8})(?!\w)"),
    "e-mail": re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),
    "bsn": re.compile(r"(?<![\w.-])[0-9]{9}(?![\w.-])"),
}
_LAST_NAME = re.compile(r'"last_name":\s*"([^"]{4,})"|last_name="([^"]{4,})"')
# Postcode-shaped words that are not addresses.
_NOT_POSTCODES = {"2026 UTC"}


def _elfproef(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    return digits != "000000000" and total % 11 == 0


def debtor_names() -> set[str]:
    """The fictitious last names used by the tests and the demo data."""
    names: set[str] = set()
    sources = [*(ROOT / "tests").rglob("*.py"), ROOT / "infra" / "demo_data.py", *(ROOT / "examples").glob("*.json")]
    for path in sources:
        if path.exists():
            for match in _LAST_NAME.finditer(path.read_text(encoding="utf-8", errors="replace")):
                names.add(match.group(1) or match.group(2))
    return names


def findings(text: str, names: set[str]) -> list[str]:
    """The kinds of debtor data in the text (no values)."""
    kinds = []
    postcodes = [m.group(0) for m in _PATTERNS["postcode"].finditer(text) if m.group(0) not in _NOT_POSTCODES]
    if postcodes:
        kinds.append("postcode")
    if _PATTERNS["phone"].search(text):
        kinds.append("phone")
    if any(not _SYSTEM_EMAIL.match(m.group(0)) for m in _PATTERNS["e-mail"].finditer(text)):
        kinds.append("e-mail")
    if any(_elfproef(m.group(0)) for m in _PATTERNS["bsn"].finditer(text)):
        kinds.append("bsn")
    if names and re.search(r"\b(" + "|".join(re.escape(n) for n in sorted(names)) + r")\b", text):
        kinds.append("name")
    return kinds


@functools.cache
def _known_debtor_names() -> frozenset[str]:
    return frozenset(debtor_names())


def audit_entry_findings(entries: list[dict[str, Any]]) -> list[str]:
    """The kinds of debtor data in audit entries (identity.md: ids and enum values only).
    The integration tests' moto fixture scans every entry a test left behind."""
    return findings(json.dumps(entries, ensure_ascii=False, default=str), set(_known_debtor_names()))


def _log_files(config) -> list[Path]:  # noqa: ANN001 - pytest's Config
    """Log files written under this run's temporary folder."""
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is None:
        return []
    try:
        base = factory.getbasetemp()
    except (OSError, ValueError):
        return []
    return sorted(path for path in base.rglob("*.log") if path.is_file())


_LOG_LINE = re.compile(r"^\s*(\{|(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /)")


def _logged_lines(path: Path) -> str:
    """The JSON log records and access-log lines of a log file. A console banner's
    example request (fictitious data shown on purpose) is neither."""
    with path.open(encoding="utf-8", errors="replace") as file:
        return "".join(line for line in file if _LOG_LINE.match(line))


class PrivacyScan:
    """A pytest plugin: collects the captured output of every test phase."""

    def __init__(self) -> None:
        # Open for the whole run (closed at its end): the captured output can be large.
        self._file = tempfile.NamedTemporaryFile("w+", encoding="utf-8", prefix="privacy-scan-", suffix=".txt")  # noqa: SIM115
        self._tests: list[tuple[str, int, int]] = []  # nodeid, start, end offsets in the file
        self._scanned_files = 0

    def pytest_runtest_logreport(self, report) -> None:  # noqa: ANN001 - pytest's hook signature
        texts = [content for _, content in report.sections if content]
        if texts:
            start = self._file.tell()
            self._file.write("\n".join(texts) + "\n")
            self._tests.append((report.nodeid, start, self._file.tell()))

    def pytest_sessionfinish(self, session, exitstatus) -> None:  # noqa: ANN001
        names = debtor_names()
        leaks = []
        for nodeid, start, end in self._tests:
            self._file.seek(start)
            kinds = findings(self._file.read(end - start), names)
            if kinds:
                leaks.append(f"{nodeid}: {', '.join(kinds)}")
        self._file.close()
        # What the local stacks the tests ran wrote to their log files (functions' JSON logs).
        for path in _log_files(session.config):
            kinds = findings(_logged_lines(path), names)
            if kinds:
                leaks.append(f"{path.name} ({path.parent.name}): {', '.join(kinds)}")
            self._scanned_files += 1
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if leaks:
            if reporter:
                reporter.write_line("privacy scan: debtor data in the captured output of:", red=True)
                for leak in dict.fromkeys(leaks):
                    reporter.write_line(f"  {leak}", red=True)
            session.exitstatus = 1
        elif reporter:
            reporter.write_line(f"privacy scan: no debtor data in the captured output of {len(self._tests)} "
                                f"test phases and {self._scanned_files} log files")
