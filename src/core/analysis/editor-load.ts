/**
 * The editor's entry into the core's loaders and analysis: flow-log files → aggregates,
 * inventory files → Inventory, aggregates + inventory → EditorAnalysis. Pure adapters over the
 * core APIs (no vscode); the editor's DataService adds progress, cancellation and trust.
 */
import type { FlowAggregate, Progress, RecordCounts, SkippedLine, SourceError } from '../model/flows';
import type { Inventory } from '../model/inventory';
import type { EditorAnalysis } from './editor-model';
import { aggregateFiles } from '../flowlogs';
import { loadInventoryFiles } from '../sources/inventory-files';
import { analyzeFlows } from '../network';
import type { AbortLike } from '../network/analyze';
import { parsePriceOverrides, type PriceOverrides } from '../pricing';
import { toEditorAnalysis } from './editor-analysis';

export interface FlowFilesResult {
  aggregates: FlowAggregate[];
  counts: RecordCounts;
  skipped: SkippedLine[];
  errors: SourceError[];
  files: number;
  /** Span of the records read (Unix seconds), null when none. */
  window?: { start: number; end: number } | null;
}

export interface LoadFlowOptions {
  fields?: string[];
  window?: { start?: number; end?: number };
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export async function loadFlowFiles(paths: string[], opts: LoadFlowOptions = {}): Promise<FlowFilesResult> {
  const r = await aggregateFiles(paths, { fields: opts.fields, window: opts.window, signal: opts.signal, onProgress: opts.onProgress });
  return { aggregates: r.aggregates, counts: r.counts, skipped: r.skipped, errors: r.errors, files: r.files, window: r.window };
}

export interface InventoryResult {
  inventory: Inventory;
  problems: SourceError[];
}

export async function loadInventoryPath(path: string): Promise<InventoryResult> {
  const r = await loadInventoryFiles(path);
  if (r.errors.length && r.files.length === 0) throw new Error(r.errors.map((e) => `${e.file}: ${e.message}`).join('; '));
  return { inventory: r.inventory, problems: [...r.errors, ...r.warnings.map((w) => ({ file: path, message: w }))] };
}

export interface AnalyzeOptions {
  prices?: Record<string, unknown>;
  privateCidrs?: string[];
  window?: { start: number; end: number };
}

/**
 * The `egressLens.prices` setting, read like the CLI's `--prices` file: flat keys apply to every
 * region, `regions: { "<region>": {...} }` to one. Unknown keys and bad values become problems.
 */
export function priceOverridesFromSetting(setting: Record<string, unknown> | undefined): { overrides: PriceOverrides | undefined; problems: string[] } {
  if (!setting || !Object.keys(setting).length) return { overrides: undefined, problems: [] };
  const r = parsePriceOverrides(JSON.stringify(setting), 'egressLens.prices');
  return { overrides: r.overrides, problems: r.problems };
}

export function analyze(aggregates: FlowAggregate[], inventory: Inventory | undefined, opts: AnalyzeOptions = {}, signal?: AbortLike): EditorAnalysis {
  const prices = priceOverridesFromSetting(opts.prices);
  const a = analyzeFlows(aggregates, inventory ?? null, {
    privateCidrs: opts.privateCidrs,
    priceOverrides: prices.overrides,
    window: opts.window,
    signal,
  });
  const out = toEditorAnalysis(a, inventory);
  out.notes.unshift(...prices.problems);
  return out;
}
