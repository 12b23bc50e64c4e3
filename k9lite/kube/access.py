"""May the user do this? A SelfSubjectAccessReview, as `kubectl auth can-i` asks it.

Asked before a change (delete, scale, a shell) so that a refusal is said before any confirmation.
A server that refuses or does not serve the review itself (403, 404) leaves the answer unknown:
the change is then tried, and its own error says what happened.
"""

from __future__ import annotations

from dataclasses import dataclass

from k9lite.kube.actions import object_request
from k9lite.kube.config import Connection
from k9lite.kube.errors import Forbidden, NotFound

__all__ = ["AccessQuestion", "may"]

_REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"


@dataclass(frozen=True, slots=True)
class AccessQuestion:
    """One verb on one resource (a subresource, maybe) in one namespace ("": cluster scope)."""

    verb: str
    group: str
    plural: str
    namespace: str
    subresource: str = ""

    def attributes(self) -> dict[str, str]:
        """The review's resourceAttributes, empty fields left out as the client leaves them."""
        fields = {
            "verb": self.verb,
            "group": self.group,
            "resource": self.plural,
            "subresource": self.subresource,
            "namespace": self.namespace,
        }
        return {key: value for key, value in fields.items() if value or key == "group"}


def may(connection: Connection, question: AccessQuestion) -> bool | None:
    """True or False as the server's authorizer answers; None when it cannot be asked."""
    review = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": {"resourceAttributes": question.attributes()},
    }
    with connection.client() as client:
        try:
            answer = object_request(
                client,
                "POST",
                _REVIEWS,
                "selfsubjectaccessreviews",
                None,
                "",
                body=review,
                content_type="application/json",
            )
        except (Forbidden, NotFound):
            return None
    status = answer.get("status")
    return bool(status.get("allowed")) if isinstance(status, dict) else None
