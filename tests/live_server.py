"""Shared fixtures for browser tests: the session app served on 127.0.0.1 and headless chromium.

Registered for every test module by tests/conftest.py; modules import only browser_login.
"""
import threading

import pytest
from playwright import sync_api  # installed by scripts/test.sh: a missing one fails
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture()
def live_server(app, db):
    """Serve the session app on 127.0.0.1:<free port> in a daemon thread; yield the base URL.

    The data is whatever the test committed (the `db` fixture wipes it afterwards).
    """
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def playwright_browser():
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture()
def browser(playwright_browser):
    """A fresh browser context (own cookies) per test; yields the Browser-like context."""
    context = playwright_browser.new_context(viewport={"width": 1280, "height": 900},
                                              locale="ru-RU")
    context.set_default_timeout(10000)
    yield context
    context.close()


def browser_login(context, base_url: str, username: str, password: str):
    """Log in through the real form; return the page."""
    page = context.new_page()
    page.goto(base_url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_load_state()
    return page
