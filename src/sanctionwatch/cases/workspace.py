"""The analyst's workspace: monitoring runs, alerts, documents, ship events, cases, decisions,
the audit log, users, API keys and web sessions, in the list store's database.

A thin facade: each method opens one transaction and calls one function of `intake`,
`evidence`, `casework`, `users`, `suggest` or `dossier`; the audit entry of a change is
written by that function in the same transaction. Writes take the SQLite write lock up
front (`WRITE_OPTION`, as the store does), so a workspace and a store, or two monitor
processes, can share one file.

The method signatures are the contract the monitor, the reports, the JSON API and the web
pages are written against: change them only together with those callers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from sanctionwatch.cases import (
    audit,
    casework,
    dossier,
    evidence,
    intake,
    logins,
    suggest,
    uploads,
    users,
)
from sanctionwatch.cases.intake import RecordResult
from sanctionwatch.cases.logins import LoginResult
from sanctionwatch.cases.model import (
    Alert,
    ApiKeyInfo,
    AuditEntry,
    Case,
    CaseDossier,
    CaseSuggestion,
    Decision,
    Note,
    StoredAlert,
    User,
)
from sanctionwatch.cases.rows import utc_iso
from sanctionwatch.cases.tables import SCHEMA_KEY, SCHEMA_VERSION, setup_tables
from sanctionwatch.cases.throttle import DEFAULT_POLICY, ThrottlePolicy
from sanctionwatch.errors import StoreError
from sanctionwatch.store.engine import Database, create_store_engine

if TYPE_CHECKING:
    from sanctionwatch.store.store import Store

__all__ = ["LoginResult", "RecordResult", "Workspace", "open_workspace"]

DEFAULT_SESSION_HOURS = 12.0


def _utc_now() -> datetime:
    return datetime.now(UTC)


def open_workspace(db_url: str, *, session_hours: float = DEFAULT_SESSION_HOURS) -> Workspace:
    """Open the workspace in the database at `db_url`, creating its tables if needed."""
    workspace = Workspace(create_store_engine(db_url), session_hours=session_hours)
    try:
        workspace.setup()
    except BaseException:
        workspace.close()
        raise
    return workspace


class Workspace(Database):
    """Runs, alerts, documents, events, cases and users; one transaction per call."""

    def __init__(
        self,
        engine: Engine,
        *,
        session_hours: float = DEFAULT_SESSION_HOURS,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        if session_hours <= 0:
            raise StoreError(f"session_hours must be positive, got {session_hours}")
        super().__init__(engine)
        self.session_hours = session_hours
        self._clock = clock

    # -- lifecycle -------------------------------------------------------------------------

    def setup(self) -> None:
        """Create the tables and triggers if missing; refuse another schema version."""
        try:
            with self._write() as conn:
                stored = setup_tables(conn)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the workspace at {self.url}: {exc}") from exc
        if stored is not None and stored != SCHEMA_VERSION:
            raise StoreError(
                f"the workspace at {self.url} has {SCHEMA_KEY} {stored}, this sanctionwatch "
                f"expects {SCHEMA_VERSION}"
            )

    def now(self) -> str:
        """The current time in the workspace's format (the clock is injectable for tests)."""
        return utc_iso(self._clock())

    def _moment(self) -> datetime:
        """The current time to the second, as stored (so decisions match the stored state)."""
        return self._clock().astimezone(UTC).replace(microsecond=0)

    # -- monitoring runs and inputs --------------------------------------------------------

    def start_run(self, *, kind: str, inputs: Mapping[str, Any]) -> str:
        """Record the start of a monitoring run; returns its id."""
        with self._write() as conn:
            return intake.start_run(conn, kind=kind, inputs=inputs, now=self.now())

    def finish_run(self, run_id: str, *, summary: Mapping[str, Any]) -> None:
        with self._write() as conn:
            intake.finish_run(conn, run_id, summary=summary, now=self.now())

    def runs(self, *, limit: int = 50) -> list[dict[str, Any]]:
        with self._read() as conn:
            return intake.runs(conn, limit=limit)

    def input_seen(self, kind: str, key: str, digest: str) -> bool:
        """Whether this input (a document, an AIS file, a portfolio) was processed already."""
        with self._read() as conn:
            return intake.input_seen(conn, kind, key, digest)

    def mark_input(self, kind: str, key: str, digest: str, *, run_id: str | None = None) -> None:
        with self._write() as conn:
            intake.mark_input(conn, kind, key, digest, run_id=run_id, now=self.now())

    # -- alerts ----------------------------------------------------------------------------

    def record_alerts(self, alerts: Iterable[Alert], *, run_id: str | None = None) -> RecordResult:
        """Store alerts by fingerprint (a known fingerprint is a no-op); new ids and total."""
        with self._write() as conn:
            return intake.record_alerts(conn, alerts, run_id=run_id, now=self.now())

    def alerts(
        self,
        *,
        status: str | None = None,
        kind: str | None = None,
        entity_id: str | None = None,
        imo: str | None = None,
        text: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[StoredAlert]:
        """Alerts newest first; `text` searches title, source and evidence."""
        where = intake.alert_filter(
            status=status, kind=kind, entity_id=entity_id, imo=imo, text=text
        )
        with self._read() as conn:
            return intake.list_alerts(conn, where, limit=limit, offset=offset)

    def count_alerts(self, *, status: str | None = None, kind: str | None = None) -> int:
        where = intake.alert_filter(status=status, kind=kind)
        with self._read() as conn:
            return intake.count_alerts(conn, where)

    def alert(self, alert_id: int) -> StoredAlert:
        with self._read() as conn:
            return intake.get_alert(conn, alert_id)

    def dismiss_alert(self, alert_id: int, *, actor: str, reason: str) -> None:
        """Mark a new alert as not worth a case (InputError if it is in a case)."""
        with self._write() as conn:
            casework.dismiss_alert(conn, alert_id, actor=actor, reason=reason, now=self.now())

    # -- documents and ship events ---------------------------------------------------------

    def save_document(
        self, finding: Mapping[str, Any], *, text: str, run_id: str | None = None
    ) -> int:
        """Store a read document (deduplicated by the sha256 of its text); returns its id."""
        with self._write() as conn:
            return evidence.save_document(conn, finding, text=text, run_id=run_id, now=self.now())

    def record_upload(
        self,
        *,
        actor: str,
        filename: str,
        data: bytes,
        kind: str,
        content: str | None,
        refused: str | None = None,
    ) -> None:
        """Audit a file upload: who, when, name, size, sha256, kind (`cases.uploads`)."""
        with self._write() as conn:
            uploads.record_upload(
                conn,
                actor=actor,
                filename=filename,
                data=data,
                kind=kind,
                content=content,
                refused=refused,
                now=self.now(),
            )

    def documents(self, *, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        with self._read() as conn:
            return evidence.documents(conn, limit=limit, offset=offset)

    def document(self, doc_id: int) -> dict[str, Any]:
        with self._read() as conn:
            return evidence.document(conn, doc_id)

    def save_events(self, events: Iterable[Mapping[str, Any]], *, run_id: str | None = None) -> int:
        """Store ship events (issue-5 JSON) not stored yet; returns how many were new."""
        with self._write() as conn:
            return evidence.save_events(conn, events, run_id=run_id, now=self.now())

    def events(
        self,
        *,
        type: str | None = None,
        mmsi: int | None = None,
        imo: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 500,
    ) -> list[dict[str, Any]]:
        """Ship events, newest start first: {"id", **event json}."""
        with self._read() as conn:
            return evidence.list_events(
                conn, type=type, mmsi=mmsi, imo=imo, since=since, until=until, limit=limit
            )

    # -- cases -----------------------------------------------------------------------------

    def create_case(
        self, title: str, *, actor: str, summary: str = "", alert_ids: Sequence[int] = ()
    ) -> Case:
        """Open a case, with alerts if given (NotFoundError for an unknown alert id)."""
        with self._write() as conn:
            return casework.create_case(
                conn, title, actor=actor, summary=summary, alert_ids=alert_ids, now=self.now()
            )

    def cases(self, *, status: str | None = None) -> list[Case]:
        """Cases, most recently changed first."""
        with self._read() as conn:
            return casework.list_cases(conn, status=status)

    def case(self, case_id: int) -> Case:
        with self._read() as conn:
            return casework.get_case(conn, case_id)

    def case_alerts(self, case_id: int) -> list[StoredAlert]:
        with self._read() as conn:
            return casework.case_alerts(conn, case_id)

    def add_alerts_to_case(self, case_id: int, alert_ids: Sequence[int], *, actor: str) -> None:
        with self._write() as conn:
            casework.add_alerts_to_case(conn, case_id, alert_ids, actor=actor, now=self.now())

    def add_note(self, case_id: int, text: str, *, actor: str) -> Note:
        with self._write() as conn:
            return casework.add_note(conn, case_id, text, actor=actor, now=self.now())

    def notes(self, case_id: int) -> list[Note]:
        with self._read() as conn:
            return casework.notes(conn, case_id)

    def decide(self, case_id: int, status: str, *, actor: str, rationale: str) -> Decision:
        """Append a decision; the case takes its status."""
        with self._write() as conn:
            return casework.decide(
                conn, case_id, status, actor=actor, rationale=rationale, now=self.now()
            )

    def decisions(self, case_id: int) -> list[Decision]:
        with self._read() as conn:
            return casework.decisions(conn, case_id)

    def audit(self, *, target: str | None = None, limit: int = 200) -> list[AuditEntry]:
        """Audit entries newest first, all or about one target ("case:3", "user:alice")."""
        with self._read() as conn:
            return audit.entries(conn, targets=None if target is None else (target,), limit=limit)

    def suggestions(
        self,
        *,
        window_hours: float = suggest.DEFAULT_WINDOW_HOURS,
        report_window_days: float = suggest.DEFAULT_REPORT_WINDOW_DAYS,
    ) -> list[CaseSuggestion]:
        """New alerts that belong together, or with an open case (see `cases.suggest` for
        the windows: alerts within `window_hours` of each other, reports looking back
        `report_window_days`)."""
        with self._read() as conn:
            new, anchors = casework.suggestion_inputs(conn)
        return suggest.suggest(
            new, anchors, window_hours=window_hours, report_window_days=report_window_days
        )

    def dossier(self, case_id: int, *, store: Store | None = None) -> CaseDossier:
        """Everything a report shows about a case; entities from `store` when given."""
        with self._read() as conn:
            records = dossier.case_records(conn, case_id, now=self.now())
        return dossier.with_entities(records, store)

    # -- users, roles, API keys ------------------------------------------------------------

    def add_user(self, name: str, role: str, *, actor: str, password: str | None = None) -> User:
        """Add a user (InputError if the name is taken, the role unknown or the password
        short); without a password the user can only use API keys."""
        with self._write() as conn:
            return users.add_user(conn, name, role, actor=actor, password=password, now=self.now())

    def users(self) -> list[User]:
        with self._read() as conn:
            return users.list_users(conn)

    def user(self, name: str) -> User:
        with self._read() as conn:
            return users.get_user(conn, name)

    def set_role(self, name: str, role: str, *, actor: str) -> User:
        with self._write() as conn:
            return users.set_role(conn, name, role, actor=actor, now=self.now())

    def set_password(self, name: str, password: str, *, actor: str) -> None:
        with self._write() as conn:
            users.set_password(conn, name, password, actor=actor, now=self.now())

    def deactivate_user(self, name: str, *, actor: str) -> None:
        """Refuse the user's logins, keys and sessions from now on."""
        with self._write() as conn:
            users.deactivate_user(conn, name, actor=actor, now=self.now())

    def authenticate(self, name: str, password: str) -> User | None:
        """The user if the password is right (no throttling: logins use `login`)."""
        with self._read() as conn:
            return users.authenticate(conn, name, password)

    def login(
        self,
        name: str,
        password: str,
        *,
        address: str,
        policy: ThrottlePolicy = DEFAULT_POLICY,
    ) -> LoginResult:
        """A password login from a client `address`, under the throttle (`cases.throttle`):
        refused for a while after too many failures of the account or the address. Three
        short transactions (reserve the attempt, check the password outside any write
        transaction, record the outcome: a success resets the account, a failure and a
        lock-out are audited)."""
        attempt = logins.Attempt(name=name, address=address or "unknown")
        with self._write() as conn:
            wait = logins.admit(conn, attempt, now=self._moment(), policy=policy)
        if wait:
            return LoginResult(None, retry_after=wait)
        user = self.authenticate(name, password)
        with self._write() as conn:
            if user is not None and user.active:
                logins.succeeded(conn, attempt, now=self._moment(), policy=policy)
            else:
                user = None
                logins.failed(conn, attempt, now=self._moment(), policy=policy)
        return LoginResult(user)

    def create_api_key(self, user: str, *, label: str, actor: str) -> tuple[ApiKeyInfo, str]:
        """A new key: (its listing, the secret). The secret is shown once, stored hashed."""
        with self._write() as conn:
            return users.create_api_key(conn, user, label=label, actor=actor, now=self.now())

    def api_keys(self, *, user: str | None = None) -> list[ApiKeyInfo]:
        with self._read() as conn:
            return users.api_keys(conn, user=user)

    def revoke_api_key(self, key_id: int, *, actor: str) -> None:
        with self._write() as conn:
            users.revoke_api_key(conn, key_id, actor=actor, now=self.now())

    def verify_api_key(self, secret: str) -> User | None:
        with self._read() as conn:
            return users.verify_api_key(conn, secret)

    # -- web sessions ----------------------------------------------------------------------

    def create_session(self, user: str) -> tuple[str, str]:
        """A server-side session of `session_hours`: (session id, CSRF token)."""
        with self._write() as conn:
            return users.create_session(conn, user, now=self.now(), hours=self.session_hours)

    def session_user(self, session_id: str) -> tuple[User, str] | None:
        """(user, CSRF token) for a live session of an active user, else None."""
        with self._read() as conn:
            return users.session_user(conn, session_id, now=self.now())

    def end_session(self, session_id: str) -> None:
        with self._write() as conn:
            users.end_session(conn, session_id)
