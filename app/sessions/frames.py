"""The frames this process built lately, by session and revision.

A revision's frame is the same whichever process builds it (the record holds everything it
depends on), so each process keeps the last few it built: a paused session's page, asking
again, or two tabs of one session, cost one build per revision, not one per request.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

FRAMES_KEPT = 256  # about 60 KB each: a few MB per process


class FrameCache:
    def __init__(self, size: int = FRAMES_KEPT) -> None:
        self.size = size
        self._frames: OrderedDict[tuple[str, int], dict[str, Any]] = OrderedDict()

    def get(self, session_id: str, revision: int) -> dict[str, Any] | None:
        frame = self._frames.get((session_id, revision))
        if frame is not None:
            self._frames.move_to_end((session_id, revision))
        return frame

    def put(self, session_id: str, revision: int, frame: dict[str, Any]) -> None:
        self._frames[(session_id, revision)] = frame
        self._frames.move_to_end((session_id, revision))
        while len(self._frames) > self.size:
            self._frames.popitem(last=False)
