// The bundled sample workspace (samples/demo) and its seeded generator (scripts/gen-sample.ts):
// reproducible, internally consistent (flow logs ↔ inventory ↔ tfstate), physically plausible
// flow records, and the story's ingredients present. The committed sample must equal the
// generator's output for the default seed, so it never drifts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { parseDocument } from 'yaml';
import { Language, Parser } from 'web-tree-sitter';
import {
  generateSample, main, gzipDeterministic, mulberry32, FLOW_FIELDS, IDS, ACCOUNT, REGION, WINDOW_START, WINDOW_SECONDS,
  FILE_SECONDS, DEFAULT_RECORDS, type Sample,
} from '../../../scripts/gen-sample';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const DEMO = join(ROOT, 'samples', 'demo');

const sample: Sample = generateSample();
const byPath = new Map(sample.files.map((f) => [f.path, f.data]));
const text = (p: string) => {
  const d = byPath.get(p);
  assert.ok(d, `generator produced ${p}`);
  return d.toString('utf8');
};
const json = <T = Record<string, unknown>>(p: string): T => JSON.parse(text(p)) as T;

interface Line { file: string; n: number; raw: string; f: Record<string, string> }
const flowFiles = sample.files.filter((f) => f.path.endsWith('.log.gz'));
const allLines: Line[] = [];
const malformed: Line[] = [];
for (const file of flowFiles) {
  const rows = gunzipSync(file.data).toString('utf8').split('\n');
  assert.equal(rows.pop(), '', `${file.path} ends with a newline`);
  rows.slice(1).forEach((raw, i) => {
    const parts = raw.split(' ');
    const f = Object.fromEntries(FLOW_FIELDS.map((k, j) => [k, parts[j]]));
    const line = { file: file.path, n: i + 2, raw, f };
    const ok = parts.length === FLOW_FIELDS.length && ['srcport', 'dstport'].every((k) => f[k] === '-' || /^\d+$/.test(f[k]));
    (ok ? allLines : malformed).push(line);
  });
}
const ok = allLines.filter((l) => l.f['log-status'] === 'OK');

type Eni = { NetworkInterfaceId: string; PrivateIpAddress: string; Ipv6Addresses: { Ipv6Address: string }[]; SubnetId: string; VpcId: string; AvailabilityZone: string; InterfaceType: string; Groups: { GroupId: string; GroupName: string }[]; Attachment?: { InstanceId?: string } };
const enis = json<{ NetworkInterfaces: Eni[] }>('inventory/describe-network-interfaces.json').NetworkInterfaces;
const subnets = json<{ Subnets: { SubnetId: string; AvailabilityZone: string; AvailabilityZoneId: string; VpcId: string; CidrBlock: string }[] }>('inventory/describe-subnets.json').Subnets;
type Perm = { IpProtocol: string; FromPort?: number; ToPort?: number; IpRanges: { CidrIp: string; Description?: string }[]; Ipv6Ranges: { CidrIpv6: string }[]; UserIdGroupPairs: { GroupId: string }[]; PrefixListIds: unknown[] };
type Sg = { GroupId: string; GroupName: string; VpcId: string; Description: string; IpPermissions: Perm[]; IpPermissionsEgress: Perm[] };
const sgs = json<{ SecurityGroups: Sg[] }>('inventory/describe-security-groups.json').SecurityGroups;
const eniById = new Map(enis.map((e) => [e.NetworkInterfaceId, e]));
const subnetById = new Map(subnets.map((s) => [s.SubnetId, s]));
const sgById = new Map(sgs.map((s) => [s.GroupId, s]));
const natEni = IDS.enis.nat.id;

test('mulberry32 is a deterministic PRNG in [0, 1)', () => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  const xs = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => b()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.ok(new Set(xs).size > 990);
  assert.notDeepEqual(xs.slice(0, 5), Array.from({ length: 5 }, mulberry32(43)));
});

