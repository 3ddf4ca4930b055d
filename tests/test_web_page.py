"""The web page at /, driven end to end in headless Chromium through Selenium, against a served API.

The browser and its driver come from Debian's packages (/usr/bin/chromium and
/usr/bin/chromedriver); Selenium is given both paths, so it never runs Selenium Manager or
downloads anything. The walk saves a screenshot in the test's folder, and also at the path in
GRAPH_REC_SCREENSHOT when that variable is set (docs/web-page.png was made that way).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from graph_rec.precompute import precompute
from graph_rec.settings import Settings
from tests.serving import call, running_api
from webapi import create_app

logger = logging.getLogger(__name__)

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
INSTALL_HINT = "install Debian's browser and driver as root: apt-get install chromium chromium-driver"
KEY = "web-page-key-0123456789abcdef"
WAIT_SECONDS = 30
SCREENSHOT_WIDTH = 1280
SCREENSHOT_HEIGHT = 1200
NARROW_WIDTH = 400
STATIC = Path(__file__).resolve().parent.parent / "webapi" / "static"

# Headless Chromium on a closed network: --disable-background-networking, --disable-component-update
# and --disable-sync turn off its background connections, and --disable-quic keeps requests on TCP.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# Twelve movies with their genres, directors and actors, and eight users, so every strategy has
# several movies to rank and an explanation has collaborative and content paths. Ids are this
# graph's own, not MovieLens ones.
MOVIES = [
    (1, "Heat (1995)", 1995, ["Action", "Crime", "Thriller"], "Michael Mann", ["Al Pacino", "Robert De Niro", "Val Kilmer"]),
    (2, "Collateral (2004)", 2004, ["Action", "Crime", "Drama", "Thriller"], "Michael Mann", ["Tom Cruise", "Jamie Foxx"]),
    (3, "Top Gun (1986)", 1986, ["Action", "Romance"], "Tony Scott", ["Tom Cruise", "Val Kilmer"]),
    (4, "Godfather, The (1972)", 1972, ["Crime", "Drama"], "Francis Ford Coppola", ["Al Pacino", "Marlon Brando"]),
    (5, "Toy Story (1995)", 1995, ["Animation", "Children", "Comedy"], "John Lasseter", ["Tom Hanks", "Tim Allen"]),
    (6, "Casino (1995)", 1995, ["Crime", "Drama"], "Martin Scorsese", ["Robert De Niro", "Joe Pesci", "Sharon Stone"]),
    (7, "Goodfellas (1990)", 1990, ["Crime", "Drama"], "Martin Scorsese", ["Robert De Niro", "Joe Pesci", "Ray Liotta"]),
    (8, "Mission: Impossible (1996)", 1996, ["Action", "Mystery", "Thriller"], "Brian De Palma", ["Tom Cruise"]),
    (9, "Scarface (1983)", 1983, ["Action", "Crime", "Drama"], "Brian De Palma", ["Al Pacino"]),
    (10, "Amélie (Fabuleux destin d'Amélie Poulain, Le) (2001)", 2001, ["Comedy", "Romance"], "Jean-Pierre Jeunet", ["Audrey Tautou"]),
    (11, "Toy Story 2 (1999)", 1999, ["Animation", "Children", "Comedy"], "John Lasseter", ["Tom Hanks", "Tim Allen"]),
    (12, "Forrest Gump (1994)", 1994, ["Comedy", "Drama", "Romance", "War"], "Robert Zemeckis", ["Tom Hanks"]),
]
RATINGS = {
    1: {1: 5.0, 4: 4.5, 5: 2.0, 3: 3.0},
    2: {1: 4.5, 2: 4.0, 3: 5.0, 8: 4.5},
    3: {1: 4.0, 2: 5.0, 4: 3.0, 6: 4.5, 7: 5.0},
    4: {3: 4.0, 4: 4.0, 5: 5.0, 11: 4.5, 12: 4.0},
    5: {4: 5.0, 9: 4.5, 7: 4.5, 6: 4.0},
    6: {5: 4.5, 11: 5.0, 10: 4.0, 12: 4.5},
    7: {10: 5.0, 12: 4.0, 2: 3.5, 1: 4.0},
    8: {8: 4.0, 3: 4.5, 2: 4.5, 9: 3.5},
}
COLLATERAL = 2
TOY_STORY = 5


def load_page_graph(graph) -> None:
    """Write MOVIES and RATINGS into an empty graph, in the shapes the loaders write."""
    movies = [
        {"movie_id": movie_id, "title": title, "year": year, "genres": genres, "director": director, "actors": actors}
        for movie_id, title, year, genres, director, actors in MOVIES
    ]
    graph.run_text(
        """
        UNWIND $movies AS row
        CREATE (m:Movie {movie_id: row.movie_id, title: row.title, year: row.year, genres: row.genres})
        FOREACH (name IN row.genres | MERGE (g:Genre {name: name}) CREATE (m)-[:IN_GENRE]->(g))
        MERGE (d:Person {person_id: 'name:' + row.director}) ON CREATE SET d.name = row.director
        SET d:Director
        CREATE (d)-[:DIRECTED]->(m)
        FOREACH (name IN row.actors |
          MERGE (a:Person {person_id: 'name:' + name}) ON CREATE SET a.name = name
          SET a:Actor
          CREATE (a)-[:ACTED_IN]->(m))
        """,
        movies=movies,
    )
    ratings = [
        {"user_id": user, "movie_id": movie, "rating": rating}
        for user, rated in RATINGS.items()
        for movie, rating in rated.items()
    ]
    graph.run_text(
        """
        UNWIND range(0, size($ratings) - 1) AS index
        WITH $ratings[index] AS row, index
        MERGE (u:User {user_id: row.user_id})
        WITH u, row, index
        MATCH (m:Movie {movie_id: row.movie_id})
        CREATE (u)-[:RATED {rating: row.rating, timestamp: 1000 + index}]->(m)
        """,
        ratings=ratings,
    )


def test_page_is_served_without_outside_urls():
    client = create_app(Settings(api_key=KEY)).test_client()
    page = client.get("/")
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    html = page.get_data(as_text=True)
    for reference in re.findall(r'(?:src|href)="([^"]+)"', html):
        if reference.startswith("data:"):
            continue
        asset = client.get(f"/{reference}")
        assert asset.status_code == 200, reference
    for module in sorted(STATIC.rglob("*.js")):
        served = client.get(f"/static/{module.relative_to(STATIC).as_posix()}")
        assert served.status_code == 200, module
        assert served.mimetype == "text/javascript", module
    for path in sorted(STATIC.rglob("*")):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"https?://", text.replace("http://www.w3.org/2000/svg", "")), f"{path} names another host"


def test_web_page_walkthrough(tiny_graph, test_servers, tmp_path, monkeypatch):
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail(f"{CHROMIUM} or {CHROMEDRIVER} is missing: {INSTALL_HINT}")
    from selenium.webdriver.common.selenium_manager import SeleniumManager

    def no_selenium_manager(*_arguments, **_keywords):
        raise AssertionError("Selenium Manager was called: it would try to download a driver")

    monkeypatch.setattr(SeleniumManager, "binary_paths", no_selenium_manager)

    load_page_graph(tiny_graph)
    precompute(tiny_graph, l2=1.0, neighbours=5, popularity_exponent=0.5)
    started = time.perf_counter()
    with running_api(
        test_servers["tiny"], "--workers", "1", "--threads", "4", log_path=tmp_path / "api.log", GRAPH_REC_API_KEY=KEY
    ) as base:
        browser = start_chromium(tmp_path)
        try:
            walk_through_the_page(browser, base, tmp_path)
        except Exception:
            browser.save_screenshot(str(tmp_path / "failure.png"))
            logger.error("the walk failed; the screenshot is %s and the API log %s", tmp_path / "failure.png", tmp_path / "api.log")
            raise
        finally:
            browser.quit()
    print(f"\nbrowser walk took {time.perf_counter() - started:.1f} s, screenshots in {tmp_path}")


def start_chromium(tmp_path: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    options.add_argument(f"--window-size={SCREENSHOT_WIDTH},900")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=str(CHROMEDRIVER), log_output=str(tmp_path / "chromedriver.log"))
    return webdriver.Chrome(options=options, service=service)


def walk_through_the_page(browser, base: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{base}/")
    assert "graph-rec" in browser.title

    # Pick user 1: the hybrid list comes with reasons, and Collateral is on it.
    user_input = browser.find_element(By.ID, "user-id")
    user_input.send_keys("1", Keys.ENTER)
    hybrid = wait_for_list(browser, "rec-list")
    assert COLLATERAL in hybrid
    assert text_of(browser, "rec-heading") == "Recommendations for user 1"
    assert browser.find_elements(By.CSS_SELECTOR, "#rec-list .reasons li"), "no reasons under the recommendations"
    assert "#user=1" in browser.current_url

    # Switch the strategy, then back to hybrid.
    choose_strategy(browser, "content")
    content = wait_for_list(browser, "rec-list")
    assert content
    assert "strategy=content" in browser.current_url
    choose_strategy(browser, "hybrid")
    assert wait_for_list(browser, "rec-list") == hybrid

    # Find Collateral by title and rate it 4.5: cancel the key prompt once, then enter a wrong
    # key, and the right one when the page prompts again.
    search(browser, "collateral")
    result = wait_for(browser, lambda: browser.find_element(By.CSS_SELECTOR, f'#search-results li[data-movie-id="{COLLATERAL}"]'))
    rate_with_mouse(browser, result, 4.5)
    wait_for(browser, lambda: dialog_open(browser))
    browser.find_element(By.ID, "key-cancel").click()
    wait_for(browser, lambda: "no API key was entered, so nothing was saved" in error_text(browser))
    assert not dialog_open(browser)
    result.find_element(By.XPATH, ".//button[normalize-space()='Save']").click()
    enter_key(browser, "wrong-key-0123456789abcdef")
    wait_for(browser, lambda: "rejected" in text_of(browser, "key-reason") and dialog_open(browser))
    assert re.search(r"HTTP 401, request id [0-9a-f]{32}", text_of(browser, "key-reason"))
    enter_key(browser, KEY)
    wait_for(browser, lambda: "Saved 4.5 stars for Collateral (2004)" in text_of(browser, "status"))
    assert error_text(browser) == ""
    after_rating = wait_for(browser, lambda: (ids := list_ids(browser, "rec-list")) and COLLATERAL not in ids and ids)
    assert "Collateral (2004) left the list" in text_of(browser, "rec-note")
    assert COLLATERAL in wait_for_list(browser, "ratings-list")
    assert browser.execute_script("return sessionStorage.getItem('graph-rec.api-key')") == KEY
    assert browser.execute_script("return localStorage.length") == 0

    # "Not interested" on the first movie: the key is not asked for again, and the movie leaves.
    hidden = after_rating[0]
    item = browser.find_element(By.CSS_SELECTOR, f'#rec-list li[data-movie-id="{hidden}"]')
    item.find_element(By.XPATH, ".//button[normalize-space()='Not interested']").click()
    wait_for(browser, lambda: hidden not in list_ids(browser, "rec-list") and "hidden" in text_of(browser, "status"))
    assert not dialog_open(browser)

    # Similar movies for the first recommendation.
    first = browser.find_element(By.CSS_SELECTOR, "#rec-list li")
    first_title = first.find_element(By.CSS_SELECTOR, "h3").text
    first_id = int(first.get_attribute("data-movie-id"))
    first.find_element(By.XPATH, ".//button[normalize-space()='Similar']").click()
    similar = wait_for_list(browser, "similar-list")
    assert first_id not in similar
    assert text_of(browser, "similar-heading") == f"Movies similar to {first_title}"

    # The explanation of that recommendation, drawn as SVG with the same nodes the API returns.
    first.find_element(By.XPATH, ".//button[normalize-space()='Why?']").click()
    svg = wait_for(browser, lambda: browser.find_element(By.CSS_SELECTOR, "#explain-graph svg"))
    status, _, explanation = call("GET", f"{base}/users/1/recommendations/{first_id}/explain?strategy=hybrid")
    assert status == 200
    assert len(svg.find_elements(By.CSS_SELECTOR, ".node")) == len(explanation["nodes"])
    assert len(svg.find_elements(By.CSS_SELECTOR, ".edge")) == len(explanation["edges"])
    assert svg.find_element(By.CSS_SELECTOR, ".node.recommended title").get_attribute("textContent").startswith(first_title)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#explain-paths li.path")) == len(explanation["paths"])
    assert text_of(browser, "explain-heading") == f"Why {first_title} for user 1"
    save_screenshots(browser, tmp_path)

    # A new user rates one movie with the keyboard alone, and gets a list.
    browser.find_element(By.ID, "new-user").click()
    wait_for(browser, lambda: text_of(browser, "rec-heading").startswith("Recommendations for new user"))
    new_user = int(browser.find_element(By.ID, "user-id").get_attribute("value"))
    assert browser.find_element(By.ID, "explain").get_attribute("hidden") is not None
    search(browser, "toy story")
    result = wait_for(browser, lambda: browser.find_element(By.CSS_SELECTOR, f'#search-results li[data-movie-id="{TOY_STORY}"]'))
    summary = result.find_element(By.CSS_SELECTOR, "summary")
    summary.send_keys(Keys.ENTER)  # opens the control, which then focuses its 0.5 star
    star = wait_for(browser, lambda: (active := browser.switch_to.active_element).get_attribute("type") == "radio" and active)
    star.send_keys(*[Keys.ARROW_RIGHT] * 9)
    assert result.find_element(By.CSS_SELECTOR, "output").text == "5 stars"
    browser.switch_to.active_element.send_keys(Keys.TAB)
    save = browser.switch_to.active_element
    assert save.text == "Save"
    save.send_keys(Keys.ENTER)
    wait_for(browser, lambda: f"Saved 5 stars for Toy Story (1995) as user {new_user}" in text_of(browser, "status"))
    assert not dialog_open(browser)
    assert wait_for_list(browser, "rec-list")
    status, _, page = call("GET", f"{base}/users/{new_user}/ratings")
    assert status == 200
    assert [(item["movie_id"], item["rating"]) for item in page["items"]] == [(TOY_STORY, 5.0)]

    # On a narrow window nothing is wider than the screen.
    browser.set_window_size(NARROW_WIDTH, 900)
    wait_for(browser, lambda: browser.execute_script("return window.innerWidth") <= NARROW_WIDTH)
    overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow} px wider than a {NARROW_WIDTH} px window"
    browser.save_screenshot(str(tmp_path / "narrow.png"))

    # Every request went to the API's own origin, and the console has no policy violation or script error.
    resources = browser.execute_script("return performance.getEntriesByType('resource').map(entry => entry.name)")
    assert resources
    assert all(name.startswith(base) for name in resources), resources
    problems = [
        entry["message"]
        for entry in browser.get_log("browser")
        if entry["level"] == "SEVERE" and "Failed to load resource" not in entry["message"]
    ]
    assert problems == []


# ---- helpers of the walk ----


def wait_for(browser, condition, seconds: float = WAIT_SECONDS):
    """Return the first truthy value of ``condition()``; element lookups that fail count as falsy."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    def attempt(_driver):
        try:
            return condition()
        except (NoSuchElementException, StaleElementReferenceException):
            return False

    return WebDriverWait(browser, seconds, poll_frequency=0.1).until(attempt, f"timed out after {seconds} s; error box: {error_text(browser)!r}")


