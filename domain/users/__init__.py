"""The User aggregate as a decider: `decide(command, state)`, `evolve(state, event)`, `fold(events)`.

Pure Python like the WorkoutPlan decider. Email and identity uniqueness is not decided here (it spans
users): the application claims `useremail-…` / `useridentity-…` streams before registering.
"""

from domain.users.codec import decode, decode_claim, encode, encode_claim
from domain.users.decision import decide
from domain.users.state import AbandonedRegistration, ForgottenUser, User, UserState, evolve, fold
from domain.users.streams import email_claim_stream, identity_claim_stream, user_stream

__all__ = [
    "AbandonedRegistration",
    "ForgottenUser",
    "User",
    "UserState",
    "decide",
    "decode",
    "decode_claim",
    "email_claim_stream",
    "encode",
    "encode_claim",
    "evolve",
    "fold",
    "identity_claim_stream",
    "user_stream",
]