test('same seed gives byte-identical files; another seed gives other flow logs', () => {
  const a = generateSample({ seed: 7, records: 600 });
  const b = generateSample({ seed: 7, records: 600 });
  assert.deepEqual(a.files.map((f) => f.path), b.files.map((f) => f.path));
  a.files.forEach((f, i) => assert.ok(f.data.equals(b.files[i].data), `${f.path} differs between two runs`));
  const c = generateSample({ seed: 8, records: 600 });
  const gzA = a.files.filter((f) => f.path.endsWith('.gz'));
  const gzC = c.files.filter((f) => f.path.endsWith('.gz'));
  assert.ok(gzA.some((f, i) => !f.data.equals(gzC[i].data)));
});

test('gzip output has a fixed header (mtime 0, OS unix) and round-trips', () => {
  const gz = gzipDeterministic('hello\n');
  assert.equal(gz.readUInt32LE(4), 0);
  assert.equal(gz[9], 3);
  assert.equal(gunzipSync(gz).toString(), 'hello\n');
});

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(relative(DEMO, p).split(sep).join('/'));
  }
  return out;
}

test('the committed samples/demo equals the generator output for the default seed', () => {
  assert.ok(existsSync(DEMO), 'samples/demo exists (run `npm run sample`)');
  const committed = listFiles(DEMO).sort();
  assert.deepEqual(committed, [...byPath.keys()].sort(), 'same set of files');
  for (const [p, data] of byPath) {
    const disk = readFileSync(join(DEMO, ...p.split('/')));
    // Compare gzip content, not bytes: another zlib build may compress the same text differently.
    if (p.endsWith('.gz')) assert.ok(gunzipSync(disk).equals(gunzipSync(data)), `${p} drifted: run npm run sample`);
    else assert.ok(disk.equals(data), `${p} drifted: run npm run sample`);
  }
});

test('flow-log files: S3 layout and name, header first, 27 fields per line, counts match the ledger', () => {
  assert.equal(flowFiles.length, WINDOW_SECONDS / FILE_SECONDS);
  const re = new RegExp(`^flowlogs/AWSLogs/${ACCOUNT}/vpcflowlogs/${REGION}/2026/11/20/${ACCOUNT}_vpcflowlogs_${REGION}_fl-[0-9a-f]{17}_20261120T(\\d{4})Z_[0-9a-f]{8}\\.log\\.gz$`);
  const stamps = flowFiles.map((f) => {
    const m = re.exec(f.path);
    assert.ok(m, `file name ${f.path}`);
    return m[1];
  });
  assert.deepEqual(stamps, ['1005', '1010', '1015', '1020', '1025', '1030', '1035', '1040', '1045', '1050', '1055', '1100']);
  for (const f of flowFiles) {
    const first = gunzipSync(f.data).toString('utf8').split('\n', 1)[0];
    assert.equal(first, FLOW_FIELDS.join(' '));
  }
  for (const l of allLines) assert.equal(l.raw.split(' ').length, 27, `${l.file}:${l.n}`);
  const L = sample.ledger;
  assert.equal(allLines.length + malformed.length, L.totals.lines);
  assert.equal(malformed.length, L.totals.malformed);
  assert.equal(malformed.length, 2);
  assert.equal(new Set(malformed.map((m) => m.file)).size, 1, 'malformed lines sit in one file');
  assert.equal(ok.length, L.totals.records);
  assert.equal(allLines.filter((l) => l.f['log-status'] === 'NODATA').length, L.totals.nodata);
  assert.equal(allLines.filter((l) => l.f['log-status'] === 'SKIPDATA').length, L.totals.skipdata);
  assert.ok(L.totals.nodata > 0 && L.totals.skipdata > 0);
  assert.ok(ok.length > 2000 && ok.length < 4000, `a few thousand records at the default scale (${ok.length})`);
});

