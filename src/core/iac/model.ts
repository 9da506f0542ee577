/**
 * The one normalised model of security groups (and the bits of network the cost rule needs) that
 * both the Terraform and the CloudFormation adapters produce. Rules read only this model, so one
 * rule covers both formats. Ranges are 0-based (SourceRange from model/flows); `file` is the path
 * as given to the analyser. Every element carries an `id` the editor can hand back (hovers, fixes).
 */
import type { Severity, SourceRange } from '../model/flows';

export type IacFormat = 'terraform' | 'cloudformation';

/** Where a rule's peer is: an IPv4/IPv6 CIDR, another group, the group itself, a prefix list, or not known statically. */
export type SourceKind = 'cidr' | 'ipv6' | 'group' | 'self' | 'prefix-list' | 'unresolved';

export interface Located {
  file: string;
  range: SourceRange;
}

export interface RuleSource {
  /** Element id: `<ruleId>/src[<n>]`. */
  id: string;
  kind: SourceKind;
  /** The CIDR, the group (address, logical id or sg-id), the prefix-list id, or for 'unresolved' the expression as written. */
  value: string;
  /** Where it is written in the rule (the string literal with its quotes, or the reference). */
  range: SourceRange;
  file: string;
  /** Where the literal really lives when it came through a variable, local, tfvars or parameter. */
  definedAt?: Located;
  /** How it was resolved, e.g. `var.admin_cidr` (terraform.tfvars) or `Parameter AdminCidr`. */
  via?: string;
  /** For 'unresolved': why it could not be resolved. */
  reason?: string;
  /** For 'unresolved': the value is a literal that is not a valid CIDR (rule EL010 reports it). */
  invalid?: boolean;
  /**
   * For a literal in a CIDR field, the family the field takes: 4 (cidr_blocks, cidr_ipv4, CidrIp)
   * or 6 (ipv6_cidr_blocks, cidr_ipv6, CidrIpv6). `kind` follows the value, so an IPv6 block
   * written in an IPv4 field has kind 'ipv6' and field 4 (rule EL010 reports it).
   */
  field?: 4 | 6;
}

/** 'all' (-1), 'tcp', 'udp', 'icmp', 'icmpv6', another IANA number as a string; null when unresolved. */
export type Protocol = string;

export type RuleOrigin = 'inline' | 'dynamic' | 'standalone' | 'module' | 'implicit-default';

export interface SgRule {
  /** Element id: `<file>#<resource>/<direction>[<n>]` (or `<file>#<resource>` for a standalone rule resource). */
  id: string;
  direction: 'ingress' | 'egress';
  protocol: Protocol | null;
  /** Inclusive port range; 0..65535 when the protocol is 'all'; null when unresolved. ICMP keeps type/code here. */
  fromPort: number | null;
  toPort: number | null;
  sources: RuleSource[];
  /** null = absent; undefined never. */
  description: string | null;
  /** 'unresolved' when a description is written but is not a literal. */
  descriptionState: 'present' | 'missing' | 'unresolved';
  /** The rule's block (inline `ingress {}`), resource (standalone) or module-input element. */
  range: SourceRange;
  /** The first line of the rule (`ingress {`, the resource header, the module list item): for squiggles. */
  headerRange: SourceRange;
  /** The ports (from_port .. to_port or FromPort .. ToPort) when written; else the rule range. */
  portsRange: SourceRange;
  file: string;
  /** Address (Terraform) or logical id (CloudFormation) of the resource that declares the rule. */
  resource: string;
  /** The SecurityGroupModel.id it belongs to, when known. */
  groupId: string | null;
  /** How the target group was written when not found in the model (e.g. `data.aws_security_group.x.id`). */
  groupRef: string | null;
  origin: RuleOrigin;
  /** For module rules: the named rule, e.g. `ssh-tcp`. */
  namedRule?: string;
}

