"""End to end in a real browser: Debian's Chromium, headless, driven through ChromeDriver."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT
from test_ui import MODEL, XSS, start
from ollama_server import OllamaTestServer
from rag.engine import RAG

ARTIFACTS = ROOT / "tests" / "artifacts"
pytestmark = pytest.mark.skipif(not shutil.which("chromium") or not shutil.which("chromedriver"),
                                reason="Chromium is installed by .ci/test (apt-get install chromium chromium-driver)")


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,1100"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    yield driver
    driver.quit()


def test_ask_in_the_browser_and_read_the_sources(tmp_path, use_embedder, copy_articles, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    (copy_articles / "99_poisoned.txt").write_text(XSS, encoding="utf-8")
    with OllamaTestServer(models=(MODEL,)) as ollama:
        engine = RAG(tmp_path / "index", encoder=use_embedder, ollama_host=ollama.url, model=MODEL)
        engine.ingest(copy_articles)
        demo, url = start(engine)
        try:
            ollama.reply("The United States, Russia and Ukraine did not sign the convention [1]. "
                         "More than 120 countries did [1].", chunk_size=4, delay=0.02)
            browser.get(url)
            wait = WebDriverWait(browser, 60)
            box = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "#question textarea")))
            box.send_keys(EXAMPLE, Keys.ENTER)
            wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#sources .source")))
            chat = browser.find_element(By.CSS_SELECTOR, "[data-testid='bot']")
            assert "did not sign the convention" in chat.text and "[1]" in chat.text
            link = chat.find_element(By.CSS_SELECTOR, "sup a[href='#src-1']")
            source = browser.find_element(By.ID, "src-1")
            assert link.text == "[1]"
            assert "Rusland" in source.text or "Russia" in source.text
            assert source.find_element(By.TAG_NAME, "b").text.startswith("[1] ")

            ollama.reply("What happens to cluster munition bomblets?")  # the follow-up, condensed
            ollama.reply("It describes <script>window.__xss = 3</script> bomblets that fail to explode [1].")
            box.send_keys("What happens to cluster munition bomblets?", Keys.ENTER)
            wait.until(lambda d: "bomblets that fail" in d.find_elements(By.CSS_SELECTOR, "[data-testid='bot']")[-1].text)
            assert browser.execute_script("return window.__xss === undefined")
            assert "<script>window.__xss = 3</script>" in browser.find_elements(
                By.CSS_SELECTOR, "[data-testid='bot']")[-1].text

            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            browser.save_screenshot(str(ARTIFACTS / "chat.png"))

            example = browser.find_element(By.XPATH, "//button[contains(., 'Welke landen hebben het verdrag van 2008')]")
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", example)
            example.click()
            wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#question textarea").get_attribute("value")
                       .startswith("Welke landen"))
        except Exception:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            browser.save_screenshot(str(ARTIFACTS / "failure.png"))
            raise
        finally:
            demo.close()
            engine.close()
    assert (ARTIFACTS / "chat.png").stat().st_size > 10_000
