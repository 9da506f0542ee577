import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { aggregateFiles, aggregateToEngine } from '../../../src/core/flowlogs/aggregate';
import { FlowEngine } from '../../../src/core/flowlogs/engine';
import { partitionOf, type RowBatch } from '../../../src/core/flowlogs/partition';
import { FlowTable, MergeRemap } from '../../../src/core/flowlogs/table';
import type { FlowAggregate } from '../../../src/core/model/flows';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'egress-lens-partition-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const FIELDS = [
  'version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes',
  'start', 'end', 'action', 'log-status', 'vpc-id', 'subnet-id', 'instance-id', 'tcp-flags', 'type', 'pkt-srcaddr',
  'pkt-dstaddr', 'region', 'az-id', 'flow-direction', 'traffic-path',
];
const T0 = 1709647200;

/** Seeded records that share keys across files, mixing IPv4/IPv6, `-` context fields filled later, pkt addresses. */
function records(seed: number, n: number): string[] {
  let s = seed;
  const rnd = (k: number) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % k;
  };
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const v6 = rnd(5) === 0;
    const eni = `eni-${(rnd(7) + 1).toString(16).padStart(17, '0')}`;
    const a = v6 ? `2600:1f18::${rnd(30).toString(16)}` : `10.0.${rnd(3)}.${rnd(20)}`;
    const b = v6 ? `2a05:d018::${rnd(30).toString(16)}` : `52.94.${rnd(4)}.${rnd(40)}`;
    const out_ = rnd(2) === 0;
    const [src, dst] = out_ ? [a, b] : [b, a];
    const ports = out_ ? [40000 + rnd(8), [443, 80, 22][rnd(3)]] : [[443, 80, 22][rnd(3)], 40000 + rnd(8)];
    // Records of one group may disagree on the optional values (`-` in some; several
    // pkt-srcaddr values on a NAT gateway's interface): the result must not depend on their order.
    const dash = rnd(4) === 0;
    const pkt = [src, '-', `10.9.0.${rnd(4)}`, `2600:1f18::9:${rnd(3)}`][rnd(4)];
    const path = 1 + rnd(8);
    out.push(
      [
        5, '123456789012', eni, src, dst, ports[0], ports[1], [6, 17][rnd(2)], 1 + rnd(10), 100 + rnd(5000),
        T0 + rnd(600), T0 + 600 + rnd(60), rnd(6) === 0 ? 'REJECT' : 'ACCEPT', 'OK',
        dash ? '-' : 'vpc-0a1', dash ? '-' : `subnet-0${eni.slice(-1)}`, rnd(2) ? '-' : `i-0${eni.slice(-2)}`, rnd(32),
        v6 ? 'IPv6' : 'IPv4', pkt, rnd(3) === 0 ? '-' : dst, 'us-east-1', dash ? '-' : 'use1-az1',
        rnd(3) === 0 ? '-' : out_ ? 'egress' : 'ingress', rnd(4) === 0 ? '-' : path,
      ].join(' '),
    );
  }
  return out;
}

const keyOf = (a: FlowAggregate) => JSON.stringify(a);
const sorted = (x: FlowAggregate[]) => x.map(keyOf).sort();

test('key-partitioned workers (2 and 3) and any file order give exactly the one-thread result', async () => {
  const files: string[] = [];
  for (let f = 0; f < 4; f++) {
    // 20k records a file: each worker forwards many 2,048-row batches while still reading.
    const rows = records(f + 1, 20000);
    rows.splice(50 * (f + 1), 0, `bad line ${f}`);
    const text = [FIELDS.join(' '), ...rows].join('\n') + '\n';
    const p = join(dir, `p/part-${f}.log${f === 2 ? '.gz' : ''}`);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, f === 2 ? gzipSync(text) : text);
    files.push(p);
  }
  const one = await aggregateFiles(files, { workers: 1 });
  assert.ok(one.aggregates.length > 3000, `groups: ${one.aggregates.length}`);
  assert.ok(one.aggregates.some((a) => a.srcaddr.includes(':')), 'some IPv6 groups');
  // File order changes which record of a group comes first: same result.
  const reversed = await aggregateFiles([...files].reverse(), { workers: 1 });
  assert.deepEqual(sorted(reversed.aggregates), sorted(one.aggregates), 'files in reverse order');
  for (const workers of [2, 3]) {
    const r = await aggregateFiles(files, { workers });
    assert.deepEqual(r.counts, one.counts, `counts, ${workers} workers`);
    assert.equal(r.aggregates.length, one.aggregates.length, `groups, ${workers} workers`);
    assert.deepEqual(sorted(r.aggregates), sorted(one.aggregates), `aggregates, ${workers} workers`);
    assert.deepEqual(r.window, one.window);
    assert.equal(r.skipped.length, 4);
    // Skipped lines in file order: this thread's files (partition 0) first, then each worker's.
    assert.deepEqual(r.skipped.map((x) => x.text).sort(), one.skipped.map((x) => x.text).sort());
  }
  // Parse-only over 2 and 3 partitions: the same counts, no groups.
  for (const workers of [2, 3]) {
    const r = await aggregateFiles(files, { workers, aggregate: false });
    assert.deepEqual(r.counts, one.counts, `parse-only counts, ${workers} workers`);
    assert.equal(r.aggregates.length, 0);
  }
  // The calling thread ran partition 0: afterwards its engine sums every record itself again.
  const run = await aggregateToEngine(files, { workers: 2 });
  const before = run.engine.table.groups;
  run.engine.addLine(records(999, 1)[0].replace(/eni-\w+/, 'eni-00000000000000abc'), 'after', 1, FIELDS);
  run.engine.flush();
  assert.equal(run.engine.table.groups, before + 1, 'a new record after the run is summed here, not forwarded');
});

