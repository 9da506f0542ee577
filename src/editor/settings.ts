/**
 * Typed mirror of the `egressLens.*` settings in package.json. Every read goes through here so a
 * renamed key breaks at compile time in one place.
 */
import * as vscode from 'vscode';
import type { Severity } from '../core/model/flows';

export interface EgressLensSettings {
  aws: { profile: string; region: string; endpointUrl: string };
  flowLogs: { sources: string[]; fields: string };
  window: string;
  prices: Record<string, unknown>;
  thresholds: { costlyEgressUsdPerMonth: number };
  rules: { disabled: string[]; severity: Record<string, Severity> };
  privateCidrs: string[];
  inventory: { path: string };
  autoLoad: boolean;
  diagnostics: { debounceMs: number };
  /** Template path (relative to a workspace folder, or absolute) → stack name, as written (checked by stacks.ts). */
  cloudFormation: { stacks: unknown };
}

export const SECTION = 'egressLens';

export function readSettings(scope?: vscode.ConfigurationScope): EgressLensSettings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  return {
    aws: {
      profile: c.get<string>('aws.profile', '').trim(),
      region: c.get<string>('aws.region', '').trim(),
      endpointUrl: c.get<string>('aws.endpointUrl', '').trim(),
    },
    flowLogs: {
      sources: c.get<string[]>('flowLogs.sources', []).filter((s) => typeof s === 'string' && s.trim()),
      fields: c.get<string>('flowLogs.fields', '').trim(),
    },
    window: c.get<string>('window', 'auto'),
    prices: c.get<Record<string, unknown>>('prices', {}),
    thresholds: { costlyEgressUsdPerMonth: c.get<number>('thresholds.costlyEgressUsdPerMonth', 10) },
    rules: {
      disabled: c.get<string[]>('rules.disabled', []),
      severity: c.get<Record<string, Severity>>('rules.severity', {}),
    },
    privateCidrs: c.get<string[]>('privateCidrs', []),
    inventory: { path: c.get<string>('inventory.path', '').trim() },
    autoLoad: c.get<boolean>('autoLoad', true),
    diagnostics: { debounceMs: Math.max(0, c.get<number>('diagnostics.debounceMs', 200)) },
    cloudFormation: { stacks: c.get<unknown>('cloudFormation.stacks', {}) },
  };
}

/** True when the change touches `egressLens.<key>` (or any egressLens key when no key is given). */
export function affects(e: vscode.ConfigurationChangeEvent, ...keys: string[]): boolean {
  if (!keys.length) return e.affectsConfiguration(SECTION);
  return keys.some((k) => e.affectsConfiguration(`${SECTION}.${k}`));
}

/** Writes a setting at workspace level when a folder is open, else user level. */
export async function writeSetting(key: string, value: unknown): Promise<void> {
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration(SECTION).update(key, value, target);
}
