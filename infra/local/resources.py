"""Create the template's storage and queues in moto, and know their names.

Every resource gets its attributes (Ref, Arn, ...) first, so !Ref and !GetAtt
resolve however the template orders things; then the services moto emulates
are created: secrets, DynamoDB tables (GSIs, stream, TTL), S3 buckets
(versioning), SQS queues (dead-letter queues before the queues that redrive
to them) and SES identities. What a state folder already holds is kept. Encryption, policies, alarms and log groups mean
nothing locally and are skipped.
"""
from __future__ import annotations

import hashlib
import json
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .cfn import REGION, Resolver, arn, physical_name

ClientFactory = Callable[[str], Any]


class _Attributes(dict[str, Any]):
    """Attributes of a resource the local stack does not model: any GetAtt gets a stand-in."""

    def __missing__(self, attribute: str) -> str:
        return f"{self['Ref']}.{attribute}"


@dataclass
class Queue:
    logical_id: str
    name: str
    url: str
    arn: str


@dataclass
class StackResources:
    """What was created, by logical id."""
    tables: dict[str, str] = field(default_factory=dict)           # logical id -> table name
    stream_arns: dict[str, str] = field(default_factory=dict)      # logical id -> stream ARN
    buckets: dict[str, str] = field(default_factory=dict)          # logical id -> bucket name
    queues: dict[str, Queue] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)          # secret ARN and name -> value
    email_identities: list[str] = field(default_factory=list)
    # logical id -> indexes of the template that a table kept in the state folder lacked
    added_indexes: dict[str, list[str]] = field(default_factory=dict)

    def queue_by_arn(self, queue_arn: str) -> Queue:
        for queue in self.queues.values():
            if queue.arn == queue_arn:
                return queue
        raise KeyError(f"no queue with ARN {queue_arn}")


def _short_id(logical_id: str, length: int = 10) -> str:
    """A stable, AWS-looking id (API ids, key ids) derived from the logical id."""
    digest = hashlib.sha256(logical_id.encode()).hexdigest()
    return digest[:length]


# --------------------------------------------------------------------------- attributes

def assign_attributes(template: dict[str, Any], resolver: Resolver) -> None:
    """Give every resource its Ref and attributes before anything is created.
    Queue URLs and stream ARNs are filled in by create_resources()."""
    for logical_id, resource in (template.get("Resources") or {}).items():
        if not resolver.resource_enabled(resource):
            continue
        kind, props = resource["Type"], resource.get("Properties") or {}

        def own_name(prop: str, *, lower: bool = False, props: dict[str, Any] = props, logical_id: str = logical_id) -> str:
            value = props.get(prop)
            return resolver.resolve(value) if value is not None else physical_name(logical_id, lower=lower)

        if kind == "AWS::DynamoDB::Table":
            name = own_name("TableName")
            attrs = {"Ref": name, "Arn": arn("dynamodb", f"table/{name}")}
        elif kind == "AWS::S3::Bucket":
            name = own_name("BucketName", lower=True)
            attrs = {"Ref": name, "Arn": f"arn:aws:s3:::{name}", "DomainName": f"{name}.s3.amazonaws.com",
                     "RegionalDomainName": f"{name}.s3.{REGION}.amazonaws.com"}
        elif kind == "AWS::SQS::Queue":
            name = own_name("QueueName")
            if str(props.get("FifoQueue", "")).lower() == "true" and not name.endswith(".fifo"):
                name += ".fifo"
            attrs = {"Ref": f"pending-url-of-{name}", "QueueName": name, "Arn": arn("sqs", name)}
        elif kind in ("AWS::Serverless::Function", "AWS::Lambda::Function"):
            name = own_name("FunctionName")
            attrs = {"Ref": name, "Arn": arn("lambda", f"function:{name}")}
        elif kind in ("AWS::Serverless::Api", "AWS::ApiGateway::RestApi"):
            attrs = {"Ref": _short_id(logical_id), "RootResourceId": _short_id(logical_id + "/root", 8)}
        elif kind in ("AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"):
            name = own_name("LayerName")
            attrs = {"Ref": arn("lambda", f"layer:{name}:1")}
        elif kind == "AWS::KMS::Key":
            key_id = "-".join((_short_id(logical_id, 8), _short_id(logical_id + "1", 4),
                               _short_id(logical_id + "2", 4), _short_id(logical_id + "3", 4),
                               _short_id(logical_id + "4", 12)))
            attrs = {"Ref": key_id, "Arn": arn("kms", f"key/{key_id}"), "KeyId": key_id}
        elif kind == "AWS::SecretsManager::Secret":
            name = own_name("Name")
            attrs = {"Ref": arn("secretsmanager", f"secret:{name}"), "Id": name}
        elif kind == "AWS::SES::EmailIdentity":
            attrs = {"Ref": resolver.resolve(props.get("EmailIdentity", ""))}
        else:
            name = physical_name(logical_id)
            service = kind.split("::")[1].lower() if kind.count("::") >= 2 else "unknown"
            attrs = {"Ref": name, "Arn": arn(service, name)}
        resolver.attributes[logical_id] = _Attributes(attrs)