test('partitionOf is a pure function of global key values, and spreads keys', () => {
  const seen = [0, 0];
  for (let i = 0; i < 10000; i++) {
    const p = partitionOf(0x0a000005 + i, 0x345e010a, 40000 * 65536 + 443, 6 * 4 + 1, 2);
    assert.equal(p, partitionOf(0x0a000005 + i, 0x345e010a, 40000 * 65536 + 443, 6 * 4 + 1, 2));
    seen[p]++;
  }
  assert.ok(seen[0] > 4500 && seen[1] > 4500, `split ${seen.join('/')}`);
});

test('forwarded rows carry their strings: the receiver maps the sender ids to its own', () => {
  const batches: RowBatch[] = [];
  const sender = new FlowEngine({ fields: FIELDS });
  sender.partitioned(0, 2, (p, b) => {
    assert.equal(p, 1);
    batches.push(b);
  });
  const receiver = new FlowEngine({ fields: FIELDS });
  // The receiver already knows other strings, so its ids differ from the sender's.
  receiver.addLine(records(99, 1)[0].replace(/eni-\w+/, 'eni-0000000000000ffff'), 'r', 1);
  const lines = records(7, 400);
  const oneThread = new FlowEngine({ fields: FIELDS });
  const own: string[] = [];
  for (const [i, l] of lines.entries()) {
    oneThread.addLine(l, 'x', i + 1);
    sender.addLine(l, 'x', i + 1);
  }
  sender.flush();
  const remap = new MergeRemap();
  for (const b of batches) {
    remap.extend(receiver.table, b.ifaces, b.addrs, b.ctxs);
    receiver.table.mergeRows(b.rows, b.count, remap);
  }
  // sender's own partition + receiver's partition = the one-thread table (less the receiver's extra line).
  const combined = new FlowTable();
  combined.merge(sender.table.serialize());
  combined.appendDisjoint(receiver.table.serialize());
  for (const a of combined.toArray()) if (a.interfaceId !== 'eni-0000000000000ffff') own.push(keyOf(a));
  assert.deepEqual(own.sort(), sorted(oneThread.table.toArray()));
  assert.ok(batches.length >= 1);
});

test('a recycled row buffer is rewritten whole: merging each batch and handing its buffer back gives the one-thread result', () => {
  const receiver = new FlowEngine({ fields: FIELDS });
  const remap = new MergeRemap();
  const seen = new Set<ArrayBufferLike>();
  let batches = 0;
  const sender = new FlowEngine({ fields: FIELDS });
  const fwd = sender.partitioned(0, 2, (_p, b) => {
    batches++;
    seen.add(b.rows.buffer);
    remap.extend(receiver.table, b.ifaces, b.addrs, b.ctxs);
    receiver.table.mergeRows(b.rows, b.count, remap);
    // As worker.ts does once a batch is merged: the buffer goes back to the sender at once.
    fwd.recycle(b.rows.buffer as SharedArrayBuffer);
  });
  const oneThread = new FlowEngine({ fields: FIELDS });
  for (const [i, l] of records(11, 12000).entries()) {
    oneThread.addLine(l, 'x', i + 1);
    sender.addLine(l, 'x', i + 1);
  }
  sender.flush();
  assert.ok(batches >= 2, `several batches (${batches})`);
  assert.equal(seen.size, 1, 'every batch after the first reused the recycled buffer');
  const combined = new FlowTable();
  combined.merge(sender.table.serialize());
  combined.appendDisjoint(receiver.table.serialize());
  assert.deepEqual(sorted(combined.toArray()), sorted(oneThread.table.toArray()));
});

