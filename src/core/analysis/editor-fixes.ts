/**
 * Quick fixes as text edits (pure): restrict an open CIDR to observed sources, remove a rule,
 * add a description, add S3/DynamoDB gateway endpoints, suppress with a reason comment. Each
 * function gets the document text and model elements and returns the edits, or null when the
 * fix does not apply to that syntax (e.g. multi-line edits in CloudFormation JSON).
 */
import type { SourceRange } from '../model/flows';
import type { Finding, IacFormat, IacModel, NetworkElement, RuleSource, SecurityGroupModel, SgRule } from '../iac/model';

export interface TextEditSpec {
  range: SourceRange;
  newText: string;
}

export interface FixSpec {
  title: string;
  edits: TextEditSpec[];
  isPreferred?: boolean;
}

export type Syntax = 'terraform' | 'yaml' | 'json';

/** The syntax edits are written in: Terraform JSON (`.tf.json`) gets the JSON fixes, as CloudFormation JSON does. */
export function syntaxOf(path: string, format: IacFormat): Syntax {
  if (/\.json$/i.test(path)) return 'json';
  return format === 'terraform' ? 'terraform' : 'yaml';
}

const pos = (line: number, column: number) => ({ line, column });
const at = (line: number, column = 0): SourceRange => ({ start: pos(line, column), end: pos(line, column) });

function lines(text: string): string[] {
  return text.split(/\r?\n/);
}

function indentOf(line: string): string {
  return /^\s*/.exec(line)?.[0] ?? '';
}

