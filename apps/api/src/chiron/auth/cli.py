"""`chiron clients ...` (filled in by the auth work)."""

import typer

clients_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)
