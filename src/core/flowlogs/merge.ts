/**
 * Merges the results of several sources (files, CloudWatch groups, S3 prefixes) into one, as if
 * one reader had seen them all: counts add up (the identity still holds), skipped lines and
 * errors are concatenated, and aggregates with the same 7-tuple are summed. Not on the hot path:
 * it runs once per source over already-aggregated groups.
 */
import type { FlowAggregate } from '../model/flows';
import type { AggregateResult } from './aggregate';
import type { TransitGatewaySummary } from './engine';

const keyOf = (a: FlowAggregate) =>
  `${a.interfaceId}|${a.srcaddr}|${a.dstaddr}|${a.srcport}|${a.dstport}|${a.protocol}|${a.action ?? '-'}`;

function sumInto(t: FlowAggregate, a: FlowAggregate): void {
  t.packets += a.packets;
  t.bytes += a.bytes;
  t.records += a.records;
  t.tcpFlags |= a.tcpFlags;
  t.start = Math.min(t.start, a.start);
  t.end = Math.max(t.end, a.end);
  for (const k of ['accountId', 'vpcId', 'subnetId', 'instanceId', 'azId', 'region', 'pktSrcaddr', 'pktDstaddr', 'pktSrcAwsService', 'pktDstAwsService', 'flowDirection', 'trafficPath'] as const) {
    if (t[k] === null && a[k] !== null) (t as unknown as Record<string, unknown>)[k] = a[k];
  }
}

function emptyTgw(): TransitGatewaySummary {
  return { records: 0, packets: 0, bytes: 0, packetsLostNoRoute: 0, packetsLostBlackhole: 0, packetsLostMtuExceeded: 0, packetsLostTtlExpired: 0, attachments: [] };
}

function addTgw(t: TransitGatewaySummary, a: TransitGatewaySummary): void {
  for (const k of ['records', 'packets', 'bytes', 'packetsLostNoRoute', 'packetsLostBlackhole', 'packetsLostMtuExceeded', 'packetsLostTtlExpired'] as const) t[k] += a[k];
  for (const att of a.attachments) {
    const m = t.attachments.find((x) => x.attachmentId === att.attachmentId);
    if (m) {
      m.records += att.records;
      m.packets += att.packets;
      m.bytes += att.bytes;
    } else t.attachments.push({ ...att });
  }
}

export function mergeAggregateResults(results: readonly AggregateResult[], maxSkippedKept = 100): AggregateResult {
  if (results.length === 1) return results[0];
  const byKey = new Map<string, FlowAggregate>();
  const out: AggregateResult = {
    counts: { lines: 0, parsed: 0, skipped: 0, nodata: 0, skipdata: 0 },
    skipped: [],
    errors: [],
    aggregates: [],
    transitGateway: emptyTgw(),
    files: 0,
    bytes: 0,
    window: null,
    outsideWindow: 0,
    filesSkippedByWindow: 0,
  };
  for (const r of results) {
    for (const k of ['lines', 'parsed', 'skipped', 'nodata', 'skipdata'] as const) out.counts[k] += r.counts[k];
    out.skipped.push(...r.skipped.slice(0, Math.max(0, maxSkippedKept - out.skipped.length)));
    out.errors.push(...r.errors);
    out.files += r.files;
    out.bytes += r.bytes;
    out.outsideWindow += r.outsideWindow;
    out.filesSkippedByWindow += r.filesSkippedByWindow;
    if (r.window) {
      out.window = out.window
        ? { start: Math.min(out.window.start, r.window.start), end: Math.max(out.window.end, r.window.end) }
        : { ...r.window };
    }
    addTgw(out.transitGateway, r.transitGateway);
    for (const a of r.aggregates) {
      const key = keyOf(a);
      const t = byKey.get(key);
      if (t) sumInto(t, a);
      else {
        const copy = { ...a };
        byKey.set(key, copy);
        out.aggregates.push(copy);
      }
    }
  }
  return out;
}
