"""The service modules the Azure collector runs, by the service key used in --services/coverage."""

from __future__ import annotations

from collections.abc import Callable

from aiscan.collectors.azure import acr, cognitive, compute, ml, search, storage
from aiscan.collectors.azure.context import AzureContext

ServiceFn = Callable[[AzureContext], None]

#: Read per subscription first: the AI resources.
AI_PASS: dict[str, ServiceFn] = {
    "cognitiveservices": cognitive.collect,
    "search": search.collect,
    "azureml": ml.collect,
    "compute": compute.collect_vms,
    "aks": compute.collect_aks,
}

#: Read per subscription after the AI pass and the role assignments (identity): what AI assets
#: referred to.
REFERENCE_PASS: dict[str, ServiceFn] = {
    "storage": storage.collect,
    "containerregistry": acr.collect,
}
