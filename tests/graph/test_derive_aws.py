"""AWS derived edges on hand-built inventories: IAM grants matched like IAM, and exposure."""

from __future__ import annotations

from typing import Any

import pytest

from aiscan.core.graph.build import build_graph
from aiscan.core.graph.derive import aws
from aiscan.core.graph.model import ANONYMOUS, INTERNET, EdgeType, EstateGraph
from aiscan.core.model import Asset, AssetKind
from tests.factories import asset, inventory

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/worker"
BUCKET = "arn:aws:s3:::models"
OTHER = "arn:aws:s3:::datasets"
ENDPOINT = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:endpoint/prod"
PACKAGE = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model-package/fraud/3"
AGENT = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:agent/AGENT1"


def st(effect: str = "Allow", **fields: Any) -> dict[str, Any]:
    return {"policy": fields.pop("policy", "p"), "effect": effect, **fields}


def role(*statements: dict[str, Any], id: str = ROLE, account: str = ACCOUNT) -> Asset:  # noqa: A002
    return asset(
        AssetKind.IDENTITY,
        id,
        service="iam",
        type="AWS::IAM::Role",
        account=account,
        policy_statements=list(statements),
    )


def bucket(arn: str = BUCKET, **facts: Any) -> Asset:
    return asset(AssetKind.BUCKET, arn, service="s3", type="AWS::S3::Bucket", **facts)


def endpoint(arn: str = ENDPOINT, **facts: Any) -> Asset:
    return asset(AssetKind.ENDPOINT, arn, type="AWS::SageMaker::Endpoint", **facts)


def graph_of(*assets: Asset) -> EstateGraph:
    return build_graph(inventory(assets))


def edges(graph: EstateGraph, source: str, kind: EdgeType) -> dict[str, dict[str, Any]]:
    return {t: dict(d["evidence"]) for t, d in graph.out_edges(source, kind)}


# -- action and resource matching -----------------------------------------------------------------


def test_object_actions_map_to_read_and_write_on_the_bucket_holding_the_objects():
    g = graph_of(
        role(
            st(actions=["s3:GetObject"], resources=[f"{OTHER}/*"], sid="Read"),
            st(actions=["s3:PutObject"], resources=[f"{BUCKET}/prod/*"], policy="w"),
        ),
        bucket(),
        bucket(OTHER),
    )
    assert set(edges(g, ROLE, EdgeType.CAN_READ)) == {OTHER}
    write = edges(g, ROLE, EdgeType.CAN_WRITE)
    assert set(write) == {BUCKET}
    assert write[BUCKET] == {
        "source": "iam-policy",
        "policy": "w",
        "policy_arn": None,
        "policies": ["w"],
        "actions": ["s3:PutObject"],
        "resource": f"{BUCKET}/prod/*",
        "resources": [f"{BUCKET}/prod/*"],
        "sids": [],
        "conditional": False,
    }
    assert all(d["derived"] for _, d in g.out_edges(ROLE))


@pytest.mark.parametrize(
    ("action", "granted"),
    [
        ("S3:putobject", True),  # actions are case-insensitive
        ("s3:Put*", True),
        ("s3:P?tObject", True),
        ("s3:*", True),
        ("*", True),
        ("s3:Get*", False),
        ("s3:PutObjectAcl", False),
        ("sagemaker:*", False),
    ],
)
def test_action_wildcards_match_like_iam(action: str, granted: bool):
    g = graph_of(role(st(actions=[action], resources=["*"])), bucket())
    assert (BUCKET in edges(g, ROLE, EdgeType.CAN_WRITE)) is granted