test('each record sits in its 5-minute file, inside the one-hour window, start <= end', () => {
  for (const l of allLines) {
    const start = Number(l.f.start);
    const end = Number(l.f.end);
    assert.ok(start <= end && start >= WINDOW_START && start < WINDOW_START + WINDOW_SECONDS, `${l.file}:${l.n}`);
    const idx = Math.floor((start - WINDOW_START) / FILE_SECONDS);
    assert.equal(l.file, flowFiles[idx].path, `${l.file}:${l.n} is in the file of its start time`);
  }
  // Conversations running across the edges fill the hour exactly: 10:00:00 – 10:59:59.
  assert.equal(Math.min(...ok.map((l) => Number(l.f.start))), WINDOW_START);
  assert.equal(Math.max(...ok.map((l) => Number(l.f.end))), WINDOW_START + WINDOW_SECONDS - 1);
});

test('interfaces, subnets, VPC, AZ ids and instances in the flow logs match the inventory', () => {
  const seen = new Set<string>();
  for (const l of allLines) {
    const eni = eniById.get(l.f['interface-id']);
    assert.ok(eni, `${l.f['interface-id']} is in describe-network-interfaces`);
    seen.add(eni.NetworkInterfaceId);
    assert.equal(l.f['account-id'], ACCOUNT);
    assert.equal(l.f['vpc-id'], eni.VpcId);
    assert.equal(l.f['subnet-id'], eni.SubnetId);
    assert.equal(l.f['az-id'], subnetById.get(eni.SubnetId)!.AvailabilityZoneId);
    assert.equal(l.f['instance-id'], eni.Attachment?.InstanceId ?? '-');
    assert.equal(l.f.region, REGION);
  }
  assert.equal(seen.size, enis.length, 'every interface appears in the flow logs');
  for (const e of enis) {
    assert.ok(subnetById.has(e.SubnetId));
    assert.equal(subnetById.get(e.SubnetId)!.AvailabilityZone, e.AvailabilityZone);
    for (const g of e.Groups) assert.equal(sgById.get(g.GroupId)?.GroupName, g.GroupName);
  }
  const nat = json<{ NatGateways: { NatGatewayAddresses: { NetworkInterfaceId: string; PrivateIp: string }[] }[] }>('inventory/describe-nat-gateways.json').NatGateways[0];
  assert.equal(nat.NatGatewayAddresses[0].NetworkInterfaceId, natEni);
  assert.equal(eniById.get(natEni)!.InterfaceType, 'nat_gateway');
  assert.equal(eniById.get(natEni)!.PrivateIpAddress, nat.NatGatewayAddresses[0].PrivateIp);
});

test('tfstate security-group ids, names and rules exist in the inventory', () => {
  type Inst = { index_key?: number; attributes: Record<string, unknown> };
  const state = json<{ version: number; resources: { module?: string; type: string; name: string; instances: Inst[] }[] }>('terraform/terraform.tfstate');
  assert.equal(state.version, 4);
  const groups = state.resources.filter((r) => r.type === 'aws_security_group' || r.type === 'aws_default_security_group');
  assert.equal(groups.length, sgs.length, 'one state resource per deployed group');
  for (const r of groups) {
    const a = r.instances[0].attributes as { id: string; name: string; vpc_id: string; arn: string; ingress: { from_port: number; protocol: string }[] };
    const sg = sgById.get(a.id);
    assert.ok(sg, `${r.type}.${r.name} id ${a.id} is deployed`);
    assert.equal(sg.GroupName, a.name);
    assert.equal(sg.VpcId, a.vpc_id);
    assert.equal(a.arn, `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${a.id}`);
    const inv = sg.IpPermissions.reduce((n, p) => n + p.IpRanges.length + p.UserIdGroupPairs.length + (p.Ipv6Ranges.length && !p.IpRanges.length ? 1 : 0), 0);
    assert.ok(a.ingress.length <= inv && a.ingress.length > 0 === inv > 0, `${a.name}: ingress rule count`);
  }
  const mod = groups.find((r) => r.module === 'module.monitoring_sg');
  assert.ok(mod && mod.instances[0].index_key === 0, 'module group is module.monitoring_sg.aws_security_group.this[0]');
  const rules = state.resources.filter((r) => r.type === 'aws_vpc_security_group_ingress_rule');
  for (const r of rules) assert.ok(sgById.has(r.instances[0].attributes.security_group_id as string));
  const ids = JSON.stringify(state);
  for (const k of ['vpc', 'igw', 'nat'] as const) assert.ok(ids.includes(IDS[k]));
  for (const s of subnets) assert.ok(ids.includes(s.SubnetId));
});

