"""The review web app (``zhibiao serve``): check, correct and verify catalogues in a browser."""

from .app import create_app, run

__all__ = ["create_app", "run"]
