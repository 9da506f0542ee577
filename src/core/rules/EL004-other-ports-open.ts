import { ADMIN_PORTS, DATA_PORTS, RISKY_PORTS, WEB_PORTS, coveredPorts, describePorts, ingressRules, isAllTraffic, onSource, portReferences, portsPhrase, portsText, internetSources } from './common';
import type { RawFinding, RuleDefinition } from './types';

/** cfn_nag W2 and Prowler's any-port check cover every world-open port; the rest are per port. */
const BASE = ['W2', 'prowler:ec2_securitygroup_allow_ingress_from_internet_to_any_port'];

export const EL004: RuleDefinition = {
  id: 'EL004',
  title: 'Port open to the internet',
  severity: 'low',
  rationale:
    'Anything reachable from 0.0.0.0/0 or ::/0 is part of the attack surface. For a public web server on 80/443 that is the point (reported as info); for other ports (FTP, Telnet, SMB, mail, dev servers) it usually is not. A range that also holds SSH, RDP or a database port is reported by EL001/EL003 too; this rule names the other risky ports in it.',
  remediation:
    'If the service is meant to be public, keep the rule and give it a description saying so (or suppress with a reason). Otherwise narrow the source to known CIDRs or a security group; put web servers behind a load balancer.',
  references: portReferences(BASE, [...WEB_PORTS, ...RISKY_PORTS]),
  examples: {
    terraform: {
      bad: `resource "aws_security_group" "ftp" {
  description = "FTP"
  ingress {
    description      = "FTP"
    from_port        = 21
    to_port          = 21
    protocol         = "tcp"
    ipv6_cidr_blocks = ["::/0"]
  }
}`,
      good: `resource "aws_security_group" "ftp" {
  description = "FTP"
  ingress {
    description = "FTP from the partner"
    from_port   = 21
    to_port     = 21
    protocol    = "tcp"
    cidr_blocks = ["198.51.100.0/28"]
  }
}`,
    },
    cloudformation: {
      bad: `Resources:
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Web
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 8080
          ToPort: 8080
          CidrIp: 0.0.0.0/0
          Description: app
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.0.0/16
          Description: HTTPS inside the VPC
`,
      good: `Resources:
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Web
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 8080
          ToPort: 8080
          SourceSecurityGroupId: sg-0123456789abcdef0
          Description: app from the load balancer
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
      if (isAllTraffic(rule)) continue; // EL002
      const risky = coveredPorts(rule, RISKY_PORTS);
      // A range with admin or database ports is EL001/EL003's; EL004 adds the other risky ports in it.
      if (!risky.length && (coveredPorts(rule, ADMIN_PORTS).length || coveredPorts(rule, DATA_PORTS).length)) continue;
      const world = internetSources(rule);
      if (!world.length) continue;
      const onlyWeb = (rule.protocol === 'tcp' || rule.protocol === 'udp') && rule.fromPort !== null && rule.fromPort === rule.toPort && WEB_PORTS.some((w) => w.port === rule.fromPort);
      const references = portReferences(BASE, [...risky, ...coveredPorts(rule, WEB_PORTS)]);
      const icmp = rule.protocol === 'icmp' || rule.protocol === 'icmpv6';
      for (const { source: s, text } of world) {
        let message: string;
        let severity: RawFinding['severity'];
        if (risky.length) message = `${portsPhrase(rule, describePorts(risky))} is open to ${text} on ${rule.resource}; these services are rarely meant to be public.`;
        else if (onlyWeb) {
          message = `${portsText(rule)} is open to ${text} on ${rule.resource}. Fine for a public web server; if this one is not public, narrow the source.`;
          severity = 'info';
        } else if (icmp) {
          message = `${portsText(rule)} from ${text} on ${rule.resource}: the host answers pings and path-MTU probes from anyone.`;
          severity = 'info';
        } else message = `${portsText(rule)} is open to ${text} on ${rule.resource}. If it is not meant to be public, narrow the source.`;
        out.push(onSource(rule, s, message, references, severity));
      }
    }
    return out;
  },
};
