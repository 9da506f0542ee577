import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_FIELDS } from '../../../src/core/flowlogs/fields';
import { createAggregator } from '../../../src/core/flowlogs/aggregate';
import { assertIdentity, runText } from './helpers';

const V2 = '2 123456789012 eni-0a1 10.0.1.5 52.94.1.10 49152 443 6 20 4000 1700000000 1700000060 ACCEPT OK';

test('version 2 default format without header', () => {
  const r = runText(`${V2}\n`);
  assert.deepEqual(r.counts, { lines: 1, parsed: 1, skipped: 0, nodata: 0, skipdata: 0 });
  assert.deepEqual(r.records[0], {
    version: 2,
    'account-id': '123456789012',
    'interface-id': 'eni-0a1',
    srcaddr: '10.0.1.5',
    dstaddr: '52.94.1.10',
    srcport: 49152,
    dstport: 443,
    protocol: 6,
    packets: 20,
    bytes: 4000,
    start: 1700000000,
    end: 1700000060,
    action: 'ACCEPT',
    'log-status': 'OK',
    _file: 'mem.log',
    _line: 1,
  });
  const a = r.aggregates[0];
  assert.equal(r.aggregates.length, 1);
  assert.equal(a.interfaceId, 'eni-0a1');
  assert.equal(a.protocol, 6);
  assert.equal(a.bytes, 4000);
  assert.equal(a.accountId, '123456789012');
  assert.deepEqual(r.window, { start: 1700000000, end: 1700000060 });
});

test('version 3 fields from a header', () => {
  const header = 'version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status';
  const line = '3 vpc-1 subnet-1 i-1 eni-1 123456789012 IPv4 10.0.0.5 10.0.1.9 22 50000 10.0.0.5 203.0.113.7 6 100 2 1700000000 1700000060 ACCEPT 18 OK';
  const r = runText(`${header}\n${line}\n${line.replace(' 18 OK', ' 1 OK')}\n`);
  assert.equal(r.counts.lines, 2, 'header is not a data line');
  assert.equal(r.counts.parsed, 2);
  assert.equal(r.records[0]['tcp-flags'], 18);
  assert.equal(r.records[0].type, 'IPv4');
  const a = r.aggregates[0];
  assert.equal(r.aggregates.length, 1);
  assert.equal(a.tcpFlags, 19, 'flags are OR-ed');
  assert.equal(a.records, 2);
  assert.equal(a.vpcId, 'vpc-1');
  assert.equal(a.subnetId, 'subnet-1');
  assert.equal(a.instanceId, 'i-1');
  assert.equal(a.pktDstaddr, '203.0.113.7');
  assert.equal(a.srcport, 22);
});

test('version 4 and 5 fields', () => {
  const header = 'version interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status region az-id sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path';
  const lines = [
    '5 eni-1 10.0.0.5 52.216.1.1 40000 443 6 10 9000 1700000000 1700000060 ACCEPT OK us-east-1 use1-az1 - - - S3 egress 7',
    '5 eni-1 52.216.1.1 10.0.0.5 443 40000 6 8 1000 1700000000 1700000060 ACCEPT OK us-east-1 use1-az1 - - S3 - ingress -',
    '4 eni-2 10.0.0.6 10.0.0.7 1 2 17 1 1 1700000000 1700000060 REJECT OK us-east-1 use1-az2 outpost op-1 - - - -',
  ];
  const r = runText([header, ...lines].join('\n'));
  assert.equal(r.counts.parsed, 3);
  assert.equal(r.records[0]['traffic-path'], 7);
  assert.equal(r.records[0]['flow-direction'], 'egress');
  assert.equal(r.records[1]['traffic-path'], null);
  assert.equal(r.records[2]['sublocation-type'], 'outpost');
  const eg = r.aggregates.find((a) => a.flowDirection === 'egress');
  assert.ok(eg);
  assert.equal(eg.trafficPath, 7);
  assert.equal(eg.pktDstAwsService, 'S3');
  assert.equal(eg.region, 'us-east-1');
  assert.equal(eg.azId, 'use1-az1');
  const ing = r.aggregates.find((a) => a.flowDirection === 'ingress');
  assert.equal(ing?.trafficPath, null);
  assert.equal(ing?.pktSrcAwsService, 'S3');
  const rej = r.aggregates.find((a) => a.action === 'REJECT');
  assert.equal(rej?.protocol, 17);
  assert.equal(rej?.flowDirection, null);
});

