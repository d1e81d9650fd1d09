"""DnsStack, in the DNS account: the platform's public zone and, for each agency and the
front door, a role that may write only the NS record delegating that one subdomain."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_route53 as route53
from constructs import Construct

from . import names
from .config import Config


class DnsStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: Config, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        platform = config.platform
        self.zone = route53.PublicHostedZone(self, "Zone", zone_name=platform.domain)
        delegations = [(a.slug, a.account, a.domain) for a in config.everyone]
        delegations.append(("frontdoor", platform.platform_account, platform.frontdoor_domain))
        for slug, account, domain in delegations:
            role = iam.Role(
                self,
                f"Delegation-{slug}",
                role_name=names.delegation_role_name(slug),
                assumed_by=iam.AccountPrincipal(account),
                description=f"Lets account {account} delegate {domain}, and nothing else",
            )
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=["route53:ChangeResourceRecordSets"],
                    resources=[self.zone.hosted_zone_arn],
                    conditions={
                        "ForAllValues:StringEquals": {
                            "route53:ChangeResourceRecordSetsRecordTypes": ["NS"],
                            "route53:ChangeResourceRecordSetsNormalizedRecordNames": [domain],
                        }
                    },
                )
            )
            # ListHostedZonesByName has no resource to scope to: AWS requires "*".
            role.add_to_policy(
                iam.PolicyStatement(actions=["route53:ListHostedZonesByName"], resources=["*"])
            )
