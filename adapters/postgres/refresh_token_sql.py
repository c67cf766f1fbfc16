"""SQL of `PostgresRefreshTokens` (`auth_tokens.refresh_tokens`, `auth_tokens.session_revisions`)."""

from __future__ import annotations

INSERT = (
    "INSERT INTO auth_tokens.refresh_tokens"
    " (id, family_id, user_id, token_hash, parent_id, issued_at, expires_at)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s)"
)
# A new family raises the user's session revision in the same statement (see `live_sessions`).
START_FAMILY = f"""
WITH token AS ({INSERT} RETURNING user_id)
INSERT INTO auth_tokens.session_revisions AS r (user_id, revision) SELECT user_id, 1 FROM token
ON CONFLICT (user_id) DO UPDATE SET revision = r.revision + 1
"""
SESSIONS_CHANGED = (
    "INSERT INTO auth_tokens.session_revisions AS r (user_id, revision) VALUES (%s, 1)"
    " ON CONFLICT (user_id) DO UPDATE SET revision = r.revision + 1 RETURNING revision"
)
# One statement, so the revision and the families come from the same snapshot.
LIVE_SESSIONS = """
SELECT coalesce((SELECT revision FROM auth_tokens.session_revisions WHERE user_id = %(user_id)s), 0),
       ARRAY(SELECT DISTINCT family_id FROM auth_tokens.refresh_tokens
              WHERE user_id = %(user_id)s AND revoked_at IS NULL AND expires_at > %(now)s)
"""
FAMILY_OF = "SELECT family_id FROM auth_tokens.refresh_tokens WHERE token_hash = %s"
LOCK_FAMILY = "SELECT 1 FROM auth_tokens.refresh_tokens WHERE id = %s FOR UPDATE"
LOCK_USERS_FAMILY = "SELECT 1 FROM auth_tokens.refresh_tokens WHERE id = %s AND user_id = %s FOR UPDATE"
TOKEN = (
    "SELECT id, user_id, expires_at, rotated_at, revoked_at, parent_id, successor_seal"
    " FROM auth_tokens.refresh_tokens WHERE token_hash = %s"
)
# The successor of a rotated token, if it is still the family's live, unused token.
LIVE_SUCCESSOR = (
    "SELECT id, token_hash, issued_at, expires_at FROM auth_tokens.refresh_tokens"
    " WHERE parent_id = %(id)s AND rotated_at IS NULL AND revoked_at IS NULL AND expires_at > %(now)s"
)
MARK_ROTATED = "UPDATE auth_tokens.refresh_tokens SET rotated_at = %s, successor_seal = %s WHERE id = %s"
# Once a token is rotated, the seal its parent kept can no longer be used: drop it.
DROP_SEAL = "UPDATE auth_tokens.refresh_tokens SET successor_seal = NULL WHERE id = %s"
REVOKE_FAMILY = (
    "UPDATE auth_tokens.refresh_tokens SET revoked_at = %s, successor_seal = NULL"
    " WHERE family_id = %s AND revoked_at IS NULL"
)
LOCK_USER_FAMILIES = (
    "SELECT id FROM auth_tokens.refresh_tokens WHERE user_id = %s AND parent_id IS NULL"
    " ORDER BY id FOR UPDATE"
)
REVOKE_USER = (
    "UPDATE auth_tokens.refresh_tokens SET revoked_at = %s, successor_seal = NULL"
    " WHERE user_id = %s AND revoked_at IS NULL"
)
PURGE = (
    "DELETE FROM auth_tokens.refresh_tokens WHERE family_id IN ("
    " SELECT family_id FROM auth_tokens.refresh_tokens GROUP BY family_id HAVING max(expires_at) < %s)"
)
