import { cidrNotationIssue, parseSourceCidr, type CidrNotationIssue } from '../iac/common';
import type { IacFormat, RuleSource, SgRule } from '../iac/model';
import { addressCount, onSource } from './common';
import type { RawFinding, RuleDefinition } from './types';

export const EL010: RuleDefinition = {
  id: 'EL010',
  title: 'Security-group CIDR with host bits set, malformed, or of the other IP family',
  severity: 'medium',
  rationale:
    'A CIDR in a security-group rule must name a network: the address must be the first one of its block (10.0.0.0/8, not 10.0.0.5/8 or 2001:db8::1/32), followed by a prefix length, in plain notation. ' +
    'The Terraform AWS provider checks this before any API call and stops the plan ("10.0.0.5/8" is not a valid CIDR block; did you mean "10.0.0.0/8"?), and cfn-lint reports it for CidrIp and CidrIpv6. ' +
    'Where nothing checks first, a value that is not a CIDR at all fails the EC2 call, so a CloudFormation stack stops and rolls back in the middle of an update; a block with host bits set has been seen accepted with the host bits cleared, so 10.0.0.5/8, meant as one host, opens the rule to 16 million addresses. ' +
    'Either way the text is not what gets deployed, and it usually hides a typo: a single host meant as /32, or a prefix length typed wrong. ' +
    'An IPv6 block in an IPv4 field (cidr_blocks, cidr_ipv4, CidrIp) or an IPv4 block in an IPv6 field (ipv6_cidr_blocks, cidr_ipv6, CidrIpv6) fails the same way: the provider and EC2 take each field for one family only. ' +
    'Medium, not high: the value breaks a deploy, it is not itself an exposure; what a widened block would expose is reported by EL001–EL006 on the same source, which read it as EC2 would (the network it lies in).',
  remediation:
    'Write the network address the prefix implies (the message names it: 10.0.0.0/8 for 10.0.0.5/8), or, when one host was meant, that address with /32 (IPv6: /128). Give a bare address its prefix, write IPv4 octets without leading zeros, and fix octets, prefixes and missing parts of a malformed value. Move a block of the other family to its own field (::/0 to ipv6_cidr_blocks or CidrIpv6).',
  references: ['cfn-lint:E1103'],
  examples: {
    terraform: {
      bad: `resource "aws_security_group" "admin" {
  description = "Admin access"
  ingress {
    description = "SSH from the bastion"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.20.30.40/24"]
  }
}

resource "aws_vpc_security_group_ingress_rule" "https_v6" {
  security_group_id = aws_security_group.admin.id
  description       = "HTTPS from the office"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv6         = "2001:db8::1/32"
}`,
      good: `resource "aws_security_group" "admin" {
  description = "Admin access"
  ingress {
    description = "SSH from the bastion"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.20.30.40/32"]
  }
}

resource "aws_vpc_security_group_ingress_rule" "https_v6" {
  security_group_id = aws_security_group.admin.id
  description       = "HTTPS from the office"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv6         = "2001:db8::/32"
}`,
    },
    cloudformation: {
      bad: `Resources:
  Admin:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Admin access
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 192.168.1.10/24
          Description: SSH from the bastion
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.0/24
          Description: HTTPS from the app subnet
`,
      good: `Resources:
  Admin:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Admin access
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 192.168.1.10/32
          Description: SSH from the bastion
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.0.0/24
          Description: HTTPS from the app subnet
`,
    },
  },
  check(model, ctx) {
    const out: RawFinding[] = [];
    // Module rules share their CIDR inputs (one literal, several rules): one finding per literal.
    const seen = new Map<string, RawFinding>();
    for (const rule of model.rules) {
      if (rule.origin === 'implicit-default') continue;
      const format = rule.groupId ? (ctx.groupsById.get(rule.groupId)?.format ?? null) : null;
      for (const s of rule.sources) {
        // Only values known statically: literal CIDRs, and literals that failed to parse as one.
        if (s.kind !== 'cidr' && s.kind !== 'ipv6' && !(s.kind === 'unresolved' && s.invalid)) continue;
        const issue = cidrNotationIssue(s.value);
        // The value's family against the field's (an IPv6 block in cidr_blocks, say).
        const family = s.kind === 'unresolved' || s.field === undefined ? null : (parseSourceCidr(s.value.trim())?.family ?? null);
        const wrongFamily = family !== null && family !== s.field;
        if (!issue && !wrongFamily) continue;
        const r = s.range;
        const key = `${s.file}:${r.start.line}:${r.start.column}:${r.end.line}:${r.end.column}:${s.value}`;
        const prev = seen.get(key);
        if (prev) {
          for (const id of [rule.id, s.id]) if (id && !prev.elementIds.includes(id)) prev.elementIds.push(id);
          continue;
        }
        const f = onSource(rule, s, wrongFamily ? familyMessage(rule, s, family, format) : notationMessage(rule, s, issue!, format));
        seen.set(key, f);
        out.push(f);
      }
    }
    return out;
  },
};

