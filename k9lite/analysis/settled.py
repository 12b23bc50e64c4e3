"""Whether the cluster has caught up with its last change: what a tour waits for between steps.

A presenter's step should show the result of a change, not pods half started: every Deployment
has all its replicas ready, and every selector's endpoints are exactly its ready pods.
"""

from __future__ import annotations

from k9lite.model.state import ClusterState

__all__ = ["settled"]


def settled(state: ClusterState) -> bool:
    """True when no rollout is under way and no Service's endpoints lag behind its pods."""
    for deployment in state.objects("deployments"):
        wanted = deployment.replicas
        status = (
            deployment.ready_replicas,
            deployment.updated_replicas,
            deployment.status_replicas,
        )
        if status != (wanted, wanted, wanted):
            return False
    for service in state.objects("services"):
        if not service.selector:
            continue  # endpoints managed by hand (or none): nothing to catch up with
        ready = {pod.meta.name for pod in state.pods_selected_by(service) if pod.is_ready}
        listed = {
            endpoint.target.name
            for endpoint_slice in state.endpoint_slices_of(service)
            for endpoint in endpoint_slice.endpoints
            if endpoint.ready and endpoint.target is not None
        }
        if ready != listed:
            return False
    return True
