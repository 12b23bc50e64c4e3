"""The demo cluster's users: who a bearer token stands for, and `--user NAME:ROLE` accounts.

Like kube-apiserver's static token file (`--token-auth-file`), each token names a user, and
every authenticated user is also in `system:authenticated`. The admin is in `system:masters`.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from k9lite.demo.rbac.attributes import AUTHENTICATED, SYSTEM_MASTERS, UserInfo
from k9lite.model.names import is_dns1123_subdomain

__all__ = ["ADMIN_USER", "DemoUser", "TokenAuthenticator"]

ADMIN_USER = "demo-admin"


@dataclass(frozen=True, slots=True)
class DemoUser:
    """An account of the demo cluster: its name (also its kubeconfig context) and its role."""

    name: str
    role: str

    @classmethod
    def parse(cls, text: str) -> DemoUser:
        """`NAME:ROLE` as `demo-cluster --user` takes it; ValueError says what is wrong."""
        name, colon, role = text.partition(":")
        if not colon or not name or not role:
            raise ValueError(f"{text!r}: expected NAME:ROLE, e.g. viewer:viewer")
        return cls(name, role)

    def problem(self) -> str | None:
        """Why this account cannot exist: its name becomes an RBAC binding's and a context's."""
        errors = is_dns1123_subdomain(self.name)
        if errors:
            return f"user name {self.name!r}: {errors[0]}"
        if self.name == ADMIN_USER:
            return f"user name {self.name!r} is the demo's admin"
        return None


class TokenAuthenticator:
    """Bearer token -> user; one random token per user, the admin's among them."""

    def __init__(self, admin_token: str, users: Iterable[DemoUser]) -> None:
        self._admin_token = admin_token
        self.tokens: dict[str, UserInfo] = {
            admin_token: UserInfo(ADMIN_USER, (SYSTEM_MASTERS, AUTHENTICATED))
        }
        self.user_tokens: dict[str, str] = {}
        for user in users:
            token = secrets.token_urlsafe(32)
            self.tokens[token] = UserInfo(user.name, (AUTHENTICATED,))
            self.user_tokens[user.name] = token

    def replace_admin_token(self, token: str) -> None:
        """Rotate the admin's token, as a new static token file would: the old one stops working."""
        self.tokens[token] = self.tokens.pop(self._admin_token)
        self._admin_token = token

    def authenticate(self, token: str) -> UserInfo | None:
        # compare_digest against every token: the time taken tells nothing of which one matched.
        found = None
        for known, user in self.tokens.items():
            if secrets.compare_digest(known.encode(), token.encode()):
                found = user
        return found
