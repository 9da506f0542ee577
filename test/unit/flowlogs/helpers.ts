// Shared helpers of the flow-log tests: run text through the engine as one file.
import { FlowEngine, type EngineOptions, type FlowRecord } from '../../../src/core/flowlogs/engine';
import { resultOf, type AggregateResult } from '../../../src/core/flowlogs/aggregate';

export function runText(
  text: string | Uint8Array,
  opts: EngineOptions & { chunk?: number; file?: string } = {},
): AggregateResult & { records: FlowRecord[] } {
  const records: FlowRecord[] = [];
  const engine = new FlowEngine({ ...opts, onRecord: opts.onRecord ?? ((r) => records.push(r)) });
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  engine.beginFile(opts.file ?? 'mem.log');
  const step = opts.chunk ?? bytes.length;
  for (let i = 0; i < bytes.length; i += Math.max(1, step)) engine.push(bytes.subarray(i, i + Math.max(1, step)));
  engine.endFile();
  return { ...resultOf(engine, { files: 1, bytes: bytes.length }), records };
}

export function assertIdentity(c: { lines: number; parsed: number; skipped: number; nodata: number; skipdata: number }): void {
  if (c.parsed + c.skipped + c.nodata + c.skipdata !== c.lines) {
    throw new Error(`counting identity broken: ${JSON.stringify(c)}`);
  }
}