@pytest.mark.parametrize(
    ("resource", "granted"),
    [
        ("arn:aws:s3:::models/*", True),
        ("arn:aws:s3:::mod*", True),  # the star spans the bucket name and the key
        ("arn:aws:s3:::model?/x/*", True),
        ("arn:aws:s3:::*/*", True),
        ("arn:aws:s3:::*odels", False),  # the bucket only
        ("arn:aws:s3:::*SageMaker*", False),  # a star does not run from the name into keys
        ("arn:aws:s3:::*", True),
        ("arn:aws:s3:::models", False),  # the bucket, not its objects
        ("arn:aws:s3:::MODELS/*", False),  # resources are case-sensitive
        ("arn:aws:s3:::[m]odels/*", False),  # `[` is a literal, not a character class
        ("arn:aws:s3:::models-backup/*", False),
        ("arn:aws:s3:::model/*", False),
    ],
)
def test_resource_patterns_match_like_iam(resource: str, granted: bool):
    g = graph_of(role(st(actions=["s3:GetObject"], resources=[resource])), bucket())
    assert (BUCKET in edges(g, ROLE, EdgeType.CAN_READ)) is granted


def test_a_bracket_in_a_name_is_matched_literally():
    odd = "arn:aws:s3:::a[b]c"
    g = graph_of(role(st(actions=["s3:GetObject"], resources=["arn:aws:s3:::a[b]*"])), bucket(odd))
    assert set(edges(g, ROLE, EdgeType.CAN_READ)) == {odd}


def test_not_action_and_not_resource():
    g = graph_of(role(st(not_actions=["s3:Put*", "iam:*"], resources=["*"])), bucket(), endpoint())
    assert set(edges(g, ROLE, EdgeType.CAN_READ)) == {BUCKET}
    assert set(edges(g, ROLE, EdgeType.CAN_WRITE)) == {BUCKET}  # s3:DeleteObject is not excluded
    assert edges(g, ROLE, EdgeType.CAN_WRITE)[BUCKET]["actions"] == [
        "s3:DeleteObject"
    ]  # PutObject and PutBucketPolicy are
    assert set(edges(g, ROLE, EdgeType.CAN_INVOKE)) == {ENDPOINT}

    g = graph_of(
        role(st(actions=["s3:GetObject"], not_resources=[f"{BUCKET}/*"])), bucket(), bucket(OTHER)
    )
    assert set(edges(g, ROLE, EdgeType.CAN_READ)) == {OTHER}


def test_explicit_deny_overrides_allow_and_a_conditional_deny_marks_the_edge():
    allow = st(actions=["s3:*"], resources=["*"])
    g = graph_of(
        role(allow, st("Deny", actions=["s3:PutObject", "s3:DeleteObject"], resources=["*"])),
        bucket(),
    )
    assert BUCKET in edges(g, ROLE, EdgeType.CAN_READ)
    assert edges(g, ROLE, EdgeType.CAN_WRITE)[BUCKET]["actions"] == ["s3:PutBucketPolicy"]

    only_put = st(actions=["s3:PutObject"], resources=[f"{BUCKET}/*"])
    deny_all_objects = st("Deny", actions=["s3:*"], resources=[f"{BUCKET}/*"])
    assert (
        edges(graph_of(role(only_put, deny_all_objects), bucket()), ROLE, EdgeType.CAN_WRITE) == {}
    )
    # a Deny on part of what was allowed leaves the rest writable
    deny_part = st("Deny", actions=["s3:*"], resources=[f"{BUCKET}/locked/*"])
    assert BUCKET in edges(graph_of(role(only_put, deny_part), bucket()), ROLE, EdgeType.CAN_WRITE)
    # Deny on everything but another bucket covers this one
    deny_not = st("Deny", actions=["s3:*"], not_resources=[f"{OTHER}/*"])
    assert edges(graph_of(role(only_put, deny_not), bucket()), ROLE, EdgeType.CAN_WRITE) == {}

    conditional = {**deny_all_objects, "has_condition": True}
    write = edges(graph_of(role(only_put, conditional), bucket()), ROLE, EdgeType.CAN_WRITE)
    assert write[BUCKET]["conditional"] is True


