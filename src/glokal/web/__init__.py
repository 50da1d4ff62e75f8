"""The web app: public pages and their JSON twins."""

from glokal.web.app import IndexPage, create_app

__all__ = ["IndexPage", "create_app"]
