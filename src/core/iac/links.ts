/**
 * Links from security groups in code to the deployed ones (sg-… ids), so flows and costs can be
 * shown on the code. Three methods, in order of trust, each recorded on the link:
 *  - 'terraform-state': terraform.tfstate (v4) or `terraform show -json` output — address → id;
 *  - 'cloudformation-stack': `aws cloudformation describe-stack-resources` output, or the stack a
 *    template is bound to (StackBinding; resources from ListStackResources, fetched by the caller
 *    or through a callback) — logical id → physical id;
 *  - 'name-vpc-tags': fallback against an Inventory — group name (+ VPC) or the
 *    aws:cloudformation:logical-id / Name tags, accepted only when exactly one group matches.
 * Pure: callers hand in the parsed JSON.
 */
import type { Inventory, SecurityGroup } from '../model/inventory';
import type { SecurityGroupModel } from './model';
import { dirOf } from './analyze';

export type LinkMethod = 'terraform-state' | 'terraform-show' | 'cloudformation-stack' | 'name-vpc-tags';

export interface DeployLink {
  /** SecurityGroupModel.id */
  groupId: string;
  address: string;
  deployedId: string;
  method: LinkMethod;
  /** The file (state, stack export) or 'inventory:<source>' it came from. */
  source: string;
  /** e.g. the instance key for count/for_each, or which name/tag matched. */
  detail?: string;
}

export interface TerraformStateInput {
  /** Path of the state file (for `source`). */
  source: string;
  json: unknown;
  /** Directory the state belongs to: only groups in files of this directory are linked. Omit for all. */
  dir?: string;
}

export interface StackResource {
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceType?: string;
  /** A DELETE_COMPLETE resource is not linked. */
  ResourceStatus?: string;
  StackName?: string;
}

export interface StackResourcesInput {
  source: string;
  /** `{ "StackResources": [...] }` as the CLI prints, or the array itself. */
  json: unknown;
  /** Template file the stack was created from: only its groups are linked. Omit for all templates. */
  template?: string;
}

interface StateInstance {
  address: string;
  type: string;
  id: string;
  index?: string | number;
}

function obj(x: unknown): Record<string, unknown> | null {
  return x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : null;
}

/** Managed resources of a v4 state or of `terraform show -json`, with their ids. */
export function stateInstances(json: unknown): { kind: 'terraform-state' | 'terraform-show'; instances: StateInstance[] } | null {
  const root = obj(json);
  if (!root) return null;
  const out: StateInstance[] = [];
  if (Array.isArray(root.resources)) {
    for (const r of root.resources) {
      const res = obj(r);
      if (!res || res.mode !== 'managed' || typeof res.type !== 'string' || typeof res.name !== 'string') continue;
      const prefix = typeof res.module === 'string' && res.module ? `${res.module}.` : '';
      for (const i of Array.isArray(res.instances) ? res.instances : []) {
        const inst = obj(i);
        const attrs = obj(inst?.attributes);
        if (!attrs || typeof attrs.id !== 'string') continue;
        const key = inst?.index_key as string | number | undefined;
        out.push({ address: `${prefix}${res.type}.${res.name}`, type: res.type, id: attrs.id, ...(key !== undefined ? { index: key } : {}) });
      }
    }
    return { kind: 'terraform-state', instances: out };
  }
  const values = obj(root.values);
  if (values) {
    const walk = (m: unknown): void => {
      const mod = obj(m);
      if (!mod) return;
      for (const r of Array.isArray(mod.resources) ? mod.resources : []) {
        const res = obj(r);
        const v = obj(res?.values);
        if (!res || res.mode !== 'managed' || !v || typeof v.id !== 'string' || typeof res.address !== 'string') continue;
        const address = res.address.replace(/\[[^\]]*\]$/, '');
        out.push({ address, type: String(res.type), id: v.id, ...(res.index !== undefined ? { index: res.index as string | number } : {}) });
      }
      for (const c of Array.isArray(mod.child_modules) ? mod.child_modules : []) walk(c);
    };
    walk(values.root_module);
    return { kind: 'terraform-show', instances: out };
  }
  return null;
}

export function isTerraformStateJson(json: unknown): boolean {
  const r = obj(json);
  return !!r && ((typeof r.terraform_version === 'string' && Array.isArray(r.resources)) || (typeof r.format_version === 'string' && !!obj(r.values)));
}

export function isStackResourcesJson(json: unknown): boolean {
  const r = obj(json);
  return !!r && Array.isArray(r.StackResources);
}

const SG_RESOURCE_TYPES = new Set(['aws_security_group', 'aws_default_security_group']);