test('inventory security groups carry the story rules the Terraform declares', () => {
  const byName = new Map(sgs.map((s) => [s.GroupName, s]));
  const perm = (name: string, port: number) => byName.get(name)!.IpPermissions.find((p) => p.FromPort === port);
  assert.deepEqual(perm('demo-bastion', 22)!.IpRanges.map((r) => r.CidrIp), ['0.0.0.0/0']);
  assert.deepEqual(perm('demo-web', 443)!.Ipv6Ranges.map((r) => r.CidrIpv6), ['::/0']);
  assert.deepEqual(perm('demo-app', 8080)!.UserIdGroupPairs.map((g) => g.GroupId), [IDS.securityGroups.web.id]);
  assert.deepEqual(perm('demo-app', 8080)!.IpRanges, []);
  const db = perm('demo-db', 5432)!;
  assert.deepEqual(db.UserIdGroupPairs.map((g) => g.GroupId), [IDS.securityGroups.app.id]);
  assert.deepEqual(db.IpRanges, [{ CidrIp: '10.0.0.0/8' }], 'the wide rule has no description');
  assert.deepEqual(perm('demo-cache', 6379)!.IpRanges.map((r) => r.CidrIp), ['0.0.0.0/0']);
  assert.equal(byName.get('default')!.IpPermissions[0].UserIdGroupPairs[0].GroupId, IDS.securityGroups.default.id);
  const vpce = json<{ VpcEndpoints: unknown[] }>('inventory/describe-vpc-endpoints.json');
  assert.deepEqual(vpce.VpcEndpoints, [], 'no S3 gateway endpoint');
  const rtbs = json<{ RouteTables: { Routes: { DestinationCidrBlock: string; NatGatewayId?: string }[]; Associations: { SubnetId?: string }[] }[] }>('inventory/describe-route-tables.json').RouteTables;
  const priv = rtbs.find((r) => r.Routes.some((x) => x.NatGatewayId === IDS.nat))!;
  assert.ok(priv.Associations.some((a) => a.SubnetId === IDS.subnets.private_a.id));

  // Terraform text declares the same names, ports and descriptions.
  const tf = text('terraform/security.tf') + text('terraform/variables.tf') + text('terraform/main.tf');
  for (const sg of sgs) {
    if (sg.GroupName !== 'default') assert.ok(tf.includes(`"\${local.name}-${sg.GroupName.replace(/^demo-/, '')}"`), sg.GroupName);
    for (const p of [...sg.IpPermissions, ...sg.IpPermissionsEgress]) {
      // The module group's rule descriptions come from the module's named rules, not our text.
      for (const r of p.IpRanges) if (r.Description && !(sg.GroupName === 'demo-monitoring' && r.Description !== 'Node exporter')) assert.ok(tf.includes(`"${r.Description}"`), `${sg.GroupName}: ${r.Description}`);
      if (p.FromPort !== undefined && !(sg.GroupName === 'demo-monitoring' && p.FromPort === 9090)) assert.ok(tf.includes(`= ${p.FromPort}`), `${sg.GroupName}: port ${p.FromPort}`);
    }
  }
  assert.match(tf, /default\s+=\s+\["0\.0\.0\.0\/0"\]/);
  assert.match(tf, /ingress_rules\s+=\s+\["prometheus-http-tcp"\]/);
  assert.match(tf, /egress_rules\s+=\s+\["all-all"\]/);
  assert.match(text('terraform/terraform.tfvars'), /partner_cidrs\s+=\s+\["198\.51\.100\.0\/24"\]/);
});

