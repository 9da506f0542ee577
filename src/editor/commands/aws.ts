/** Select AWS profile / region: profiles from ~/.aws/config and ~/.aws/credentials (names only). */
import * as vscode from 'vscode';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { CommandId } from './ids';
import type { EditorServices } from '../services';
import { AWS_REGIONS, parseAwsProfiles, type AwsProfileInfo } from '../../core/analysis/editor-awsProfiles';
import { readSettings, writeSetting } from '../settings';

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

export async function listProfiles(env: NodeJS.ProcessEnv = process.env): Promise<AwsProfileInfo[]> {
  const config = env.AWS_CONFIG_FILE || join(homedir(), '.aws', 'config');
  const credentials = env.AWS_SHARED_CREDENTIALS_FILE || join(homedir(), '.aws', 'credentials');
  return parseAwsProfiles(await readOptional(config), await readOptional(credentials));
}

export function registerAwsCommands(s: EditorServices): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.SelectProfile, async (preset?: string) => {
      let name = preset;
      if (name === undefined) {
        const profiles = await listProfiles();
        const current = readSettings().aws.profile;
        type Item = vscode.QuickPickItem & { value: string };
        const items: Item[] = [
          { label: '$(sync) Default credential chain', description: 'AWS_PROFILE, environment, SSO, instance role', value: '', picked: !current },
          ...profiles.map((p) => ({
            label: p.name,
            description: [p.region, p.sso ? 'SSO' : '', p.assumeRole ? 'assume role' : ''].filter(Boolean).join(' · '),
            detail: `from ${p.sources.join(' and ')}`,
            value: p.name,
            picked: p.name === current,
          })),
        ];
        const pick = await vscode.window.showQuickPick(items, {
          title: 'Egress Lens: AWS profile',
          placeHolder: profiles.length ? `Current: ${current || 'default chain'}` : 'No profiles in ~/.aws/config or ~/.aws/credentials — the default chain is used',
        });
        if (!pick) return;
        name = pick.value;
        const region = profiles.find((p) => p.name === name)?.region;
        if (region && !readSettings().aws.region) await writeSetting('aws.region', region);
      }
      await writeSetting('aws.profile', name);
      s.log.info('aws.profile', { profile: name || '(default chain)' });
    }),
    vscode.commands.registerCommand(CommandId.SelectRegion, async (preset?: string) => {
      let region = preset;
      if (region === undefined) {
        const current = readSettings().aws.region;
        const pick = await vscode.window.showQuickPick(
          [...AWS_REGIONS.map((r) => ({ label: r, picked: r === current, description: r === current ? 'current' : undefined })), { label: 'Other…', description: 'type a region name' }],
          { title: 'Egress Lens: AWS region' },
        );
        if (!pick) return;
        region = pick.label;
        if (region === 'Other…') {
          region = await vscode.window.showInputBox({ title: 'AWS region', value: current, validateInput: (v) => (/^[a-z]{2}(-[a-z]+)+-\d+$/.test(v.trim()) ? undefined : 'e.g. eu-west-1') });
          if (!region) return;
        }
      }
      await writeSetting('aws.region', region.trim());
      s.log.info('aws.region', { region });
    }),
  ];
}