def test_a_conditional_allow_or_a_policy_variable_yields_a_conditional_edge():
    cond = st(actions=["s3:GetObject"], resources=[f"{BUCKET}/*"], has_condition=True)
    assert edges(graph_of(role(cond), bucket()), ROLE, EdgeType.CAN_READ)[BUCKET]["conditional"]
    var = st(actions=["s3:GetObject"], resources=["arn:aws:s3:::${aws:PrincipalTag/team}/*"])
    assert edges(graph_of(role(var), bucket()), ROLE, EdgeType.CAN_READ)[BUCKET]["conditional"]
    # an unconditional grant of the same edge wins
    plain = st(actions=["s3:GetObjectVersion"], resources=["*"])
    read = edges(graph_of(role(cond, plain), bucket()), ROLE, EdgeType.CAN_READ)[BUCKET]
    assert read["conditional"] is False
    assert read["actions"] == ["s3:GetObject", "s3:GetObjectVersion"]


def test_invoke_and_deploy_targets():
    agent = asset(AssetKind.AGENT, AGENT, service="bedrock", type="AWS::Bedrock::Agent")
    package = asset(AssetKind.MODEL, PACKAGE, type="AWS::SageMaker::ModelPackage")
    g = graph_of(
        role(
            st(actions=["sagemaker:InvokeEndpoint"], resources=[ENDPOINT]),
            st(
                actions=["sagemaker:UpdateEndpoint", "sagemaker:UpdateModelPackage"],
                resources=["arn:aws:sagemaker:*:*:*"],
            ),
            st(actions=["sagemaker:CreateEndpointConfig"], resources=["*"]),
            st(
                actions=["bedrock:InvokeAgent"],
                resources=[f"{AGENT.replace('agent/', 'agent-alias/')}/*"],
            ),
            st(actions=["bedrock:UpdateAgent"], resources=[AGENT]),
        ),
        endpoint(),
        agent,
        package,
    )
    assert set(edges(g, ROLE, EdgeType.CAN_INVOKE)) == {ENDPOINT, AGENT}
    deploy = edges(g, ROLE, EdgeType.CAN_DEPLOY)
    assert set(deploy) == {ENDPOINT, PACKAGE, AGENT}
    assert deploy[ENDPOINT]["actions"] == [
        "sagemaker:CreateEndpointConfig",
        "sagemaker:UpdateEndpoint",
    ]


def test_targets_are_only_assets_of_the_roles_account_and_owned_buckets():
    other_role = "arn:aws:iam::999999999999:role/x"
    g = graph_of(
        role(st(actions=["s3:GetObject"], resources=["*"]), id=other_role, account="999999999999"),
        role(st(actions=["s3:GetObject"], resources=["*"])),
        bucket(),
        bucket(OTHER, owned=False),  # someone else's bucket (a JumpStart cache)
    )
    assert edges(g, other_role, EdgeType.CAN_READ) == {}
    assert set(edges(g, ROLE, EdgeType.CAN_READ)) == {BUCKET}


def test_a_role_with_unread_statements_has_no_grant_edges():
    unread_role = asset(AssetKind.IDENTITY, ROLE, service="iam", type="AWS::IAM::Role")
    assert list(graph_of(unread_role, bucket()).out_edges(ROLE)) == []


def test_pattern_helpers():
    p = aws.compile_pattern("arn:aws:s3:::b/?a*")
    assert p.prefix == "arn:aws:s3:::b/"
    assert aws.could_match_under(p, "arn:aws:s3:::b/")
    assert not aws.could_match_under(p, "arn:aws:s3:::c/")
    q = aws.compile_pattern("arn:aws:s3:::?/x")
    assert aws.could_match_under(q, "arn:aws:s3:::b/")
    assert not aws.could_match_under(q, "arn:aws:s3:::bb/")
    named = aws.compile_pattern("arn:aws:s3:::*SageMaker*")
    assert aws.could_match_under(named, "arn:aws:s3:::my-SageMaker-b/")
    assert not aws.could_match_under(named, "arn:aws:s3:::team-1/")
    literal = aws.compile_pattern("a${*}b${?}")
    assert aws.matches(literal, "a*b?") and not aws.matches(literal, "axb?")