test('records are physically consistent: directions, paths, pkt addresses, sizes, pairs', () => {
  const key = (l: Line, swap: boolean) => {
    const f = l.f;
    return swap
      ? [f['interface-id'], f.dstaddr, f.srcaddr, f.dstport, f.srcport].join(' ')
      : [f['interface-id'], f.srcaddr, f.dstaddr, f.srcport, f.dstport].join(' ');
  };
  const index = new Map<string, Line[]>();
  for (const l of ok) {
    const k = key(l, false);
    if (!index.has(k)) index.set(k, []);
    index.get(k)!.push(l);
  }
  for (const l of ok) {
    const f = l.f;
    const eni = eniById.get(f['interface-id'])!;
    const where = `${l.file}:${l.n}`;
    assert.equal(f.version, '5');
    assert.equal(f.protocol, '6');
    assert.ok(['ingress', 'egress'].includes(f['flow-direction']));
    // flow-direction is relative to the interface
    const own = [eni.PrivateIpAddress, ...eni.Ipv6Addresses.map((a) => a.Ipv6Address)];
    assert.ok(own.includes(f['flow-direction'] === 'egress' ? f.srcaddr : f.dstaddr), `${where} direction vs the interface address`);
    assert.equal(f.type, f.srcaddr.includes(':') ? 'IPv6' : 'IPv4', `${where} type`);
    assert.equal(f.srcaddr.includes(':'), f.dstaddr.includes(':'), where);
    // traffic-path only on egress records
    assert.equal(f['traffic-path'] === '-', f['flow-direction'] === 'ingress', where);
    // pkt-*addr differ from *addr only on the NAT gateway interface
    const differs = f['pkt-srcaddr'] !== f.srcaddr || f['pkt-dstaddr'] !== f.dstaddr;
    if (f['interface-id'] !== natEni) assert.ok(!differs, where);
    const pkts = Number(f.packets);
    const bytes = Number(f.bytes);
    assert.ok(pkts >= 1 && bytes / pkts >= 40 && bytes / pkts <= 9001, `${where} bytes per packet ${bytes / pkts}`);
    const flags = Number(f['tcp-flags']);
    if (f.action === 'REJECT') {
      assert.equal(f['flow-direction'], 'ingress');
      assert.equal(flags, 2);
      continue;
    }
    // every accepted record has its reverse on the same interface, overlapping in time
    const rev = (index.get(key(l, true)) ?? []).filter((r) => Number(r.f.start) <= Number(f.end) && Number(f.start) <= Number(r.f.end));
    assert.ok(rev.length > 0, `${where} has a reverse record`);
    // SYN without ACK on the client's record pairs with SYN-ACK on the server's
    if ((flags & 2) && !(flags & 16)) assert.ok(rev.some((r) => (Number(r.f['tcp-flags']) & 18) === 18), `${where} SYN answered by SYN-ACK`);
  }
});