def list_ids(browser, list_id: str) -> list[int]:
    """Movie ids of a list on the page, in their order."""
    return browser.execute_script(
        "return [...document.querySelectorAll(`#${arguments[0]} li[data-movie-id]`)].map(item => Number(item.dataset.movieId))",
        list_id,
    )


def wait_for_list(browser, list_id: str) -> list[int]:
    """Wait until a list has movies and its section is not loading, then return their ids."""
    def loaded():
        busy = browser.execute_script("return document.querySelector('[aria-busy=\"true\"]') !== null")
        return not busy and list_ids(browser, list_id)

    return wait_for(browser, loaded)


def text_of(browser, element_id: str) -> str:
    from selenium.webdriver.common.by import By

    return browser.find_element(By.ID, element_id).text


def error_text(browser) -> str:
    return browser.execute_script("return document.getElementById('error-text')?.textContent ?? ''")


def dialog_open(browser) -> bool:
    return browser.execute_script("return document.getElementById('key-dialog').open")


def choose_strategy(browser, strategy: str) -> None:
    from selenium.webdriver.common.by import By

    before = browser.execute_script("return document.getElementById('rec-note').textContent")
    browser.find_element(By.XPATH, f"//fieldset[@id='strategy']//label[normalize-space()='{strategy}']").click()
    wait_for(browser, lambda: f"the {strategy} strategy" in text_of(browser, "rec-note") and text_of(browser, "rec-note") != before)


