"""One demo cluster's parts on its event loop: store, registry, API server, controllers, data plane.

`ClusterRuntime` builds them from `DemoOptions`, starts them in order (the objects every
cluster has, the API server, the scenarios, then the controllers) and stops them.
"""

from __future__ import annotations

import random
import ssl

from k9lite.demo import scenarios
from k9lite.demo.address_plan import AddressBlock
from k9lite.demo.bootstrap import bootstrap, bootstrap_api_service
from k9lite.demo.container.probes import Prober
from k9lite.demo.container.processes import MainProcesses
from k9lite.demo.controllers.base import ControllerManager
from k9lite.demo.controllers.deployments import DeploymentController
from k9lite.demo.controllers.nodes import Kubelet
from k9lite.demo.controllers.recorder import EventRecorder
from k9lite.demo.controllers.replica_sets import ReplicaSetController
from k9lite.demo.controllers.scheduler import Scheduler
from k9lite.demo.controllers.services import (
    EndpointsController,
    GarbageCollector,
    KubeProxy,
    LoadBalancerController,
)
from k9lite.demo.dataplane import DataPlane
from k9lite.demo.options import DemoOptions
from k9lite.demo.pod_logs import PodLogs
from k9lite.demo.rbac.aggregation import ClusterRoleAggregator
from k9lite.demo.rbac.escalation import EscalationCheck
from k9lite.demo.rbac.users import TokenAuthenticator
from k9lite.demo.registry import Registry
from k9lite.demo.server import APIServer
from k9lite.demo.store import Store

__all__ = ["ClusterRuntime"]


class ClusterRuntime:
    """Everything of one demo cluster that lives on its event loop."""

    def __init__(
        self,
        options: DemoOptions,
        *,
        authenticator: TokenAuthenticator,
        ssl_context: ssl.SSLContext,
        addresses: AddressBlock,
    ) -> None:
        """`addresses`: the block this cluster holds (`address_plan.claim_block`)."""
        self.options = options
        self.addresses = addresses
        rng = random.Random(options.seed)
        self.store = Store()
        self.registry = Registry(
            self.store, rng=rng, max_pods=options.max_pods, addresses=addresses
        )
        self.pod_logs = PodLogs()
        self.dataplane = (
            DataPlane(
                self.store,
                self.pod_logs,
                rng=rng,
                loopback_range=addresses.bindable(),
                addresses=addresses,
            )
            if options.dataplane
            else None
        )
        self.recorder = recorder = EventRecorder(self.registry)
        self.processes = MainProcesses(
            self.store, self.dataplane, recorder, dns_server=addresses.dns_server
        )
        self.processes.output_listeners.append(self.pod_logs.output)
        self.server = APIServer(
            self.registry,
            self.dataplane,
            processes=self.processes,
            authenticator=authenticator,
            ssl_context=ssl_context,
            pod_logs=self.pod_logs,
            port=options.port,
            bookmark_interval=options.bookmark_interval,
        )
        self.registry.admission.append(EscalationCheck(self.server.authorizer))
        controllers = [
            DeploymentController(self.registry, recorder),
            ReplicaSetController(self.registry, recorder),
            Scheduler(self.registry, recorder),
            Kubelet(
                self.registry,
                recorder,
                dataplane=self.dataplane,
                pod_logs=self.pod_logs,
                start_delay=options.pod_start_delay,
                stop_delay=options.pod_stop_delay,
                processes=self.processes,
                prober=Prober(self.store, self.dataplane, recorder, shell=self.processes.shell),
            ),
            EndpointsController(self.registry, recorder),
            GarbageCollector(self.registry, recorder),
        ]
        if options.load_balancer:
            controllers.append(LoadBalancerController(self.registry, recorder))
        if self.dataplane is not None:
            controllers.append(KubeProxy(self.registry, recorder, dataplane=self.dataplane))
        controllers.append(ClusterRoleAggregator(self.registry, recorder))
        self.kubelet = controllers[3]
        self.controllers = ControllerManager(controllers)

    async def start(self) -> None:
        bootstrap(self.registry, self.recorder, users=self.options.users)
        await self.server.start()
        bootstrap_api_service(self.registry, self.server.port)
        if self.options.scale:
            from k9lite.demo.scale import populate

            populate(self.registry, self.options.scale)
        for name in self.options.scenarios:
            scenarios.apply(self.registry, name)
        self.store.listeners.append(self.controllers.on_event)
        self.controllers.start()

    async def stop(self) -> None:
        await self.controllers.stop()
        assert isinstance(self.kubelet, Kubelet)
        await self.kubelet.stop()
        await self.processes.close()
        await self.server.stop()
        if self.dataplane is not None:
            await self.dataplane.close()
