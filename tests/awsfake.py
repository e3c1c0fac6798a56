"""Helpers for AWS tests: run the real collector under moto, and answer the few operations moto
lacks with a botocore `before-call` handler returning the real response shape (what
`botocore.stub.Stubber` does), registered for one operation only."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import boto3
import botocore.session
from botocore.awsrequest import AWSResponse

from aiscan.collectors.aws import AwsCollector
from aiscan.collectors.base import NullProgress, Scope
from aiscan.collectors.settings import AwsSettings
from aiscan.core.inventory import Inventory, InventoryBuilder

Handler = Callable[..., Any]

#: The trust policy of a SageMaker execution role.
SAGEMAKER_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sagemaker.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def canned(response: Mapping[str, Any] | Callable[[dict[str, Any]], Mapping[str, Any]]) -> Handler:
    """A before-call handler answering with `response` (or `response(params)`)."""

    def handler(params: dict[str, Any], model: Any, **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        body = response(_params(params)) if callable(response) else response
        parsed = {"ResponseMetadata": {"HTTPStatusCode": 200}, **dict(body)}
        return AWSResponse("https://canned.invalid", 200, {}, None), parsed

    return handler


def _params(request_dict: dict[str, Any]) -> dict[str, Any]:
    # before-call gets the serialised request; the original API params travel in its context.
    ctx = request_dict.get("context", {})
    return dict(ctx.get("aiscan_params", {}))


def error(code: str, message: str = "", status: int = 400) -> Handler:
    """A before-call handler answering with an AWS error of this code."""

    def handler(model: Any, **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        parsed = {
            "Error": {"Code": code, "Message": message or code},
            "ResponseMetadata": {"HTTPStatusCode": status},
        }
        return AWSResponse("https://canned.invalid", status, {}, None), parsed

    return handler


#: Operations moto lacks that every scan calls, answered (unless a test overrides them) as an
#: account without any such resource answers.
MOTO_GAPS: dict[str, Handler] = {
    "before-call.iam.ListServiceSpecificCredentials": canned(
        {"ServiceSpecificCredentials": [], "IsTruncated": False}
    ),
    "before-call.sagemaker.ListInferenceExperiments": canned({"InferenceExperiments": []}),
}


def session_factory(handlers: Mapping[str, Handler] | None = None) -> Callable[[str | None], Any]:
    """Sessions whose clients answer `before-call.<service>.<Operation>` events from handlers
    (and the operations of MOTO_GAPS that `handlers` does not name)."""

    def factory(profile: str | None) -> Any:
        core = botocore.session.Session()
        # keep the original params visible to canned handlers that answer per request
        core.register("before-parameter-build", _stash_params)
        for event, handler in {**MOTO_GAPS, **(handlers or {})}.items():
            core.register(event, handler)
        return boto3.Session(botocore_session=core, region_name="us-east-1")

    return factory


def _stash_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    context["aiscan_params"] = dict(params)


def collect(
    *,
    regions: Iterable[str] = ("us-east-1",),
    services: Iterable[str] = (),
    handlers: Mapping[str, Handler] | None = None,
    **scope_kwargs: Any,
) -> Inventory:
    """Run the real AWS collector (call inside `mock_aws`) and return the built inventory."""
    sink = InventoryBuilder()
    collector = AwsCollector(
        session_factory=session_factory(handlers),
        settings=AwsSettings.from_environ(os.environ),  # the test's environment is the edge
    )
    scope = Scope(regions=tuple(regions), services=tuple(services), **scope_kwargs)
    collector.collect(scope, sink, NullProgress())
    return sink.build()