test('the story: rejected SSH scans, open-SSH sessions on the bastion, S3 via NAT, cross-AZ 5432, NODATA', () => {
  const on = (eni: string) => ok.filter((l) => l.f['interface-id'] === eni);
  const isPrivate = (ip: string) => ip.startsWith('10.');
  const bastion = on(IDS.enis.bastion.id);
  const webs = [...on(IDS.enis.web_a.id), ...on(IDS.enis.web_b.id)];

  const rejectedSsh = webs.filter((l) => l.f.action === 'REJECT' && l.f.dstport === '22' && !isPrivate(l.f.srcaddr));
  assert.ok(rejectedSsh.length >= 20, 'SSH scans rejected on the web servers');
  const rejectedBastion = bastion.filter((l) => l.f.action === 'REJECT' && !isPrivate(l.f.srcaddr));
  assert.ok(rejectedBastion.length >= 20, 'port scans rejected on the bastion');
  const sshIn = bastion.filter((l) => l.f.action === 'ACCEPT' && l.f.dstport === '22' && l.f['flow-direction'] === 'ingress' && !isPrivate(l.f.srcaddr));
  assert.ok(new Set(sshIn.map((l) => l.f.srcaddr)).size >= 10, 'many internet sources reached SSH on the bastion');
  assert.ok(sshIn.some((l) => l.f.srcaddr === IDS.adminIp), 'the admin connected');
  const ssh6 = bastion.filter((l) => l.f.action === 'REJECT' && l.f.dstport === '22' && l.f.type === 'IPv6');
  assert.ok(ssh6.length >= 10, 'SSH scans of the bastion over IPv6 are rejected (the rule opens 0.0.0.0/0 only)');
  assert.ok(!bastion.some((l) => l.f.action === 'ACCEPT' && l.f.type === 'IPv6'));
  assert.ok(webs.some((l) => l.f.type === 'IPv6' && l.f.action === 'ACCEPT' && l.f.srcport === '443'), 'IPv6 downloads (web allows ::/0)');

  const s3Worker = on(IDS.enis.worker.id).filter((l) => l.f['pkt-dst-aws-service'] === 'S3' && l.f['flow-direction'] === 'egress');
  const s3Nat = on(natEni).filter((l) => l.f['pkt-dst-aws-service'] === 'S3' && l.f['flow-direction'] === 'ingress' && l.f.srcaddr === IDS.enis.worker.ip);
  const sum = (ls: Line[]) => ls.reduce((a, l) => a + Number(l.f.bytes), 0);
  assert.ok(sum(s3Worker) > 10e9, `worker uploads GBs to S3 (${sum(s3Worker)})`);
  assert.equal(sum(s3Nat), sum(s3Worker), 'the NAT gateway sees the same upload bytes');
  assert.ok(s3Nat.every((l) => l.f.dstaddr === IDS.enis.nat.ip && l.f['pkt-dstaddr'] !== l.f.dstaddr));

  const azOf = (ip: string) => enis.find((e) => e.PrivateIpAddress === ip)?.AvailabilityZone;
  const crossAz = ok.filter((l) => (l.f.dstport === '5432' || l.f.srcport === '5432') && azOf(l.f.srcaddr) && azOf(l.f.dstaddr) && azOf(l.f.srcaddr) !== azOf(l.f.dstaddr));
  assert.ok(sum(crossAz) > 1e9, 'GBs of cross-AZ PostgreSQL traffic');

  const downloads = webs.filter((l) => l.f.srcport === '443' && l.f['flow-direction'] === 'egress' && l.f['traffic-path'] === '8');
  assert.ok(sum(downloads) > 5e9, 'web servers answer GBs of downloads to the internet');
  const api = on(natEni).filter((l) => l.f['flow-direction'] === 'egress' && l.f['traffic-path'] === '8' && !l.f['pkt-dst-aws-service'].includes('S3'));
  assert.ok(api.length > 0, 'app servers call internet APIs through the NAT gateway');

  assert.ok(allLines.some((l) => l.f['log-status'] === 'NODATA' && l.f['interface-id'] === IDS.enis.cache.id));
  // no flow matches the partner rule (8443 from 198.51.100.0/24)
  assert.ok(!ok.some((l) => l.f.dstport === '8443'));
});

test('the ledger agrees with the records', () => {
  const L = sample.ledger;
  for (const [id, itf] of Object.entries(L.interfaces)) {
    const ls = allLines.filter((l) => l.f['interface-id'] === id);
    assert.equal(ls.length, itf.records, id);
    const b = (dir: string) => ls.filter((l) => l.f['flow-direction'] === dir).reduce((a, l) => a + Number(l.f.bytes), 0);
    assert.equal(b('egress'), itf.egressBytes, id);
    assert.equal(b('ingress'), itf.ingressBytes, id);
  }
  const ws = L.stories['web-downloads'];
  const webEgress = ok.filter((l) => [IDS.enis.web_a.id, IDS.enis.web_b.id].includes(l.f['interface-id']) && l.f['flow-direction'] === 'egress' && l.f['traffic-path'] === '8');
  assert.equal(webEgress.reduce((a, l) => a + Number(l.f.bytes), 0), ws.responseBytes, 'web → internet bytes are the download responses');
  const s3 = L.stories['s3-via-nat'];
  const s3Up = ok.filter((l) => l.f['interface-id'] === IDS.enis.worker.id && l.f['pkt-dst-aws-service'] === 'S3');
  assert.equal(s3Up.reduce((a, l) => a + Number(l.f.bytes), 0), s3.requestBytes);
  assert.equal(L.stories['ssh-scan-rejected'].conversations + L.stories['bastion-ssh-ipv6-rejected'].conversations,
    ok.filter((l) => l.f.action === 'REJECT' && l.f.dstport === '22').length);
});

