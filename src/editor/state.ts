/**
 * The one store of editor state. Views never keep their own copies: they read from here and
 * re-render on `onDidChange`. Only commands and loaders write.
 */
import * as vscode from 'vscode';
import type { Inventory } from '../core/model/inventory';
import type { EditorAnalysis, EditorFinding, FlowSourceSummary } from '../core/analysis/editor-model';
import type { FlowFilter, FlowSort } from '../core/analysis/editor-flowTree';

export type StateTopic = 'aws' | 'flows' | 'inventory' | 'analysis' | 'filter' | 'findings' | 'errors' | 'busy';

export interface StateError {
  source: string;
  message: string;
  at: string;
}

export class EditorState implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<StateTopic>();
  readonly onDidChange = this.emitter.event;

  aws: { profile?: string; region?: string; endpointUrl?: string } = {};
  /** Loaded flow sources (their aggregates live in the analysis worker, not here). */
  sources: FlowSourceSummary[] = [];
  inventory?: Inventory;
  inventorySource?: string;
  analysis?: EditorAnalysis;
  lastRefresh?: string;
  errors: StateError[] = [];
  busy = false;
  filter: FlowFilter = {};
  sort: FlowSort = 'bytes';
  /** Findings of every analysed document, by document URI string. */
  readonly findings = new Map<string, EditorFinding[]>();

  get hasFlowData(): boolean {
    return this.sources.length > 0;
  }

  fire(topic: StateTopic): void {
    this.emitter.fire(topic);
  }

  setAws(aws: EditorState['aws']): void {
    this.aws = { ...aws };
    this.fire('aws');
  }

  setFlows(sources: FlowSourceSummary[]): void {
    this.sources = sources;
    this.lastRefresh = new Date().toISOString();
    this.fire('flows');
  }

  setInventory(inventory: Inventory | undefined, source?: string): void {
    this.inventory = inventory;
    this.inventorySource = source;
    this.fire('inventory');
  }

  setAnalysis(analysis: EditorAnalysis | undefined): void {
    this.analysis = analysis;
    this.fire('analysis');
  }

  setFilter(filter: FlowFilter): void {
    this.filter = { ...filter };
    this.fire('filter');
  }

  setSort(sort: FlowSort): void {
    this.sort = sort;
    this.fire('filter');
  }

  setFindings(uri: string, findings: EditorFinding[] | undefined): void {
    if (findings && findings.length) this.findings.set(uri, findings);
    else if (!this.findings.delete(uri)) return;
    this.fire('findings');
  }

  /** Many files at once (the workspace scan): one change event. */
  setFindingsBatch(entries: [string, EditorFinding[] | undefined][]): void {
    let changed = false;
    for (const [uri, findings] of entries) {
      if (findings && findings.length) {
        this.findings.set(uri, findings);
        changed = true;
      } else if (this.findings.delete(uri)) changed = true;
    }
    if (changed) this.fire('findings');
  }

  addError(source: string, message: string): void {
    this.errors = [{ source, message, at: new Date().toISOString() }, ...this.errors].slice(0, 20);
    this.fire('errors');
  }

  clearErrors(source?: string): void {
    const before = this.errors.length;
    this.errors = source ? this.errors.filter((e) => e.source !== source) : [];
    if (this.errors.length !== before) this.fire('errors');
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    this.fire('busy');
  }

  clearFlowData(): void {
    this.sources = [];
    this.analysis = undefined;
    this.fire('flows');
    this.fire('analysis');
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
