/**
 * CloudFormation templates bound to the stacks deployed from them (setting
 * `egressLens.cloudFormation.stacks`: template path → stack name). When a bound template is
 * analysed in a trusted workspace, the stack's resources are read once per session
 * (cloudformation:ListStackResources, through the trust gate) and handed to the IaC links, so each
 * AWS::EC2::SecurityGroup gets its sg-… id with the method `cloudformation-stack`. Read again when
 * this setting or the `egressLens.aws.*` settings change, or when the workspace becomes trusted.
 * Restricted Mode: no read at all. Failures and bad entries are logged and shown, never dropped.
 */
import * as vscode from 'vscode';
import { isAbsolute, join, normalize } from 'node:path';
import type { EditorServices } from './services';
import { affects, readSettings } from './settings';
import { lazyCore } from './data';
import type { StackResource } from '../core/iac';

interface Entry {
  state: 'loading' | 'ok' | 'failed';
  resources?: StackResource[];
  error?: string;
}

export interface BoundStack {
  /** The template's path as analysed (absolute). */
  template: string;
  stack: string;
  /** The stack's resources once read; undefined while reading, after a failure or in Restricted Mode. */
  resources?: StackResource[];
  /** Why there are no resources: the read failed (message names the IAM action) or is not allowed. */
  problem?: string;
}

export const STACKS_SETTING = 'egressLens.cloudFormation.stacks';

export class StackLinks implements vscode.Disposable {
  private readonly cache = new Map<string, Entry>();
  private bindings = new Map<string, string>();
  private generation = 0;
  private readonly emitter = new vscode.EventEmitter<void>();
  /** A stack was read (or failed), or the bindings changed: links must be computed again. */
  readonly onDidChange = this.emitter.event;
  private readonly subs: vscode.Disposable[];
  private restrictedLogged = false;

  constructor(private readonly s: EditorServices) {
    this.bindings = this.readBindings();
    this.subs = [
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affects(e, 'cloudFormation.stacks', 'aws')) this.reset();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.reset()),
      s.trust.onDidChange((trusted) => trusted && this.reset()),
      // "Egress Lens: Refresh" reads the bound stacks again (a deploy may have replaced groups).
      s.data.onDidRefresh(() => this.active && this.reset()),
    ];
  }

  /** Absolute template paths → stack names; a malformed entry is reported and skipped. */
  private readBindings(): Map<string, string> {
    const raw = readSettings().cloudFormation.stacks;
    const out = new Map<string, string>();
    const bad = (msg: string) => {
      const message = `${STACKS_SETTING}: ${msg}`;
      this.s.log.warn('settings.problem', { problem: message });
      this.s.state.addError('settings', message);
    };
    if (raw === undefined || raw === null) return out;
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      bad('expected an object mapping template paths to stack names, e.g. { "infra/network.yaml": "network-prod" }');
      return out;
    }
    const folders = vscode.workspace.workspaceFolders ?? [];
    for (const [template, stack] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof stack !== 'string' || !stack.trim()) {
        bad(`"${template}": the stack name must be a non-empty string (got ${JSON.stringify(stack)})`);
        continue;
      }
      if (!template.trim()) {
        bad(`"${stack}": the template path is empty`);
        continue;
      }
      const paths = isAbsolute(template) ? [template] : folders.map((f) => join(f.uri.fsPath, template));
      for (const p of paths) out.set(normalize(p), stack.trim());
    }
    return out;
  }

  private reset(): void {
    this.generation++;
    this.cache.clear();
    this.restrictedLogged = false;
    this.s.state.clearErrors('cloudformation');
    this.bindings = this.readBindings();
    this.emitter.fire();
  }

  /** Whether any template is bound (cheap; documents skip the rest when not). */
  get active(): boolean {
    return this.bindings.size > 0;
  }

  /** The stack name bound to `path` in the setting, without reading anything. */
  stackNameFor(path: string): string | undefined {
    return this.bindings.get(normalize(path));
  }

  /**
   * The stack bound to the template at `path` with its resources when read. The first call for a
   * stack starts reading it (trusted workspaces only); onDidChange fires when it is done.
   */
  boundStack(path: string): BoundStack | undefined {
    const stack = this.bindings.get(normalize(path));
    if (!stack) return undefined;
    const e = this.cache.get(stack) ?? this.read(stack);
    if (!e) return { template: path, stack, problem: `stack ${stack} is not read in Restricted Mode (trust the workspace to link its groups)` };
    if (e.state === 'ok') return { template: path, stack, resources: e.resources };
    return { template: path, stack, ...(e.state === 'failed' ? { problem: e.error } : { problem: `stack ${stack} is being read` }) };
  }

  private read(stack: string): Entry | undefined {
    if (!this.s.trust.trusted) {
      if (!this.restrictedLogged) this.s.log.info('cfn.stack.restricted', { stack });
      this.restrictedLogged = true;
      return undefined;
    }
    const entry: Entry = { state: 'loading' };
    this.cache.set(stack, entry);
    const gen = this.generation;
    const a = readSettings().aws;
    const conn = { profile: a.profile || undefined, region: a.region || undefined, endpointUrl: a.endpointUrl || undefined };
    const t0 = Date.now();
    const run = async (): Promise<StackResource[] | undefined> => {
      const aws = await lazyCore.aws();
      if (!aws.isStackName(stack)) throw new Error(`'${stack}' is not a CloudFormation stack name (letters, digits and '-', starting with a letter) or stack ARN`);
      return this.s.trust.aws(`Read CloudFormation stack ${stack}`, () => aws.readStackResources(conn, stack));
    };
    run().then(
      (resources) => {
        if (gen !== this.generation) return;
        if (!resources) {
          this.cache.delete(stack);
          return;
        }
        entry.state = 'ok';
        entry.resources = resources;
        this.s.log.info('cfn.stack.read', { stack, resources: resources.length, securityGroups: resources.filter((r) => r.ResourceType === 'AWS::EC2::SecurityGroup').length, ms: Date.now() - t0 });
        this.emitter.fire();
      },
      (err: unknown) => {
        if (gen !== this.generation) return;
        const message = `${STACKS_SETTING}: stack ${stack}: ${err instanceof Error ? err.message : String(err)}`.replace(`stack ${stack}: stack ${stack}:`, `stack ${stack}:`);
        entry.state = 'failed';
        entry.error = message;
        this.s.log.error('cfn.stack.failed', { stack, error: message });
        this.s.state.addError('cloudformation', message);
        void vscode.window.showWarningMessage(`Egress Lens: ${message}`, 'Show Log').then((p) => p && this.s.log.show());
        this.emitter.fire();
      },
    );
    return entry;
  }

  dispose(): void {
    for (const d of this.subs) d.dispose();
    this.emitter.dispose();
  }
}
