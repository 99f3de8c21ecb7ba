"""End to end in a real browser: Debian's Chromium, headless, driven through ChromeDriver."""
from __future__ import annotations

import json
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


def in_view(browser, element) -> bool:
    """Whether the element's top is inside the window (scrolling the page would be needed otherwise)."""
    return browser.execute_script("const r = arguments[0].getBoundingClientRect();"
                                  "return r.top >= 0 && r.top < window.innerHeight - 20;", element)


def test_ask_in_the_browser_and_read_the_sources(tmp_path, use_embedder, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from rag.ui.app import serve
    from rag.ui.feedback import FILE_NAME

    def bots():
        return browser.find_elements(By.CSS_SELECTOR, "#chat [data-testid='bot']")

    def answered(n: int, question: str):
        """Wait until the n-th answer is complete: its copy button is there, its sources in the panel."""
        wait.until(lambda d: len(bots()) >= n and bots()[n - 1].find_elements(By.CSS_SELECTOR, "button.copy-answer")
                   and question in d.find_element(By.ID, "sources").text)
        return bots()[n - 1]

    timings = {}
    with OllamaTestServer(models=(MODEL,)) as ollama:
        engine = small_index(tmp_path, use_embedder, ollama.url, XSS)
        port = free_port()
        demo = serve(engine, port=port, block=False)
        try:
            browser.get(f"http://127.0.0.1:{port}/")
            wait = WebDriverWait(browser, 60)
            box = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "#question textarea")))
            timings["page_ready_ms"] = browser.execute_script("return performance.now()")
            header = browser.find_element(By.ID, "header").text
            assert "News Q&A" in header and f"Knowledge base: {len(engine.articles())} articles" in header  # what the app is, what it holds
            assert not [b for b in browser.find_elements(By.ID, "banner") if b.is_displayed()]  # model up: no banner

            # an article and an answer carrying HTML and Markdown links: shown as text, never run
            ollama.reply("It describes <script>window.__xss = 3</script> bomblets that **fail** to explode [1]. "
                         "[see](javascript:window.__xss=4)")
            box.send_keys("What happens to cluster munition bomblets?", Keys.ENTER)
            bot = answered(1, "What happens to cluster munition bomblets?")
            assert "<script>window.__xss = 3</script>" in bot.text
            assert bot.find_element(By.TAG_NAME, "strong").text == "fail"  # Markdown, rendered
            assert not bot.find_elements(By.CSS_SELECTOR, "a[href^='javascript']")
            assert "<script>window.__xss = 1</script>" in browser.find_element(By.ID, "sources").text
            assert browser.execute_script("return window.__xss === undefined")
            browser.find_element(By.ID, "new").click()
            wait.until(lambda d: not bots())

            # English, typed: the answer streams in; [1] brings its source into view in the panel,
            # marked, and the chat stays where it is
            ollama.reply("The United States, Russia and Ukraine did not sign the convention [1]. "
                         "More than 120 countries did [1].", chunk_size=4, delay=0.02)
            box.send_keys(EXAMPLE)
            asked = browser.execute_script("return performance.now()")
            box.send_keys(Keys.ENTER)
            wait.until(lambda d: bots() and "The United" in bots()[0].text)
            timings["first_text_ms"] = browser.execute_script("return performance.now()") - asked
            bot = answered(1, EXAMPLE)
            assert "did not sign the convention" in bot.text and "[1]" in bot.text
            source = browser.find_element(By.ID, "src-0-1")
            assert source.find_element(By.TAG_NAME, "b").text.startswith("[1] Het verdrag tegen clustermunitie")
            assert "Rusland" in source.text and len(source.find_elements(By.TAG_NAME, "mark")) >= 1
            page_at = browser.execute_script("return window.scrollY")
            bot.find_element(By.CSS_SELECTOR, "sup a[href$='-1']").click()
            wait.until(lambda d: "active" in d.find_element(By.ID, "src-0-1").get_attribute("class"))
            assert browser.execute_script("return window.scrollY") == page_at and in_view(browser, box)
            assert in_view(browser, source)

            # feedback: a thumbs up lands in the index folder's feedback file
            browser.find_elements(By.CSS_SELECTOR, "#chat button[aria-label='Like']")[-1].click()
            feedback = engine.settings.index / FILE_NAME
            wait.until(lambda d: feedback.exists() and feedback.read_text(encoding="utf-8").strip())
            vote = json.loads(feedback.read_text(encoding="utf-8").splitlines()[-1])
            assert vote["vote"] == "up" and vote["question"] == EXAMPLE and vote["citations"][0]["n"] == 1

            # Dutch, by clicking an example: a follow-up, so the model first makes it standalone
            ollama.reply(DUTCH)
            example = browser.find_element(By.XPATH, f"//button[contains(., '{DUTCH}')]")
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", example)
            example.click()
            bot = answered(2, DUTCH)
            assert "[1]" in bot.text and browser.find_element(By.ID, "src-1-1").text
            assert "Bronnen bij" in browser.find_element(By.ID, "sources").text  # labels in the question's language
            assert browser.execute_script("return window.__xss === undefined")

            # the page loaded nothing from anywhere but the app itself
            outside = browser.execute_script(
                "return performance.getEntriesByType('resource').map(e => e.name)"
                ".filter(n => !n.startsWith(location.origin) && !n.startsWith('data:'))")
            assert outside == []
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            browser.execute_script("window.scrollTo(0, 0)")
            browser.save_screenshot(str(ARTIFACTS / "chat.png"))

            # a reload keeps the conversation: the list of conversations and the chat itself
            browser.refresh()
            wait.until(lambda d: len(bots()) == 2 and "did not sign the convention" in bots()[0].text)
            browser.find_element(By.XPATH, "//button[contains(., 'Earlier conversations')]").click()
            kept = wait.until(ec.visibility_of_element_located((By.ID, "conversations")))
            assert "What happens to cluster munition bomblets?" in kept.text and EXAMPLE in kept.text

            # a phone: the chat fills the screen; a citation opens the sources as a drawer over it
            browser.set_window_size(390, 844)
            box = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "#question textarea")))
            bot = bots()[0]
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", bot)
            bot.find_element(By.CSS_SELECTOR, "sup a[href$='-1']").click()
            drawer = browser.find_element(By.ID, "sources-col")
            wait.until(lambda d: "open" in drawer.get_attribute("class") and in_view(d, d.find_element(By.ID, "src-0-1")))
            browser.save_screenshot(str(ARTIFACTS / "chat-phone.png"))
            browser.find_element(By.ID, "close-sources").click()
            browser.set_window_size(1400, 1000)

            # the model goes away: the next answer is extractive and the banner (only) says how to fix it
            ollama.stop()
            browser.find_element(By.ID, "new").click()
            wait.until(lambda d: not bots())
            box = browser.find_element(By.CSS_SELECTOR, "#question textarea")
            box.send_keys(EXAMPLE, Keys.ENTER)
            answered(1, EXAMPLE)
            wait.until(lambda d: "ollama serve" in d.find_element(By.ID, "banner").text)
            assert ollama.url in browser.find_element(By.ID, "banner").text
            assert "cannot reach Ollama" not in bots()[0].text  # said once, in the banner

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
    (ARTIFACTS / "browser-timings.json").write_text(json.dumps({k: round(v) for k, v in timings.items()}) + "\n")
    for name in ("chat.png", "chat-phone.png"):  # the README shows these
        assert (ARTIFACTS / name).stat().st_size > 10_000
        shutil.copyfile(ARTIFACTS / name, ROOT / "ui" / name.replace("chat", "screenshot"))
