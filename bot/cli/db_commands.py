"""`newsdesk db upgrade` and `newsdesk db current`: the database's schema revision."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.container import Container


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `db` with its two subcommands."""
    db = commands.add_parser(
        "db", help="database schema: upgrade, current",
        description="The database named by NEWSDESK_DATABASE_URL (SQLite in the data dir by "
        "default). Every command upgrades it on start; these show and do it explicitly.",
    )
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = actions.add_parser("upgrade", help="migrate the database to the newest schema")
    upgrade.set_defaults(handler=run_upgrade, migrate_on_open=False)
    current = actions.add_parser("current", help="show the database's schema revision")
    current.set_defaults(handler=run_current, migrate_on_open=False)


def run_upgrade(args: argparse.Namespace, container: Container) -> int:
    """Migrate to the head revision and say what changed."""
    database = container.database
    from storage import migrate  # here: alembic is not needed for `--help`

    result = migrate.upgrade(database, legacy_dir=container.settings.data_dir)
    where = database.display_url
    if result.before == result.after:
        print(f"{where}: already at the newest schema ({result.after})")
    else:
        print(f"{where}: upgraded from {result.before or 'an empty database'} to {result.after}")
    if result.legacy_turns:
        print(f"imported {result.legacy_turns} conversation turns from the old conversations file")
    return 0


def run_current(args: argparse.Namespace, container: Container) -> int:
    """Print the revision, and whether it is the newest this code knows."""
    database = container.database
    from storage import migrate

    current = migrate.current_revision(database)
    head = migrate.head_revision()
    if current == head:
        print(f"{current} (head)")
    elif current is None:
        print(f"none: empty or first-release database (newest is {head}; run `newsdesk db "
              "upgrade`, or any command, to migrate it)")
    else:
        print(f"{current} (newest is {head}; run `newsdesk db upgrade`)")
    return 0
