"""The password policy: 10 to 128 characters, not only whitespace. Nothing else is imposed (NIST 800-63B)."""

from __future__ import annotations

from domain.errors import ValidationError

PASSWORD_LENGTH = (10, 128)


def check_password_policy(password: str, field: str = "password") -> str:
    low, high = PASSWORD_LENGTH
    if not isinstance(password, str) or not low <= len(password) <= high:
        raise ValidationError(field, f"must be {low} to {high} characters long")
    if not password.strip():
        raise ValidationError(field, "must not be only whitespace")
    return password