# -- exposure -------------------------------------------------------------------------------------


def instance(**facts: Any) -> Asset:
    return asset(
        AssetKind.GPU_COMPUTE,
        f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-1",
        service="ec2",
        type="AWS::EC2::Instance",
        **facts,
    )


def test_internet_exposure_of_an_instance_needs_a_public_ip_and_an_open_port():
    port = [{"protocol": "tcp", "from": 8888, "to": 8888}]
    g = graph_of(instance(public_ip="203.0.113.9", internet_open_ports=port))
    ((target, data),) = g.out_edges(INTERNET, EdgeType.EXPOSED_TO)
    assert data["evidence"]["ports"] == ["tcp/8888"] and data["evidence"]["auth"] is None
    assert g.node(INTERNET)["synthetic"] is True
    for facts in (
        {"public_ip": None, "internet_open_ports": port},
        {"public_ip": "203.0.113.9", "internet_open_ports": []},
        {"public_ip": "203.0.113.9"},  # ports unread: not decided, no edge
    ):
        assert INTERNET not in graph_of(instance(**facts)).g


def test_exposure_of_notebooks_unauthenticated_endpoints_and_gateways():
    nb = asset(
        AssetKind.NOTEBOOK,
        f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:notebook-instance/nb",
        type="AWS::SageMaker::NotebookInstance",
        direct_internet_access=True,
    )
    gw = asset(
        AssetKind.AGENT,
        f"arn:aws:bedrock-agentcore:us-east-1:{ACCOUNT}:gateway/gw",
        service="bedrock-agentcore",
        type="AWS::BedrockAgentCore::Gateway",
        authorizer_type="NONE",
    )
    open_ep = endpoint(authenticated=False)
    closed = endpoint(f"{ENDPOINT}-2", authenticated=True)
    g = graph_of(nb, gw, open_ep, closed)
    exposed = {t: d["evidence"] for t, d in g.out_edges(INTERNET, EdgeType.EXPOSED_TO)}
    assert set(exposed) == {nb.id, gw.id, ENDPOINT}
    assert exposed[gw.id]["auth"] == "none" and exposed[ENDPOINT]["auth"] == "none"


def test_public_bucket_is_exposed_and_anonymous_can_read_or_write():
    public = bucket(
        public=True,
        policy_public=True,
        public_reasons=["bucket policy allows public access"],
        public_statements=[
            {
                "policy": "bucket policy",
                "effect": "Allow",
                "actions": ["s3:GetObject"],
                "resources": [f"{BUCKET}/*"],
                "principals": ["*"],
                "sid": "Read",
            }
        ],
        acl_public_grants=[{"grantee": "AllUsers", "permission": "WRITE"}],
        block_public_access={},
    )
    g = graph_of(public)
    anon = edges(g, ANONYMOUS, EdgeType.CAN_READ)
    assert anon[BUCKET]["source"] == "bucket-policy" and anon[BUCKET]["actions"] == ["s3:GetObject"]
    assert edges(g, ANONYMOUS, EdgeType.CAN_WRITE)[BUCKET]["source"] == "acl"
    (exposed,) = edges(g, INTERNET, EdgeType.EXPOSED_TO).values()
    assert exposed["access"] == "write"

    ignored = public.model_copy(
        update={
            "attributes": {**public.attributes, "block_public_access": {"ignore_public_acls": True}}
        }
    )
    g = graph_of(ignored)
    assert edges(g, ANONYMOUS, EdgeType.CAN_WRITE) == {}
    assert edges(g, INTERNET, EdgeType.EXPOSED_TO)[BUCKET]["access"] == "read"

    private = bucket(public=False, policy_public=False, acl_public_grants=[])
    assert INTERNET not in graph_of(private).g and ANONYMOUS not in graph_of(private).g
