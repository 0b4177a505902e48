"""`sanctionwatch users`: users, roles, passwords and API keys.

Passwords are read from standard input (`--password-stdin`), never from an option: an
option would land in the shell history and the process list.
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Annotated

import typer
from rich.table import Table

from sanctionwatch.cli.alerts import ActorOpt, JsonOpt, acting_user, cell, console, open_ws
from sanctionwatch.cli.common import err_console, handle_errors, print_json
from sanctionwatch.errors import InputError

users_app = typer.Typer(help="Users, roles (viewer, analyst, admin) and API keys.")

PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]


def _read_password() -> str:
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise InputError("--password-stdin: standard input held no password")
    return password


@users_app.command("add")
@handle_errors
def add_command(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help="viewer, analyst or admin.", show_default=False)],
    password_stdin: PasswordStdin = False,
    actor: ActorOpt = None,
) -> None:
    """Add a user; without a password the user can only use API keys."""
    password = _read_password() if password_stdin else None
    with open_ws() as ws:
        user = ws.add_user(name, role, actor=acting_user(actor), password=password)
    console.print(cell(f"user {user.name} added as {user.role}"))
    if password is None:
        err_console.print(
            "no password set: the user cannot log in to the web UI until "
            "`sanctionwatch users password NAME --password-stdin`"
        )


@users_app.command("password")
@handle_errors
def password_command(
    name: Annotated[str, typer.Argument(help="Login name.")],
    password_stdin: PasswordStdin = False,
    actor: ActorOpt = None,
) -> None:
    """Set a user's password (read from standard input)."""
    if not password_stdin:
        raise InputError("give the password on standard input with --password-stdin")
    password = _read_password()
    with open_ws() as ws:
        ws.set_password(name, password, actor=acting_user(actor))
    console.print(cell(f"password of {name} set"))


@users_app.command("list")
@handle_errors
def list_command(as_json: JsonOpt = False) -> None:
    """Users and their roles."""
    with open_ws() as ws:
        users = ws.users()
    if as_json:
        print_json([asdict(u) for u in users])
        return
    table = Table("name", "role", "active", "created")
    for user in users:
        table.add_row(cell(user.name), user.role, "yes" if user.active else "no", user.created_at)
    console.print(table)


@users_app.command("role")
@handle_errors
def role_command(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Argument(help="viewer, analyst or admin.")],
    actor: ActorOpt = None,
) -> None:
    """Change a user's role (effective at once, also for open sessions)."""
    with open_ws() as ws:
        user = ws.set_role(name, role, actor=acting_user(actor))
    console.print(cell(f"{user.name} is now {user.role}"))


@users_app.command("deactivate")
@handle_errors
def deactivate_command(
    name: Annotated[str, typer.Argument(help="Login name.")],
    actor: ActorOpt = None,
) -> None:
    """Refuse a user's logins, API keys and sessions from now on."""
    with open_ws() as ws:
        ws.deactivate_user(name, actor=acting_user(actor))
    console.print(cell(f"{name} deactivated"))


@users_app.command("key-create")
@handle_errors
def key_create_command(
    name: Annotated[str, typer.Argument(help="The user the key acts as.")],
    label: Annotated[str, typer.Option(help="What the key is for.")] = "",
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create an API key; its secret is printed once and cannot be shown again."""
    with open_ws() as ws:
        info, secret = ws.create_api_key(name, label=label, actor=acting_user(actor))
    if as_json:
        print_json({**asdict(info), "secret": secret})
        return
    sys.stdout.write(secret + "\n")
    err_console.print(
        f"API key {info.id} for {info.user} ({info.prefix}...): store it now, "
        "it is not shown again",
        markup=False,
    )


@users_app.command("key-list")
@handle_errors
def key_list_command(
    user: Annotated[
        str | None, typer.Option(help="Only this user's keys.", show_default=False)
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """API keys (prefix only; secrets are never stored)."""
    with open_ws() as ws:
        keys = ws.api_keys(user=user)
    if as_json:
        print_json([asdict(k) for k in keys])
        return
    table = Table("id", "user", "label", "prefix", "created", "revoked")
    for key in keys:
        table.add_row(
            str(key.id),
            cell(key.user),
            cell(key.label),
            key.prefix,
            key.created_at,
            "yes" if key.revoked else "no",
        )
    console.print(table)


@users_app.command("key-revoke")
@handle_errors
def key_revoke_command(
    key_id: Annotated[int, typer.Argument(help="Key id (see key-list).")],
    actor: ActorOpt = None,
) -> None:
    """Revoke an API key (effective at once)."""
    with open_ws() as ws:
        ws.revoke_api_key(key_id, actor=acting_user(actor))
    console.print(f"API key {key_id} revoked")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
