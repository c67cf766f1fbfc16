"""A coaching session as a decider: one conversation between a user and the coach, stream
`coaching-<sessionId>`.

Pure like the other aggregates. A user message waits for a reply; a worker claims it with a lease
(`CoachReplyStarted`), and finishes it as completed (with what the safety layer found) or failed. A claim
whose lease ran out may be taken over, up to `MAX_ATTEMPTS` claims per message.
"""

from domain.coaching.codec import decode, encode
from domain.coaching.decision import MAX_ATTEMPTS, decide
from domain.coaching.state import CoachingSession, evolve, fold
from domain.coaching.streams import COACHING_STREAM_PREFIX, coaching_stream

__all__ = [
    "COACHING_STREAM_PREFIX",
    "MAX_ATTEMPTS",
    "CoachingSession",
    "coaching_stream",
    "decide",
    "decode",
    "encode",
    "evolve",
    "fold",
]