def search(browser, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = browser.find_element(By.ID, "search-query")
    box.clear()
    box.send_keys(text, Keys.ENTER)
    wait_for(browser, lambda: f"“{text}”" in text_of(browser, "search-note"))


def rate_with_mouse(browser, item, value: float) -> None:
    from selenium.webdriver.common.by import By

    item.find_element(By.CSS_SELECTOR, "summary").click()
    item.find_element(By.CSS_SELECTOR, f'label[data-value="{value:g}"]').click()
    assert item.find_element(By.CSS_SELECTOR, "output").text == f"{value:g} stars"
    item.find_element(By.XPATH, ".//button[normalize-space()='Save']").click()


def enter_key(browser, key: str) -> None:
    from selenium.webdriver.common.by import By

    wait_for(browser, lambda: dialog_open(browser))
    field = browser.find_element(By.ID, "key-input")
    field.clear()
    field.send_keys(key)
    browser.find_element(By.ID, "key-save").click()


def save_screenshots(browser, folder: Path) -> None:
    """Save the top of the page as web-page.png and the whole page as web-page-full.png.

    web-page.png is also copied to the path in GRAPH_REC_SCREENSHOT when that variable is set.
    """
    browser.execute_script("window.scrollTo(0, 0)")
    resize_viewport(browser, SCREENSHOT_HEIGHT)
    browser.save_screenshot(str(folder / "web-page.png"))
    resize_viewport(browser, browser.execute_script("return document.documentElement.scrollHeight"))
    # The page's height can change once its scroll bar goes, so measure it again.
    resize_viewport(browser, browser.execute_script("return document.documentElement.scrollHeight"))
    browser.save_screenshot(str(folder / "web-page-full.png"))
    extra = os.environ.get("GRAPH_REC_SCREENSHOT")
    if extra:
        Path(extra).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / "web-page.png", extra)
        logger.info("copied the screenshot to %s", extra)


def resize_viewport(browser, height: int) -> None:
    """Resize the window so that its viewport is SCREENSHOT_WIDTH wide and ``height`` pixels high."""
    inner, outer = browser.execute_script("return [window.innerHeight, window.outerHeight]")
    browser.set_window_size(SCREENSHOT_WIDTH, height + outer - inner)
    wait_for(browser, lambda: browser.execute_script("return window.innerHeight") == height)
