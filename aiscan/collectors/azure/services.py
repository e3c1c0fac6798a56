"""The service modules the Azure collector runs, by the service key used in --services/coverage
(a module's `SERVICE`), and every module that declares the RBAC actions it uses."""

from __future__ import annotations

from collections.abc import Callable

from aiscan.collectors.azure import acr, cognitive, compute, identity, ml, monitor, search, storage
from aiscan.collectors.azure.context import AzureContext

ServiceFn = Callable[[AzureContext], None]

#: Read per subscription first: the AI resources.
AI_PASS: dict[str, ServiceFn] = {
    **{m.SERVICE: m.collect for m in (cognitive, search, ml)},
    "compute": compute.collect_vms,
    "aks": compute.collect_aks,
}

#: Read per subscription after the AI pass and the role assignments (identity): what AI assets
#: referred to.
REFERENCE_PASS: dict[str, ServiceFn] = {m.SERVICE: m.collect for m in (storage, acr)}

#: The modules whose `PERMISSIONS` the collector needs (docs/azure-permissions.md).
MODULES = (acr, cognitive, compute, identity, ml, monitor, search, storage)
