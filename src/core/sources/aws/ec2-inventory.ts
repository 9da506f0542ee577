/**
 * Fetches the network inventory (src/core/model/inventory.ts) of one region from EC2: every
 * Describe call paginated by hand (one retried request per page, so a fault costs one page, not the
 * whole listing), with a page-size option, progress and cancellation; and a JSON file cache with
 * the fetch time.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeManagedPrefixListsCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeTransitGatewayAttachmentsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  GetManagedPrefixListEntriesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { emptyInventory, type Inventory } from '../../model/inventory';
import { callAws, createEc2Client, type AwsClientHandle, type AwsConnectionOptions } from './clients';
import { throwIfAborted, type CallOptions } from './retry';
import { toAwsSourceError } from './errors';

export interface InventoryProgress {
  /** Inventory part being fetched, e.g. 'securityGroups'. */
  part: string;
  /** Pages fetched so far over all parts. */
  pages: number;
  /** Items fetched so far over all parts. */
  items: number;
}

export interface InventoryFetchOptions extends CallOptions {
  /** MaxResults per Describe page (clamped to what each API allows). Default: the API maximum. */
  pageSize?: number;
  /** Parallel Describe calls (default 3). */
  concurrency?: number;
  onProgress?: (p: InventoryProgress) => void;
  /** Skip parts (e.g. ['instances']) to save calls/permissions. */
  skip?: InventoryPart[];
}

export type InventoryPart =
  | 'securityGroups'
  | 'networkInterfaces'
  | 'vpcs'
  | 'subnets'
  | 'natGateways'
  | 'internetGateways'
  | 'vpcEndpoints'
  | 'vpcPeeringConnections'
  | 'transitGatewayAttachments'
  | 'managedPrefixLists'
  | 'routeTables'
  | 'instances';

interface Page<T> {
  items: T[];
  next: string | undefined;
}

/**
 * Collects every page of a listing. `fetchPage` gets the token of the page to fetch; a token that
 * repeats means a broken server and stops with an error instead of looping.
 */
export async function collectPages<T>(
  what: string,
  fetchPage: (token: string | undefined) => Promise<Page<T>>,
  opts: { signal?: AbortSignal; onPage?: (items: number) => void; maxPages?: number } = {},
): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (let pages = 1; ; pages++) {
    throwIfAborted(opts.signal);
    const page = await fetchPage(token);
    for (const it of page.items) out.push(it);
    opts.onPage?.(page.items.length);
    if (!page.next) return out;
    if (seen.has(page.next)) throw new Error(`${what}: the service returned the same NextToken twice; stopping to avoid an endless listing.`);
    if (opts.maxPages !== undefined && pages >= opts.maxPages) throw new Error(`${what}: more than ${opts.maxPages} pages; stopping.`);
    seen.add(page.next);
    token = page.next;
  }
}

function clamp(pageSize: number | undefined, min: number, max: number): number | undefined {
  if (pageSize === undefined) return undefined;
  return Math.min(max, Math.max(min, Math.floor(pageSize)));
}

type Lister = (h: AwsClientHandle<EC2Client>, pageSize: number | undefined, call: CallOptions, onPage: (n: number) => void) => Promise<unknown[]>;

/** One lister per part: operation, page-size bounds, result key. */
function lister(
  operation: string,
  Cmd: new (input: { MaxResults?: number; NextToken?: string }) => object,
  key: string,
  min: number,
  max: number,
): Lister {
  return (h, pageSize, call, onPage) =>
    collectPages(
      `ec2:${operation}`,
      async (token) => {
        const out = await callAws<Record<string, unknown>>(h, operation, new Cmd({ MaxResults: clamp(pageSize, min, max), NextToken: token }), call);
        return { items: (out[key] as unknown[] | undefined) ?? [], next: (out.NextToken as string | undefined) || undefined };
      },
      { signal: call.signal, onPage },
    );
}

const LISTERS: Record<InventoryPart, Lister> = {
  securityGroups: lister('DescribeSecurityGroups', DescribeSecurityGroupsCommand, 'SecurityGroups', 5, 1000),
  networkInterfaces: lister('DescribeNetworkInterfaces', DescribeNetworkInterfacesCommand, 'NetworkInterfaces', 5, 1000),
  vpcs: lister('DescribeVpcs', DescribeVpcsCommand, 'Vpcs', 5, 1000),
  subnets: lister('DescribeSubnets', DescribeSubnetsCommand, 'Subnets', 5, 1000),
  natGateways: lister('DescribeNatGateways', DescribeNatGatewaysCommand, 'NatGateways', 5, 1000),
  internetGateways: lister('DescribeInternetGateways', DescribeInternetGatewaysCommand, 'InternetGateways', 5, 1000),
  vpcEndpoints: lister('DescribeVpcEndpoints', DescribeVpcEndpointsCommand, 'VpcEndpoints', 5, 1000),
  vpcPeeringConnections: lister('DescribeVpcPeeringConnections', DescribeVpcPeeringConnectionsCommand, 'VpcPeeringConnections', 5, 1000),
  transitGatewayAttachments: lister('DescribeTransitGatewayAttachments', DescribeTransitGatewayAttachmentsCommand, 'TransitGatewayAttachments', 5, 1000),
  managedPrefixLists: lister('DescribeManagedPrefixLists', DescribeManagedPrefixListsCommand, 'PrefixLists', 1, 100),
  routeTables: lister('DescribeRouteTables', DescribeRouteTablesCommand, 'RouteTables', 5, 100),
  // Reservations, flattened below.
  instances: lister('DescribeInstances', DescribeInstancesCommand, 'Reservations', 5, 1000),
};

