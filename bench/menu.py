"""The menu's share of a page (app/web.py navbar_menu), in one process: each role's help page
read with the menu rendered on every request and with the worker's rendered copy, rounds
interleaved so that the machine's load weighs on both alike.

    python bench/menu.py [--db sqlite|postgresql] [--requests 40] [--rounds 3]

Reports the best round's mean time of a request per role.
"""
import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.grid import grid_app  # noqa: E402

ROLES = ("admin", "director", "teacher1", "student1")
PAGE = "/help/"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from flask import render_template
    from markupsafe import Markup

    from tests.factories import login_client
    with grid_app(args.db) as (app, _db, _journal, _students):
        kept = app.jinja_env.globals["navbar_menu"]

        def every_time():
            return Markup(render_template("appbuilder/navbar_menu.html",
                                          menu=app.appbuilder.menu))

        print(f"{args.db}: {PAGE}, mean of {args.requests} requests, best of {args.rounds} "
              "rounds")
        print(f"{'role':10} {'rendered each time':>19} {'kept':>8}")
        for username in ROLES:
            client = login_client(app, username)
            for _ in range(3):  # templates compiled, permissions read
                client.get(PAGE)
            best = {}
            for _round in range(args.rounds):
                for name, menu in (("each", every_time), ("kept", kept)):
                    app.jinja_env.globals["navbar_menu"] = menu
                    started = time.perf_counter()
                    for _ in range(args.requests):
                        assert client.get(PAGE).status_code == 200
                    took = (time.perf_counter() - started) / args.requests * 1000
                    best[name] = min(best.get(name, took), took)
            app.jinja_env.globals["navbar_menu"] = kept
            print(f"{username:10} {best['each']:16.1f} ms {best['kept']:5.1f} ms")


if __name__ == "__main__":
    main()
