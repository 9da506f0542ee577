/**
 * Seeded generator of version-5 flow-log files for the benchmark (bench/data/, git-ignored).
 * ~200 interfaces, ~50k internet peers; each record draws one of U flow keys uniformly, so the
 * number of distinct 7-tuples is U·(1 − e^(−N/U)): with U = 1.82M that is ≈0.77M at 1M records
 * and ≈1.7M at 5M records. Lines are ~215 bytes, with an S3 header line naming the (custom v5) format.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';

/** A custom v5 format (~215-byte lines): the v2 fields plus the v3-v5 fields a cost analysis uses. */
export const BENCH_FIELDS = [
  'version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes',
  'start', 'end', 'action', 'log-status', 'vpc-id', 'subnet-id', 'tcp-flags', 'pkt-srcaddr', 'pkt-dstaddr', 'az-id',
  'pkt-src-aws-service', 'pkt-dst-aws-service', 'flow-direction', 'traffic-path',
];

export const UNIVERSE = 1_820_000;
const INTERFACES = 200;
const PEERS = 50_000;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

const hex17 = (n: number) => (n.toString(16) + '0123456789abcdef0').slice(0, 17);

interface Iface {
  eni: string;
  ip: string;
  vpc: string;
  subnet: string;
  az: string;
}

const ifaces: Iface[] = Array.from({ length: INTERFACES }, (_, i) => {
  const h = mix(i + 1);
  return {
    eni: `eni-${hex17(h)}`,
    ip: `10.${(i >> 6) & 255}.${(i * 7) & 255}.${10 + (i % 200)}`,
    vpc: `vpc-${hex17(mix(7 + (i % 3)))}`,
    subnet: `subnet-${hex17(mix(100 + (i % 12)))}`,
    az: `use1-az${1 + (i % 3)}`,
  };
});

const peers: string[] = Array.from({ length: PEERS }, (_, i) => {
  const h = mix(i + 99991);
  return `${[3, 13, 18, 34, 52, 54, 99, 104, 142, 151, 172, 185][h % 12]}.${(h >>> 8) & 255}.${(h >>> 16) & 255}.${1 + ((h >>> 24) % 254)}`;
});
const SERVICE_PORTS = [443, 443, 443, 80, 53, 123, 22, 8443, 5432, 3306, 6379, 9092];

/** The line for flow key k at time t, with random counters. */
function line(k: number, t: number, rnd: () => number): string {
  const h = mix(k + 1);
  const ifc = ifaces[k % INTERFACES];
  const peer = peers[h % PEERS];
  const egress = (h & 0x10000) === 0;
  const udp = (h >>> 20) % 10 === 0;
  const svc = SERVICE_PORTS[(h >>> 8) % SERVICE_PORTS.length];
  const eph = 1024 + (mix(h) % 64000);
  const reject = !egress && (h >>> 24) % 20 === 0;
  const src = egress ? ifc.ip : peer;
  const dst = egress ? peer : ifc.ip;
  const sport = egress ? eph : eph;
  const dport = svc;
  const packets = 1 + Math.floor(rnd() * 200);
  const bytes = packets * (40 + Math.floor(rnd() * 1400));
  const flags = udp ? 0 : [2, 18, 3, 19, 27, 1][Math.floor(rnd() * 6)];
  return [
    5,
    '123456789012',
    ifc.eni,
    src,
    dst,
    sport,
    dport,
    udp ? 17 : 6,
    packets,
    bytes,
    t,
    t + 60,
    reject ? 'REJECT' : 'ACCEPT',
    'OK',
    ifc.vpc,
    ifc.subnet,
    flags,
    src,
    dst,
    ifc.az,
    '-',
    '-',
    egress ? 'egress' : 'ingress',
    egress ? 8 : '-',
  ].join(' ');
}

async function writeFile(path: string, records: number, seed: number, gzip: boolean): Promise<void> {
  const tmp = path + '.tmp';
  const out = createWriteStream(tmp);
  const gz = gzip ? createGzip() : null;
  if (gz) gz.pipe(out);
  const sink = gz ?? out;
  const write = (s: string) =>
    new Promise<void>((resolve, reject) => sink.write(s, (err) => (err ? reject(err) : resolve())));
  const rnd = mulberry32(seed);
  let t = 1_700_000_000;
  let batch: string[] = [BENCH_FIELDS.join(' ')];
  for (let i = 0; i < records; i++) {
    if (i % 1000 === 0) t += 1;
    batch.push(line(Math.floor(rnd() * UNIVERSE), t, rnd));
    if (batch.length >= 20_000) {
      await write(batch.join('\n') + '\n');
      batch = [];
    }
  }
  if (batch.length) await write(batch.join('\n') + '\n');
  await new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
    sink.end();
  });
  renameSync(tmp, path);
}

export interface Dataset {
  name: string;
  records: number;
  plain: string[];
  gz: string[];
  bytesPlain: number;
  bytesGz: number;
}

/** Makes (or reuses) a dataset of `records` records split into `parts` files, plain and .gz. */
export async function dataset(dir: string, records: number, parts: number, seed: number): Promise<Dataset> {
  mkdirSync(dir, { recursive: true });
  const name = `v5-${records / 1e6}M-${parts}p-s${seed}`;
  const per = Math.ceil(records / parts);
  const plain: string[] = [];
  const gz: string[] = [];
  const jobs: Promise<void>[] = [];
  for (let p = 0; p < parts; p++) {
    const n = Math.min(per, records - p * per);
    const base = join(dir, `${name}-${p}.log`);
    plain.push(base);
    gz.push(base + '.gz');
    if (!existsSync(base)) jobs.push(writeFile(base, n, seed * 1000 + p, false));
    if (!existsSync(base + '.gz')) jobs.push(writeFile(base + '.gz', n, seed * 1000 + p, true));
  }
  await Promise.all(jobs);
  const size = (fs: string[]) => fs.reduce((s, f) => s + statSync(f).size, 0);
  return { name, records, plain, gz, bytesPlain: size(plain), bytesGz: size(gz) };
}
