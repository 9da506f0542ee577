/** The "Egress Lens" log channel: one structured line per event, credentials scrubbed. */
import * as vscode from 'vscode';
import { formatLogLine } from '../core/analysis/editor-redact';

export type LogFields = Record<string, unknown>;

export class Log implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  constructor() {
    this.channel = vscode.window.createOutputChannel('Egress Lens', { log: true });
  }
  info(event: string, fields?: LogFields): void {
    this.channel.info(formatLogLine(event, fields));
  }
  warn(event: string, fields?: LogFields): void {
    this.channel.warn(formatLogLine(event, fields));
  }
  error(event: string, fields?: LogFields): void {
    this.channel.error(formatLogLine(event, fields));
  }
  debug(event: string, fields?: LogFields): void {
    this.channel.debug(formatLogLine(event, fields));
  }
  show(): void {
    this.channel.show(true);
  }
  dispose(): void {
    this.channel.dispose();
  }
}