test('appendDisjoint: lookups after the append find appended and old groups', () => {
  const a = new FlowTable();
  for (let i = 0; i < 3000; i++) a.find(1, i, 2, 443, 6 * 4 + 1);
  const b = new FlowTable();
  for (let i = 3000; i < 9000; i++) b.find(1, i, 2, 443, 6 * 4 + 1);
  b.ifaces.internString('eni-a');
  a.appendDisjoint(b.serialize());
  assert.equal(a.groups, 9000);
  assert.equal(a.toArray().length, 9000);
  assert.equal(a.find(1, 10, 2, 443, 6 * 4 + 1), 10);
  assert.equal(a.inserted, false);
  assert.equal(a.find(1, 8999, 2, 443, 6 * 4 + 1), 8999);
  assert.equal(a.inserted, false);
  a.find(1, 9001, 2, 443, 6 * 4 + 1);
  assert.equal(a.inserted, true);
  assert.equal(a.count, 9001);
  assert.equal(a.groups, 9001);
});

test('cancelling partitioned workers rejects with the reason and stops them', async () => {
  const files: string[] = [];
  for (let f = 0; f < 2; f++) {
    const p = join(dir, `c/part-${f}.log`);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, [FIELDS.join(' '), ...records(f + 10, 20000)].join('\n') + '\n');
    files.push(p);
  }
  const ac = new AbortController();
  const run = aggregateFiles(files, { workers: 2, signal: ac.signal });
  setTimeout(() => ac.abort(new Error('stop')), 20); // workers take longer than this to start
  await assert.rejects(run, /stop/);
});

test('serialize() after appendDisjoint gives slots that find every group', () => {
  const a = new FlowTable();
  a.ifaces.internString('eni-a'); // id 1 in both tables
  for (let i = 0; i < 100; i++) a.find(1, i, 2, 443, 6 * 4 + 1);
  const b = new FlowTable();
  b.ifaces.internString('eni-a');
  for (let i = 100; i < 200; i++) b.find(1, i, 2, 443, 6 * 4 + 1);
  a.appendDisjoint(b.serialize());
  const c = new FlowTable();
  assert.ok(c.adopt(a.serialize()));
  c.find(1, 150, 2, 443, 6 * 4 + 1);
  assert.equal(c.inserted, false, 'an appended group is found, not inserted again');
  assert.equal(c.count, 200);
});

test('context values that disagree within a group merge the same way in any order', () => {
  const h = 'version interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status instance-id pkt-dst-aws-service';
  const l1 = '5 eni-1 10.0.0.1 52.94.1.1 40000 443 6 1 100 1700000000 1700000060 ACCEPT OK i-bbb S3';
  const l2 = '5 eni-1 10.0.0.1 52.94.1.1 40000 443 6 1 100 1700000060 1700000120 ACCEPT OK i-aaa -';
  const rows = (order: string[]) => {
    const t = new FlowTable();
    for (const [k, l] of order.entries()) {
      const e = new FlowEngine({ fields: h.split(' ') });
      e.addLine(l, 'x', k + 1);
      t.merge(e.table.serialize());
    }
    return t.toArray();
  };
  const a = rows([l1, l2]);
  const b = rows([l2, l1]);
  assert.deepEqual(a, b);
  assert.equal(a[0].instanceId, 'i-aaa', 'the smaller of two values');
  assert.equal(a[0].pktDstAwsService, 'S3', 'a null is filled');
});

test('a peer\'s rows that cannot be merged reject this thread\'s partition (not an uncaught error in a message handler)', async () => {
  const { runPartition } = await import('../../../src/core/flowlogs/partition-run');
  const { MessageChannel } = await import('node:worker_threads');
  const p = join(dir, 'merge-fail.log');
  writeFileSync(p, [FIELDS.join(' '), ...records(5, 20000)].join('\n') + '\n');
  const ch = new MessageChannel();
  const engine = new FlowEngine({ fields: FIELDS });
  const run = runPartition(engine, [p], { index: 0, count: 2, peers: [null, ch.port1] }, () => undefined);
  // A batch without rows: mergeRows throws (as it would when the table cannot grow).
  ch.port2.postMessage({ type: 'rows', rows: null, count: 1, ifaces: [], addrs: [], ctxs: [] });
  await assert.rejects(run, TypeError);
  ch.port2.close();
  // The engine is back to summing here.
  const before = engine.table.groups;
  engine.addLine(records(77, 1)[0].replace(/eni-\w+/, 'eni-0000000000000beef'), 'after', 1, FIELDS);
  engine.flush();
  assert.equal(engine.table.groups, before + 1);
});
