"""Seed the bundled example estate (``estate/aws.json``) into a running `AwsEmulator`.

The estate is data: each SageMaker/Bedrock entry holds the parameters of the real create call
(boto3 names), plus ``region`` and ``_why`` (a comment). Strings ``${kind:name}`` are resolved
while seeding: ``${role:Name}``, ``${kms:region/alias}``, ``${subnet:name}``, ``${sg:name}``,
``${custom_model:region/name}``, ``${account}``. Lifecycle-script ``Content`` is plain text in
the file and base64-encoded here; a pipeline's ``PipelineDefinition`` is an object, sent as JSON.

What moto lacks is filled in on the emulator: guardrails, provisioned throughput and knowledge
base data sources are canned answers built from the file; fields moto accepts but drops
(a notebook's IMDS and platform settings, a model's network isolation, an agent's guardrail) are
put back into moto's answers; and every list operation moto does not implement for the scanned AI
services answers an empty list, so a demo scan reports no errors that real AWS would not give.

The seeding clients are separate from the scanner (and not read-only guarded); they only create.
"""

from __future__ import annotations

import base64
import functools
import json
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from aiscan.demo.emulator import (
    DEMO_ACCOUNT_ID,
    AwsEmulator,
    CannedBody,
    CannedRequest,
    not_found,
    running,
)

#: AI services whose unimplemented list operations answer an empty list (see module docstring).
GAP_FILLED_SERVICES = (
    "sagemaker",
    "bedrock",
    "bedrock-agent",
    "bedrock-agentcore-control",
    "iam",
)

_PLACEHOLDER = re.compile(r"\$\{([a-z_]+)(?::([^}]+))?\}")


@dataclass
class SeedReport:
    """What was created: resource identifiers by kind, and the operations answered by the
    emulator instead of moto."""

    account: str
    regions: tuple[str, ...]
    resources: dict[str, list[str]] = field(default_factory=dict)
    canned: list[str] = field(default_factory=list)
    amended: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, kind: str, ident: str) -> None:
        self.resources.setdefault(kind, []).append(ident)

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.resources.values())


def default_estate_path() -> Path:
    return Path(str(resources.files("aiscan.demo").joinpath("estate/aws.json")))


