"""Schemathesis hooks of `test_schemathesis.py` (loaded by the CLI through SCHEMATHESIS_HOOKS).

`no_internal_server_error` is fitcoach's own notion of a server error: an HTTP 5xx, a body that is not
a GraphQL JSON response, or a GraphQL error coded INTERNAL_SERVER_ERROR (what `schema.error_codes` masks
an unexpected exception into) or carrying no code at all. Schemathesis' own `not_a_server_error` also
counts an error of a resolver that refused the caller (UNAUTHENTICATED, NOT_FOUND, FORBIDDEN) as a
server failure, so it is not used.
"""

from __future__ import annotations

from typing import Any

import schemathesis


@schemathesis.check
def no_internal_server_error(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
) -> bool | None:
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}: {response.text[:500]}")
    try:
        payload: Any = response.json()
    except ValueError:
        raise AssertionError(f"HTTP {response.status_code} with a body that is not JSON") from None
    if not isinstance(payload, dict):
        raise AssertionError("the response is not a JSON object")
    for error in payload.get("errors") or []:
        extensions = error.get("extensions") if isinstance(error, dict) else None
        code = extensions.get("code") if isinstance(extensions, dict) else None
        if code is None or code == "INTERNAL_SERVER_ERROR":
            raise AssertionError(f"GraphQL error coded {code}: {error}")
    return None
