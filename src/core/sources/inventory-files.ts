/**
 * The network inventory from files: the JSON that `aws ec2 describe-…` prints (`--output json`),
 * one or more documents per directory, recognised by their top-level keys, not their names:
 *
 *   SecurityGroups, NetworkInterfaces, Subnets, Vpcs, NatGateways, InternetGateways, VpcEndpoints,
 *   VpcPeeringConnections, TransitGatewayAttachments, TransitGatewayVpcAttachments,
 *   ManagedPrefixLists, PrefixLists (describe-prefix-lists, with Cidrs), Reservations / Instances,
 *   Entries (get-managed-prefix-list-entries; the prefix-list id is taken from the file name,
 *   e.g. `pl-0123abcd.json` or `prefix-list-entries-pl-0123abcd.json`), and the extension
 *   `PrefixListEntries: {"pl-…": ["cidr", …]}`.
 *
 * Files of other shapes are reported as warnings and skipped; missing files are fine (an empty
 * part of the inventory). A file that is not valid JSON is an error naming the file, line and
 * column. The caller decides whether errors are fatal (the CLI exits 2).
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, basename } from 'node:path';
import { type ParseError, parse as parseJsonc } from 'jsonc-parser';
import type { SourceError } from '../model/flows';
import type { Inventory, TransitGatewayAttachment } from '../model/inventory';
import { emptyInventory } from '../model/inventory';

export interface InventoryLoadResult {
  inventory: Inventory;
  /** Files that contributed, in the order read. */
  files: string[];
  /** Files skipped (unknown shape) and other notes. */
  warnings: string[];
  /** Unreadable files, invalid JSON, a missing directory. */
  errors: SourceError[];
}

export interface InventoryDocument {
  file: string;
  text: string;
}

type Doc = Record<string, unknown>;

const LIST_KEYS: Array<[string, keyof Inventory]> = [
  ['SecurityGroups', 'securityGroups'],
  ['NetworkInterfaces', 'networkInterfaces'],
  ['Subnets', 'subnets'],
  ['Vpcs', 'vpcs'],
  ['NatGateways', 'natGateways'],
  ['InternetGateways', 'internetGateways'],
  ['VpcEndpoints', 'vpcEndpoints'],
  ['VpcPeeringConnections', 'vpcPeeringConnections'],
  ['TransitGatewayAttachments', 'transitGatewayAttachments'],
  ['ManagedPrefixLists', 'managedPrefixLists'],
  ['Instances', 'instances'],
  ['RouteTables', 'routeTables'],
];

/** Documents the analysis does not use; accepted quietly (they are part of a usual export). */
const IGNORED_KEYS = ['FlowLogs', 'NetworkAcls', 'Addresses', 'DhcpOptions', 'KeyPairs', 'Tags', 'EgressOnlyInternetGateways'];

/** Line and column of a JSON syntax error: JSON.parse's message when it has a position, else jsonc-parser's offset. */
function jsonErrorWhere(text: string, err: Error): string {
  const lc = /line (\d+) column (\d+)/.exec(err.message);
  if (lc) return `line ${lc[1]}, column ${lc[2]}`;
  const m = /position (\d+)/.exec(err.message);
  let pos: number | null = m ? Number(m[1]) : null;
  if (pos === null) {
    const errors: ParseError[] = [];
    parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false });
    if (errors.length) pos = errors[0].offset;
  }
  if (pos === null) return '';
  let line = 1;
  let col = 1;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return `line ${line}, column ${col}`;
}

function prefixListIdFromName(file: string): string | null {
  const m = /(pl-[0-9a-z]+)/i.exec(basename(file));
  return m ? m[1] : null;
}

