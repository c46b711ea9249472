"""The one error for input that cannot be used: ``InvalidInput(field, message)``.

Any room may raise it (a CSV row that is not a number, a network file whose weights do not fit,
too many points) without knowing about HTTP; the API answers it with a 422 whose body names the
field, the same body as a request that fails its schema (``app/api/errors.py``).
"""

from __future__ import annotations


class InvalidInput(ValueError):
    """Input that cannot be used: the field it came in and a sentence saying what it accepts
    (the sentence names the field too, so it reads on its own)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
