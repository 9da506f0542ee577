/** Show the cost / exposure / unused-rules reports; export a report as Markdown, CSV, JSON or SARIF. */
import * as vscode from 'vscode';
import { writeFile } from 'node:fs/promises';
import { CommandId } from './ids';
import type { EditorServices } from '../services';
import {
  buildCostReport,
  buildExposureReport,
  buildUnusedRulesReport,
  reportToCsv,
  reportToJson,
  reportToMarkdown,
  type ReportKind,
  type ReportModel,
} from '../../core/analysis/editor-report';

export function buildReport(s: EditorServices, kind: ReportKind): ReportModel {
  if (kind === 'cost') return buildCostReport(s.state.analysis);
  if (kind === 'unused') return buildUnusedRulesReport(s.state.analysis);
  const files = [...s.state.findings.entries()].map(([uri, findings]) => ({ uri, file: vscode.workspace.asRelativePath(vscode.Uri.parse(uri)), findings }));
  return buildExposureReport(files, s.state.analysis);
}

export type ExportFormat = 'md' | 'csv' | 'json' | 'sarif';

export function registerReportCommands(s: EditorServices, sarif: () => Promise<string>): vscode.Disposable[] {
  const show = (kind: ReportKind) => () => {
    s.reports.show(kind);
    s.log.info('report.show', { kind });
  };
  return [
    vscode.commands.registerCommand(CommandId.ShowCostReport, show('cost')),
    vscode.commands.registerCommand(CommandId.ShowExposureReport, show('exposure')),
    vscode.commands.registerCommand(CommandId.ShowUnusedRulesReport, show('unused')),
    vscode.commands.registerCommand(CommandId.ExportReport, async (opts?: { kind?: ReportKind; format?: ExportFormat; uri?: vscode.Uri | string }) => {
      let format = opts?.format;
      if (!format) {
        const pick = await vscode.window.showQuickPick(
          [
            { label: 'Markdown', description: '.md', f: 'md' as const },
            { label: 'CSV', description: '.csv — every table, raw numbers', f: 'csv' as const },
            { label: 'JSON', description: '.json', f: 'json' as const },
            { label: 'SARIF', description: '.sarif — findings, for code scanning', f: 'sarif' as const },
          ],
          { title: 'Export report as' },
        );
        if (!pick) return undefined;
        format = pick.f;
      }
      let kind = opts?.kind;
      if (!kind && format !== 'sarif') {
        const pick = await vscode.window.showQuickPick(
          [
            { label: 'Egress cost', k: 'cost' as const },
            { label: 'Inbound exposure', k: 'exposure' as const },
            { label: 'Unused rules', k: 'unused' as const },
          ],
          { title: 'Which report' },
        );
        if (!pick) return undefined;
        kind = pick.k;
      }
      const text =
        format === 'sarif'
          ? await sarif()
          : (() => {
              const model = buildReport(s, kind ?? 'cost');
              return format === 'md' ? reportToMarkdown(model) : format === 'csv' ? reportToCsv(model) : reportToJson(model);
            })();
      let target = typeof opts?.uri === 'string' ? vscode.Uri.file(opts.uri) : opts?.uri;
      if (!target) {
        const base = vscode.workspace.workspaceFolders?.[0]?.uri;
        const name = `egress-lens-${format === 'sarif' ? 'findings' : kind}.${format}`;
        target = await vscode.window.showSaveDialog({ title: 'Export report', defaultUri: base ? vscode.Uri.joinPath(base, name) : undefined, filters: { [format.toUpperCase()]: [format] } });
        if (!target) return undefined;
      }
      await writeFile(target.fsPath, text, 'utf8');
      s.log.info('report.export', { kind: kind ?? 'findings', format, path: target.fsPath, bytes: text.length });
      if (!opts?.uri) {
        void vscode.window.showInformationMessage(`Egress Lens: report written to ${vscode.workspace.asRelativePath(target)}`, 'Open').then((p) => p && vscode.window.showTextDocument(target!));
      }
      return target.fsPath;
    }),
  ];
}
