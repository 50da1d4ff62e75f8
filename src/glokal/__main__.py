"""`python -m glokal`: the same as the `glokal` command."""

from glokal.cli import run

run()