test('CloudFormation YAML (short tags) and JSON parse; Terraform parses with no syntax errors', async () => {
  const doc = parseDocument(text('cloudformation/stack.yaml'), {
    customTags: ['!Ref', '!Sub', '!GetAtt', '!If', '!Not', '!Equals', '!Select', '!Cidr', '!GetAZs'].flatMap((tag) =>
      (['scalar', 'seq'] as const).map((collection) => ({ tag, collection, resolve: (v: unknown) => v }) as never),
    ),
  });
  assert.deepEqual(doc.errors, []);
  const cfn = doc.toJS() as { Resources: Record<string, { Type: string }> };
  const types = Object.values(cfn.Resources).map((r) => r.Type);
  assert.ok(types.includes('AWS::EC2::SecurityGroup') && types.includes('AWS::EC2::SecurityGroupIngress'));
  const j = json<{ Resources: Record<string, { Type: string }> }>('cloudformation/stack.json');
  assert.ok(Object.values(j.Resources).some((r) => r.Type === 'AWS::EC2::SecurityGroupIngress'));

  const require = createRequire(import.meta.url);
  const tsDir = join(require.resolve('web-tree-sitter'), '..');
  await Parser.init({ locateFile: (name: string) => join(tsDir, name) });
  const lang = await Language.load(join(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/package.json'), '..', 'tree-sitter-terraform.wasm'));
  const parser = new Parser();
  parser.setLanguage(lang);
  for (const f of sample.files.filter((x) => /\.(tf|tfvars)$/.test(x.path))) {
    const tree = parser.parse(f.data.toString('utf8'))!;
    assert.equal(tree.rootNode.hasError, false, `${f.path} parses without errors`);
  }
});

test('--records scales the number of records; --out writes a complete workspace elsewhere', () => {
  const counts = [300, 1000, 3000, 12000].map((n) => generateSample({ records: n }).ledger.totals.records);
  for (let i = 1; i < counts.length; i++) assert.ok(counts[i] > counts[i - 1], `more records asked, more made: ${counts}`);
  [1000, 3000, 12000].forEach((n, i) => assert.ok(Math.abs(counts[i + 1] - n) / n < 0.1, `asked ${n}, got ${counts[i + 1]}`));
  assert.ok(DEFAULT_RECORDS > 0);
  const dir = mkdtempSync(join(tmpdir(), 'egress-lens-sample-'));
  try {
    const out = join(dir, 'demo');
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      assert.equal(main(['--records', '500', '--seed', '3', '--out', out]), 0);
    } finally {
      process.stdout.write = write;
    }
    const expected = generateSample({ records: 500, seed: 3 });
    for (const f of expected.files) assert.ok(readFileSync(join(out, ...f.path.split('/'))).equals(f.data), f.path);
    assert.throws(() => main(['--records', 'many', '--out', out]), /positive integer/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const hasTerraform = spawnSync('terraform', ['version'], { stdio: 'ignore' }).status === 0;
test('Terraform files are in canonical format (terraform fmt -check)', { skip: hasTerraform ? false : 'terraform is not installed' }, () => {
  const r = spawnSync('terraform', ['fmt', '-check', '-recursive', join(DEMO, 'terraform')], { encoding: 'utf8' });
  assert.equal(r.status, 0, `terraform fmt would change: ${r.stdout}`);
});
