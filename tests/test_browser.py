"""End to end in a real browser: Debian's Chromium, headless, driven through ChromeDriver."""
from __future__ import annotations

import shutil

import pytest

from conftest import EXAMPLE, ROOT
from processes import free_port
from ollama_server import OllamaTestServer
from test_ui import MODEL, XSS, small_index

ARTIFACTS = ROOT / "tests" / "artifacts"
DUTCH = "Welke landen hebben het verdrag van 2008 niet ondertekend?"
pytestmark = pytest.mark.skipif(not shutil.which("chromium") or not shutil.which("chromedriver"),
                                reason="needs Chromium: apt-get install chromium chromium-driver (.ci/test does)")


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    yield driver
    driver.quit()


def test_ask_in_the_browser_and_read_the_sources(tmp_path, use_embedder, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from rag.ui.app import serve

    def bots():
        return browser.find_elements(By.CSS_SELECTOR, "#chat [data-testid='bot']")

    def answered(n: int, question: str):
        """Wait until the n-th answer is complete: its sources are in the panel."""
        wait.until(lambda d: len(bots()) >= n and question in d.find_element(By.ID, "sources").text
                   and d.find_elements(By.CSS_SELECTOR, "#sources .source"))
        return bots()[n - 1]

    with OllamaTestServer(models=(MODEL,)) as ollama:
        engine = small_index(tmp_path, use_embedder, ollama.url, XSS)
        port = free_port()
        demo = serve(engine, port=port, block=False)
        try:
            browser.get(f"http://127.0.0.1:{port}/")
            wait = WebDriverWait(browser, 60)
            box = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "#question textarea")))
            assert not [b for b in browser.find_elements(By.ID, "banner") if b.is_displayed()]  # model up: no banner

            # an article and an answer carrying HTML: shown as text, never run
            ollama.reply("It describes <script>window.__xss = 3</script> bomblets that fail to explode [1].")
            box.send_keys("What happens to cluster munition bomblets?", Keys.ENTER)
            bot = answered(1, "What happens to cluster munition bomblets?")
            assert "<script>window.__xss = 3</script>" in bot.text
            assert "<script>window.__xss = 1</script>" in browser.find_element(By.ID, "sources").text
            assert browser.execute_script("return window.__xss === undefined")
            browser.find_element(By.ID, "new").click()
            wait.until(lambda d: not bots())

            # English, typed: the answer streams in, [1] links to its source in the panel
            ollama.reply("The United States, Russia and Ukraine did not sign the convention [1]. "
                         "More than 120 countries did [1].", chunk_size=4, delay=0.02)
            box.send_keys(EXAMPLE, Keys.ENTER)
            bot = answered(1, EXAMPLE)
            assert "did not sign the convention" in bot.text and "[1]" in bot.text
            link = bot.find_element(By.CSS_SELECTOR, "sup a[href='#src-1']")
            source = browser.find_element(By.ID, "src-1")
            assert source.find_element(By.TAG_NAME, "b").text.startswith("[1] Het verdrag tegen clustermunitie")
            assert "Rusland" in source.text and source.find_elements(By.TAG_NAME, "mark")
            link.click()
            assert browser.execute_script("return location.hash") == "#src-1"

            # Dutch, by clicking an example: a follow-up, so the model first makes it standalone
            ollama.reply(DUTCH)
            example = browser.find_element(By.XPATH, f"//button[contains(., '{DUTCH}')]")
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", example)
            example.click()
            bot = answered(2, DUTCH)
            assert "[1]" in bot.text and browser.find_element(By.ID, "src-1").text
            assert browser.execute_script("return window.__xss === undefined")

            # the page loaded nothing from anywhere but the app itself
            outside = browser.execute_script(
                "return performance.getEntriesByType('resource').map(e => e.name)"
                ".filter(n => !n.startsWith(location.origin) && !n.startsWith('data:'))")
            assert outside == []

            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            height = browser.execute_script("return Math.max(document.body.scrollHeight, "
                                            "document.documentElement.scrollHeight)")
            browser.set_window_size(1400, height + 200)  # the whole page, for the README
            WebDriverWait(browser, 5).until(lambda d: d.execute_script("return window.innerHeight") >= height)
            browser.execute_script("window.scrollTo(0, 0)")
            browser.save_screenshot(str(ARTIFACTS / "chat.png"))
            browser.set_window_size(1400, 1000)

            # the model goes away: the next answer is extractive and the banner says how to fix it
            ollama.stop()
            browser.find_element(By.ID, "new").click()
            wait.until(lambda d: not bots())
            box.send_keys(EXAMPLE, Keys.ENTER)
            answered(1, EXAMPLE)
            wait.until(lambda d: "ollama serve" in d.find_element(By.ID, "banner").text)
            assert ollama.url in browser.find_element(By.ID, "banner").text
            assert "cannot reach Ollama" in bots()[0].text  # the warning, under the answer

            # the knowledge base tab lists the articles; clicking one fills in its id for removal
            browser.find_element(By.XPATH, "//button[@role='tab'][contains(., 'Knowledge base')]").click()
            row = "//*[@id='articles']//div[contains(@class, 'body-cell')][contains(., 'Poisoned wire copy')]"
            wait.until(ec.visibility_of_element_located((By.XPATH, row))).click()
            poisoned = next(a.id for a in engine.articles() if a.title.startswith("Poisoned"))
            wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#remove-id textarea").get_attribute("value")
                       == poisoned)
            assert browser.execute_script("return window.__xss === undefined")
        except Exception:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            browser.save_screenshot(str(ARTIFACTS / "failure.png"))
            raise
        finally:
            browser.get("about:blank")  # the page's open connections would hold up the server's shutdown
            demo.close()
            engine.close()
    assert (ARTIFACTS / "chat.png").stat().st_size > 10_000
