"""Cold start is import time: with X-Ray SDK tracing off (the template's default),
no handler may import the X-Ray SDK, nor the letter rendering libraries it does not use.
(How long imports take is measured in `make bench`, never here.)"""
import os
import subprocess
import sys

import pytest

from bench.common import LAMBDA_ENV, PYTHONPATH

HANDLERS = ["authorizer", "intake_api", "classify_stream", "municipality_api", "letters_queue", "tasks_queue",
            "followups_schedule", "followups_worker", "retention_stream", "preview_worker"]


@pytest.mark.parametrize("module", HANDLERS)
def test_handler_import_leaves_heavy_modules_unloaded(module):
    code = (f"import sys, {module}; "
            "print(sorted(m for m in ('aws_xray_sdk', 'fpdf', 'jinja2', 'phonenumbers') if m in sys.modules))")
    env = {**os.environ, **LAMBDA_ENV, "PYTHONPATH": os.pathsep.join(PYTHONPATH)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
