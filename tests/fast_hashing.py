"""A cheap password hash for test modules that build many accounts (scrypt costs ~0.1 s each).

Use: `from tests.fast_hashing import fast_password_hashing  # noqa: F401` — a module-scoped
autouse fixture; the production hash method is restored after the module.
"""
import pytest


@pytest.fixture(scope="module", autouse=True)
def fast_password_hashing(app):
    previous = app.config.get("FAB_PASSWORD_HASH_METHOD")
    app.config["FAB_PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"
    yield
    if previous is None:
        app.config.pop("FAB_PASSWORD_HASH_METHOD", None)
    else:
        app.config["FAB_PASSWORD_HASH_METHOD"] = previous
