/**
 * Prices are data: one JSON file per region in ./prices/ (USD, the date they were compiled, the
 * source pages, and which values are UNCONFIRMED). They are bundled into the build; users override
 * any value from settings or with `--prices file.json`, whose shape is either a partial price
 * object (applied to the selected region) or `{"regions": {"us-east-1": {partial}, …}}`.
 */
import usEast1 from './prices/us-east-1.json';
import usEast2 from './prices/us-east-2.json';
import usWest2 from './prices/us-west-2.json';
import euWest1 from './prices/eu-west-1.json';
import apSoutheast1 from './prices/ap-southeast-1.json';
import apSoutheast2 from './prices/ap-southeast-2.json';

export interface PriceTier {
  /** Cumulative monthly GB up to which this rate applies; null = no upper bound. */
  upToGb: number | null;
  usdPerGb: number;
}

export interface RegionPrices {
  region: string;
  currency: 'USD';
  /** When the figures were compiled (ISO date). */
  date: string;
  source: string[];
  /** Bytes per billed GB (AWS bills data transfer in GB of 2^30 bytes). */
  gbBytes: number;
  internetEgressTiers: PriceTier[];
  internetIngressPerGb: number;
  /** Charged on each side: out of one AZ and into the other. */
  crossAzPerGbEachDirection: number;
  /** Per destination region, with `default` for the rest; paid by the sending side. */
  interRegionPerGb: Record<string, number>;
  natGatewayPerGb: number;
  natGatewayPerHour: number;
  peeringSameAzPerGb: number;
  peeringCrossAzPerGbEachDirection: number;
  tgwPerGb: number;
  tgwAttachmentPerHour: number;
  interfaceEndpointPerGb: number;
  interfaceEndpointPerAzHour: number;
  gatewayEndpointPerGb: number;
  awsServiceSameRegionPerGb: number;
  publicIpv4PerHour: number;
  /** Instance to instance in the region over public / Elastic IPs: charged out and in (UNCONFIRMED). */
  publicIpInRegionPerGbEachDirection: number;
  /** Keys whose value is not confirmed, with why (DOMAIN.md marks). */
  unconfirmed: Record<string, string>;
  notes: string[];
  /** Keys a user override changed (set by applyPriceOverrides). */
  overridden?: string[];
}

export const DEFAULT_REGION = 'us-east-1';

const BUILTIN: Record<string, RegionPrices> = Object.fromEntries(
  [usEast1, usEast2, usWest2, euWest1, apSoutheast1, apSoutheast2].map((p) => [p.region, p as unknown as RegionPrices]),
);

export function builtinRegions(): string[] {
  return Object.keys(BUILTIN).sort();
}

export interface PriceOverrides {
  /** Applied to whichever region is selected. */
  all?: Partial<RegionPrices>;
  /** Applied per region (after `all`). */
  regions?: Record<string, Partial<RegionPrices>>;
}

export interface ResolvedPrices {
  prices: RegionPrices;
  /** Set when the region has no built-in file and another region's prices stand in. */
  fallbackFrom: string | null;
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** The prices for a region (built-in, else us-east-1 marked as a stand-in), with overrides applied. */
export function resolvePrices(region: string | null, overrides?: PriceOverrides): ResolvedPrices {
  const wanted = region ?? DEFAULT_REGION;
  const base = BUILTIN[wanted];
  let prices: RegionPrices;
  let fallbackFrom: string | null = null;
  if (base) prices = clone(base);
  else {
    prices = clone(BUILTIN[DEFAULT_REGION]);
    fallbackFrom = wanted;
    prices.notes = [`No price file for ${wanted}: using ${DEFAULT_REGION} prices as a stand-in.`, ...prices.notes];
    prices.region = wanted;
  }
  if (overrides?.all) prices = applyPriceOverrides(prices, overrides.all);
  const per = overrides?.regions?.[wanted];
  if (per) prices = applyPriceOverrides(prices, per);
  return { prices, fallbackFrom };
}

export function applyPriceOverrides(prices: RegionPrices, o: Partial<RegionPrices>): RegionPrices {
  const out = clone(prices);
  const changed = new Set(out.overridden ?? []);
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || k === 'overridden' || k === 'region') continue;
    if (k === 'interRegionPerGb' && v && typeof v === 'object') {
      out.interRegionPerGb = { ...out.interRegionPerGb, ...(v as Record<string, number>) };
    } else {
      (out as unknown as Record<string, unknown>)[k] = clone(v);
    }
    changed.add(k);
    delete out.unconfirmed[k];
  }
  out.overridden = [...changed].sort();
  return out;
}