def load_estate(estate_path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    path = Path(estate_path) if estate_path else default_estate_path()
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the estate must be a JSON object")
    return data


def seed_aws(
    url: str | AwsEmulator, estate_path: str | os.PathLike[str] | None = None
) -> SeedReport:
    """Create the estate in the emulator at `url` (which must run in this process: canned
    answers are registered on it) and return what was created."""
    emulator = url if isinstance(url, AwsEmulator) else running(url)
    if emulator is None:
        raise RuntimeError(f"no AwsEmulator of this process serves {url}")
    started = time.monotonic()
    estate = load_estate(estate_path)
    seeder = _Seeder(emulator, estate)
    seeder.run()
    seeder.report.seconds = time.monotonic() - started
    return seeder.report


# -- seeding ----------------------------------------------------------------------------------


def _strip(item: Mapping[str, Any], *extra: str) -> dict[str, Any]:
    """API parameters of an estate entry: without ``region``, comments and seeder-only keys."""
    return {
        k: v for k, v in item.items() if k != "region" and not k.startswith("_") and k not in extra
    }


class _Seeder:
    def __init__(self, emulator: AwsEmulator, estate: dict[str, Any]) -> None:
        self.emu = emulator
        self.estate = estate
        self.account = str(estate.get("account", DEMO_ACCOUNT_ID))
        self.report = SeedReport(
            account=self.account, regions=tuple(estate.get("regions", ("us-east-1",)))
        )
        self.refs: dict[str, str] = {"account": self.account}
        self._clients: dict[tuple[str, str], Any] = {}
        self._session: Any = None

    # -- plumbing ------------------------------------------------------------------------------

    def client(self, service: str, region: str = "us-east-1") -> Any:
        key = (service, region)
        if key not in self._clients:
            if self._session is None:
                import botocore.session

                # No profile, config or credentials file: the emulator is the only endpoint.
                self._session = botocore.session.Session(
                    session_vars={"profile": (None, None, None, None)}  # ignore AWS_PROFILE
                )
                self._session.set_config_variable("config_file", os.devnull)
                self._session.set_config_variable("credentials_file", os.devnull)
            from botocore.config import Config

            self._clients[key] = self._session.create_client(
                service,
                region_name=region,
                endpoint_url=self.emu.url,
                aws_access_key_id="demo",
                aws_secret_access_key="demo",
                config=Config(retries={"mode": "standard", "total_max_attempts": 3}),
            )
        return self._clients[key]

    def resolve(self, value: Any) -> Any:
        if isinstance(value, str):
            whole = _PLACEHOLDER.fullmatch(value)
            if whole:
                return self._ref(whole.group(1), whole.group(2))
            return _PLACEHOLDER.sub(lambda m: self._ref(m.group(1), m.group(2)), value)
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        return value

    def _ref(self, kind: str, name: str | None) -> str:
        key = f"{kind}:{name}" if name else kind
        if key not in self.refs:
            raise KeyError(f"estate refers to ${{{key}}}, which is not defined before its use")
        return self.refs[key]

    def section(self, *path: str) -> list[dict[str, Any]]:
        node: Any = self.estate
        for p in path:
            node = node.get(p, {}) if isinstance(node, dict) else {}
        return list(node) if isinstance(node, list) else []

    # -- the order matters: later sections refer to what earlier ones created ----------------

    def run(self) -> None:
        self.kms_keys()
        self.iam_roles()
        self.s3_buckets()
        self.networks()
        self.instances()
        self.eks()
        self.sagemaker()
        self.bedrock()
        self.bedrock_agent()
        self.moto_quirks()
        self.gap_fill()

    def kms_keys(self) -> None:
        for item in self.section("kms_keys"):
            kms = self.client("kms", item["region"])
            arn = kms.create_key(Description=item.get("description", ""))["KeyMetadata"]["Arn"]
            kms.create_alias(AliasName=f"alias/{item['alias']}", TargetKeyId=arn)
            self.refs[f"kms:{item['region']}/{item['alias']}"] = arn
            self.report.add("kms-key", arn)

    def iam_roles(self) -> None:
        iam = self.client("iam")
        for item in self.section("iam_roles"):
            name = item["name"]
            trust = {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": item["trust"]},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
            arn = iam.create_role(
                RoleName=name,
                AssumeRolePolicyDocument=json.dumps(trust),
                Description=item.get("description", ""),
            )["Role"]["Arn"]
            self.refs[f"role:{name}"] = arn
            for policy_arn in item.get("managed_policies", []):
                iam.attach_role_policy(RoleName=name, PolicyArn=policy_arn)
            for policy_name, doc in item.get("inline_policies", {}).items():
                iam.put_role_policy(
                    RoleName=name,
                    PolicyName=policy_name,
                    PolicyDocument=json.dumps(self.resolve(doc)),
                )
            profile = item.get("instance_profile")
            if profile:
                iam.create_instance_profile(InstanceProfileName=profile)
                iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=name)
            self.report.add("iam-role", arn)
        # moto has no service-specific credentials: the estate's Bedrock API keys (metadata only)
        keys = self.section("bedrock_api_keys")
        self._canned(
            "iam:ListServiceSpecificCredentials",
            {"ServiceSpecificCredentials": keys, "IsTruncated": False},
        )

    def s3_buckets(self) -> None:
        for item in self.section("s3_buckets"):
            item = self.resolve(item)
            name, region = item["name"], item["region"]
            s3 = self.client("s3", region)
            kwargs: dict[str, Any] = {"Bucket": name}
            if region != "us-east-1":
                kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
            s3.create_bucket(**kwargs)
            if item.get("public_access_block"):
                s3.put_public_access_block(
                    Bucket=name, PublicAccessBlockConfiguration=item["public_access_block"]
                )
            if item.get("policy"):
                s3.put_bucket_policy(Bucket=name, Policy=json.dumps(item["policy"]))
            if item.get("versioning"):
                s3.put_bucket_versioning(
                    Bucket=name, VersioningConfiguration={"Status": item["versioning"]}
                )
            if item.get("encryption"):
                s3.put_bucket_encryption(
                    Bucket=name,
                    ServerSideEncryptionConfiguration={
                        "Rules": [{"ApplyServerSideEncryptionByDefault": item["encryption"]}]
                    },
                )
            for key in item.get("objects", []):
                s3.put_object(Bucket=name, Key=key, Body=b"aiscan demo object\n")
            self.report.add("s3-bucket" if item.get("ai", True) else "s3-bucket-unrelated", name)

    def networks(self) -> None:
        for item in self.section("ec2", "networks"):
            ec2 = self.client("ec2", item["region"])
            vpc = ec2.create_vpc(
                CidrBlock=item["cidr"], TagSpecifications=_name_tag("vpc", item["name"])
            )["Vpc"]["VpcId"]
            self.refs[f"vpc:{item['name']}"] = vpc
            for sub in item.get("subnets", []):
                subnet = ec2.create_subnet(
                    VpcId=vpc,
                    CidrBlock=sub["cidr"],
                    TagSpecifications=_name_tag("subnet", sub["name"]),
                )["Subnet"]["SubnetId"]
                if sub.get("public"):
                    ec2.modify_subnet_attribute(
                        SubnetId=subnet, MapPublicIpOnLaunch={"Value": True}
                    )
                self.refs[f"subnet:{sub['name']}"] = subnet
        for item in self.section("ec2", "security_groups"):
            ec2 = self.client("ec2", item["region"])
            sg = ec2.create_security_group(
                GroupName=item["name"],
                Description=item.get("description", item["name"]),
                VpcId=self.refs[f"vpc:{item['vpc']}"],
            )["GroupId"]
            self.refs[f"sg:{item['name']}"] = sg
            perms = [
                {
                    "IpProtocol": "tcp",
                    "FromPort": rule["port"],
                    "ToPort": rule["port"],
                    "IpRanges": [{"CidrIp": rule["cidr"]}],
                }
                for rule in item.get("ingress", [])
            ]
            if perms:
                ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=perms)
            self.report.add("security-group", sg)

    def instances(self) -> None:
        for item in self.section("ec2", "instances"):
            region = item["region"]
            ec2 = self.client("ec2", region)
            kwargs: dict[str, Any] = {
                "ImageId": item["image_id"],
                "InstanceType": item["instance_type"],
                "MinCount": 1,
                "MaxCount": 1,
                "MetadataOptions": {"HttpTokens": item["http_tokens"], "HttpEndpoint": "enabled"},
                "NetworkInterfaces": [
                    {
                        "DeviceIndex": 0,
                        "SubnetId": self.refs[f"subnet:{item['subnet']}"],
                        "Groups": [self.refs[f"sg:{g}"] for g in item["security_groups"]],
                        "AssociatePublicIpAddress": bool(item.get("public_ip")),
                    }
                ],
                "TagSpecifications": _name_tag("instance", item["name"]),
            }
            if item.get("instance_profile"):
                kwargs["IamInstanceProfile"] = {"Name": item["instance_profile"]}
            inst = ec2.run_instances(**kwargs)["Instances"][0]
            arn = f"arn:aws:ec2:{region}:{self.account}:instance/{inst['InstanceId']}"
            ai = item["instance_type"].split(".")[0][:1] in ("g", "p")
            self.report.add("ec2-gpu-instance" if ai else "ec2-cpu-instance", arn)

    def eks(self) -> None:
        for item in self.section("eks_clusters"):
            item = self.resolve(item)
            eks = self.client("eks", item["region"])
            subnets = [self.refs[f"subnet:{s}"] for s in item["subnets"]]
            arn = eks.create_cluster(
                name=item["name"], roleArn=item["role"], resourcesVpcConfig={"subnetIds": subnets}
            )["cluster"]["arn"]
            self.report.add("eks-cluster", arn)
            for ng in item.get("nodegroups", []):
                ng_arn = eks.create_nodegroup(clusterName=item["name"], subnets=subnets, **ng)[
                    "nodegroup"
                ]["nodegroupArn"]
                self.report.add("eks-nodegroup", ng_arn)

    # -- SageMaker ---------------------------------------------------------------------------

    def sagemaker(self) -> None:
        for item in self.section("sagemaker", "notebook_lifecycle_configs"):
            params = self.resolve(_strip(item))
            for hook in ("OnCreate", "OnStart"):
                for script in params.get(hook, []):
                    script["Content"] = base64.b64encode(script["Content"].encode()).decode()
            resp = self.client(
                "sagemaker", item["region"]
            ).create_notebook_instance_lifecycle_config(**params)
            self.report.add(
                "sagemaker-lifecycle-config", resp["NotebookInstanceLifecycleConfigArn"]
            )

        dropped_nb: dict[tuple[str, str], dict[str, Any]] = {}
        for item in self.section("sagemaker", "notebooks"):
            params = self.resolve(_strip(item))
            resp = self.client("sagemaker", item["region"]).create_notebook_instance(**params)
            self.report.add("sagemaker-notebook", resp["NotebookInstanceArn"])
            kept = {
                k: params[k]
                for k in ("InstanceMetadataServiceConfiguration", "PlatformIdentifier")
                if k in params
            }
            dropped_nb[(item["region"], params["NotebookInstanceName"])] = kept
        self._amend_by_name(
            "sagemaker:DescribeNotebookInstance", "NotebookInstanceName", dropped_nb
        )

        dropped_model: dict[tuple[str, str], dict[str, Any]] = {}
        for item in self.section("sagemaker", "models"):
            params = self.resolve(_strip(item))
            resp = self.client("sagemaker", item["region"]).create_model(**params)
            self.report.add("sagemaker-model", resp["ModelArn"])
            if "EnableNetworkIsolation" in params:
                dropped_model[(item["region"], params["ModelName"])] = {
                    "EnableNetworkIsolation": params["EnableNetworkIsolation"]
                }
        self._amend_by_name("sagemaker:DescribeModel", "ModelName", dropped_model)

        simple = (
            ("endpoint_configs", "create_endpoint_config", "EndpointConfigArn", "endpoint-config"),
            ("endpoints", "create_endpoint", "EndpointArn", "endpoint"),
            ("training_jobs", "create_training_job", "TrainingJobArn", "training-job"),
            ("pipelines", "create_pipeline", "PipelineArn", "pipeline"),
            ("model_package_groups", "create_model_package_group", "ModelPackageGroupArn",
             "model-package-group"),
            ("model_packages", "create_model_package", "ModelPackageArn", "model-package"),
            ("domains", "create_domain", "DomainArn", "domain"),
        )  # fmt: skip
        for section, method, arn_key, kind in simple:
            for item in self.section("sagemaker", section):
                params = self.resolve(_strip(item))
                if isinstance(params.get("PipelineDefinition"), dict):
                    params["PipelineDefinition"] = json.dumps(params["PipelineDefinition"])
                resp = getattr(self.client("sagemaker", item["region"]), method)(**params)
                self.report.add(f"sagemaker-{kind}", resp[arn_key])

    # -- Bedrock -----------------------------------------------------------------------------

    def bedrock(self) -> None:
        for item in self.section("bedrock", "invocation_logging"):
            self.client("bedrock", item["region"]).put_model_invocation_logging_configuration(
                **self.resolve(_strip(item))
            )
            self.report.add("bedrock-invocation-logging", item["region"])
        # moto answers an unset configuration with an empty object; AWS leaves it out.
        self._amend("bedrock:GetModelInvocationLoggingConfiguration", _drop_empty_logging)

        jobs = []
        for item in self.section("bedrock", "customization_jobs"):
            region = item["region"]
            br = self.client("bedrock", region)
            job = br.create_model_customization_job(**self.resolve(_strip(item)))["jobArn"]
            model = br.get_custom_model(modelIdentifier=item["customModelName"])["modelArn"]
            self.refs[f"custom_model:{region}/{item['customModelName']}"] = model
            self.report.add("bedrock-customization-job", job)
            self.report.add("bedrock-custom-model", model)
            # moto finds a job by name only, not by the (URL-encoded) ARN callers also use
            body = br.get_model_customization_job(jobIdentifier=item["jobName"])
            body.pop("ResponseMetadata", None)
            body.setdefault("validationDataConfig", {"validators": []})  # required in the shape
            jobs.append({"region": region, "body": body})
        if jobs:
            self._canned_get(
                "bedrock:GetModelCustomizationJob",
                "jobIdentifier",
                jobs,
                ("jobName", "jobArn"),
                lambda j: j,
            )

        guardrails = [self._guardrail(g) for g in self.section("bedrock", "guardrails")]
        self._canned_list("bedrock:ListGuardrails", "guardrails", guardrails, _guardrail_summary)
        self._canned_get(
            "bedrock:GetGuardrail",
            "guardrailIdentifier",
            guardrails,
            ("guardrailId", "guardrailArn"),
            lambda g: g,
        )
        for g in guardrails:
            self.report.add("bedrock-guardrail", g["body"]["guardrailArn"])

        throughputs = [
            self._throughput(t) for t in self.section("bedrock", "provisioned_throughputs")
        ]
        self._canned_list(
            "bedrock:ListProvisionedModelThroughputs",
            "provisionedModelSummaries",
            throughputs,
            _throughput_summary,
        )
        self._canned_get(
            "bedrock:GetProvisionedModelThroughput",
            "provisionedModelId",
            throughputs,
            ("provisionedModelArn", "provisionedModelName"),
            lambda t: t,
        )
        for t in throughputs:
            self.report.add("bedrock-provisioned-throughput", t["body"]["provisionedModelArn"])

    def _guardrail(self, item: dict[str, Any]) -> dict[str, Any]:
        body = self.resolve(_strip(item))
        region = item["region"]
        body["guardrailArn"] = (
            f"arn:aws:bedrock:{region}:{self.account}:guardrail/{body['guardrailId']}"
        )
        return {"region": region, "body": body}

    def _throughput(self, item: dict[str, Any]) -> dict[str, Any]:
        body = self.resolve(_strip(item, "provisionedModelId"))
        region = item["region"]
        body["provisionedModelArn"] = (
            f"arn:aws:bedrock:{region}:{self.account}:provisioned-model/"
            f"{item['provisionedModelId']}"
        )
        body.setdefault("desiredModelArn", body["modelArn"])
        body.setdefault("desiredModelUnits", body["modelUnits"])
        return {"region": region, "body": body}

    # -- Bedrock agents and knowledge bases --------------------------------------------------

    def bedrock_agent(self) -> None:
        dropped_agents: dict[tuple[str, str], dict[str, Any]] = {}
        for item in self.section("bedrock_agent", "agents"):
            params = self.resolve(_strip(item))
            agent = self.client("bedrock-agent", item["region"]).create_agent(**params)["agent"]
            self.report.add("bedrock-agent", agent["agentArn"])
            if "guardrailConfiguration" in params:
                dropped_agents[(item["region"], params["agentName"])] = {
                    "guardrailConfiguration": params["guardrailConfiguration"]
                }
        self._amend(
            "bedrock-agent:GetAgent",
            lambda req, body: _amend_agent(req, body, "agent", dropped_agents),
        )
        self._amend(
            "bedrock-agent:ListAgents",
            lambda req, body: _amend_agent(req, body, "agentSummaries", dropped_agents),
        )

        sources: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for item in self.section("bedrock_agent", "knowledge_bases"):
            region = item["region"]
            params = self.resolve(_strip(item, "data_sources"))
            kb = self.client("bedrock-agent", region).create_knowledge_base(**params)[
                "knowledgeBase"
            ]
            kb_id = kb["knowledgeBaseId"]
            self.report.add("bedrock-knowledge-base", kb["knowledgeBaseArn"])
            for ds in item.get("data_sources", []):
                body = self.resolve(_strip(ds))
                body["knowledgeBaseId"] = kb_id
                sources.setdefault((region, kb_id), []).append(body)
                self.report.add("bedrock-data-source", f"{kb_id}/{body['dataSourceId']}")
        self._data_sources(sources)

    def _data_sources(self, sources: dict[tuple[str, str], list[dict[str, Any]]]) -> None:
        summary_keys = (
            "knowledgeBaseId",
            "dataSourceId",
            "name",
            "status",
            "description",
            "updatedAt",
        )

        def list_sources(req: CannedRequest) -> CannedBody:
            found = sources.get((req.region, req.labels.get("knowledgeBaseId", "")), [])
            return {
                "dataSourceSummaries": [{k: d[k] for k in summary_keys if k in d} for d in found]
            }

        def get_source(req: CannedRequest) -> CannedBody:
            for d in sources.get((req.region, req.labels.get("knowledgeBaseId", "")), []):
                if d["dataSourceId"] == req.labels.get("dataSourceId"):
                    return {"dataSource": d}
            raise not_found(f"data source {req.labels.get('dataSourceId')} not found")

        self._canned("bedrock-agent:ListDataSources", list_sources)
        self._canned("bedrock-agent:GetDataSource", get_source)

    # -- gap filling ---------------------------------------------------------------------------

    def moto_quirks(self) -> None:
        """Make moto's answers look like AWS's where a scanner would read them differently."""
        # moto answers an unset optional structure with {}: AWS leaves it out, and a scanner
        # would take {} for "configured".
        self._amend("sagemaker:DescribeModel", _drop_empty("VpcConfig"))
        self._amend("sagemaker:DescribeEndpoint", _drop_empty("DataCaptureConfig"))
        self._amend("sagemaker:DescribeEndpointConfig", _drop_empty("DataCaptureConfig"))
        self._amend("sagemaker:DescribeModelPackage", _model_package_name)
        # moto sends "nextToken": null on the last page
        for key in (
            "bedrock:ListCustomModels",
            "bedrock:ListModelCustomizationJobs",
            "bedrock-agent:ListAgents",
            "bedrock-agent:ListKnowledgeBases",
        ):
            self._amend(key, _drop_null_token)
        self._amend("bedrock:ListCustomModels", _drop_summary_job_arn)
        # moto says "Active"; the API's enum is ACTIVE
        self._amend("bedrock-agent:ListKnowledgeBases", _kb_status("knowledgeBaseSummaries"))
        self._amend("bedrock-agent:GetKnowledgeBase", _kb_status("knowledgeBase"))

    def gap_fill(self) -> None:
        self.report.canned.extend(fill_missing_lists(self.emu))

    def _canned(self, key: str, answer: Any) -> None:
        self.emu.add_canned(key, answer)
        self.report.canned.append(key)

    def _amend(
        self, key: str, amend: Callable[[CannedRequest, dict[str, Any]], dict[str, Any]]
    ) -> None:
        self.emu.add_amendment(key, amend)
        self.report.amended.append(key)

    def _amend_by_name(
        self, key: str, name_field: str, extra: dict[tuple[str, str], dict[str, Any]]
    ) -> None:
        if not extra:
            return

        def amend(req: CannedRequest, body: dict[str, Any]) -> dict[str, Any]:
            # moto answers these fields with its own default, so the seeded value replaces it
            body.update(extra.get((req.region, str(body.get(name_field, ""))), {}))
            return body

        self._amend(key, amend)

    def _canned_list(
        self,
        key: str,
        list_key: str,
        items: list[dict[str, Any]],
        summary: Callable[[dict[str, Any]], dict[str, Any]],
    ) -> None:
        def answer(req: CannedRequest) -> CannedBody:
            return {list_key: [summary(i["body"]) for i in items if i["region"] == req.region]}

        self._canned(key, answer)

    def _canned_get(
        self,
        key: str,
        label: str,
        items: list[dict[str, Any]],
        id_fields: tuple[str, ...],
        render: Callable[[dict[str, Any]], dict[str, Any]],
    ) -> None:
        def answer(req: CannedRequest) -> CannedBody:
            wanted = req.labels.get(label, "")
            for i in items:
                body = i["body"]
                ids = {str(body.get(f, "")) for f in id_fields}
                if i["region"] == req.region and (
                    wanted in ids or wanted.rsplit("/", 1)[-1] in ids
                ):
                    return render(body)
            raise not_found(f"{wanted} not found")

        self._canned(key, answer)