test('version 6 Transit Gateway records are counted and kept apart from interface flows', () => {
  const header = 'version resource-type account-id tgw-id tgw-attachment-id tgw-src-vpc-account-id tgw-dst-vpc-account-id tgw-src-vpc-id tgw-dst-vpc-id tgw-src-subnet-id tgw-dst-subnet-id tgw-src-eni tgw-dst-eni tgw-src-az-id tgw-dst-az-id tgw-pair-attachment-id srcaddr dstaddr srcport dstport protocol packets bytes start end log-status type packets-lost-no-route packets-lost-blackhole packets-lost-mtu-exceeded packets-lost-ttl-expired tcp-flags region flow-direction pkt-src-aws-service pkt-dst-aws-service';
  const tgw = '6 TransitGateway 123456789012 tgw-1 tgw-attach-1 123456789012 123456789012 vpc-1 vpc-2 subnet-1 subnet-2 eni-a eni-b use1-az1 use1-az2 tgw-attach-2 10.0.0.1 10.1.0.1 1000 443 6 5 700 1700000000 1700000060 OK IPv4 0 0 2 0 2 us-east-1 egress - -';
  const r = runText([header, tgw, tgw.replace('tgw-attach-1', 'tgw-attach-9').replace(' 5 700 ', ' 1 100 ')].join('\n'));
  assert.equal(r.counts.parsed, 2);
  assert.equal(r.aggregates.length, 0, 'TGW records are not interface flows');
  assert.equal(r.transitGateway.records, 2);
  assert.equal(r.transitGateway.bytes, 800);
  assert.equal(r.transitGateway.packetsLostMtuExceeded, 4);
  assert.deepEqual(
    r.transitGateway.attachments.map((a) => [a.attachmentId, a.records, a.bytes]),
    [
      ['tgw-attach-1', 1, 700],
      ['tgw-attach-9', 1, 100],
    ],
  );
  // A resource-type column that says something else is an ordinary interface record.
  const mixed = runText('version resource-type interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n' +
    '6 TransitGateway - 10.0.0.1 10.0.0.2 1 2 6 1 10 1 2 ACCEPT OK\n6 NetworkInterface eni-1 10.0.0.1 10.0.0.2 1 2 6 1 10 1 2 ACCEPT OK\n');
  assert.equal(mixed.transitGateway.records, 1);
  assert.equal(mixed.aggregates.length, 1);
  assert.equal(mixed.aggregates[0].interfaceId, 'eni-1');
});

test('version 7 ECS fields and later/unknown fields are carried through as strings', () => {
  const header = 'version interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status ecs-cluster-name ecs-task-id reject-reason encryption-status next-hop-interface-id my-future-field';
  const line = '7 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 10 1700000000 1700000001 REJECT OK prod 0123abcd BPA 1 eni-9 hello';
  const r = runText(`${header}\n${line}\n`);
  assert.equal(r.counts.parsed, 1);
  const rec = r.records[0];
  assert.equal(rec['ecs-cluster-name'], 'prod');
  assert.equal(rec['ecs-task-id'], '0123abcd');
  assert.equal(rec['reject-reason'], 'BPA');
  assert.equal(rec['encryption-status'], 1);
  assert.equal(rec['next-hop-interface-id'], 'eni-9');
  assert.equal(rec['my-future-field'], 'hello');
});

test('custom field orders: from --fields, and from a header that overrides it', () => {
  const fields = ['srcaddr', 'dstaddr', 'bytes', 'interface-id', 'action', 'dstport', 'srcport', 'protocol'];
  const r = runText('10.0.0.1 10.0.0.2 500 eni-7 ACCEPT 443 1234 6\n10.0.0.1 10.0.0.2 250 eni-7 ACCEPT 443 1234 6\n', { fields });
  assert.equal(r.counts.parsed, 2);
  assert.equal(r.aggregates.length, 1);
  assert.equal(r.aggregates[0].bytes, 750);
  assert.equal(r.aggregates[0].dstport, 443);
  assert.equal(r.records[0].version, undefined, 'no version field in this format');
  // A header wins over the given fields for its file.
  const h = runText(`${DEFAULT_FIELDS.join(' ')}\n${V2}\n`, { fields });
  assert.equal(h.counts.parsed, 1);
  assert.equal(h.records[0].dstaddr, '52.94.1.10');
});

