"""The web app: public pages and their JSON twins, the editor, and the JSON API."""

from glokal.web.app import create_app

__all__ = ["create_app"]
