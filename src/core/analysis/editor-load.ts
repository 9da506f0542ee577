/**
 * The editor's entry into the core's loaders and analysis: flow-log files → aggregates,
 * inventory files → Inventory, aggregates + inventory → EditorAnalysis. Pure adapters over the
 * core APIs (no vscode); the editor's DataService adds progress, cancellation and trust.
 */
import type { FlowAggregate, Progress, RecordCounts, SkippedLine, SourceError } from '../model/flows';
import type { Inventory } from '../model/inventory';
import type { EditorAnalysis } from './editor-model';

export interface FlowFilesResult {
  aggregates: FlowAggregate[];
  counts: RecordCounts;
  skipped: SkippedLine[];
  errors: SourceError[];
  files: number;
}

export interface LoadFlowOptions {
  fields?: string[];
  window?: { start?: number; end?: number };
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export async function loadFlowFiles(_paths: string[], _opts: LoadFlowOptions = {}): Promise<FlowFilesResult> {
  throw new Error('The flow-log engine is not available in this build yet.');
}

export interface InventoryResult {
  inventory: Inventory;
  problems: SourceError[];
}

export async function loadInventoryPath(_path: string): Promise<InventoryResult> {
  throw new Error('Inventory files are not supported in this build yet.');
}

export interface AnalyzeOptions {
  prices?: Record<string, number>;
  privateCidrs?: string[];
  window?: { start: number; end: number };
}

export function analyze(_aggregates: FlowAggregate[], _inventory: Inventory | undefined, _opts: AnalyzeOptions = {}): EditorAnalysis {
  throw new Error('Flow analysis is not available in this build yet.');
}
