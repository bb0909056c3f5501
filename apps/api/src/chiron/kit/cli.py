"""Typer groups for the `chiron` command that answer quickly.

Plain help (rendering it with rich costs ~0.5 s a call), no shell-completion options, and
an absent `--help` that is False, not None: typer coerces a None flag through a pydantic
adapter, and importing pydantic for it is ~0.3 s of every call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from typer._click.core import Context
    from typer.core import TyperOption


class QuickGroup(TyperGroup):
    """A command group whose absent `--help` is False rather than None."""

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        option = super().get_help_option(ctx)
        if option is not None and option.default is None:
            option.default = False
        return option


def group(help: str) -> typer.Typer:
    return typer.Typer(
        help=help, cls=QuickGroup, no_args_is_help=True, rich_markup_mode=None, add_completion=False
    )


def fail(message: str, code: int = 2) -> NoReturn:
    typer.secho(f"error: {message}", fg="red", err=True)
    raise typer.Exit(code)