function eol(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Is an address a single host (/32 or /128)? Observed peers are plain addresses. */
function hostCidr(addr: string): string {
  if (addr.includes('/')) return addr;
  return addr.includes(':') ? `${addr}/128` : `${addr}/32`;
}

/**
 * Replaces an open CIDR with the sources actually observed. Terraform lists take several
 * strings; CloudFormation's CidrIp takes one, so it applies there only with a single source.
 * Not offered for values that come through a variable/parameter (the edit belongs elsewhere).
 */
export function restrictToObserved(text: string, syntax: Syntax, source: RuleSource, observed: string[]): FixSpec | null {
  if (source.kind !== 'cidr' && source.kind !== 'ipv6') return null;
  if (source.via || source.definedAt) return null;
  const family = source.kind === 'ipv6' ? ':' : '.';
  const addrs = [...new Set(observed.filter((a) => a.includes(family)))].map(hostCidr).sort();
  if (!addrs.length || addrs.length > 20) return null;
  const ls = lines(text);
  if (source.range.start.line !== source.range.end.line) return null;
  const written = ls[source.range.start.line]?.slice(source.range.start.column, source.range.end.column) ?? '';
  const quote = /^["']/.test(written) ? written[0] : syntax === 'yaml' ? '' : '"';
  if (syntax !== 'terraform' && addrs.length > 1) return null;
  // Several CIDRs fit only in a list (cidr_blocks = [...]), not in a one-CIDR attribute (cidr_ipv4 = "...").
  if (addrs.length > 1 && !inList(ls, source.range.start.line, source.range.start.column)) return null;
  const newText = addrs.map((a) => `${quote}${a}${quote}`).join(', ');
  const what = addrs.length === 1 ? addrs[0] : `${addrs.length} observed sources`;
  return { title: `Restrict ${source.value} to ${what} (seen in flow logs)`, edits: [{ range: source.range, newText }], isPreferred: true };
}

/** Is the value at (line, column) an element of a list: the text before it ends with `[` or `,`? */
function inList(ls: string[], line: number, column: number): boolean {
  for (let l = line, before = (ls[line] ?? '').slice(0, column); l >= 0; before = ls[--l] ?? '') {
    const t = before.replace(/(#|\/\/).*$/, '').trimEnd();
    if (t) return t.endsWith('[') || t.endsWith(',');
  }
  return false;
}

/** Whole lines covered by a range (a range ending at column 0 stops before that line). */
function lineSpan(range: SourceRange): { first: number; last: number } {
  const last = range.end.column === 0 && range.end.line > range.start.line ? range.end.line - 1 : range.end.line;
  return { first: range.start.line, last };
}

/** Deletes a rule block / list item / standalone resource (and a blank line after a resource). */
export function removeRule(text: string, syntax: Syntax, rule: SgRule): FixSpec | null {
  if (syntax === 'json' || rule.origin === 'module' || rule.origin === 'implicit-default' || rule.origin === 'dynamic') return null;
  const ls = lines(text);
  const { first, last } = lineSpan(rule.range);
  if (syntax === 'terraform' && !/\{\s*$/.test(ls[first] ?? '')) return null;
  if (syntax === 'yaml' && rule.origin === 'inline' && !/^\s*-\s/.test(ls[first] ?? '')) return null;
  let end = last + 1;
  // Do not leave two blank lines where the block was.
  const blankBefore = first === 0 || ls[first - 1].trim() === '';
  if (blankBefore && end < ls.length && ls[end].trim() === '') end++;
  const ports = rule.fromPort === rule.toPort ? `${rule.fromPort}` : `${rule.fromPort}-${rule.toPort}`;
  return { title: `Remove the unused ${rule.direction} rule (${rule.protocol === 'all' ? 'all traffic' : `${rule.protocol} ${ports}`})`, edits: [{ range: { start: pos(first, 0), end: pos(end, 0) }, newText: '' }] };
}

const DESCRIPTION_PLACEHOLDER = 'TODO: who needs this access and why';

/** Adds a description attribute to a rule or a group. */
export function addDescription(text: string, syntax: Syntax, target: SgRule | SecurityGroupModel): FixSpec | null {
  if (syntax === 'json') return null;
  const isRule = 'direction' in target;
  if (isRule && (target.origin === 'module' || target.origin === 'dynamic' || target.origin === 'implicit-default')) return null;
  const ls = lines(text);
  const nl = eol(text);
  const { first, last } = lineSpan(target.range);
  if (syntax === 'terraform') {
    const header = ls[first] ?? '';
    if (!/\{\s*$/.test(header)) return null;
    const inner = ls.slice(first + 1, last).find((l) => l.trim() && !l.trim().startsWith('#'));
    const indent = inner ? indentOf(inner) : `${indentOf(header)}  `;
    const placeholder = isRule ? DESCRIPTION_PLACEHOLDER : 'TODO: what this group is for';
    return {
      title: isRule ? 'Add a description to this rule' : 'Add a description to this group (Terraform replaces the group when it changes)',
      edits: [{ range: at(first + 1), newText: `${indent}description = "${placeholder}"${nl}` }],
    };
  }
  // YAML: an inline rule is a list item "- Key: v"; a resource has a "Properties:" mapping.
  const head = ls[first] ?? '';
  const item = /^(\s*)-\s+(\S)/.exec(head);
  if (isRule && target.origin === 'inline' && item) {
    const indent = ' '.repeat(head.indexOf(item[2]));
    return { title: 'Add a description to this rule', edits: [{ range: at(first + 1), newText: `${indent}Description: "${DESCRIPTION_PLACEHOLDER}"${nl}` }] };
  }
  for (let i = first; i <= last && i < ls.length; i++) {
    if (/^\s*Properties:\s*$/.test(ls[i])) {
      const next = ls.slice(i + 1, last + 1).find((l) => l.trim());
      const indent = next ? indentOf(next) : `${indentOf(ls[i])}  `;
      const key = isRule ? 'Description' : 'GroupDescription';
      return { title: isRule ? 'Add a description to this rule' : 'Add a description to this group', edits: [{ range: at(i + 1), newText: `${indent}${key}: "${isRule ? DESCRIPTION_PLACEHOLDER : 'TODO: what this group is for'}"${nl}` }] };
    }
  }
  return null;
}

/**
 * Adds gateway endpoints (free) for S3 and/or DynamoDB on the route tables that send traffic to a
 * NAT gateway, after the last line of the file (Terraform) or of the template's last resource (YAML).
 */
export function addGatewayEndpoints(text: string, syntax: Syntax, model: IacModel, file: string, services: ('s3' | 'dynamodb')[], region?: string): FixSpec | null {
  if (syntax === 'json' || !services.length) return null;
  // The model is the whole module (Terraform) or template: route tables may live in a sibling file.
  const inFile = (_n: NetworkElement) => true;
  const tables = new Set<string>();
  let vpc: string | null = null;
  for (const n of model.network.filter(inFile)) {
    if (n.kind === 'route' && n.natGateway && n.routeTable) tables.add(n.routeTable);
    if (n.kind === 'route-table' && n.natGateways?.length) tables.add(n.address);
  }
  for (const n of model.network.filter(inFile)) if (tables.has(n.address) && n.vpc) vpc = n.vpc;
  if (!tables.size) return null;
  if (!vpc) vpc = model.network.find((n) => inFile(n) && n.kind === 'vpc')?.address ?? null;
  if (!vpc) return null;
  const existing = new Set(model.network.filter((n) => n.kind === 'vpc-endpoint').map((n) => (n.service ?? '').toLowerCase()));
  const wanted = services.filter((s) => !existing.has(s));
  if (!wanted.length) return null;
  const ls = lines(text);
  const nl = eol(text);
  const tableList = [...tables].sort();
  let block: string;
  let insertLine: number;
  if (syntax === 'terraform') {
    const ref = (addr: string) => (addr.includes('.') ? `${addr}.id` : `"${addr}"`);
    const serviceName = (s: string) => (region ? `"com.amazonaws.${region}.${s}"` : `"com.amazonaws.\${data.aws_region.current.name}.${s}"`);
    block = wanted
      .map((s) =>
        [
          `resource "aws_vpc_endpoint" "${s}" {`,
          `  vpc_id            = ${ref(vpc!)}`,
          `  service_name      = ${serviceName(s)}`,
          `  vpc_endpoint_type = "Gateway"`,
          `  route_table_ids   = [${tableList.map(ref).join(', ')}]`,
          `}`,
        ].join(nl),
      )
      .join(nl + nl);
    if (!region) block = `data "aws_region" "current" {}${nl}${nl}${block}`;
    insertLine = ls.length;
    while (insertLine > 0 && ls[insertLine - 1].trim() === '') insertLine--;
    return { title: `Add ${wanted.map((s) => (s === 's3' ? 'S3' : 'DynamoDB')).join(' and ')} gateway endpoint${wanted.length > 1 ? 's' : ''} (no NAT processing charge)`, edits: [{ range: at(insertLine, 0), newText: `${insertLine > 0 ? nl : ''}${block}${nl}` }], isPreferred: true };
  }
  // YAML: after the last resource of the file; same indentation as resource names.
  const resources = [...model.groups, ...model.network].filter((r) => r.file === file);
  if (!resources.length) return null;
  const lastRes = resources.reduce((a, b) => (a.range.end.line > b.range.end.line ? a : b));
  const indent = indentOf(ls[lastRes.range.start.line] ?? '  ');
  const { last } = lineSpan(lastRes.range);
  insertLine = last + 1;
  const name = (s: string) => (s === 's3' ? 'S3GatewayEndpoint' : 'DynamoDbGatewayEndpoint');
  block = wanted
    .map((s) =>
      [
        `${indent}${name(s)}:`,
        `${indent}  Type: AWS::EC2::VPCEndpoint`,
        `${indent}  Properties:`,
        `${indent}    VpcId: !Ref ${vpc}`,
        `${indent}    ServiceName: !Sub com.amazonaws.\${AWS::Region}.${s}`,
        `${indent}    VpcEndpointType: Gateway`,
        `${indent}    RouteTableIds:`,
        ...tableList.map((t) => `${indent}      - !Ref ${t}`),
      ].join(nl),
    )
    .join(nl);
  return { title: `Add ${wanted.map((s) => (s === 's3' ? 'S3' : 'DynamoDB')).join(' and ')} gateway endpoint${wanted.length > 1 ? 's' : ''} (no NAT processing charge)`, edits: [{ range: at(insertLine, 0), newText: `${nl}${block}${nl}` }], isPreferred: true };
}

/**
 * Suppresses a finding with a reason comment on the line above the innermost block holding it
 * (the rule block, or the resource). CloudFormation JSON has no comments: not offered there.
 * Terraform JSON: a `"//"` property first in the resource's body (covers the whole resource),
 * not offered when the body already has one (Terraform rejects a repeated key).
 */
export function suppressFinding(text: string, syntax: Syntax, finding: Finding, model: IacModel, reason = 'TODO: why this is accepted'): FixSpec | null {
  const rule = finding.sgRuleId ? model.rules.find((r) => r.id === finding.sgRuleId) : undefined;
  const group = finding.groupId ? model.groups.find((g) => g.id === finding.groupId) : undefined;
  if (syntax === 'json') return /\.tf\.json$/i.test(finding.file) ? suppressInTerraformJson(text, finding, rule, group, reason) : null;
  const ls = lines(text);
  const nl = eol(text);
  const holder = rule && rule.file === finding.file && rule.origin !== 'implicit-default' ? rule : group && group.file === finding.file ? group : undefined;
  // Above the rule block / list item (in YAML a comment there falls inside the resource, whose
  // findings of that rule id it then covers), else above the resource.
  const line = holder ? holder.range.start.line : finding.range.start.line;
  const indent = indentOf(ls[line] ?? '');
  const comment = `${indent}# egress-lens:ignore ${finding.ruleId} ${reason}${nl}`;
  return { title: `Suppress ${finding.ruleId} here (with a reason comment)`, edits: [{ range: at(line, 0), newText: comment }] };
}

function suppressInTerraformJson(text: string, finding: Finding, rule: SgRule | undefined, group: SecurityGroupModel | undefined, reason: string): FixSpec | null {
  const holder = rule && rule.origin === 'standalone' && rule.file === finding.file ? rule : group && group.file === finding.file ? group : undefined;
  if (!holder) return null;
  const ls = lines(text);
  const nl = eol(text);
  const { first, last } = lineSpan(holder.range);
  if (!/\{\s*$/.test(ls[first] ?? '')) return null;
  const inside = ls.slice(first + 1, last + 1);
  if (inside.some((l) => /^\s*"\/\/"\s*:/.test(l))) return null;
  const inner = inside.find((l) => l.trim());
  const closesHere = !inner || inner.trim().startsWith('}');
  const indent = inner && !closesHere ? indentOf(inner) : `${indentOf(ls[first] ?? '')}  `;
  const comment = `${indent}"//": ${JSON.stringify(`egress-lens:ignore ${finding.ruleId} ${reason}`)}${closesHere ? '' : ','}${nl}`;
  return { title: `Suppress ${finding.ruleId} in this resource (with a reason in a "//" property)`, edits: [{ range: at(first + 1), newText: comment }] };
}
