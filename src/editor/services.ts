/** The objects command handlers and features share, built once in extension.ts. */
import type * as vscode from 'vscode';
import type { EditorState } from './state';
import type { Log } from './output';
import type { TrustGuard } from './trust';
import type { DataService } from './data';
import type { ReportPanels } from './webviews/reportPanel';
import type { FlowsTree } from './trees/flowsTree';
import type { IacLinks } from './iacLinks';

export interface EditorServices {
  context: vscode.ExtensionContext;
  state: EditorState;
  log: Log;
  trust: TrustGuard;
  data: DataService;
  reports: ReportPanels;
  flowsTree: FlowsTree;
  links: IacLinks;
}