export function linkFromTerraformState(groups: SecurityGroupModel[], input: TerraformStateInput): DeployLink[] {
  const parsed = stateInstances(input.json);
  if (!parsed) return [];
  const out: DeployLink[] = [];
  for (const g of groups) {
    if (g.format !== 'terraform') continue;
    if (input.dir !== undefined && dirOf(g.file) !== input.dir) continue;
    const isModule = g.address.startsWith('module.');
    const matches = parsed.instances.filter((i) => (isModule ? i.address.startsWith(`${g.address}.`) && SG_RESOURCE_TYPES.has(i.type) : i.address === g.address));
    for (const m of matches) {
      out.push({ groupId: g.id, address: g.address, deployedId: m.id, method: parsed.kind, source: input.source, ...(m.index !== undefined ? { detail: `instance [${JSON.stringify(m.index)}]` } : isModule ? { detail: m.address } : {}) });
    }
  }
  return out;
}

function stackList(json: unknown): StackResource[] {
  const root = obj(json);
  return (Array.isArray(json) ? json : root && Array.isArray(root.StackResources) ? root.StackResources : []) as StackResource[];
}

const SG_TYPE = 'AWS::EC2::SecurityGroup';

/** The stack's resource for a template's security group: same logical id, a group, not deleted. */
function stackResourceFor(list: StackResource[], logicalId: string): StackResource | undefined {
  return list.find((x) => x && x.LogicalResourceId === logicalId && (!x.ResourceType || x.ResourceType === SG_TYPE) && x.ResourceStatus !== 'DELETE_COMPLETE');
}

export function linkFromStackResources(groups: SecurityGroupModel[], input: StackResourcesInput): DeployLink[] {
  const list = stackList(input.json);
  const out: DeployLink[] = [];
  for (const g of groups) {
    if (g.format !== 'cloudformation') continue;
    if (input.template !== undefined && g.file !== input.template) continue;
    const r = stackResourceFor(list, g.address);
    if (r?.PhysicalResourceId) out.push({ groupId: g.id, address: g.address, deployedId: r.PhysicalResourceId, method: 'cloudformation-stack', source: input.source, ...(r.StackName ? { detail: `stack ${r.StackName}` } : {}) });
  }
  return out;
}

/** A template file bound to the stack deployed from it (setting egressLens.cloudFormation.stacks, `--cfn-stack`). */
export interface StackBinding {
  /** Path of the template, as the analysis names its files. */
  template: string;
  stack: string;
}

/** The link input of a binding, from the stack's resources (ListStackResources / describe-stack-resources). */
export function stackBindingInput(binding: StackBinding, resources: StackResource[]): StackResourcesInput {
  return { source: `stack:${binding.stack}`, json: resources.map((r) => (r.StackName ? r : { ...r, StackName: binding.stack })), template: binding.template };
}

/**
 * What a binding could not link, one message per security group of the template (or one for the
 * template when it has none): a group the stack does not have (template newer than the stack, or
 * the wrong stack), has under another type, or has without a physical id (creation failed).
 */
export function stackBindingProblems(groups: SecurityGroupModel[], binding: StackBinding, resources: StackResource[]): { file: string; message: string }[] {
  const mine = groups.filter((g) => g.format === 'cloudformation' && g.file === binding.template);
  if (!mine.length) return [{ file: binding.template, message: `stack ${binding.stack} is configured for this file, but it has no AWS::EC2::SecurityGroup resources to link` }];
  const out: { file: string; message: string }[] = [];
  for (const g of mine) {
    const r = stackResourceFor(resources, g.address);
    if (r?.PhysicalResourceId) continue;
    const other = resources.find((x) => x && x.LogicalResourceId === g.address);
    const why = r
      ? `has no physical id${r.ResourceStatus ? ` (status ${r.ResourceStatus})` : ''}`
      : other && other.ResourceStatus === 'DELETE_COMPLETE'
        ? 'was deleted from the stack'
        : other
          ? `has type ${other.ResourceType ?? '(none)'} in the stack, not ${SG_TYPE}`
          : 'is not a resource of the stack (the template may be newer than the stack, or the stack name wrong)';
    out.push({ file: binding.template, message: `${g.address}: not linked to stack ${binding.stack}: logical id ${g.address} ${why}` });
  }
  return out;
}

