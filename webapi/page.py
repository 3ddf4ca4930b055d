"""The web page at ``/``: one HTML file with the CSS and JavaScript modules beside it in ``webapi/static/``.

The files are served as they are, so a user runs no build step. The page loads nothing from
other hosts, and its Content-Security-Policy header makes the browser block any attempt to.
The page calls the JSON API of ``webapi.routes`` on the same origin.
"""

from __future__ import annotations

import logging

from flask import Blueprint

logger = logging.getLogger(__name__)

# Flask's app object already serves webapi/static at /static, because that folder sits beside
# webapi/app.py. The blueprint names the same folder and path, so the page keeps working if the
# app's own static folder is ever turned off.
page = Blueprint("page", __name__, static_folder="static", static_url_path="/static")

# Everything from this origin only: no inline script or style, no plugins, no framing.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)


# With GRAPH_REC_READS_NEED_KEY=true the page and its files stay open (webapi.app's
# OPEN_ENDPOINTS), and the page prompts for the key at its first read.
@page.get("/")
def index():
    """Return the page's HTML with a policy that allows only this origin's scripts, styles and requests."""
    response = page.send_static_file("index.html")
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-cache"
    return response
