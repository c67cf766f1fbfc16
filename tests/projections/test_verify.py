"""`audit verify` through its application service, over the real projections, runners and PostgreSQL:
a faithful read model verifies clean; hand edits, deleted rows and extra rows are each named; the live
tables are only read and no scratch schema outlives a verification."""

from __future__ import annotations

from tests.projections.verify_support import (
    live_contents,
    project_everything,
    schemas,
    verification,
    write_every_kind,
)


async def test_read_models_the_runners_built_verify_clean_and_are_left_alone(
    projection_url, projection_store, runners
):
    head = await write_every_kind(projection_store)
    await project_everything(projection_store, projection_url, runners, head)
    before, schemas_before = await live_contents(projection_url), await schemas(projection_url)

    report = await verification(projection_store, projection_url, page_size=97).verify()

    assert not report.drifted
    print(report)
    assert await live_contents(projection_url) == before
    assert await schemas(projection_url) == schemas_before
