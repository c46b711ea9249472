"""Security headers on every response.

The page loads only its own scripts and styles (no inline script: the template's one <script>
element is a JSON data block, which a browser never runs), may not be framed by another site,
and sends no referrer to other sites. Plotly draws its heatmaps as data: images and its PNG
export as a blob, so images allow those two as well.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Plotly adds its own rules through an empty <style> element and CSSOM insertRule (which CSP
# does not govern): the first hash is that of the empty string. The bundled MapLibre (for map
# plots, unused here) inserts its stylesheet as text when Plotly loads: the second hash allows
# exactly that text. No other inline style, and no inline script at all.
EMPTY_STYLE_HASH = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
MAPLIBRE_STYLE_HASH = "sha256-ji27qzEtxXZW+7dun6UwjHXJ18e6WAin1VvNtkzIE/o="
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        f"style-src 'self' '{EMPTY_STYLE_HASH}' '{MAPLIBRE_STYLE_HASH}'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


class SecurityHeaders:
    """ASGI middleware adding HEADERS to every HTTP response (a plain ASGI wrapper: cheaper
    than a BaseHTTPMiddleware, and it leaves streaming and background tasks alone)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)