/** Merges parsed documents into one inventory. Pure; never throws. */
export function inventoryFromDocuments(docs: InventoryDocument[], source: string): InventoryLoadResult {
  const inventory = emptyInventory(source);
  const files: string[] = [];
  const warnings: string[] = [];
  const errors: SourceError[] = [];
  const seen = new Map<string, Set<string>>();
  // Each list is de-duplicated by its own id only: an instance or NAT gateway also carries a
  // SubnetId and a VpcId, which many of them share.
  const ID_KEY: Partial<Record<keyof Inventory, string>> = {
    securityGroups: 'GroupId',
    networkInterfaces: 'NetworkInterfaceId',
    subnets: 'SubnetId',
    vpcs: 'VpcId',
    natGateways: 'NatGatewayId',
    internetGateways: 'InternetGatewayId',
    vpcEndpoints: 'VpcEndpointId',
    vpcPeeringConnections: 'VpcPeeringConnectionId',
    transitGatewayAttachments: 'TransitGatewayAttachmentId',
    managedPrefixLists: 'PrefixListId',
    instances: 'InstanceId',
    routeTables: 'RouteTableId',
  };
  const idOf = (key: keyof Inventory, o: Record<string, unknown>): string | null => {
    const k = ID_KEY[key];
    return k && typeof o[k] === 'string' ? (o[k] as string) : null;
  };
  const push = (key: keyof Inventory, items: unknown[]) => {
    if (key === 'routeTables') inventory.routeTables ??= [];
    const list = inventory[key] as unknown[];
    let ids = seen.get(key);
    if (!ids) seen.set(key, (ids = new Set()));
    for (const it of items) {
      if (!it || typeof it !== 'object') continue;
      const id = idOf(key, it as Record<string, unknown>);
      if (id) {
        if (ids.has(id)) continue; // the same resource in two files (e.g. a full and a filtered describe)
        ids.add(id);
      }
      list.push(it);
    }
  };

  for (const { file, text } of docs) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      const where = jsonErrorWhere(text, err as Error);
      errors.push({ file, message: `not valid JSON${where ? ` at ${where}` : ''}: ${(err as Error).message}` });
      continue;
    }
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
      warnings.push(`${file}: not an 'aws ec2 describe-…' document (expected a JSON object), skipped`);
      continue;
    }
    const d = doc as Doc;
    let used = false;
    for (const [awsKey, invKey] of LIST_KEYS) {
      const v = d[awsKey];
      if (v === undefined) continue;
      if (!Array.isArray(v)) {
        errors.push({ file, message: `"${awsKey}" should be an array` });
        continue;
      }
      push(invKey, v);
      used = true;
    }
    if (Array.isArray(d.TransitGatewayVpcAttachments)) {
      const atts: TransitGatewayAttachment[] = (d.TransitGatewayVpcAttachments as Array<Record<string, unknown>>).map((a) => ({
        TransitGatewayAttachmentId: a.TransitGatewayAttachmentId as string | undefined,
        TransitGatewayId: a.TransitGatewayId as string | undefined,
        ResourceType: 'vpc',
        ResourceId: a.VpcId as string | undefined,
        State: a.State as TransitGatewayAttachment['State'],
      }));
      push('transitGatewayAttachments', atts);
      used = true;
    }
    if (Array.isArray(d.Reservations)) {
      for (const r of d.Reservations as Array<Record<string, unknown>>) if (Array.isArray(r?.Instances)) push('instances', r.Instances as unknown[]);
      used = true;
    }
    if (Array.isArray(d.PrefixLists)) {
      for (const pl of d.PrefixLists as Array<Record<string, unknown>>) {
        if (typeof pl?.PrefixListId !== 'string') continue;
        push('managedPrefixLists', [{ PrefixListId: pl.PrefixListId, PrefixListName: pl.PrefixListName }]);
        if (Array.isArray(pl.Cidrs)) inventory.prefixListEntries[pl.PrefixListId] = (pl.Cidrs as unknown[]).filter((c): c is string => typeof c === 'string');
      }
      used = true;
    }
    if (Array.isArray(d.Entries)) {
      const id = prefixListIdFromName(file);
      if (!id) {
        warnings.push(`${file}: prefix-list entries but no pl-… id in the file name, skipped`);
        continue;
      } else {
        const cidrs = (d.Entries as Array<Record<string, unknown>>).map((e) => e?.Cidr).filter((c): c is string => typeof c === 'string');
        inventory.prefixListEntries[id] = [...(inventory.prefixListEntries[id] ?? []), ...cidrs];
        used = true;
      }
    }
    if (d.PrefixListEntries && typeof d.PrefixListEntries === 'object') {
      for (const [id, cidrs] of Object.entries(d.PrefixListEntries as Record<string, unknown>)) {
        if (Array.isArray(cidrs)) inventory.prefixListEntries[id] = cidrs.filter((c): c is string => typeof c === 'string');
      }
      used = true;
    }
    if (used) files.push(file);
    else if (IGNORED_KEYS.some((k) => k in d)) continue;
    else warnings.push(`${file}: no known 'aws ec2 describe-…' key (${Object.keys(d).slice(0, 5).join(', ') || 'empty object'}), skipped`);
  }

  // Region and account, when the documents tell.
  for (const s of inventory.subnets) {
    const m = s.AvailabilityZone ? /^([a-z]{2}(?:-gov)?-[a-z]+-\d+)/.exec(s.AvailabilityZone) : null;
    if (m) {
      inventory.region = m[1];
      break;
    }
  }
  inventory.accountId =
    inventory.vpcs.find((v) => v.OwnerId)?.OwnerId ??
    inventory.securityGroups.find((g) => g.OwnerId)?.OwnerId ??
    inventory.networkInterfaces.find((n) => n.OwnerId)?.OwnerId ??
    null;
  return { inventory, files, warnings, errors };
}

async function listJson(dir: string, depth: number, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory() && depth > 0) await listJson(p, depth - 1, out);
    else if (e.isFile() && e.name.toLowerCase().endsWith('.json')) out.push(p);
  }
}

/**
 * Loads every `*.json` under a directory (and one level of subdirectories), or a single file.
 * Never throws for bad input: problems are in `errors` / `warnings`.
 */
export async function loadInventoryFiles(path: string): Promise<InventoryLoadResult> {
  let paths: string[] = [];
  try {
    const st = await stat(path);
    if (st.isDirectory()) await listJson(path, 1, paths);
    else paths = [path];
  } catch (err) {
    const inv = emptyInventory(`files:${path}`);
    return { inventory: inv, files: [], warnings: [], errors: [{ file: path, message: `cannot read inventory: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}` }] };
  }
  const docs: InventoryDocument[] = [];
  const errors: SourceError[] = [];
  for (const p of paths) {
    try {
      docs.push({ file: p, text: await readFile(p, 'utf8') });
    } catch (err) {
      errors.push({ file: p, message: `cannot read: ${(err as Error).message}` });
    }
  }
  const result = inventoryFromDocuments(docs, `files:${path}`);
  result.errors.unshift(...errors);
  if (paths.length === 0) result.warnings.push(`${path}: no .json files`);
  return result;
}
