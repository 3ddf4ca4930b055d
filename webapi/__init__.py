"""Flask JSON API over graph_rec: validates input, calls graph_rec and shapes JSON."""

from webapi.app import create_app

__all__ = ["create_app"]
