"""The workspace's tables: one SQLAlchemy Core definition for SQLite and PostgreSQL.

They live in the list store's database (one file on a laptop, one server for a team), in their
own MetaData and with a `ws_` prefix, so the store and the workspace create, version and
upgrade their tables independently. JSON is stored as text: portable, and an alert keeps the
exact JSON it was raised with.

The audit log and the decisions are append-only at the database level: triggers refuse UPDATE
and DELETE (and TRUNCATE on PostgreSQL), so not even a bug in the application or a hand-typed
SQL statement can rewrite history. Dropping the tables is still possible for the database
owner; that is a deliberate administrative act, outside the application.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
    text,
)

SCHEMA_VERSION = "1"
SCHEMA_KEY = "workspace_schema_version"
"""Key of the schema version in `ws_meta`; `open_workspace` refuses another version."""

APPEND_ONLY = ("ws_audit_log", "ws_decisions")

# Transaction-scoped advisory lock id (PostgreSQL): serialises concurrent first-time setup
# of several web workers and a monitor process ("ws" in ASCII).
SETUP_LOCK_ID = 0x7773

metadata = MetaData()

Time = String(32)  # ISO 8601 UTC, "2026-11-29T02:10:00Z": sorts as text on both backends

meta_table = Table(
    "ws_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

run_table = Table(
    "ws_runs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("kind", String(64), nullable=False),
    Column("started_at", Time, nullable=False),
    Column("finished_at", Time, nullable=True),
    Column("inputs", Text, nullable=False),  # JSON object
    Column("summary", Text, nullable=True),  # JSON object, set by finish_run
    Index("ix_ws_runs_started", "started_at"),
)

input_table = Table(
    "ws_inputs",
    metadata,
    Column("kind", String(64), primary_key=True),
    Column("key", String(1024), primary_key=True),
    Column("digest", String(128), primary_key=True),
    Column("run_id", String(32), nullable=True),
    Column("seen_at", Time, nullable=False),
)

alert_table = Table(
    "ws_alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("fingerprint", String(64), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("title", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("occurred_at", Time, nullable=True),
    Column("ended_at", Time, nullable=True),  # end of a ship event's span (suggestions)
    Column("created_at", Time, nullable=False),
    Column("run_id", String(32), nullable=True),
    Column("data", Text, nullable=False),  # JSON: Alert.to_dict(), as raised
    Index("ix_ws_alerts_status_kind", "status", "kind"),
    Index("ix_ws_alerts_kind", "kind"),
)

alert_key_table = Table(
    "ws_alert_keys",
    metadata,
    Column("alert_id", Integer, ForeignKey("ws_alerts.id"), primary_key=True),
    # "entity:<list entity id>", "imo:<7 digits>", "mmsi:<9 digits>": filters and suggestions
    Column("key", String(512), primary_key=True),
    Index("ix_ws_alert_keys_key", "key"),
)

document_table = Table(
    "ws_documents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("source", Text, nullable=False),
    Column("title", Text, nullable=True),
    Column("language", String(16), nullable=True),
    Column("alert", Boolean, nullable=False),
    Column("created_at", Time, nullable=False),
    Column("run_id", String(32), nullable=True),
    Column("text", Text, nullable=False),
    Column("finding", Text, nullable=False),  # JSON: Finding.to_dict()
)

event_table = Table(
    "ws_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("fingerprint", String(64), nullable=False, unique=True),
    Column("type", String(32), nullable=False),
    Column("start", Time, nullable=False),
    Column("end", Time, nullable=True),
    Column("created_at", Time, nullable=False),
    Column("run_id", String(32), nullable=True),
    Column("data", Text, nullable=False),  # JSON: the maritime event's to_json()
    Index("ix_ws_events_type_start", "type", "start"),
    Index("ix_ws_events_start", "start"),
)

event_key_table = Table(
    "ws_event_keys",
    metadata,
    Column("event_id", Integer, ForeignKey("ws_events.id"), primary_key=True),
    Column("key", String(512), primary_key=True),  # "imo:...", "mmsi:..."
    Index("ix_ws_event_keys_key", "key"),
)

case_table = Table(
    "ws_cases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("summary", Text, nullable=False),
    Column("created_at", Time, nullable=False),
    Column("updated_at", Time, nullable=False),
    Column("created_by", String(128), nullable=False),
    Index("ix_ws_cases_status", "status"),
)

case_alert_table = Table(
    "ws_case_alerts",
    metadata,
    Column("case_id", Integer, ForeignKey("ws_cases.id"), primary_key=True),
    Column("alert_id", Integer, ForeignKey("ws_alerts.id"), primary_key=True),
    Column("added_at", Time, nullable=False),
    Column("added_by", String(128), nullable=False),
    Index("ix_ws_case_alerts_alert", "alert_id"),
)

note_table = Table(
    "ws_notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("ws_cases.id"), nullable=False),
    Column("author", String(128), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", Time, nullable=False),
    Index("ix_ws_notes_case", "case_id"),
)

decision_table = Table(
    "ws_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("ws_cases.id"), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("status", String(16), nullable=False),
    Column("rationale", Text, nullable=False),
    Column("created_at", Time, nullable=False),
    Index("ix_ws_decisions_case", "case_id"),
)

audit_table = Table(
    "ws_audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Time, nullable=False),
    Column("actor", String(128), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", String(256), nullable=False),
    Column("details", Text, nullable=False),  # JSON object
    Index("ix_ws_audit_log_target", "target", "id"),
)

user_table = Table(
    "ws_users",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("created_at", Time, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("password_hash", Text, nullable=True),  # "scrypt$n$r$p$salt$hash", None: no login
)

api_key_table = Table(
    "ws_api_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user", String(64), ForeignKey("ws_users.name"), nullable=False),
    Column("label", Text, nullable=False),
    Column("prefix", String(16), nullable=False),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("created_at", Time, nullable=False),
    Column("revoked_at", Time, nullable=True),
)

session_table = Table(
    "ws_sessions",
    metadata,
    # sha256 of the session id: a copy of the database does not hand out live sessions
    Column("id_sha256", String(64), primary_key=True),
    Column("user", String(64), ForeignKey("ws_users.name"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", Time, nullable=False),
    Column("expires_at", Time, nullable=False),
    Index("ix_ws_sessions_user", "user"),
)

login_throttle_table = Table(
    "ws_login_throttle",
    metadata,
    # one failure counter per account name typed and per client address (`cases.throttle`);
    # a new table, created on open by older workspaces too: no schema version change
    Column("scope", String(16), primary_key=True),  # "account" | "address"
    Column("subject", String(256), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("window_start", Time, nullable=True),
    Column("locked_until", Time, nullable=True),
    Index("ix_ws_login_throttle_window", "window_start"),
)


def _sqlite_triggers(conn: Connection) -> None:
    for table in APPEND_ONLY:
        for op in ("UPDATE", "DELETE"):
            conn.exec_driver_sql(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END"
            )


def _postgres_triggers(conn: Connection) -> None:
    conn.execute(
        text(
            "CREATE OR REPLACE FUNCTION ws_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP; END $$"
        )
    )
    existing = set(
        conn.execute(
            text("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'ws\\_%' AND NOT tgisinternal")
        ).scalars()
    )
    for table in APPEND_ONLY:
        rows, statement = f"{table}_append_only", f"{table}_no_truncate"
        if rows not in existing:
            conn.exec_driver_sql(
                f"CREATE TRIGGER {rows} BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ws_refuse_change()"
            )
        if statement not in existing:
            conn.exec_driver_sql(
                f"CREATE TRIGGER {statement} BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION ws_refuse_change()"
            )


def setup_tables(conn: Connection) -> str | None:
    """Create missing tables and triggers (idempotent) inside the caller's write transaction.

    Returns the schema version found in an existing workspace (None when just created) so the
    caller can refuse a workspace written by another version of sanctionwatch.
    """
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": SETUP_LOCK_ID})
    metadata.create_all(conn, checkfirst=True)
    if postgres:
        _postgres_triggers(conn)
    else:
        _sqlite_triggers(conn)
    stored = conn.execute(select(meta_table.c.value).where(meta_table.c.key == SCHEMA_KEY)).scalar()
    if stored is None:
        conn.execute(insert(meta_table).values(key=SCHEMA_KEY, value=SCHEMA_VERSION))
    return stored