export interface SecurityGroupModel {
  /** Element id: `<file>#<address>`. */
  id: string;
  format: IacFormat;
  /** `aws_security_group.web`, `module.web_sg`, or the CloudFormation logical id. */
  address: string;
  resourceType: string;
  file: string;
  name: string | null;
  namePrefix: string | null;
  description: string | null;
  descriptionState: 'present' | 'missing' | 'unresolved';
  /** VPC identity: a resource address/logical id (`aws_vpc.main`, `VPC`), an id (`vpc-0abc`), or null. */
  vpc: string | null;
  isDefault: boolean;
  tags: Record<string, string>;
  range: SourceRange;
  headerRange: SourceRange;
  /** Ids of the rules (inline and standalone) that apply to this group. */
  ruleIds: string[];
}

export interface NetworkElement {
  id: string;
  format: IacFormat;
  kind: 'vpc' | 'subnet' | 'nat-gateway' | 'route-table' | 'route' | 'route-table-association' | 'vpc-endpoint' | 'internet-gateway';
  address: string;
  file: string;
  range: SourceRange;
  headerRange: SourceRange;
  /** VPC identity (see SecurityGroupModel.vpc). */
  vpc: string | null;
  cidr?: string | null;
  /** Route: the route table (identity) it belongs to; association: the table it attaches. */
  routeTable?: string | null;
  /** Route (or inline route of a table): the NAT gateway identity it targets. */
  natGateway?: string | null;
  /** Route tables with inline routes: the NAT gateways they target. */
  natGateways?: string[];
  subnet?: string | null;
  /** Endpoint: 's3' | 'dynamodb' | other service name; type 'Gateway' | 'Interface' | ... */
  service?: string | null;
  endpointType?: string | null;
  /** Association of a gateway endpoint with a route table: the endpoint identity. */
  endpoint?: string | null;
  /** Endpoint: route tables it is attached to (identities). */
  routeTables?: string[];
}

export interface Suppression {
  file: string;
  /** The comment or Metadata entry. */
  range: SourceRange;
  /** Findings whose range lies in this scope are suppressed. */
  scope: SourceRange;
  /** Rule ids (`EL001`) or `*` for all. */
  ruleIds: string[];
  reason: string;
  /** CloudFormation Metadata: the resource it sits on (suppresses every finding of that resource). */
  resource?: string;
}

export interface IacProblem {
  file: string;
  message: string;
  range?: SourceRange;
  severity: 'error' | 'warning';
}

/** One analysis unit: a Terraform module directory or a CloudFormation template. */
export interface IacModel {
  files: string[];
  groups: SecurityGroupModel[];
  rules: SgRule[];
  network: NetworkElement[];
  suppressions: Suppression[];
  problems: IacProblem[];
  /** Resources (and module calls) of any type seen, for the scan's "resources" count. */
  resourceCount: number;
}

export function emptyModel(): IacModel {
  return { files: [], groups: [], rules: [], network: [], suppressions: [], problems: [], resourceCount: 0 };
}

export function mergeModels(models: IacModel[]): IacModel {
  const out = emptyModel();
  for (const m of models) {
    out.files.push(...m.files);
    out.groups.push(...m.groups);
    out.rules.push(...m.rules);
    out.network.push(...m.network);
    out.suppressions.push(...m.suppressions);
    out.problems.push(...m.problems);
    out.resourceCount += m.resourceCount;
  }
  return out;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  title: string;
  message: string;
  file: string;
  /** 0-based (the CLI's JSON converts to 1-based). */
  range: SourceRange;
  resource: string;
  references: string[];
  suppressed: boolean;
  suppressionReason?: string;
  /** Model element ids this finding is about (group, rule, source), for hovers and quick fixes. */
  elementIds: string[];
  groupId?: string;
  sgRuleId?: string;
  sourceId?: string;
  /** Relative doc page, e.g. docs/rules/EL001.md. */
  docs: string;
}
