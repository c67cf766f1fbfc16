"""`SocketLimits`: what one replica's WebSockets may hold, counted in process.

- `max_ws_connections` sockets in all, signed in or not, from the handshake on (an unauthenticated one
  holds its place for at most the 10 s it has to send `connection_init`); past it a new socket is
  closed with 1013 (try again later).
- `max_ws_per_user` sockets per user; past it the new one is closed with 4429 at `connection_init`.
- `max_ws_subscriptions_per_user` operations per user in flight over all their sockets (subscriptions,
  plus queries and mutations while they run); past it the new one gets a RATE_LIMITED error. Each
  socket also holds at most `max_ws_subscriptions` (Strawberry's per-connection limit).

The counts are per replica: across N replicas a user may hold N times as many. Memory is bounded by the
sockets held: a user's entry goes when their last socket and operation do.
"""

from __future__ import annotations

from collections import Counter
from uuid import UUID


class SocketLimits:
    def __init__(self, *, max_connections: int, max_per_user: int, max_operations_per_user: int) -> None:
        self.max_connections = max_connections
        self.max_per_user = max_per_user
        self.max_operations_per_user = max_operations_per_user
        self._open = 0
        self._sockets: Counter[UUID] = Counter()
        self._operations: Counter[UUID] = Counter()

    @property
    def open_sockets(self) -> int:
        return self._open

    def open(self) -> bool:
        """Count a new socket; False (and not counted) when the replica is full."""
        if self._open >= self.max_connections:
            return False
        self._open += 1
        return True

    def close(self) -> None:
        self._open -= 1

    def join(self, user_id: UUID) -> bool:
        """Count a socket signed in as `user_id`; False (and not counted) when the user has their fill."""
        return _take(self._sockets, user_id, self.max_per_user)

    def leave(self, user_id: UUID) -> None:
        _give_back(self._sockets, user_id)

    def start_operation(self, user_id: UUID) -> bool:
        return _take(self._operations, user_id, self.max_operations_per_user)

    def end_operation(self, user_id: UUID) -> None:
        _give_back(self._operations, user_id)


def _take(counts: Counter[UUID], user_id: UUID, limit: int) -> bool:
    if counts[user_id] >= limit:
        return False
    counts[user_id] += 1
    return True


def _give_back(counts: Counter[UUID], user_id: UUID) -> None:
    counts[user_id] -= 1
    if counts[user_id] <= 0:
        del counts[user_id]