test('`-` is null in records and absent in aggregates', () => {
  const r = runText('version interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id pkt-srcaddr\n' +
    '3 eni-1 10.0.0.1 10.0.0.2 - - 1 1 84 1700000000 1700000060 ACCEPT OK - -\n');
  assert.equal(r.records[0].srcport, null);
  assert.equal(r.records[0]['vpc-id'], null);
  assert.equal(r.records[0]['pkt-srcaddr'], null);
  const a = r.aggregates[0];
  assert.equal(a.srcport, 0);
  assert.equal(a.protocol, 1);
  assert.equal(a.vpcId, null);
  assert.equal(a.pktSrcaddr, null);
});

test('timestamps in milliseconds are turned into seconds', () => {
  const r = runText(V2.replace('1700000000 1700000060', '1700000000123 1700000060999'));
  assert.equal(r.records[0].start, 1700000000);
  assert.equal(r.records[0].end, 1700000060);
  assert.deepEqual(r.window, { start: 1700000000, end: 1700000060 });
  // 2^31 - 1 is still seconds.
  assert.equal(runText(V2.replace('1700000000 1700000060', '2147483647 2147483647')).records[0].start, 2147483647);
});

test('IPv6 addresses', () => {
  const r = runText([
    V2.replace('10.0.1.5 52.94.1.10', '2600:1f18:abcd::5 2001:db8::1'),
    V2.replace('10.0.1.5 52.94.1.10', '2600:1f18:abcd::5 2001:db8::1'),
    V2.replace('10.0.1.5 52.94.1.10', '::ffff:10.0.0.1 fe80::1').replace(' 6 20 ', ' 58 20 '),
  ].join('\n'));
  assert.equal(r.counts.parsed, 3);
  assert.equal(r.aggregates.length, 2);
  assert.equal(r.aggregates[0].srcaddr, '2600:1f18:abcd::5');
  assert.equal(r.aggregates[0].dstaddr, '2001:db8::1');
  assert.equal(r.aggregates[0].bytes, 8000);
  assert.equal(r.aggregates[1].protocol, 58);
});

test('NODATA and SKIPDATA are counted apart and not summed', () => {
  const r = runText([
    V2,
    '2 123456789012 eni-0a1 - - - - - - - 1700000000 1700000060 - NODATA',
    '2 123456789012 eni-0a1 - - - - - - - 1700000000 1700000060 - SKIPDATA',
    '2 123456789012 eni-0a1 - - - - - - - 1700000100 1700000160 - SKIPDATA',
  ].join('\n'));
  assert.deepEqual(r.counts, { lines: 4, parsed: 1, skipped: 0, nodata: 1, skipdata: 2 });
  assert.equal(r.aggregates.length, 1);
  assert.equal(r.records.filter((x) => x['log-status'] === 'SKIPDATA').length, 2);
});

test('malformed lines are counted and reported with file, line, reason and text', () => {
  const bad = [
    'garbage',
    V2.replace('10.0.1.5', '10.0.1.500'),
    V2.replace(' 443 ', ' 44x3 '),
    V2.replace('ACCEPT', 'MAYBE'),
    V2.replace(' OK', ' FINE'),
    V2.replace(' 49152 ', ' 70000 '),
    V2.replace(' 6 20 ', ' 300 20 '),
    V2 + ' extra',
    '',
  ];
  const r = runText([V2, ...bad, V2].join('\n'), { file: 'x/y.log' });
  assert.deepEqual(r.counts, { lines: 11, parsed: 2, skipped: 9, nodata: 0, skipdata: 0 });
  assert.deepEqual(
    r.skipped.map((s) => [s.line, s.reason]),
    [
      [2, 'expected 14 fields, found 1'],
      [3, 'srcaddr is not an IPv4 or IPv6 address'],
      [4, 'dstport is not a number'],
      [5, 'action is not ACCEPT or REJECT'],
      [6, 'log-status is not OK, NODATA or SKIPDATA'],
      [7, 'port out of range 0..65535'],
      [8, 'protocol out of range 0..255'],
      [9, 'expected 14 fields, found 15'],
      [10, 'empty line'],
    ],
  );
  assert.equal(r.skipped[0].file, 'x/y.log');
  assert.equal(r.skipped[0].text, 'garbage');
  assert.equal(r.errors.length, 0);
});

