import { isPrivateCidr, prefixLength } from '../iac/common';
import { ADMIN_PORTS, DATA_PORTS, addressCount, coveredPorts, describePorts, ingressRules, internetSources, isAllTraffic, onSource, portsText } from './common';
import type { RawFinding, RuleDefinition } from './types';

/** IPv4 sources wider than this prefix (and IPv6 wider than /32) count as "wide". */
export const WIDE_IPV4_PREFIX = 16;
export const WIDE_IPV6_PREFIX = 32;

export const EL005: RuleDefinition = {
  id: 'EL005',
  title: 'Sensitive port open to a very wide address range',
  severity: 'medium',
  rationale:
    'A source such as 10.0.0.0/8 or 172.16.0.0/12 is not the internet, but it is every host in every VPC, peered network and VPN that uses that space; one compromised machine anywhere in it can reach the admin or database port. Wide public ranges (a /12 of someone else\'s space) are worse.',
  remediation: `Use the VPC or subnet CIDR (a /${WIDE_IPV4_PREFIX} or narrower), or better the security group of the clients.`,
  references: ['W9', 'prowler:ec2_securitygroup_allow_wide_open_public_ipv4'],
  examples: {
    terraform: {
      bad: `locals {
  corporate = "10.0.0.0/8"
}

resource "aws_security_group" "admin" {
  description = "Admin"
  ingress {
    description = "SSH from anywhere internal"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [local.corporate]
  }
}`,
      good: `resource "aws_security_group" "admin" {
  description = "Admin"
  ingress {
    description = "SSH from the VPN subnet"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.20.30.0/24"]
  }
}`,
    },
    cloudformation: {
      bad: `Parameters:
  Corporate:
    Type: String
    Default: 172.16.0.0/12
Resources:
  Admin:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Admin
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 5432
          ToPort: 5432
          CidrIp: !Ref Corporate
          Description: PostgreSQL
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.0.0/16
          Description: HTTPS inside the VPC
`,
      good: `Parameters:
  AppSubnet:
    Type: String
    Default: 172.16.4.0/24
Resources:
  Admin:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Admin
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 5432
          ToPort: 5432
          CidrIp: !Ref AppSubnet
          Description: PostgreSQL
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.0.0/16
          Description: HTTPS inside the VPC
`,
    },
  },
  check(model) {
    const out: RawFinding[] = [];
    for (const rule of ingressRules(model.rules)) {
      const all = isAllTraffic(rule);
      const ports = [...coveredPorts(rule, ADMIN_PORTS), ...coveredPorts(rule, DATA_PORTS)];
      if (!all && !ports.length) continue;
      const internet = new Set(internetSources(rule).map((w) => w.source)); // EL001–EL003
      for (const s of rule.sources) {
        if ((s.kind !== 'cidr' && s.kind !== 'ipv6') || internet.has(s)) continue;
        const len = prefixLength(s.value);
        if (len === null) continue;
        const wide = s.kind === 'cidr' ? len < WIDE_IPV4_PREFIX : len < WIDE_IPV6_PREFIX;
        if (!wide) continue;
        const what = all ? portsText(rule) : ports.length > 3 ? `${describePorts(ports.slice(0, 3))} and more` : describePorts(ports);
        const priv = isPrivateCidr(s.value);
        const space = priv ? 'private' : 'public';
        // Prowler's check is about public IPv4 ranges only; cfn_nag W9 about any non-/32 source.
        const references = s.kind === 'cidr' && !priv ? EL005.references.slice() : ['W9'];
        out.push(onSource(rule, s, `${what} is open to ${s.value}${s.via ? ` (from ${s.via})` : ''}: ${addressCount(s.value)} ${space} addresses on ${rule.resource}. Narrow it to the clients' subnet or security group.`, references));
      }
    }
    return out;
  },
};
