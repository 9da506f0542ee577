/**
 * Loading data into the state store: flow-log files, inventory files, CloudWatch, and the
 * analysis that joins them. Adds what the editor needs around the core's loaders: progress with
 * record counts, cancellation (CancellationToken → AbortSignal), the trust gate, logging and
 * clear errors. The core modules are imported on first use so activation stays cheap.
 *
 * The flow engine and the analysis run in the core's analysis worker (AnalysisHost): it holds
 * every source's aggregates and the inventory, so this thread — the extension host's, shared with
 * every other extension — only gets summaries and the finished EditorAnalysis. CloudWatch is read
 * here (network) and its aggregates are handed to the worker.
 */
import * as vscode from 'vscode';
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { EditorState } from './state';
import type { Log } from './output';
import type { TrustGuard } from './trust';
import { readSettings } from './settings';
import type { FlowSourceSummary } from '../core/analysis/editor-model';
import type { AnalysisHost } from '../core/analysis/analysis-host';
import type { Progress } from '../core/model/flows';
import { parseWindow, resolveWindow } from '../core/analysis/editor-window';

type CoreHost = typeof import('../core/analysis/analysis-host');
type CoreAws = typeof import('../core/analysis/editor-aws');

let coreHost: Promise<CoreHost> | undefined;
let coreAws: Promise<CoreAws> | undefined;
/** Heavy modules (flow engine and analysis, AWS SDK) load on first use. */
export const lazyCore = {
  host: (): Promise<CoreHost> => (coreHost ??= import('../core/analysis/analysis-host')),
  aws: (): Promise<CoreAws> => (coreAws ??= import('../core/analysis/editor-aws')),
  /** Whether a module has been initialised yet (tests: the AWS SDK stays unloaded when unused). */
  loaded: () => ({ flows: coreHost !== undefined, aws: coreAws !== undefined }),
};

export interface CloudWatchRequest {
  logGroup?: string;
}

/** A source loaded in this session, so Refresh can read it again. */
type Loaded = { kind: 'files'; paths: string[]; label: string } | { kind: 'cloudwatch'; logGroup: string };

export class DataService implements vscode.Disposable {
  private loaded: Loaded[] = [];
  private inventoryPath?: string;
  private inventoryFromAws = false;
  private hostP?: Promise<AnalysisHost>;
  /** Loads and analyses in flight (they overlap now that the work is off this thread). */
  private busyCount = 0;
  private analysisRun?: Promise<void>;
  private analysisNext?: Promise<void>;

  constructor(
    private readonly state: EditorState,
    private readonly log: Log,
    private readonly trust: TrustGuard,
  ) {}

  /** The analysis worker's client, started on first use. */
  private host(): Promise<AnalysisHost> {
    return (this.hostP ??= lazyCore.host().then((m) => {
      const host = new m.AnalysisHost({ onCrash: (err) => this.onWorkerCrash(err) });
      this.log.info('analysis.host', { mode: host.mode });
      return host;
    }));
  }

  /** The worker's aggregates are gone: drop what the views show and say how to get it back. */
  private onWorkerCrash(err: Error): void {
    const message = `${err.message}. The flow data was dropped; run "Egress Lens: Refresh" to load it again.`;
    this.log.error('analysis.crashed', { error: err.message });
    this.state.clearFlowData();
    this.state.addError('analysis', message);
    void vscode.window.showErrorMessage(`Egress Lens: ${message}`, 'Show Log').then((p) => p && this.log.show());
  }

  private readonly refreshEmitter = new vscode.EventEmitter<void>();
  /** Refresh was run (trusted): whatever reads AWS on its own (CloudFormation stacks) reads again. */
  readonly onDidRefresh = this.refreshEmitter.event;

  /**
   * Tests: awaited when a reply (a load's, the analysis) has arrived and before it is applied, so a
   * test can crash the worker in that gap.
   */
  beforeApplyForTest?: (what: 'files' | 'cloudwatch' | 'analysis') => Promise<void>;

  /**
   * The worker stopped since `crashes` was read (a reply came just before the crash): what the
   * reply describes went with it, and onWorkerCrash has already cleared the views. Logs the drop.
   */
  private lostInCrash(host: AnalysisHost, crashes: number, event: string, detail: Record<string, unknown>): boolean {
    if (host.crashes === crashes) return false;
    this.log.warn(event, { ...detail, reason: 'the analysis worker stopped after the reply; run Refresh to load it again' });
    return true;
  }

  /** Tests: ends the analysis worker as a crash would. False when none is running. */
  async crashWorkerForTest(): Promise<boolean> {
    return this.hostP ? (await this.hostP).terminateWorker() : false;
  }