test('only the first N skipped lines are kept, all are counted', () => {
  const r = runText(Array.from({ length: 50 }, (_, i) => `bad ${i}`).join('\n'), { maxSkippedKept: 5 });
  assert.equal(r.counts.skipped, 50);
  assert.equal(r.skipped.length, 5);
  assert.equal(r.errors.length, 1, 'a file where nothing parsed is reported as not a flow log');
  assert.match(r.errors[0].message, /not a flow log/);
});

test('tabs, runs of spaces and CRLF line ends', () => {
  const r = runText(`${V2.replace(/ /g, '\t')}\r\n  ${V2.replace(/ /g, '   ')}  \r\n${V2}`);
  assert.equal(r.counts.parsed, 3);
  assert.equal(r.aggregates.length, 1);
  assert.equal(r.aggregates[0].records, 3);
});

test('results do not depend on how the bytes are chunked', () => {
  const text = [DEFAULT_FIELDS.join(' '), V2, 'bad', V2.replace('eni-0a1', 'eni-0b2'), '2 1 eni-1 - - - - - - - 1 2 - NODATA', V2].join('\n');
  const whole = runText(text);
  for (const chunk of [1, 2, 3, 7, 64]) {
    const r = runText(text, { chunk });
    assert.deepEqual(r.counts, whole.counts, `chunk ${chunk}`);
    assert.deepEqual(r.aggregates, whole.aggregates, `chunk ${chunk}`);
    assert.deepEqual(r.skipped, whole.skipped, `chunk ${chunk}`);
  }
});

test('aggregates equal a straightforward reference implementation', () => {
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const lines: string[] = [];
  const ref = new Map<string, { bytes: number; packets: number; records: number; start: number; end: number }>();
  for (let i = 0; i < 3000; i++) {
    const f = [2, '123456789012', `eni-${rnd(5)}`, `10.0.0.${rnd(4)}`, rnd(3) === 0 ? `2001:db8::${rnd(3)}` : `52.1.1.${rnd(6)}`, 1000 + rnd(3), [443, 80][rnd(2)], [6, 17][rnd(2)], 1 + rnd(9), rnd(5000), 1700000000 + rnd(1000), 0, ['ACCEPT', 'REJECT'][rnd(2)], 'OK'];
    f[11] = (f[10] as number) + rnd(120);
    lines.push(f.join(' '));
    const key = [f[2], f[3], f[4], f[5], f[6], f[7], f[12]].join('|');
    const g = ref.get(key) ?? { bytes: 0, packets: 0, records: 0, start: Infinity, end: 0 };
    g.bytes += f[9] as number;
    g.packets += f[8] as number;
    g.records++;
    g.start = Math.min(g.start, f[10] as number);
    g.end = Math.max(g.end, f[11] as number);
    ref.set(key, g);
  }
  const r = runText(lines.join('\n'), { chunk: 997 });
  assert.equal(r.aggregates.length, ref.size);
  for (const a of r.aggregates) {
    const g = ref.get([a.interfaceId, a.srcaddr, a.dstaddr, a.srcport, a.dstport, a.protocol, a.action].join('|'));
    assert.ok(g, `unexpected group ${a.srcaddr} ${a.dstaddr}`);
    assert.deepEqual({ bytes: a.bytes, packets: a.packets, records: a.records, start: a.start, end: a.end }, g);
  }
});

test('records outside the window are counted, not summed', () => {
  const r = runText([V2, V2.replace('1700000000 1700000060', '1600000000 1600000060')].join('\n'), { window: { start: 1699999000 } });
  assert.equal(r.counts.parsed, 2);
  assert.equal(r.outsideWindow, 1);
  assert.equal(r.aggregates[0].records, 1);
  assert.equal(r.records.length, 1);
});