const NUMBER_KEYS = [
  'gbBytes',
  'internetIngressPerGb',
  'crossAzPerGbEachDirection',
  'natGatewayPerGb',
  'natGatewayPerHour',
  'peeringSameAzPerGb',
  'peeringCrossAzPerGbEachDirection',
  'tgwPerGb',
  'tgwAttachmentPerHour',
  'interfaceEndpointPerGb',
  'interfaceEndpointPerAzHour',
  'gatewayEndpointPerGb',
  'awsServiceSameRegionPerGb',
  'publicIpv4PerHour',
  'publicIpInRegionPerGbEachDirection',
] as const;
const OTHER_KEYS = new Set(['region', 'currency', 'date', 'source', 'internetEgressTiers', 'interRegionPerGb', 'unconfirmed', 'notes']);

function validatePartial(o: unknown, where: string, problems: string[]): Partial<RegionPrices> | null {
  if (!o || typeof o !== 'object' || Array.isArray(o)) {
    problems.push(`${where}: expected an object of prices`);
    return null;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
    if ((NUMBER_KEYS as readonly string[]).includes(k)) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        problems.push(`${where}.${k}: expected a non-negative number, got ${JSON.stringify(v)}`);
        continue;
      }
      out[k] = v;
    } else if (k === 'internetEgressTiers') {
      if (!Array.isArray(v) || v.length === 0 || !v.every((t) => t && typeof t === 'object' && typeof t.usdPerGb === 'number' && (t.upToGb === null || typeof t.upToGb === 'number'))) {
        problems.push(`${where}.internetEgressTiers: expected [{"upToGb": number|null, "usdPerGb": number}, …]`);
        continue;
      }
      const tiers = v as PriceTier[];
      const ascending = tiers.every((t, i) => i === 0 || (tiers[i - 1].upToGb !== null && (t.upToGb === null || t.upToGb > tiers[i - 1].upToGb!)));
      if (!ascending) {
        problems.push(`${where}.internetEgressTiers: upToGb must increase and only the last tier may be open (null)`);
        continue;
      }
      if (tiers[tiers.length - 1].upToGb !== null) {
        problems.push(`${where}.internetEgressTiers: the last tier must have "upToGb": null (open-ended), else traffic past ${tiers[tiers.length - 1].upToGb} GB would have no price`);
        continue;
      }
      out[k] = tiers;
    } else if (k === 'interRegionPerGb') {
      if (!v || typeof v !== 'object' || !Object.values(v).every((n) => typeof n === 'number' && n >= 0)) {
        problems.push(`${where}.interRegionPerGb: expected {"default": number, "<region>": number, …}`);
        continue;
      }
      out[k] = v;
    } else if (OTHER_KEYS.has(k)) {
      out[k] = v;
    } else {
      problems.push(`${where}.${k}: unknown price key (known: ${[...NUMBER_KEYS, 'internetEgressTiers', 'interRegionPerGb'].join(', ')})`);
    }
  }
  return out as Partial<RegionPrices>;
}

/** Parses a `--prices` file. Never throws: problems name the file and the key. */
export function parsePriceOverrides(text: string, fileName: string): { overrides: PriceOverrides; problems: string[] } {
  const problems: string[] = [];
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { overrides: {}, problems: [`${fileName}: not valid JSON (${(err as Error).message})`] };
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { overrides: {}, problems: [`${fileName}: expected a JSON object`] };
  const d = doc as Record<string, unknown>;
  const overrides: PriceOverrides = {};
  if ('regions' in d) {
    const regions = d.regions;
    if (!regions || typeof regions !== 'object') problems.push(`${fileName}: "regions" must be an object keyed by region`);
    else {
      overrides.regions = {};
      for (const [r, o] of Object.entries(regions as Record<string, unknown>)) {
        const v = validatePartial(o, `${fileName}: regions.${r}`, problems);
        if (v) overrides.regions[r] = v;
      }
    }
    const rest = Object.fromEntries(Object.entries(d).filter(([k]) => k !== 'regions'));
    if (Object.keys(rest).length > 0) {
      const v = validatePartial(rest, fileName, problems);
      if (v) overrides.all = v;
    }
  } else {
    const v = validatePartial(d, fileName, problems);
    if (v) overrides.all = v;
  }
  return { overrides, problems };
}

/**
 * Cost of `gb` GB in one month under cumulative tiers. The last tier is open-ended whatever its
 * `upToGb` says (parsePriceOverrides rejects a closed one), so no volume is ever free by omission.
 */
export function tieredCost(gb: number, tiers: PriceTier[]): number {
  let cost = 0;
  let lower = 0;
  for (const [i, t] of tiers.entries()) {
    const upper = i === tiers.length - 1 ? Infinity : (t.upToGb ?? Infinity);
    if (gb <= lower) break;
    const inTier = Math.min(gb, upper) - lower;
    if (inTier > 0) cost += inTier * t.usdPerGb;
    lower = upper;
  }
  return cost;
}

export function interRegionRate(prices: RegionPrices, toRegion: string | null): number {
  if (toRegion && prices.interRegionPerGb[toRegion] !== undefined) return prices.interRegionPerGb[toRegion];
  return prices.interRegionPerGb.default ?? 0.02;
}
