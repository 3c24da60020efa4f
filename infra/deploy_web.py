"""Upload the web app to its bucket after `sam deploy` (make deploy; docs/workspace.md).

    python -m infra.deploy_web --stack vroegsignaal --region eu-west-1 [--dry-run]

Reads the stack's outputs (WebBucketName, WebDistributionId, ApiUrl and, once the
Cognito block is deployed, UserPoolId / UserPoolClientId / UserPoolDomain), writes
/config.json for them, `aws s3 sync`s web/ (the app's HTML, JS, CSS and images only)
to the bucket and asks CloudFront to fetch them again. No build step: the files are
served as they are (gzip or brotli by CloudFront).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from web.serving import config_document

WEB = Path(__file__).resolve().parent.parent / "web"
# Only what the app serves (web/serving.py SERVED_SUFFIXES); never its Python helpers.
SYNC_FILTERS = ["--exclude", "*", "--include", "*.html", "--include", "*.js", "--include", "*.css",
                "--include", "*.png", "--include", "*.svg"]


def stack_outputs(stack: str, region: str) -> dict[str, str]:
    import boto3
    (described,) = boto3.client("cloudformation", region_name=region).describe_stacks(StackName=stack)["Stacks"]
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}


def config_for(outputs: dict[str, str], region: str) -> bytes:
    """/config.json of the deployed app: the API's address and the user pool (null until it exists)."""
    cognito: dict[str, Any] | None = None
    if outputs.get("UserPoolId") and outputs.get("UserPoolClientId"):
        cognito = {"region": region, "user_pool_id": outputs["UserPoolId"], "client_id": outputs["UserPoolClientId"],
                   "endpoint": None}
        if outputs.get("UserPoolDomain"):
            cognito["domain"] = outputs["UserPoolDomain"]
    return config_document(api_url=outputs["ApiUrl"].rstrip("/"), cognito=cognito)


def commands(outputs: dict[str, str], config_path: Path, region: str) -> list[list[str]]:
    bucket = f"s3://{outputs['WebBucketName']}"
    return [
        ["aws", "s3", "sync", str(WEB), bucket, "--delete", "--region", region, *SYNC_FILTERS],
        ["aws", "s3", "cp", str(config_path), f"{bucket}/config.json", "--region", region,
         "--content-type", "application/json", "--cache-control", "no-cache"],
        ["aws", "cloudfront", "create-invalidation", "--distribution-id", outputs["WebDistributionId"],
         "--paths", "/*"],
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack", default="vroegsignaal")
    parser.add_argument("--region", default="eu-west-1")
    parser.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    args = parser.parse_args(argv)
    outputs = stack_outputs(args.stack, args.region)
    with tempfile.TemporaryDirectory() as folder:
        config_path = Path(folder) / "config.json"
        config_path.write_bytes(config_for(outputs, args.region))
        for command in commands(outputs, config_path, args.region):
            print(" ".join(command), flush=True)
            if not args.dry_run:
                subprocess.run(command, check=True)
    print(f"web app: {outputs.get('WebUrl')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