test('a header naming no flow-log field is one clear file error', () => {
  const r = runText('name age city\nalice 3 paris\n', { file: 'people.txt' });
  assert.equal(r.counts.lines, 0);
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0].file, 'people.txt');
  assert.match(r.errors[0].message, /not a flow log.*header/);
});

test('createAggregator: CloudWatch-style lines with a LogFormat field list', () => {
  const fields = ['interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log-status', 'flow-direction'];
  const agg = createAggregator({ fields, maxSkippedKept: 10 });
  agg.addLine('eni-1 10.0.0.1 8.8.8.8 5000 53 17 1 80 1700000000 1700000060 ACCEPT OK egress', 'eni-1-all', 1);
  agg.addLine('eni-1 10.0.0.1 8.8.8.8 5000 53 17 1 70 1700000000 1700000060 ACCEPT OK egress\n', 'eni-1-all', 2);
  agg.addLine('eni-1 - - - - - - - 1700000000 1700000060 - NODATA -', 'eni-1-all', 3);
  agg.addLine('not a record', 'eni-2-all', 1);
  agg.addLine(V2, 'eni-3-all', 1, DEFAULT_FIELDS);
  assert.deepEqual(agg.counts, { lines: 5, parsed: 3, skipped: 1, nodata: 1, skipdata: 0 });
  const r = agg.result();
  assertIdentity(r.counts);
  assert.equal(r.files, 3);
  assert.deepEqual(r.skipped, [{ file: 'eni-2-all', line: 1, reason: 'expected 13 fields, found 3', text: 'not a record' }]);
  assert.equal(r.aggregates.length, 2);
  assert.equal(r.aggregates[0].bytes, 150);
  assert.equal(r.aggregates[0].flowDirection, 'egress');
});

test('pkt-srcaddr and pkt-dstaddr are filled independently by later records of a group', () => {
  const h = 'version interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status pkt-srcaddr pkt-dstaddr';
  const r = runText(
    `${h}\n` +
      '5 eni-1 10.0.0.1 52.94.1.1 40000 443 6 1 100 1700000000 1700000060 ACCEPT OK - 52.94.1.1\n' +
      '5 eni-1 10.0.0.1 52.94.1.1 40000 443 6 1 100 1700000060 1700000120 ACCEPT OK 10.0.0.1 52.94.1.1\n',
  );
  assert.equal(r.aggregates.length, 1);
  assert.equal(r.aggregates[0].pktDstaddr, '52.94.1.1');
  assert.equal(r.aggregates[0].pktSrcaddr, '10.0.0.1');
});

test('the group table sized from a records hint: a quarter of the hint, 4,096 to 1M groups; same groups either way', async () => {
  const { initialGroups } = await import('../../../src/core/flowlogs/engine');
  const { estimateRecords } = await import('../../../src/core/flowlogs/aggregate');
  assert.equal(initialGroups(undefined), 4096);
  assert.equal(initialGroups(100), 4096);
  assert.equal(initialGroups(4 * 5000), 8192);
  assert.equal(initialGroups(4_000_000), 1 << 20);
  assert.equal(initialGroups(1e12), 1 << 20);
  // ~200 bytes a record; .gz and .parquet count 7 and 8 times their size.
  assert.equal(estimateRecords([{ path: 'a.log', size: 2000 }, { path: 'b.log.gz', size: 200 }, { path: 'c.parquet', size: 100 }]), 21);
  // Many groups past the first capacity: a presized table and a growing one agree.
  const lines = ['version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'];
  for (let i = 0; i < 20000; i++) lines.push(`2 1 eni-${i % 7} 10.0.${(i >> 8) & 255}.${i & 255} 1.2.3.4 ${1024 + (i % 3)} 443 6 1 100 1 2 ACCEPT OK`);
  const text = lines.join('\n') + '\n';
  const small = runText(text);
  const big = runText(text, { expectedRecords: 1e9 });
  assert.equal(small.aggregates.length, 20000);
  assert.deepEqual(big.aggregates, small.aggregates);
});
