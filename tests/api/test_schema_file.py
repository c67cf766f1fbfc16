"""`schema.graphql` is the SDL clients build against: it must be exactly what the code serves."""

from __future__ import annotations

from pathlib import Path

from schema.build import export_sdl

SDL_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_the_committed_sdl_is_the_schema_the_code_serves():
    assert SDL_FILE.read_text() == export_sdl(), "run `fitcoach export-schema` and commit schema.graphql"


def test_the_schema_has_the_entry_points_clients_rely_on():
    sdl = export_sdl()
    for entry in (
        "node(id: ID!): Node",
        "workoutPlans(first: Int = null, after: String = null, active: Boolean = null):",
        "createWorkoutPlan(input: CreateWorkoutPlanInput!): WorkoutPlanPayload!",
        "workoutPlanChanged(planId: ID!): WorkoutPlan!",
        "signInWithIdToken(input: SignInWithIdTokenInput!): AuthPayload!",
    ):
        assert entry in sdl
