// Wiring only: builds the editor features and hands their disposables to VS Code. Every feature
// lives in src/editor (one file per surface); the analysis lives in src/core.
import * as vscode from 'vscode';
import { EditorState } from './editor/state';
import { Log } from './editor/output';
import { TrustGuard } from './editor/trust';
import { DataService, lazyCore } from './editor/data';
import { IacLinks } from './editor/iacLinks';
import { StatusBar } from './editor/statusBar';
import { FlowsTree } from './editor/trees/flowsTree';
import { FindingsTree } from './editor/trees/findingsTree';
import { SourcesTree } from './editor/trees/sourcesTree';
import { ReportPanels } from './editor/webviews/reportPanel';
import type { EditorServices } from './editor/services';
import { registerAwsCommands } from './editor/commands/aws';
import { registerLoadCommands } from './editor/commands/load';
import { registerFlowCommands, revealFlows } from './editor/commands/flows';
import { buildReport, registerReportCommands } from './editor/commands/reports';
import { registerMiscCommands } from './editor/commands/misc';
import { readSettings, affects } from './editor/settings';
import { IacFeatures } from './editor/features/iac';

export type EgressLensApi = ReturnType<typeof buildApi>;

function buildApi(s: EditorServices, trees: { findingsTree: FindingsTree; sourcesTree: SourcesTree }, iac: IacFeatures, statusBar: StatusBar) {
  return {
    state: s.state,
    data: s.data,
    reports: s.reports,
    links: s.links,
    flowsTree: s.flowsTree,
    findingsTree: trees.findingsTree,
    sourcesTree: trees.sourcesTree,
    iac,
    trust: s.trust,
    /** For the extension-host suite only. */
    testHooks: {
      setTrusted: (trusted: boolean | undefined) => s.trust.setOverride(trusted),
      counters: s.trust.counters,
      statusBar: () => ({ text: statusBar.item.text, command: statusBar.item.command }),
      modulesLoaded: () => lazyCore.loaded(),
      crashAnalysisWorker: () => s.data.crashWorkerForTest(),
      analysesSuperseded: () => s.data.analysesSuperseded,
    },
  };
}

export function activate(context: vscode.ExtensionContext) {
  const t0 = Date.now();
  const log = new Log();
  const state = new EditorState();
  const trust = new TrustGuard(log);
  const links = new IacLinks();
  const data = new DataService(state, log, trust);
  const flowsTree = new FlowsTree(state);
  const findingsTree = new FindingsTree(state);
  const sourcesTree = new SourcesTree(state, trust);
  const services: EditorServices = { context, state, log, trust, data, links, flowsTree, reports: undefined as unknown as ReportPanels };
  services.reports = new ReportPanels(context.extensionUri, (kind) => buildReport(services, kind), (link) => revealFlows(services, link));
  const iac = new IacFeatures(services);
  const statusBar = new StatusBar(state);

  const syncAws = () => {
    const a = readSettings().aws;
    state.setAws({ profile: a.profile || undefined, region: a.region || undefined, endpointUrl: a.endpointUrl || undefined });
  };
  syncAws();

  context.subscriptions.push(
    log,
    state,
    trust,
    data,
    links,
    flowsTree,
    findingsTree,
    sourcesTree,
    services.reports,
    statusBar,
    flowsTree.createView('egressLens.flows'),
    vscode.window.createTreeView('egressLens.findings', { treeDataProvider: findingsTree, showCollapseAll: true }),
    vscode.window.createTreeView('egressLens.sources', { treeDataProvider: sourcesTree }),
    ...registerAwsCommands(services),
    ...registerLoadCommands(services),
    ...registerFlowCommands(services),
    ...registerReportCommands(services, () => iac.sarif()),
    ...registerMiscCommands(services),
    iac,
    state.onDidChange((t) => (t === 'analysis' ? services.reports.refreshAll() : t === 'findings' && services.reports.refreshAll(['exposure']))),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affects(e, 'aws')) syncAws();
      if (affects(e, 'prices', 'privateCidrs', 'window')) void data.reanalyze();
    }),
    trust.onDidChange((trusted) => trusted && void data.autoLoad()),
  );
  log.info('activate', { version: context.extension.packageJSON.version, trusted: trust.trusted, ms: Date.now() - t0 });
  void data.autoLoad();
  return buildApi(services, { findingsTree, sourcesTree }, iac, statusBar);
}

export function deactivate(): void {}