export const INVENTORY_PARTS = Object.keys(LISTERS) as InventoryPart[];

/** Runs tasks with at most `n` in flight; the first failure rejects (others finish quietly). */
async function pool<T>(tasks: (() => Promise<T>)[], n: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < tasks.length && !failed) {
      const i = next++;
      try {
        out[i] = await tasks[i]();
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, tasks.length)) }, worker));
  return out;
}

/** Fetches the inventory of the client's region. */
export async function fetchInventory(h: AwsClientHandle<EC2Client>, opts: InventoryFetchOptions = {}): Promise<Inventory> {
  // Parts are fetched in parallel: when one fails for good, cancel the others instead of leaving
  // them retrying in the background.
  const inner = new AbortController();
  const onOuterAbort = () => inner.abort();
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (opts.signal?.aborted) inner.abort();
  try {
    return await fetchInventoryInner(h, opts, inner.signal);
  } catch (err) {
    inner.abort();
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', onOuterAbort);
  }
}

async function fetchInventoryInner(h: AwsClientHandle<EC2Client>, opts: InventoryFetchOptions, signal: AbortSignal): Promise<Inventory> {
  const call: CallOptions = { signal, retry: opts.retry, limiter: opts.limiter };
  const region = h.region ?? (await regionOf(h));
  const inv = emptyInventory(`aws:${h.profile ?? 'default'}/${region}`);
  inv.region = region;
  let pages = 0;
  let items = 0;
  const progress = (part: string) => (n: number) => {
    pages++;
    items += n;
    opts.onProgress?.({ part, pages, items });
  };
  const parts = INVENTORY_PARTS.filter((p) => !opts.skip?.includes(p));
  const lists = await pool(
    parts.map((p) => () => LISTERS[p](h, opts.pageSize, call, progress(p))),
    opts.concurrency ?? 3,
  );
  const byPart = new Map(parts.map((p, i) => [p, lists[i]]));
  const get = <T>(p: InventoryPart) => (byPart.get(p) ?? []) as T[];
  inv.securityGroups = get('securityGroups');
  inv.networkInterfaces = get('networkInterfaces');
  inv.vpcs = get('vpcs');
  inv.subnets = get('subnets');
  inv.natGateways = get('natGateways');
  inv.internetGateways = get('internetGateways');
  inv.vpcEndpoints = get('vpcEndpoints');
  inv.vpcPeeringConnections = get('vpcPeeringConnections');
  inv.transitGatewayAttachments = get('transitGatewayAttachments');
  inv.managedPrefixLists = get('managedPrefixLists');
  if (byPart.has('routeTables')) inv.routeTables = get('routeTables');
  inv.instances = get<{ Instances?: Inventory['instances'] }>('instances').flatMap((r) => r.Instances ?? []);

  // Entries of each managed prefix list (security-group rules refer to them by id).
  const entryTasks = inv.managedPrefixLists
    .filter((pl) => pl.PrefixListId)
    .map((pl) => async () => {
      const id = pl.PrefixListId as string;
      const entries = await collectPages(
        `ec2:GetManagedPrefixListEntries ${id}`,
        async (token) => {
          const out = await callAws<{ Entries?: { Cidr?: string }[]; NextToken?: string }>(
            h,
            'GetManagedPrefixListEntries',
            new GetManagedPrefixListEntriesCommand({ PrefixListId: id, MaxResults: clamp(opts.pageSize, 1, 100), NextToken: token }),
            { ...call, resource: id },
          );
          return { items: out.Entries ?? [], next: out.NextToken || undefined };
        },
        { signal, onPage: progress('prefixListEntries') },
      );
      return [id, entries.map((e) => e.Cidr).filter((c): c is string => !!c)] as const;
    });
  for (const [id, cidrs] of await pool(entryTasks, opts.concurrency ?? 3)) inv.prefixListEntries[id] = cidrs;

  inv.accountId = inv.securityGroups.find((g) => g.OwnerId)?.OwnerId ?? inv.vpcs.find((v) => v.OwnerId)?.OwnerId ?? null;
  inv.fetchedAt = new Date().toISOString();
  return inv;
}

/** The region the SDK resolved (option, env or profile); a clear error when there is none. */
export async function regionOf(h: AwsClientHandle<{ config: { region?: unknown } }>): Promise<string> {
  try {
    const r = h.client.config.region;
    const v = typeof r === 'function' ? await (r as () => Promise<string>)() : r;
    if (!v) throw new Error('Region is missing');
    return String(v);
  } catch (err) {
    throw toAwsSourceError(err, { service: h.service, operation: 'DescribeRegions', profile: h.profile, endpoint: h.endpoint });
  }
}

