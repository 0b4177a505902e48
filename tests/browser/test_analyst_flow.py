"""An analyst's afternoon in a real browser: log in, screen a DPRK designee written in
Cyrillic, upload the German article and see its findings, open a case from the resulting
alert, add a note, decide, and download the HTML report. Forms are submitted by clicking, as a
person would; the app's JavaScript is not needed for any step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.paths import DOCUMENTS
from tests.web.conftest import PASSWORDS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GERMAN = DOCUMENTS / "putin-kim-summit-de.txt"


def log_in(page: Page, base_url: str, name: str) -> None:
    page.goto(base_url + "/cases")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fcases$"))
    page.get_by_label("User").fill(name)
    page.get_by_label("Password").fill(PASSWORDS[name])
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(base_url + "/cases")


def test_analyst_flow(page: Page, base_url: str) -> None:
    log_in(page, base_url, "ana")

    # Screen a designee in another script.
    page.get_by_role("link", name="Screening").click()
    page.get_by_label("Name").fill("Ким Ён Чхоль")
    page.locator("form[action='/screen'] select[name=schema]").select_option("Person")
    page.get_by_role("button", name="Screen", exact=True).click()
    top = page.locator("article.match").first
    expect(top.locator("a")).to_have_attribute("href", "/entity/unsc-6908511")
    expect(top.locator(".badge")).to_have_text("match")

    # Upload the German article: findings with the evidence highlighted.
    page.get_by_role("link", name="Documents").click()
    page.get_by_label("Read a document").set_input_files(str(GERMAN))
    page.get_by_role("button", name="Upload and read").click()
    expect(page).to_have_url(re.compile(r"/documents/\d+"))
    expect(page.locator("table.activities td.category", has_text="arms_from_dprk")).to_be_visible()
    expect(page.locator(".doc-text mark.activity").first).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("new alert")

    # Open a case from the document's alert.
    page.locator("table.alerts tbody a").first.click()
    expect(page).to_have_url(re.compile(r"/alerts/\d+"))
    page.get_by_role("button", name="Open case").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    case_url = page.url
    expect(page.locator("blockquote.evidence mark").first).to_be_visible()

    # A note and a decision, then both are on the page and in the audit trail.
    page.get_by_label("Add a note").fill("Arms deliveries to Russia, per the editorial.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".note-item")).to_contain_text("Arms deliveries to Russia")
    page.locator("#decisions select[name=status]").select_option("under_review")
    page.get_by_label("Rationale").fill("Needs a second source.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator("#decisions .decision")).to_contain_text("Needs a second source.")
    expect(page.locator("table.audit")).to_contain_text("case.decide")
    assert page.url.startswith(case_url)

    # Export the report as a downloaded HTML file.
    with page.expect_download() as info:
        page.get_by_role("link", name="HTML").click()
    download = info.value
    content = Path(download.path()).read_text(encoding="utf-8")
    assert "<html" in content.lower()
    assert "Needs a second source." in content
