"""Proefdraaien over a large window: the criteria screen gets a 202 with a job,
polls it, and shows the job's result as it shows an immediate answer."""
from __future__ import annotations

import sys

import pytest
from selenium.webdriver.common.by import By

from .app import console_errors, open_screen, use_key, wait_for


@pytest.fixture
def every_window_a_job(seeded):
    """The municipality function's line at nothing (the local stack runs in this process)."""
    admin = sys.modules["municipality_routes.services"].criteria_admin
    line, admin.at_once_cases = admin.at_once_cases, -1
    yield
    admin.at_once_cases = line


def test_proefdraaien_as_a_job_shows_the_jobs_result(driver, web, seeded, keys, every_window_a_job):
    code = "GM0344"
    use_key(driver, web, key=keys[code], code=code)
    open_screen(driver, web, f"/{code}/afwegingskader", "Afwegingskader")
    driver.find_element(By.ID, "proefdraaien").click()
    preview = wait_for(driver, "#proefdraai-uitkomst", "Uitkomst van het proefdraaien", seconds=30)
    assert "zaken van de laatste 90 dagen" in preview.text
    assert not driver.find_elements(By.CSS_SELECTOR, "#proefdraai-uitkomst .alert")  # the waiting note is gone
    assert console_errors(driver) == []
