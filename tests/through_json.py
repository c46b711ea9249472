"""A run saved as JSON text and read back, as a store or a file would hold it."""

from __future__ import annotations

import json

from app.run.saved import run_from_plain, run_to_plain, to_json_ready
from app.run.state import TrainingState


def through_json(state: TrainingState) -> TrainingState:
    return run_from_plain(json.loads(json.dumps(to_json_ready(run_to_plain(state)))))
