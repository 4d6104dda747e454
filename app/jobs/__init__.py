"""The job queue and scheduler (Huey): `queue` (the instance bound to the app), `registry`
(scheduled duties, claimed once per due moment), `mail`, `duties` (the regulation's duties),
`background` and `kinds` (long jobs with progress)."""
from . import background, duties, kinds, mail, registry  # noqa: F401  (registrations)
from .queue import huey, init_app, run_pending  # noqa: F401
