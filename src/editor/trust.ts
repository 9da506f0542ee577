/**
 * Workspace trust, guarded in one place. In restricted mode only static checks of infrastructure
 * files run: no AWS call, no flow-log or inventory loading, nothing executed from the workspace.
 * Every loader and every AWS code path asks `allow()` first.
 */
import * as vscode from 'vscode';
import type { Log } from './output';

export class TrustGuard implements vscode.Disposable {
  private override: boolean | undefined;
  private warned = false;
  /** Counters for the extension-host suite: how often AWS code was entered / refused. */
  readonly counters = { awsCalls: 0, refused: 0 };
  private readonly emitter = new vscode.EventEmitter<boolean>();
  readonly onDidChange = this.emitter.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly log: Log) {
    this.sub = vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed());
    void this.setContext();
  }

  get trusted(): boolean {
    return this.override ?? vscode.workspace.isTrusted;
  }

  /** Tests only: pretend the workspace is (un)trusted; `undefined` goes back to the real state. */
  setOverride(trusted: boolean | undefined): void {
    this.override = trusted;
    this.warned = false;
    this.changed();
  }

  /**
   * The gate. Returns false (and says why, once per session) when the workspace is restricted.
   * `what` names the refused action in the log.
   */
  allow(what: string): boolean {
    if (this.trusted) return true;
    this.counters.refused++;
    this.log.warn('trust.refused', { action: what });
    if (!this.warned) {
      this.warned = true;
      void vscode.window
        .showWarningMessage(
          `Egress Lens: "${what}" is not available in Restricted Mode. Only static checks of infrastructure files run until you trust this workspace.`,
          'Manage Workspace Trust',
        )
        .then((pick) => pick && vscode.commands.executeCommand('workbench.trust.manage'));
    }
    return false;
  }

  /** Runs an AWS call through the gate; the only way editor code reaches the AWS SDK. */
  async aws<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
    if (!this.allow(what)) return undefined;
    this.counters.awsCalls++;
    return call();
  }

  private changed(): void {
    void this.setContext();
    this.emitter.fire(this.trusted);
  }

  private async setContext(): Promise<void> {
    await vscode.commands.executeCommand('setContext', 'egressLens.trusted', this.trusted);
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