/** Fetches a stack's resources through a callback (the AWS call lives in the sources layer). */
export async function linkCloudFormationStack(
  groups: SecurityGroupModel[],
  stackName: string,
  fetch: (stackName: string) => Promise<StackResource[]>,
  template?: string,
): Promise<DeployLink[]> {
  const list = await fetch(stackName);
  if (template !== undefined) return linkFromStackResources(groups, stackBindingInput({ template, stack: stackName }, list));
  return linkFromStackResources(groups, { source: `stack:${stackName}`, json: list.map((r) => (r.StackName ? r : { ...r, StackName: stackName })) });
}

function tag(sg: SecurityGroup, key: string): string | undefined {
  return sg.Tags?.find((t) => t.Key === key)?.Value;
}

/**
 * Fallback: match by group name (or name prefix), VPC and tags against the deployed inventory.
 * `vpcIds` maps VPC identities in code (`aws_vpc.main`) to deployed ids when known (from state).
 */
export function linkByInventory(groups: SecurityGroupModel[], inventory: Inventory, vpcIds: Map<string, string> = new Map()): DeployLink[] {
  const out: DeployLink[] = [];
  for (const g of groups) {
    const vpc = g.vpc ? (vpcIds.get(g.vpc) ?? (g.vpc.startsWith('vpc-') ? g.vpc : null)) : null;
    const inVpc = (sg: SecurityGroup): boolean => !vpc || sg.VpcId === vpc;
    let how = '';
    let cands: SecurityGroup[] = [];
    if (g.format === 'cloudformation') {
      cands = inventory.securityGroups.filter((sg) => tag(sg, 'aws:cloudformation:logical-id') === g.address && inVpc(sg));
      how = 'tag aws:cloudformation:logical-id';
    }
    if (!cands.length && g.name) {
      cands = inventory.securityGroups.filter((sg) => sg.GroupName === g.name && inVpc(sg));
      how = `name ${g.name}${vpc ? ` in ${vpc}` : ''}`;
    }
    if (!cands.length && g.namePrefix) {
      cands = inventory.securityGroups.filter((sg) => sg.GroupName?.startsWith(g.namePrefix!) && inVpc(sg));
      how = `name prefix ${g.namePrefix}`;
    }
    if (!cands.length && g.tags.Name) {
      cands = inventory.securityGroups.filter((sg) => tag(sg, 'Name') === g.tags.Name && inVpc(sg));
      how = `tag Name=${g.tags.Name}`;
    }
    if (cands.length > 1) {
      // Narrow by the other tags written in code.
      const keys = Object.entries(g.tags);
      const narrowed = cands.filter((sg) => keys.every(([k, v]) => tag(sg, k) === v));
      if (narrowed.length === 1) {
        cands = narrowed;
        how += ' + tags';
      }
    }
    if (cands.length === 1 && cands[0].GroupId) out.push({ groupId: g.id, address: g.address, deployedId: cands[0].GroupId, method: 'name-vpc-tags', source: `inventory:${inventory.source}`, detail: how });
  }
  return out;
}

export interface LinkInputs {
  terraformStates?: TerraformStateInput[];
  stackResources?: StackResourcesInput[];
  inventory?: Inventory;
}

/**
 * All methods, most trusted first; a group linked by state or stack is not re-linked by the
 * fallback, and a group linked by the stack its template is bound to not by unbound exports.
 */
export function linkDeployed(groups: SecurityGroupModel[], inputs: LinkInputs): DeployLink[] {
  const out: DeployLink[] = [];
  const vpcIds = new Map<string, string>();
  for (const s of inputs.terraformStates ?? []) {
    out.push(...linkFromTerraformState(groups, s));
    for (const i of stateInstances(s.json)?.instances ?? []) if (i.type === 'aws_vpc' || i.type === 'aws_default_vpc') vpcIds.set(i.address, i.id);
  }
  // A template bound to its stack is linked by that stack only, not also by exports found beside it.
  const stackInputs = [...(inputs.stackResources ?? [])].sort((a, b) => Number(a.template === undefined) - Number(b.template === undefined));
  const boundGroups = new Set<string>();
  for (const s of stackInputs) {
    const links = linkFromStackResources(groups, s);
    if (s.template !== undefined) for (const l of links) boundGroups.add(l.groupId);
    out.push(...(s.template !== undefined ? links : links.filter((l) => !boundGroups.has(l.groupId))));
    for (const r of stackList(s.json)) if (r.ResourceType === 'AWS::EC2::VPC' && r.PhysicalResourceId) vpcIds.set(r.LogicalResourceId, r.PhysicalResourceId);
  }
  if (inputs.inventory) {
    const linked = new Set(out.map((l) => l.groupId));
    out.push(...linkByInventory(groups.filter((g) => !linked.has(g.id)), inputs.inventory, vpcIds));
  }
  return out;
}