# --------------------------------------------------------------------------- creation

def create_resources(template: dict[str, Any], resolver: Resolver, client: ClientFactory) -> StackResources:
    created = StackResources()
    resources = {logical_id: resource for logical_id, resource in (template.get("Resources") or {}).items()
                 if resolver.resource_enabled(resource)}

    def of_type(*kinds: str) -> list[tuple[str, dict[str, Any]]]:
        return [(lid, r.get("Properties") or {}) for lid, r in resources.items() if r["Type"] in kinds]

    for logical_id, props in of_type("AWS::SecretsManager::Secret"):
        _create_secret(logical_id, props, resolver, client("secretsmanager"), created)
    for logical_id, props in of_type("AWS::DynamoDB::Table"):
        _create_table(logical_id, props, resolver, client("dynamodb"), created)
    for logical_id, props in of_type("AWS::S3::Bucket"):
        _create_bucket(logical_id, props, resolver, client("s3"), created)
    _create_queues(of_type("AWS::SQS::Queue"), resolver, client("sqs"), created)
    for _logical_id, props in of_type("AWS::SES::EmailIdentity"):
        identity = resolver.resolve(props["EmailIdentity"])
        verify_email_identity(client("ses"), identity, created)
    return created


def _create_secret(logical_id: str, props: dict[str, Any], resolver: Resolver, sm: Any,
                   created: StackResources) -> None:
    name = resolver.attributes[logical_id]["Id"]
    if "SecretString" in props:
        value = resolver.resolve(props["SecretString"])
    else:
        value = _generate_secret(props.get("GenerateSecretString") or {})
    try:
        response = sm.create_secret(Name=name, SecretString=value)
    except sm.exceptions.ResourceExistsException:  # kept in the state folder
        response = sm.get_secret_value(SecretId=name)
        value = response["SecretString"]
    resolver.attributes[logical_id]["Ref"] = response["ARN"]
    created.secrets[response["ARN"]] = created.secrets[name] = value


def _generate_secret(spec: dict[str, Any]) -> str:
    alphabet = string.ascii_letters + string.digits
    if not spec.get("ExcludePunctuation"):
        alphabet += "!#$%&()*+,-.:;<=>?@[]^_{|}~"
    for excluded in str(spec.get("ExcludeCharacters", "")):
        alphabet = alphabet.replace(excluded, "")
    password = "".join(secrets.choice(alphabet) for _ in range(int(spec.get("PasswordLength", 32))))
    if spec.get("SecretStringTemplate") and spec.get("GenerateStringKey"):
        document = json.loads(spec["SecretStringTemplate"])
        document[spec["GenerateStringKey"]] = password
        return json.dumps(document)
    return password


