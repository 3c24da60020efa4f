"""The web app's transferred size: every JS and CSS file gzip-compressed (as CloudFront
serves them), and the HTML beside it. Goal (issue 10): JS + CSS ≤ 150 KB compressed.

    python -m web.size          # prints the figures; exits 1 over the budget
"""
from __future__ import annotations

import gzip
import sys
from pathlib import Path

WEB = Path(__file__).resolve().parent
BUDGET_BYTES = 150 * 1024


def compressed(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def app_files(kind: str) -> list[Path]:
    return sorted(path for path in WEB.rglob(f"*.{kind}") if "vendor" not in path.parts)


def sizes() -> dict[str, int]:
    """Raw and gzip bytes of the JS and CSS together, and of index.html."""
    assets = app_files("js") + app_files("css")
    return {
        "files": len(assets),
        "raw": sum(path.stat().st_size for path in assets),
        "gzip": sum(compressed(path) for path in assets),
        "html_gzip": compressed(WEB / "index.html"),
    }


def main() -> int:
    figures = sizes()
    print(f"web app JS + CSS: {figures['files']} files, {figures['raw'] / 1024:.1f} KB raw, "
          f"{figures['gzip'] / 1024:.1f} KB gzip (goal ≤ {BUDGET_BYTES // 1024} KB); "
          f"index.html {figures['html_gzip'] / 1024:.1f} KB gzip")
    return 0 if figures["gzip"] <= BUDGET_BYTES else 1


if __name__ == "__main__":
    sys.exit(main())
