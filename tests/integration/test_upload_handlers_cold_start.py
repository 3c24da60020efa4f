"""The upload handlers' cold start: neither loads the XLSX reader (python-calamine is
imported on the first XLSX file) nor the heavy modules no handler may load."""
import os
import subprocess
import sys

import pytest

from bench.common import LAMBDA_ENV, PYTHONPATH, ROOT

HEAVY = ("python_calamine", "openpyxl", "aws_xray_sdk", "fpdf", "jinja2", "phonenumbers")


@pytest.mark.parametrize("module", ["uploads_api", "import_file"])
def test_upload_handler_import_leaves_heavy_modules_unloaded(module):
    code = f"import sys, {module}; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    paths = [*PYTHONPATH, str(ROOT / "functions" / "uploads"), str(ROOT / "functions" / "imports")]
    env = {**os.environ, **LAMBDA_ENV, "PYTHONPATH": os.pathsep.join(paths)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
