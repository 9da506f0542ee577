/** Every command id the extension registers; package.json `contributes.commands` mirrors this list. */
export enum CommandId {
  SelectProfile = 'egressLens.selectProfile',
  SelectRegion = 'egressLens.selectRegion',
  LoadFromCloudWatch = 'egressLens.loadFromCloudWatch',
  LoadFromFiles = 'egressLens.loadFromFiles',
  LoadInventory = 'egressLens.loadInventory',
  Refresh = 'egressLens.refresh',
  ShowCostReport = 'egressLens.showCostReport',
  ShowExposureReport = 'egressLens.showExposureReport',
  ShowUnusedRulesReport = 'egressLens.showUnusedRulesReport',
  ExportReport = 'egressLens.exportReport',
  OpenSample = 'egressLens.openSample',
  ShowOutput = 'egressLens.showOutput',
  // Flows tree
  FlowsFilter = 'egressLens.flows.filter',
  FlowsClearFilter = 'egressLens.flows.clearFilter',
  FlowsSort = 'egressLens.flows.sort',
  FlowsShowGroup = 'egressLens.flows.showGroup',
  FlowsRevealInCode = 'egressLens.flows.revealInCode',
  FlowsCopy = 'egressLens.flows.copy',
  FlowsShowInReport = 'egressLens.flows.showInReport',
  // Sources tree
  ShowSkippedLines = 'egressLens.sources.showSkipped',
  // Findings / code actions
  OpenFinding = 'egressLens.findings.open',
}
