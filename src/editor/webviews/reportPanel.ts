/**
 * Report webviews (cost, exposure, unused rules). One panel per report kind, created or revealed
 * by `show`. Strict CSP with a nonce, scripts and styles only from media/, data by postMessage,
 * restored after a reload by the serializer. Links in the page post back `{type:'link'}`.
 */
import * as vscode from 'vscode';
import type { ReportKind, ReportLink, ReportModel } from '../../core/analysis/editor-report';

export const REPORT_VIEW_TYPE = 'egressLens.report';

export type ReportSource = (kind: ReportKind) => ReportModel;
export type LinkHandler = (link: ReportLink) => void | Thenable<void>;

interface PanelState {
  kind: ReportKind;
}

const TITLES: Record<ReportKind, string> = { cost: 'Egress Cost', exposure: 'Inbound Exposure', unused: 'Unused Rules' };

function nonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < 32; i++) s += chars[Math.floor(Math.random() * chars.length)];
  return s;
}

export class ReportPanels implements vscode.Disposable, vscode.WebviewPanelSerializer<PanelState> {
  private readonly panels = new Map<ReportKind, vscode.WebviewPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Last model posted per kind (tests read it). */
  readonly lastPosted = new Map<ReportKind, ReportModel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly source: ReportSource,
    private readonly onLink: LinkHandler,
  ) {
    this.disposables.push(vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, this));
  }

  get mediaRoot(): vscode.Uri {
    return vscode.Uri.joinPath(this.extensionUri, 'media');
  }

  /** Opens (or reveals) the report of `kind` and posts fresh data. */
  show(kind: ReportKind): vscode.WebviewPanel {
    let panel = this.panels.get(kind);
    if (panel) {
      panel.reveal(undefined, false);
    } else {
      panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, `Egress Lens: ${TITLES[kind]}`, vscode.ViewColumn.Active, this.options());
      this.attach(panel, kind);
    }
    this.post(kind);
    return panel;
  }

  /** What a click on a number in a report does (the page posts `{type:'link'}`). */
  handleLink(link: ReportLink): Thenable<void> | void {
    return this.onLink(link);
  }

  /** Highlights the table rows mentioning `text` (a group id or a peer address). */
  focus(kind: ReportKind, text: string): void {
    void this.panels.get(kind)?.webview.postMessage({ type: 'focus', text });
  }

  /** The page of an open report (tests check its CSP). */
  htmlOf(kind: ReportKind): string | undefined {
    return this.panels.get(kind)?.webview.html;
  }

  localRoots(): vscode.Uri[] {
    return [...(this.options().localResourceRoots ?? [])];
  }

  isOpen(kind: ReportKind): boolean {
    return this.panels.has(kind);
  }

  /** Re-posts data to the open panels (all, or those of the given kinds). */
  refreshAll(kinds?: ReportKind[]): void {
    for (const kind of this.panels.keys()) if (!kinds || kinds.includes(kind)) this.post(kind);
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: PanelState | undefined): Promise<void> {
    const kind: ReportKind = state?.kind ?? 'cost';
    panel.webview.options = this.options();
    this.attach(panel, kind);
    this.post(kind);
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [this.mediaRoot], enableCommandUris: false };
  }

  private attach(panel: vscode.WebviewPanel, kind: ReportKind): void {
    const existing = this.panels.get(kind);
    if (existing && existing !== panel) existing.dispose();
    this.panels.set(kind, panel);
    panel.iconPath = vscode.Uri.joinPath(this.mediaRoot, 'egress-lens.svg');
    panel.webview.html = this.html(panel.webview, kind);
    const subs = [
      panel.webview.onDidReceiveMessage((m: { type?: string; link?: ReportLink }) => {
        if (m?.type === 'ready') this.post(kind);
        else if (m?.type === 'link' && m.link) void this.handleLink(m.link);
      }),
      panel.onDidChangeViewState((e) => e.webviewPanel.visible && this.post(kind)),
    ];
    panel.onDidDispose(() => {
      if (this.panels.get(kind) === panel) this.panels.delete(kind);
      for (const s of subs) s.dispose();
    });
  }

  private post(kind: ReportKind): void {
    const panel = this.panels.get(kind);
    if (!panel) return;
    const model = this.source(kind);
    this.lastPosted.set(kind, model);
    void panel.webview.postMessage({ type: 'model', model });
  }

  private html(webview: vscode.Webview, kind: ReportKind): string {
    const n = nonce();
    const js = webview.asWebviewUri(vscode.Uri.joinPath(this.mediaRoot, 'report.js'));
    const css = webview.asWebviewUri(vscode.Uri.joinPath(this.mediaRoot, 'report.css'));
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `img-src ${webview.cspSource} data:`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${n}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${css}">
<title>Egress Lens: ${TITLES[kind]}</title>
</head>
<body data-kind="${kind}">
<main id="root"><p class="muted">Loading…</p></main>
<script nonce="${n}" src="${js}"></script>
</body>
</html>`;
  }

  dispose(): void {
    for (const p of this.panels.values()) p.dispose();
    this.panels.clear();
    for (const d of this.disposables) d.dispose();
  }
}