def _name_tag(resource: str, name: str) -> list[dict[str, Any]]:
    return [{"ResourceType": resource, "Tags": [{"Key": "Name", "Value": name}]}]


def _guardrail_summary(body: dict[str, Any]) -> dict[str, Any]:
    keys = ("name", "description", "version", "status", "createdAt", "updatedAt")
    summary = {k: body[k] for k in keys if k in body}
    summary["id"] = body["guardrailId"]
    summary["arn"] = body["guardrailArn"]
    return summary


def _throughput_summary(body: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "provisionedModelName", "provisionedModelArn", "modelArn", "desiredModelArn",
        "foundationModelArn", "modelUnits", "desiredModelUnits", "status", "commitmentDuration",
        "commitmentExpirationTime", "creationTime", "lastModifiedTime",
    )  # fmt: skip
    return {k: body[k] for k in keys if k in body}


def _drop_empty(*keys: str) -> Callable[[CannedRequest, dict[str, Any]], dict[str, Any]]:
    def amend(req: CannedRequest, body: dict[str, Any]) -> dict[str, Any]:
        for key in keys:
            if key in body and not body[key]:
                del body[key]
        return body

    return amend


def _drop_null_token(req: CannedRequest, body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if not (k in ("nextToken", "NextToken") and v is None)}


