"""Start-page blocks per role. Each block: (title, [(text, url)])."""
from flask import url_for

from ..access import ROLES
from .scopes import role_names

# Registered by the domain modules: role → callables(user) returning blocks.
PROVIDERS: dict[str, list] = {}


def provider(*roles):
    def wrap(fn):
        for role in roles:
            PROVIDERS.setdefault(role, []).append(fn)
        return fn
    return wrap


def blocks_for(user) -> list:
    blocks, seen = [], set()
    for role in sorted(role_names(user), key=lambda r: list(ROLES).index(r) if r in ROLES else 99):
        for fn in PROVIDERS.get(role, []):
            if fn in seen:
                continue
            seen.add(fn)
            block = fn(user)
            if block:
                blocks.append(block)
    return blocks


def link(text: str, endpoint: str, **values) -> tuple[str, str]:
    return text, url_for(endpoint, **values)
