/**
 * Number formatting shared by every surface: the CLI (`flows`, `report`), the editor (lens, hover,
 * trees, status bar) and the reports. One byte formatter and one USD formatter, so the same flow
 * reads the same everywhere.
 */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
const STEP = 1024;

/**
 * Binary units with the bill's labels: 1 GB = 2^30 bytes, as AWS bills data transfer (and as the
 * pricing divides, `prices.gbBytes`), so "1.8 GB" here is 1.8 of the GB a price applies to.
 * One decimal below 100 of a unit, none above: 512 B, 1.5 KB, 18.3 GB, 250 GB.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0 B';
  let i = 0;
  let v = bytes;
  while (v >= STEP && i < UNITS.length - 1) {
    v /= STEP;
    i++;
  }
  if (i === 0) return `${Math.round(v)} B`;
  let text = v < 100 ? v.toFixed(1) : v.toFixed(0);
  // 1023.7 KB rounds to "1024 KB": say 1.0 MB instead.
  if (Number(text) >= STEP && i < UNITS.length - 1) {
    i++;
    text = (Number(text) / STEP).toFixed(1);
  }
  return `${text} ${UNITS[i]}`;
}

/** "10 MB", "1.5 GB", "0" → bytes (the same 1024-based units as formatBytes); undefined if not a size. */
export function parseBytes(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb|pb)?\s*$/i.exec(text);
  if (!m) return undefined;
  const power = UNITS.findIndex((u) => u.toLowerCase() === (m[2] ?? 'b').toLowerCase());
  return Math.round(Number(m[1]) * STEP ** power);
}

/**
 * US dollars: whole dollars from $10 ($1,666), cents below ($2.28), two significant digits below a
 * cent ($0.0012, so small per-flow costs stay visible), "<$0.0001" below that.
 */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return '$?';
  if (usd === 0) return '$0';
  const sign = usd < 0 ? '-' : '';
  const abs = Math.abs(usd);
  if (abs < 0.0001) return `${sign}<$0.0001`;
  if (abs < 0.01) return `${sign}$${Number(abs.toPrecision(2))}`;
  if (abs < 10) return `${sign}$${abs.toFixed(2)}`;
  return `${sign}$${Math.round(abs).toLocaleString('en-US')}`;
}

export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1e6) return `${(n / 1e3).toFixed(n < 1e4 ? 1 : 0)}k`;
  return `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)}M`;
}

/** "6h", "3.5 d" — a window's length in words. */
export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${+(seconds / 3600).toFixed(1)} h`;
  return `${+(seconds / 86400).toFixed(1)} d`;
}

const PROTOCOLS: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 47: 'GRE', 50: 'ESP', 58: 'ICMPv6', [-1]: 'all' };

export function protocolName(protocol: number | string): string {
  const n = typeof protocol === 'string' ? Number(protocol) : protocol;
  if (Number.isNaN(n)) return String(protocol).toUpperCase();
  return PROTOCOLS[n] ?? `proto ${n}`;
}

export function isoSeconds(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z');
}