def _drop_summary_job_arn(req: CannedRequest, body: dict[str, Any]) -> dict[str, Any]:
    for summary in body.get("modelSummaries") or []:
        if isinstance(summary, dict):
            summary.pop("jobArn", None)  # not a member of CustomModelSummary
    return body


def _kb_status(key: str) -> Callable[[CannedRequest, dict[str, Any]], dict[str, Any]]:
    def amend(req: CannedRequest, body: dict[str, Any]) -> dict[str, Any]:
        node = body.get(key)
        for kb in node if isinstance(node, list) else [node]:
            if isinstance(kb, dict) and isinstance(kb.get("status"), str):
                kb["status"] = kb["status"].upper()
        return body

    return amend


def _model_package_name(req: CannedRequest, body: dict[str, Any]) -> dict[str, Any]:
    # AWS always names a package; a versioned one is named after its group.
    if "ModelPackageName" not in body:
        body["ModelPackageName"] = (
            body.get("ModelPackageGroupName") or str(body.get("ModelPackageArn", "")).split("/")[-1]
        )
    return body


def _drop_empty_logging(req: CannedRequest, body: dict[str, Any]) -> dict[str, Any]:
    if not body.get("loggingConfig"):
        body.pop("loggingConfig", None)
    return body


def _amend_agent(
    req: CannedRequest,
    body: dict[str, Any],
    key: str,
    extra: dict[tuple[str, str], dict[str, Any]],
) -> dict[str, Any]:
    node = body.get(key)
    for agent in node if isinstance(node, list) else [node]:
        if isinstance(agent, dict):
            agent.update(extra.get((req.region, str(agent.get("agentName", ""))), {}))
    return body