  dispose(): void {
    this.refreshEmitter.dispose();
    void this.hostP?.then((h) => h.dispose());
  }

  private beginBusy(): void {
    if (this.busyCount++ === 0) this.state.setBusy(true);
  }

  private endBusy(): void {
    if (--this.busyCount === 0) this.state.setBusy(false);
  }

  private settingsFields(): string[] | undefined {
    const f = readSettings().flowLogs.fields;
    return f ? f.replace(/\$\{([^}]+)\}/g, '$1').split(/\s+/).filter(Boolean) : undefined;
  }

  /** Runs `work` under a cancellable notification; returns undefined when cancelled or failed. */
  private async withProgress<T>(title: string, source: string, work: (signal: AbortSignal, report: (msg: string) => void) => Promise<T>, outer?: AbortSignal): Promise<T | undefined> {
    this.beginBusy();
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
        const ac = new AbortController();
        const sub = token.onCancellationRequested(() => ac.abort());
        // A caller's own signal (tests, or a command that supersedes this one) cancels too.
        if (outer?.aborted) ac.abort(outer.reason);
        outer?.addEventListener('abort', () => ac.abort(outer.reason), { once: true });
        try {
          return await work(ac.signal, (message) => progress.report({ message }));
        } finally {
          sub.dispose();
        }
      });
    } catch (err) {
      // The worker crashed: onWorkerCrash has said so (once for every request it took down).
      if (err instanceof Error && err.name === 'AnalysisWorkerError') return undefined;
      if (isAbort(err)) {
        this.log.info(`${source}.cancelled`);
        void vscode.window.showInformationMessage(`Egress Lens: ${title} cancelled.`);
        return undefined;
      }
      const message = err instanceof Error ? err.message : String(err);
      this.log.error(`${source}.failed`, { error: message });
      this.state.addError(source, message);
      void vscode.window.showErrorMessage(`Egress Lens: ${message}`, 'Show Log').then((p) => p && this.log.show());
      return undefined;
    } finally {
      this.endBusy();
    }
  }

  /** Loads flow-log files or folders (replacing earlier file sources with the same label). */
  async loadFiles(paths: string[], label?: string, opts: { signal?: AbortSignal } = {}): Promise<boolean> {
    if (!this.trust.allow('Load flow logs')) return false;
    if (!paths.length) return false;
    const name = label ?? (paths.length === 1 ? vscode.workspace.asRelativePath(paths[0]) : `${paths.length} paths`);
    const win = parseWindow(readSettings().window);
    if (win.problem) this.log.warn('settings.window', { problem: win.problem });
    const id = `files:${name}`;
    const t0 = Date.now();
    // A crash after the reply but before it is applied takes the aggregates along: compared below.
    let crashes = 0;
    const result = await this.withProgress(`Reading flow logs (${name})`, 'flowlogs', async (signal, report) => {
      const host = await this.host();
      crashes = host.crashes;
      return host.loadFiles(id, paths, {
        fields: this.settingsFields(),
        window: win.spec.kind === 'auto' ? undefined : resolveWindow(win.spec, Date.now() / 1000),
        signal,
        onProgress: (p: Progress) => report(`${p.records.toLocaleString('en-US')} records, ${p.files} files`),
      });
    }, opts.signal);
    if (!result) return false;
    const host = await this.host();
    await this.beforeApplyForTest?.('files');
    if (!result.applied) {
      // A later load of this source (or its removal) came first and is what the worker holds.
      this.log.info('flowlogs.superseded', { source: name, files: result.files });
      return false;
    }
    const summary: FlowSourceSummary = {
      id,
      kind: 'files',
      label: name,
      detail: paths.length <= 5 ? paths.join('\n') : `${paths.slice(0, 5).join('\n')}\n… and ${paths.length - 5} more`,
      files: result.files,
      counts: result.counts,
      skipped: result.skipped,
      errors: result.errors,
      loadedAt: new Date().toISOString(),
    };
    this.log.info('flowlogs.loaded', { source: name, files: result.files, ...result.counts, aggregates: result.aggregates, ms: Date.now() - t0 });
    for (const e of result.errors) this.log.warn('flowlogs.error', { file: e.file, message: e.message });
    this.loaded = [...this.loaded.filter((l) => !(l.kind === 'files' && l.label === name)), { kind: 'files', paths, label: name }];
    // Listed for Refresh above, but not shown: the worker that read it is gone.
    if (this.lostInCrash(host, crashes, 'flowlogs.dropped', { source: name })) return false;
    this.replaceSource(summary);
    if (result.counts.parsed === 0 && result.counts.lines === 0 && !result.errors.length) {
      void vscode.window.showWarningMessage(`Egress Lens: no flow-log records found in ${name}.`);
    }
    await this.reanalyze();
    return true;
  }

  /** The source's aggregates are in the worker already; the state lists its summary. */
  private replaceSource(summary: FlowSourceSummary): void {
    const sources = [...this.state.sources.filter((s) => s.id !== summary.id), summary];
    this.state.setFlows(sources);
  }

  async loadInventory(path: string): Promise<boolean> {
    if (!this.trust.allow('Load inventory')) return false;
    const result = await this.withProgress('Reading inventory', 'inventory', async () => (await this.host()).loadInventory(path));
    if (!result) return false;
    for (const p of result.problems) this.log.warn('inventory.problem', { file: p.file, message: p.message });
    this.inventoryPath = path;
    this.inventoryFromAws = false;
    const inv = result.inventory;
    this.log.info('inventory.loaded', { path, securityGroups: inv.securityGroups.length, interfaces: inv.networkInterfaces.length, subnets: inv.subnets.length });
    this.state.setInventory(inv, vscode.workspace.asRelativePath(path));
    await this.reanalyze();
    return true;
  }

  /** Reads flow logs from CloudWatch Logs (and the EC2 inventory) with the configured profile/region. */
  async loadCloudWatch(req: CloudWatchRequest = {}): Promise<boolean> {
    if (!this.trust.allow('Load flow logs from CloudWatch')) return false;
    const settings = readSettings();
    const conn = { profile: settings.aws.profile || undefined, region: settings.aws.region || undefined, endpointUrl: settings.aws.endpointUrl || undefined };
    const win = parseWindow(settings.window);
    const window = resolveWindow(win.spec, Math.floor(Date.now() / 1000));
    let logGroup = req.logGroup;
    if (!logGroup) {
      const groups = await this.withProgress('Finding flow logs', 'aws', (signal) => this.trust.aws('Describe flow logs', async () => (await lazyCore.aws()).discoverCloudWatchFlowLogs(conn, { signal })));
      if (!groups) return false;
      if (!groups.length) {
        const msg = `No flow logs delivered to CloudWatch Logs in ${conn.region ?? 'the default region'}${conn.profile ? ` (profile ${conn.profile})` : ''}. Enable VPC flow logs, or load files.`;
        this.state.addError('aws', msg);
        void vscode.window.showWarningMessage(`Egress Lens: ${msg}`);
        return false;
      }
      const pick =
        groups.length === 1
          ? groups[0]
          : await vscode.window.showQuickPick(
              groups.map((g) => ({ label: g.logGroup, description: g.resources.join(', '), detail: g.fields.length ? `${g.fields.length} fields` : undefined, g })),
              { title: 'Egress Lens: flow-log group' },
            ).then((p) => p?.g);
      if (!pick) return false;
      logGroup = pick.logGroup;
    }
    const group = logGroup;
    const t0 = Date.now();
    const result = await this.withProgress(`Reading ${group} from CloudWatch`, 'aws', (signal, report) =>
      this.trust.aws('Read CloudWatch Logs', async () =>
        (await lazyCore.aws()).readCloudWatchFlows(conn, {
          logGroup: group,
          window,
          fields: this.settingsFields(),
          signal,
          onProgress: (p: Progress) => report(`${p.records.toLocaleString('en-US')} records`),
        }),
      ),
    );
    if (!result) return false;
    const summary: FlowSourceSummary = {
      id: `cloudwatch:${group}`,
      kind: 'cloudwatch',
      label: group,
      detail: `${conn.profile ?? 'default'}/${conn.region ?? ''} ${new Date(window.start * 1000).toISOString()} → ${new Date(window.end * 1000).toISOString()}`,
      files: 0,
      counts: result.counts,
      skipped: result.skipped,
      errors: result.errors,
      loadedAt: new Date().toISOString(),
    };
    this.log.info('cloudwatch.loaded', { logGroup: group, ...result.counts, ms: Date.now() - t0 });
    // Read here (network), analysed there: the worker takes a copy of the aggregates.
    let crashes = 0;
    const handed = await this.withProgress(`Handing ${group} to the analysis`, 'aws', async () => {
      const host = await this.host();
      crashes = host.crashes;
      return host.putAggregates(summary.id, result.aggregates).then(() => true);
    });
    if (!handed) return false;
    const host = await this.host();
    await this.beforeApplyForTest?.('cloudwatch');
    this.loaded = [...this.loaded.filter((l) => !(l.kind === 'cloudwatch' && l.logGroup === group)), { kind: 'cloudwatch', logGroup: group }];
    if (this.lostInCrash(host, crashes, 'cloudwatch.dropped', { logGroup: group })) return false;
    this.replaceSource(summary);
    if (!this.state.inventory || this.inventoryFromAws) {
      const inv = await this.withProgress('Reading EC2 inventory', 'aws', async (signal) => {
        const fetched = await this.trust.aws('Describe EC2 inventory', async () => (await lazyCore.aws()).fetchEc2Inventory(conn, { signal }));
        if (fetched) await (await this.host()).setInventory(fetched);
        return fetched;
      });
      if (inv) {
        this.inventoryFromAws = true;
        this.state.setInventory(inv, inv.source);
      }
    }
    this.state.clearErrors('aws');
    await this.reanalyze();
    return true;
  }

  /**
   * Joins flows and inventory into the analysis the views show (in the worker). Calls that come
   * while one runs are folded into one more run after it, which they all await: a burst of
   * settings changes costs two analyses, not one per change.
   */
  reanalyze(): Promise<void> {
    if (this.analysisNext) return this.analysisNext;
    if (this.analysisRun) {
      // The running analysis is out of date: stop it (in the worker), the next one starts sooner.
      this.analysisAbort?.abort();
      const next = this.analysisRun.then(() => {
        this.analysisNext = undefined;
        return this.startAnalysis();
      });
      this.analysisNext = next;
      return next;
    }
    return this.startAnalysis();
  }

  /** Stops the running analysis when a newer one is asked for (reanalyze). */
  private analysisAbort: AbortController | undefined;
  /** Analyses stopped because a newer one was asked for (the log says so too; for tests). */
  analysesSuperseded = 0;

  private startAnalysis(): Promise<void> {
    const abort = new AbortController();
    this.analysisAbort = abort;
    const run = this.runAnalysis(abort.signal).finally(() => {
      if (this.analysisAbort === abort) this.analysisAbort = undefined;
      if (this.analysisRun === run) this.analysisRun = undefined;
    });
    this.analysisRun = run;
    // Callers (a load, a setting) wait until their data is shown: when this run is stopped for a
    // newer one, until that one is done. (`run` itself settles at once; the next run waits on it.)
    return run.then(() => (abort.signal.aborted ? this.analysisNext : undefined));
  }

  private async runAnalysis(signal: AbortSignal): Promise<void> {
    if (!this.state.sources.length) {
      this.state.setAnalysis(undefined);
      return;
    }
    const settings = readSettings();
    const win = parseWindow(settings.window);
    this.beginBusy();
    try {
      const host = await this.host();
      const crashes = host.crashes;
      const t0 = Date.now();
      const analysis = await host.analyze({
        prices: settings.prices,
        privateCidrs: settings.privateCidrs,
        window: win.spec.kind === 'absolute' ? { start: win.spec.start, end: win.spec.end } : undefined,
      }, signal);
      await this.beforeApplyForTest?.('analysis');
      // Computed from aggregates a crash has since dropped: the views stay cleared.
      if (this.lostInCrash(host, crashes, 'analysis.dropped', { flows: analysis.flows.length })) return;
      this.log.info('analysis.done', { flows: analysis.flows.length, groups: Object.keys(analysis.groups).length, costUsd: +analysis.totals.costUsd.toFixed(4), ms: Date.now() - t0, thread: host.mode });
      this.state.clearErrors('settings');
      this.state.clearErrors('analysis'); // an earlier failure or crash is over
      for (const n of analysis.notes) {
        if (n.startsWith('egressLens.')) {
          // a settings problem (bad price key): the user should see it, not only the log
          this.log.warn('settings.problem', { problem: n });
          this.state.addError('settings', n);
        } else this.log.info('analysis.note', { note: n });
      }
      this.state.setAnalysis(analysis);
    } catch (err) {
      if (signal.aborted) {
        // Superseded by a newer analysis, which runs next: nothing went wrong.
        this.analysesSuperseded++;
        this.log.info('analysis.superseded', {});
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      this.log.error('analysis.failed', { error: message });
      // A crash is reported once by onWorkerCrash.
      if (!(err instanceof Error && err.name === 'AnalysisWorkerError')) this.state.addError('analysis', message);
    } finally {
      this.endBusy();
    }
  }

  /** Workspace folders' own data: settings sources, else `flowlogs/` and `inventory/` folders. */
  async workspaceSources(): Promise<{ flowPaths: string[]; cloudWatchGroups: string[]; inventoryPath?: string }> {
    const settings = readSettings();
    const folders = vscode.workspace.workspaceFolders ?? [];
    const flowPaths: string[] = [];
    const cloudWatchGroups: string[] = [];
    const abs = (p: string): string[] => (isAbsolute(p) ? [p] : folders.map((f) => join(f.uri.fsPath, p)));
    for (const s of settings.flowLogs.sources) {
      if (s.startsWith('cloudwatch:')) cloudWatchGroups.push(s.slice('cloudwatch:'.length));
      else if (/[*?[{]/.test(s)) {
        // A glob: expanded against each workspace folder (absolute globs against their own base).
        const patterns = isAbsolute(s) ? [new vscode.RelativePattern(vscode.Uri.file('/'), s.replace(/^\/+/, ''))] : folders.map((f) => new vscode.RelativePattern(f, s));
        for (const pat of patterns) flowPaths.push(...(await vscode.workspace.findFiles(pat, undefined, 100_000)).map((u) => u.fsPath));
      } else flowPaths.push(...abs(s).filter((p) => existsSync(p)));
    }
    if (!settings.flowLogs.sources.length) {
      for (const f of folders) {
        const p = join(f.uri.fsPath, 'flowlogs');
        if (existsSync(p) && statSync(p).isDirectory()) flowPaths.push(p);
      }
    }
    let inventoryPath: string | undefined;
    if (settings.inventory.path) inventoryPath = abs(settings.inventory.path).find((p) => existsSync(p));
    else inventoryPath = folders.map((f) => join(f.uri.fsPath, 'inventory')).find((p) => existsSync(p) && statSync(p).isDirectory());
    return { flowPaths, cloudWatchGroups, inventoryPath };
  }

  /** On start: loads the workspace's declared or conventional sources (never AWS, never untrusted). */
  async autoLoad(): Promise<void> {
    if (!readSettings().autoLoad || !this.trust.trusted) return;
    const { flowPaths, inventoryPath } = await this.workspaceSources();
    if (inventoryPath) await this.loadInventory(inventoryPath);
    if (flowPaths.length) await this.loadFiles(flowPaths, flowPaths.length === 1 ? vscode.workspace.asRelativePath(flowPaths[0]) : 'workspace flow logs');
  }

  /** Reads every source again; with none, the workspace's declared sources; else says what to do. */
  async refresh(): Promise<void> {
    if (!this.trust.allow('Refresh flow data')) return;
    this.refreshEmitter.fire();
    const ws = await this.workspaceSources();
    if (!this.loaded.length && !ws.flowPaths.length && !ws.cloudWatchGroups.length) {
      const msg = 'No flow logs configured: set egressLens.flowLogs.sources, add a flowlogs/ folder, or load files or CloudWatch.';
      this.log.warn('refresh.nosources');
      const pick = await vscode.window.showWarningMessage(`Egress Lens: ${msg}`, 'Load Files…', 'Load from CloudWatch…');
      if (pick === 'Load Files…') await vscode.commands.executeCommand('egressLens.loadFromFiles');
      else if (pick) await vscode.commands.executeCommand('egressLens.loadFromCloudWatch');
      return;
    }
    const inv = this.inventoryPath ?? ws.inventoryPath;
    if (inv && !this.inventoryFromAws) await this.loadInventory(inv);
    if (!this.loaded.length) {
      if (ws.flowPaths.length) await this.loadFiles(ws.flowPaths, ws.flowPaths.length === 1 ? vscode.workspace.asRelativePath(ws.flowPaths[0]) : 'workspace flow logs');
      for (const g of ws.cloudWatchGroups) await this.loadCloudWatch({ logGroup: g });
      return;
    }
    for (const l of [...this.loaded]) {
      if (l.kind === 'files') await this.loadFiles(l.paths, l.label);
      else await this.loadCloudWatch({ logGroup: l.logGroup });
    }
  }

  /** Skipped lines of a source, as text (for the read-only document). */
  skippedText(sourceId: string): string | undefined {
    const s = this.state.sources.find((x) => x.id === sourceId);
    if (!s) return undefined;
    const head = `# ${s.label}: ${s.counts.skipped} skipped of ${s.counts.lines} lines${s.skipped.length < s.counts.skipped ? ` (first ${s.skipped.length} shown)` : ''}\n`;
    return head + s.skipped.map((l) => `${l.file}:${l.line}: ${l.reason}\n    ${l.text}`).join('\n') + '\n';
  }
}

function isAbort(err: unknown): boolean {
  return !!err && typeof err === 'object' && ((err as { name?: string }).name === 'AbortError' || (err as { kind?: string }).kind === 'cancelled');
}