// ---------------------------------------------------------------------------------------------
// Cache

export interface InventoryCacheOptions extends InventoryFetchOptions {
  /** Directory holding one JSON file per profile/region/endpoint. */
  cacheDir: string;
  /** Use a cached inventory younger than this (ms). Default 15 minutes. */
  maxAgeMs?: number;
  /** Ignore the cache and fetch (the result is still written). */
  refresh?: boolean;
  now?: () => number;
}

export interface CachedInventory {
  inventory: Inventory;
  fromCache: boolean;
  cachePath: string;
  /** When the inventory was fetched (ISO). */
  fetchedAt: string;
}

/** File name of a cache entry: readable parts plus a hash of the endpoint. */
export function inventoryCachePath(cacheDir: string, profile: string | undefined, region: string, endpoint: string | undefined): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '_');
  const ep = endpoint ? `-${createHash('sha256').update(endpoint).digest('hex').slice(0, 10)}` : '';
  return join(cacheDir, `inventory-${safe(profile ?? 'default')}-${safe(region)}${ep}.json`);
}

interface CacheFile {
  version: 1;
  fetchedAt: string;
  endpoint: string | null;
  inventory: Inventory;
}

export async function readInventoryCache(path: string): Promise<CacheFile | null> {
  try {
    const data = JSON.parse(await readFile(path, 'utf8')) as CacheFile;
    if (data?.version !== 1 || !data.inventory || typeof data.fetchedAt !== 'string') return null;
    return data;
  } catch {
    return null; // missing or unreadable cache: fetch again
  }
}

export async function writeInventoryCache(path: string, inventory: Inventory, endpoint: string | undefined): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const body: CacheFile = { version: 1, fetchedAt: inventory.fetchedAt, endpoint: endpoint ?? null, inventory };
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(body));
  await rename(tmp, path);
}

/** Returns the cached inventory when fresh enough, otherwise fetches and caches it. */
export async function fetchInventoryCached(h: AwsClientHandle<EC2Client>, opts: InventoryCacheOptions): Promise<CachedInventory> {
  const region = h.region ?? (await regionOf(h));
  const cachePath = inventoryCachePath(opts.cacheDir, h.profile, region, h.endpoint);
  const now = (opts.now ?? Date.now)();
  if (!opts.refresh) {
    const cached = await readInventoryCache(cachePath);
    const age = cached ? now - Date.parse(cached.fetchedAt) : Infinity;
    if (cached && age >= 0 && age <= (opts.maxAgeMs ?? 15 * 60_000)) {
      return { inventory: cached.inventory, fromCache: true, cachePath, fetchedAt: cached.fetchedAt };
    }
  }
  const inventory = await fetchInventory(h, opts);
  await writeInventoryCache(cachePath, inventory, h.endpoint);
  return { inventory, fromCache: false, cachePath, fetchedAt: inventory.fetchedAt };
}

/** Convenience for the CLI/editor: client from connection options, fetch, optional cache. */
export async function fetchInventoryFromAws(
  conn: AwsConnectionOptions,
  opts: InventoryFetchOptions & Partial<Pick<InventoryCacheOptions, 'cacheDir' | 'maxAgeMs' | 'refresh'>> = {},
): Promise<CachedInventory> {
  const h = createEc2Client(conn);
  try {
    if (opts.cacheDir) return await fetchInventoryCached(h, { ...opts, cacheDir: opts.cacheDir });
    const inventory = await fetchInventory(h, opts);
    return { inventory, fromCache: false, cachePath: '', fetchedAt: inventory.fetchedAt };
  } finally {
    h.client.destroy();
  }
}

/** One inventory per region (each fetched and cached on its own), in the order given. */
export async function fetchInventoryForRegions(
  conn: AwsConnectionOptions,
  regions: readonly string[],
  opts: InventoryFetchOptions & Partial<Pick<InventoryCacheOptions, 'cacheDir' | 'maxAgeMs' | 'refresh'>> = {},
): Promise<CachedInventory[]> {
  const out: CachedInventory[] = [];
  for (const region of regions) {
    throwIfAborted(opts.signal);
    out.push(await fetchInventoryFromAws({ ...conn, region }, opts));
  }
  return out;
}

/** Every IAM action the AWS sources may call, for documentation and permission checks. */
export const REQUIRED_IAM_ACTIONS: readonly string[] = [
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeVpcs',
  'ec2:DescribeSubnets',
  'ec2:DescribeNatGateways',
  'ec2:DescribeInternetGateways',
  'ec2:DescribeVpcEndpoints',
  'ec2:DescribeVpcPeeringConnections',
  'ec2:DescribeTransitGatewayAttachments',
  'ec2:DescribeManagedPrefixLists',
  'ec2:GetManagedPrefixListEntries',
  'ec2:DescribeRouteTables',
  'ec2:DescribeInstances',
  'ec2:DescribeFlowLogs',
  'logs:FilterLogEvents',
  's3:ListBucket',
  's3:GetObject',
];