# -- empty answers for list operations moto lacks ---------------------------------------------

#: moto's response class per gap-filled service: an operation it has no method for is missing.
_MOTO_RESPONSES = {
    "sagemaker": ("moto.sagemaker.responses", "SageMakerResponse"),
    "bedrock": ("moto.bedrock.responses", "BedrockResponse"),
    "bedrock-agent": ("moto.bedrockagent.responses", "AgentsforBedrockResponse"),
    "bedrock-agentcore-control": (
        "moto.bedrockagentcorecontrol.responses",
        "BedrockAgentCoreControlResponse",
    ),
    "iam": ("moto.iam.responses", "IamResponse"),
}


def fill_missing_lists(
    emulator: AwsEmulator, services: tuple[str, ...] = GAP_FILLED_SERVICES
) -> list[str]:
    """Answer every list operation moto lacks for `services` with an empty list (unless a canned
    answer is already registered); return the keys registered."""
    added = []
    for key in missing_list_operations(services):
        if key not in emulator.canned:
            emulator.add_canned(key, empty_list_answer(key))
            added.append(key)
    return added


@functools.cache
def _service_model(service: str) -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


@functools.cache
def missing_list_operations(services: tuple[str, ...]) -> tuple[str, ...]:
    """``"<service>:List..."`` keys that moto does not implement and whose answer is one list."""
    import importlib

    from botocore import xform_name

    keys = []
    for service in services:
        module, cls_name = _MOTO_RESPONSES[service]
        moto_cls = getattr(importlib.import_module(module), cls_name)
        model = _service_model(service)
        for op in model.operation_names:
            if not op.startswith("List") or hasattr(moto_cls, xform_name(op)):
                continue
            if _single_list_member(model.operation_model(op).output_shape) is not None:
                keys.append(f"{service}:{op}")
    return tuple(keys)


def _single_list_member(shape: Any) -> str | None:
    """The one list an answer is made of, if an answer of just that list is well formed."""
    if shape is None:
        return None
    lists = [n for n, m in shape.members.items() if m.type_name == "list"]
    if len(lists) != 1 or set(shape.required_members) - {lists[0]}:
        return None
    return str(lists[0])


def empty_list_answer(key: str) -> CannedBody:
    service, _, op = key.partition(":")
    shape = _service_model(service).operation_model(op)
    member = _single_list_member(shape.output_shape)
    if member is None:
        raise ValueError(f"{key} does not answer a single list")
    return {member: []}