/**
 * "'10.0.0.5/8' on G has host bits set … Did you mean the network 10.0.0.0/8 (…), or the single
 * host 10.0.0.5/32?" What happens at deploy time is said for the format when it is known.
 */
export function notationMessage(rule: SgRule, s: RuleSource, issue: CidrNotationIssue, format: IacFormat | null): string {
  const written = `'${s.value.trim()}'${s.via ? ` (from ${s.via})` : ''} on ${rule.resource}`;
  if (issue.malformed !== null) {
    const fails = format === 'terraform' ? 'the Terraform AWS provider rejects it at plan time' : format === 'cloudformation' ? 'EC2 rejects it, so the stack deploy stops and rolls back' : 'AWS rejects it';
    return `${written} is not a valid CIDR: ${issue.malformed}. ${cap(fails)}, and the other rules cannot check this source until it is fixed.`;
  }
  const network = issue.network!;
  const host = issue.host!;
  const addr = host.slice(0, host.lastIndexOf('/'));
  const what: string[] = [];
  if (issue.noPrefix) what.push('has no prefix length, which a CIDR needs (the Terraform AWS provider rejects a bare address)');
  if (issue.leadingZeros.length) what.push(`writes ${issue.leadingZeros.map((o) => `'${o}'`).join(', ')} with a leading zero, which the Terraform AWS provider and cfn-lint reject (some tools read it as octal)`);
  if (issue.hostBits) what.push(`has host bits set: ${addr} is not the first address of its /${issue.prefix} block`);
  let advice: string;
  if (issue.hostBits) {
    const tf = 'the Terraform AWS provider rejects it at plan time';
    const ec2 = `EC2 has been seen to clear host bits silently, which would open the rule to all of ${network}`;
    const effect = format === 'terraform' ? tf : format === 'cloudformation' ? ec2 : `${tf}; ${ec2}`;
    advice = `${cap(effect)}. Did you mean the network ${network} (${addressCount(network)} addresses), or the single host ${host}?`;
  } else if (issue.noPrefix && /^0\.0\.0\.0$|^::$/.test(addr)) {
    advice = `As a single host, ${host} matches nothing; every ${issue.family === 4 ? 'IPv4' : 'IPv6'} address would be ${issue.family === 4 ? '0.0.0.0/0' : '::/0'} (the whole internet). Write the block you mean.`;
  } else if (issue.noPrefix) {
    advice = `Did you mean the single host ${host}?`;
  } else {
    advice = `Write it as ${network}.`;
  }
  return `${written} ${what.join(' and ')}. ${advice}`;
}

/**
 * "'::/0' on G is an IPv6 block in an IPv4 field …": AWS takes cidr_blocks / cidr_ipv4 / CidrIp
 * for IPv4 only and ipv6_cidr_blocks / cidr_ipv6 / CidrIpv6 for IPv6 only.
 */
export function familyMessage(rule: SgRule, s: RuleSource, family: 4 | 6, format: IacFormat | null): string {
  const written = `'${s.value.trim()}'${s.via ? ` (from ${s.via})` : ''} on ${rule.resource}`;
  const fields = (f: 4 | 6) =>
    format === 'cloudformation' ? (f === 4 ? 'CidrIp' : 'CidrIpv6') : format === 'terraform' ? (f === 4 ? 'cidr_blocks or cidr_ipv4' : 'ipv6_cidr_blocks or cidr_ipv6') : f === 4 ? 'cidr_blocks, cidr_ipv4 or CidrIp' : 'ipv6_cidr_blocks, cidr_ipv6 or CidrIpv6';
  const other: 4 | 6 = family === 4 ? 6 : 4;
  const fails = format === 'terraform' ? 'the Terraform AWS provider rejects it at plan time' : format === 'cloudformation' ? 'EC2 rejects it, so the stack deploy stops and rolls back' : 'AWS rejects it';
  return `${written} is an IPv${family} block in an IPv${other} field (${fields(other)}). ${cap(fails)}; move it to ${fields(family)}.`;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