def _create_table(logical_id: str, props: dict[str, Any], resolver: Resolver, ddb: Any,
                  created: StackResources) -> None:
    props = resolver.resolve(props)
    name = resolver.attributes[logical_id]["Ref"]
    request: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props.get("BillingMode", "PROVISIONED"),
    }
    provisioned = request["BillingMode"] == "PROVISIONED"
    if provisioned:
        request["ProvisionedThroughput"] = props.get(
            "ProvisionedThroughput", {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    indexes = []
    for index in props.get("GlobalSecondaryIndexes") or []:
        spec = {k: index[k] for k in ("IndexName", "KeySchema", "Projection")}
        if provisioned:
            spec["ProvisionedThroughput"] = index.get(
                "ProvisionedThroughput", {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
        indexes.append(spec)
    if indexes:
        request["GlobalSecondaryIndexes"] = indexes
    if props.get("LocalSecondaryIndexes"):
        request["LocalSecondaryIndexes"] = [
            {k: index[k] for k in ("IndexName", "KeySchema", "Projection")}
            for index in props["LocalSecondaryIndexes"]]
    stream = props.get("StreamSpecification")
    if stream:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
    try:
        description = ddb.create_table(**request)["TableDescription"]
        created_now = True
    except ddb.exceptions.ResourceInUseException:  # kept in the state folder
        description = ddb.describe_table(TableName=name)["Table"]
        created_now = False
        added = _add_missing_indexes(ddb, request, description)
        if added:
            created.added_indexes[logical_id] = added
    ttl = props.get("TimeToLiveSpecification")
    if created_now and ttl and str(ttl.get("Enabled", "")).lower() == "true":
        ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={
            "Enabled": True, "AttributeName": ttl["AttributeName"]})
    created.tables[logical_id] = name
    if description.get("LatestStreamArn"):
        created.stream_arns[logical_id] = description["LatestStreamArn"]
        resolver.attributes[logical_id]["StreamArn"] = description["LatestStreamArn"]


def _add_missing_indexes(ddb: Any, request: dict[str, Any], description: dict[str, Any]) -> list[str]:
    """A table kept from an older template gets the indexes added since (one per
    update, as DynamoDB allows); their keys on items written before come from the
    backfill (infra/backfill.py), which the stack runs when this added any."""
    present = {index["IndexName"] for index in description.get("GlobalSecondaryIndexes") or []}
    added = []
    for index in request.get("GlobalSecondaryIndexes") or []:
        if index["IndexName"] in present:
            continue
        key_names = {key["AttributeName"] for key in index["KeySchema"]}
        definitions = [d for d in request["AttributeDefinitions"] if d["AttributeName"] in key_names]
        ddb.update_table(TableName=request["TableName"], AttributeDefinitions=definitions,
                         GlobalSecondaryIndexUpdates=[{"Create": index}])
        added.append(index["IndexName"])
    return added


def _create_bucket(logical_id: str, props: dict[str, Any], resolver: Resolver, s3: Any,
                   created: StackResources) -> None:
    name = resolver.attributes[logical_id]["Ref"]
    existing = {bucket["Name"] for bucket in s3.list_buckets().get("Buckets", [])}
    if name not in existing:  # kept in the state folder (moto would replace it with an empty one)
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    versioning = props.get("VersioningConfiguration")
    if versioning:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={
            "Status": resolver.resolve(versioning["Status"])})
    created.buckets[logical_id] = name


# CloudFormation properties that are SQS queue attributes locally (encryption is not).
_QUEUE_ATTRIBUTES = ("DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod",
                     "ReceiveMessageWaitTimeSeconds", "VisibilityTimeout", "FifoQueue",
                     "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit")


def _create_queues(queues: list[tuple[str, dict[str, Any]]], resolver: Resolver, sqs: Any,
                   created: StackResources) -> None:
    """Create queues so that a dead-letter queue exists before a queue redrives to it."""
    pending = dict(queues)
    while pending:
        ready = [lid for lid, props in pending.items()
                 if _dead_letter_target(props, resolver) in (None, *(q.arn for q in created.queues.values()))]
        if not ready:
            raise ValueError(f"queues whose dead-letter queue is not in the template: {sorted(pending)}")
        for logical_id in ready:
            props = resolver.resolve(pending.pop(logical_id))
            attributes = {key: str(props[key]).lower() if isinstance(props[key], bool) else str(props[key])
                          for key in _QUEUE_ATTRIBUTES if key in props}
            for policy in ("RedrivePolicy", "RedriveAllowPolicy"):
                if policy in props:
                    value = props[policy]
                    attributes[policy] = value if isinstance(value, str) else json.dumps(value)
            name = resolver.attributes[logical_id]["QueueName"]
            url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
            resolver.attributes[logical_id]["Ref"] = url
            created.queues[logical_id] = Queue(logical_id, name, url, resolver.attributes[logical_id]["Arn"])


def _dead_letter_target(props: dict[str, Any], resolver: Resolver) -> str | None:
    policy = props.get("RedrivePolicy")
    if not policy:
        return None
    policy = resolver.resolve(policy)
    if isinstance(policy, str):
        policy = json.loads(policy)
    target = policy.get("deadLetterTargetArn")
    return str(target) if target is not None else None


def verify_email_identity(ses: Any, identity: str, created: StackResources) -> None:
    """moto's SES refuses to send from an unverified address; on AWS the
    identity is verified once by hand. Verify the address and its domain."""
    if not identity or identity in created.email_identities:
        return
    if "@" in identity:
        ses.verify_email_identity(EmailAddress=identity)
        domain = identity.split("@", 1)[1]
        ses.verify_domain_identity(Domain=domain)
    else:
        ses.verify_domain_identity(Domain=identity)
    created.email_identities.append(identity)


class DynamicReferences:
    """Values for `{{resolve:service:reference}}`: a secret the stack created, else a
    random local value, stable for the life of the stack."""

    def __init__(self) -> None:
        self.secrets: dict[str, str] = {}
        self._random: dict[str, str] = {}

    def __call__(self, service: str, reference: str) -> str:
        if service.startswith("secretsmanager"):
            value = self._secret(reference)
            if value is not None:
                return value
        if reference not in self._random:
            self._random[reference] = secrets.token_hex(32)
        return self._random[reference]

    def _secret(self, reference: str) -> str | None:
        # secret-id[:SecretString[:json-key[:version-stage[:version-id]]]]; an ARN has colons itself.
        for secret_id, value in self.secrets.items():
            if reference == secret_id or reference.startswith(secret_id + ":"):
                rest = reference[len(secret_id) + 1:].split(":")
                json_key = rest[1] if len(rest) > 1 and rest[1] else None
                return str(json.loads(value)[json_key]) if json_key else value
        return None
