"""`verifyProjection`: `fitcoach audit verify` for admins, one projection at a time.

The projection is rebuilt from the log into scratch tables up to its live checkpoint and compared row by
row with the live read model (`application.audit.verify`); the request lasts as long as that takes. The
report carries the first `MAX_DRIFTS_SHOWN` drifted rows and counts them all (the CLI prints every one).
Values are PostgreSQL's text of each column; they may be personal data, which is why only admins ask.
"""

from __future__ import annotations

import strawberry

from application.audit.row_comparison import DriftKind
from application.audit.row_comparison import RowDrift as RowDriftView
from application.audit.verify import ProjectionReport, Side, TableReport
from schema.context import Info
from schema.errors import Forbidden

MAX_DRIFTS_SHOWN = 50
MAX_KEY_COLUMNS = 4
MAX_TABLE_COLUMNS = 32
"""More than any read-model table has (the library's has 23): the query-cost bound of a row's columns."""
MAX_TABLES = 16

strawberry.enum(
    DriftKind,
    name="RowDriftKind",
    description="CHANGED: both sides hold the row, some columns differ. MISSING: the rebuild holds it, the "
    "live read model does not. EXTRA: the live read model holds it, the log does not give it.",
)
strawberry.enum(Side, name="ReadModelSide", description="LIVE: the read model served; REBUILT: from the log.")


@strawberry.type(description="One column of a row's key, its value as text.")
class KeyPart:
    column: str
    value: str


@strawberry.type(description="A column of a drifted row; null for SQL NULL or for a side without the row.")
class ColumnDrift:
    column: str
    live: str | None
    rebuilt: str | None


@strawberry.type(description="A row where the live read model differs from what the log gives.")
class RowDrift:
    table: str
    key: list[KeyPart]
    kind: DriftKind
    columns: list[ColumnDrift] = strawberry.field(
        description="CHANGED: the columns that differ; MISSING, EXTRA: every column of the row there is."
    )

    @classmethod
    def of(cls, drift: RowDriftView) -> RowDrift:
        return cls(
            table=drift.table,
            key=[KeyPart(column=column, value=value) for column, value in drift.key],
            kind=drift.kind,
            columns=[ColumnDrift(column=c.column, live=c.live, rebuilt=c.rebuilt) for c in drift.columns],
        )


@strawberry.type(description="A live read-model table compared with its rebuilt copy.")
class VerifiedTable:
    table: str
    key_columns: list[str]
    live_rows: int
    rebuilt_rows: int
    compared_rows: int
    drifted_rows: int
    live_only_columns: list[str]
    rebuilt_only_columns: list[str]
    only_in: Side | None = strawberry.field(description="Set when the table exists on one side only.")
    drifted: bool

    @classmethod
    def of(cls, table: TableReport) -> VerifiedTable:
        return cls(
            table=table.table,
            key_columns=list(table.key_columns),
            live_rows=table.live_rows,
            rebuilt_rows=table.rebuilt_rows,
            compared_rows=table.compared_rows,
            drifted_rows=table.drifted_rows,
            live_only_columns=list(table.live_only_columns),
            rebuilt_only_columns=list(table.rebuilt_only_columns),
            only_in=table.only_in,
            drifted=table.drifted,
        )


@strawberry.type(description="A projection's live read model against the log, up to its checkpoint.")
class ProjectionVerification:
    projection: str
    checkpoint: int = strawberry.field(description="The live checkpoint the rebuild replayed the log up to.")
    events_replayed: int
    sample: int | None = strawberry.field(description="Random keys compared per table; null: every row.")
    drifted: bool
    drift_count: int = strawberry.field(description="Drifted rows, all of them.")
    tables: list[VerifiedTable]
    drifts: list[RowDrift] = strawberry.field(
        description=f"The first {MAX_DRIFTS_SHOWN} drifted rows (`fitcoach audit verify` lists every one)."
    )

    @classmethod
    def of(cls, report: ProjectionReport, events: int, sample: int | None) -> ProjectionVerification:
        return cls(
            projection=report.projection,
            checkpoint=report.checkpoint,
            events_replayed=events,
            sample=sample,
            drifted=report.drifted,
            drift_count=len(report.drifts),
            tables=[VerifiedTable.of(table) for table in report.tables],
            drifts=[RowDrift.of(drift) for drift in report.drifts[:MAX_DRIFTS_SHOWN]],
        )


@strawberry.type
class AuditVerifyQueries:
    @strawberry.field(
        description="Rebuild a projection from the log into scratch tables, up to its live checkpoint, and "
        "compare it row by row with the live read model (caches are not verified). `sample`: compare that "
        "many random keys of each table instead of every row. Admins only."
    )
    async def verify_projection(
        self, info: Info, name: str, sample: int | None = None
    ) -> ProjectionVerification:
        viewer = info.context.require_viewer()
        if not viewer.is_admin:
            raise Forbidden("only admins may verify read models")
        report = await info.context.services.read_model_verification.verify(name, sample=sample)
        [projection] = report.projections
        return ProjectionVerification.of(projection, report.events_replayed, report.sample)
