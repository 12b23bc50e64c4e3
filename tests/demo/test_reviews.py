"""Who may do what: kubectl auth can-i (SelfSubjectAccessReview), can-i --list
(SelfSubjectRulesReview) and whoami (SelfSubjectReview), answered by the same RBAC that guards
requests. Followed: kubernetes pkg/registry/authorization/selfsubjectaccessreview/rest.go,
selfsubjectrulesreview/rest.go, pkg/registry/authentication/selfsubjectreview/rest.go and
staging/src/k8s.io/kubectl/pkg/cmd/auth/cani.go, whoami.go for what kubectl prints."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from kubernetes import client

from k9lite.demo.cluster import DemoCluster
from k9lite.demo.rbac.users import DemoUser
from tests.conftest import FAST, Kubectl
from tests.demo.test_api_errors import connect

USERS = (DemoUser("vera", "view"), DemoUser("eddie", "edit"))


@pytest.fixture
def cluster() -> Iterator[DemoCluster]:
    """No workloads: an admin, a `view` user and an `edit` user (both bound in `default`)."""
    with DemoCluster(replace(FAST, users=USERS)) as demo:
        yield demo


def _can_i(kubectl: Kubectl, *args: str) -> tuple[int, str]:
    result = kubectl.run("auth", "can-i", *args, check=False)
    return result.returncode, result.stdout.strip()


def test_can_i_answers_yes_for_the_admin_and_per_role_for_the_others(kubectl: Kubectl) -> None:
    assert _can_i(kubectl, "delete", "pods") == (0, "yes")
    assert _can_i(kubectl, "create", "clusterroles") == (0, "yes")
    # view reads but never writes; edit writes pods and deployments/scale, not Roles.
    assert _can_i(kubectl, "--context", "vera", "get", "pods") == (0, "yes")
    assert _can_i(kubectl, "--context", "vera", "delete", "pods") == (1, "no")
    assert _can_i(kubectl, "--context", "vera", "update", "deployments", "--subresource=scale") == (
        1,
        "no",
    )
    assert _can_i(kubectl, "--context", "eddie", "delete", "pods") == (0, "yes")
    assert _can_i(kubectl, "--context", "eddie", "patch", "deployments/scale") == (0, "yes")
    assert _can_i(kubectl, "--context", "eddie", "create", "roles") == (1, "no")
    # --subresource names the subresource on its own, as the path would.
    assert _can_i(
        kubectl, "--context", "eddie", "update", "deployments", "--subresource=scale"
    ) == (
        0,
        "yes",
    )


def test_can_i_list_prints_the_users_rules(kubectl: Kubectl) -> None:
    admin = kubectl("auth", "can-i", "--list")
    assert admin.splitlines()[0].split() == [
        "Resources", "Non-Resource", "URLs", "Resource", "Names", "Verbs",
    ]  # fmt: skip
    assert ["*.*", "[]", "[]", "[*]"] in [line.split() for line in admin.splitlines()]
    viewer = kubectl("--context", "vera", "auth", "can-i", "--list")
    rows = {line.split()[0]: line.split("]", 2)[-1].strip() for line in viewer.splitlines()[1:]}
    assert rows["pods"] == "[get list watch]", viewer
    assert rows["selfsubjectaccessreviews.authorization.k8s.io"] == "[create]", viewer
    assert "secrets" not in rows, "view may not read Secrets"
    assert "*.*" not in rows


def test_whoami_names_the_user_and_its_groups(kubectl: Kubectl) -> None:
    admin = [line.split() for line in kubectl("auth", "whoami").splitlines()]
    assert admin[:3] == [
        ["ATTRIBUTE", "VALUE"],
        ["Username", "demo-admin"],
        ["Groups", "[system:masters", "system:authenticated]"],
    ]
    viewer = [line.split() for line in kubectl("--context", "vera", "auth", "whoami").splitlines()]
    assert viewer[1:3] == [["Username", "vera"], ["Groups", "[system:authenticated]"]]


def test_the_official_client_reads_allowed_and_the_granting_binding(
    official: client.ApiClient, cluster: DemoCluster
) -> None:
    api = client.AuthorizationV1Api(official)
    review = client.V1SelfSubjectAccessReview(
        spec=client.V1SelfSubjectAccessReviewSpec(
            resource_attributes=client.V1ResourceAttributes(
                verb="delete", resource="pods", namespace="default"
            )
        )
    )
    answer = api.create_self_subject_access_review(review)
    # system:masters is allowed before RBAC is asked: no reason, as the privileged-group
    # authorizer gives none.
    assert (answer.status.allowed, answer.status.reason) == (True, None)
    assert answer.spec.resource_attributes.verb == "delete"
    rules = api.create_self_subject_rules_review(
        client.V1SelfSubjectRulesReview(
            spec=client.V1SelfSubjectRulesReviewSpec(namespace="default")
        )
    )
    assert rules.status.resource_rules[0].verbs == ["*"]
    assert rules.status.incomplete is False
    me = client.AuthenticationV1Api(official).create_self_subject_review(
        client.V1SelfSubjectReview()
    )
    assert me.status.user_info.username == "demo-admin"


def test_the_reason_names_the_binding_and_a_refusal_has_none(cluster: DemoCluster) -> None:
    path = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"
    with connect(cluster) as viewer:
        viewer.headers["Authorization"] = f"Bearer {cluster.user_tokens['vera']}"
        asked = {"verb": "get", "resource": "pods", "namespace": "default"}
        answer = viewer.post(path, json={"spec": {"resourceAttributes": asked}})
        assert answer.status_code == 201, answer.text
        status = answer.json()["status"]
        assert status["allowed"] is True
        assert status["reason"] == (
            'RBAC: allowed by ClusterRoleBinding "vera" of ClusterRole "view" to User "vera"'
        )
        body = {"spec": {"resourceAttributes": {"verb": "delete", "resource": "pods"}}}
        refused = viewer.post(path, json=body).json()
        assert refused["status"] == {"allowed": False}, refused
        assert refused["kind"] == "SelfSubjectAccessReview"
        # ValidateSelfSubjectAccessReviewSpec: one kind of attributes, exactly.
        invalid = viewer.post(path, json={"spec": {}})
        assert invalid.status_code == 422
        assert invalid.json()["message"] == (
            'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes:'
            ' Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes'
            " must be specified"
        )
        # Authorized first, as every request: listing reviews is nobody's right but the admin's.
        assert viewer.get(path).status_code == 403
        rules = viewer.post(
            "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", json={"spec": {}}
        )
        assert (rules.status_code, rules.json()["message"]) == (400, "no namespace on request")
    with connect(cluster) as admin:
        assert admin.get(path).status_code == 405


def test_discovery_lists_the_reviews_with_create_only(kubectl: Kubectl) -> None:
    listed = kubectl("api-resources", "--api-group=authorization.k8s.io", "-o", "wide")
    assert "selfsubjectaccessreviews" in listed and "selfsubjectrulesreviews" in listed
    rows = [line.split() for line in listed.splitlines()[1:]]
    assert {row[-1] for row in rows} == {"create"}, listed
    listed = kubectl("api-resources", "--api-group=authentication.k8s.io", "--no-headers")
    assert listed.split()[0] == "selfsubjectreviews"
