/**
 * Profile names (and their configured regions) from the AWS shared config files, for the
 * "Select AWS profile" picker. Pure: callers pass the file texts. Only section names and a few
 * non-secret keys are read; credential values are never returned.
 */

export interface AwsProfileInfo {
  name: string;
  /** `region` from ~/.aws/config, when set. */
  region?: string;
  /** Where the profile was declared. */
  sources: ('config' | 'credentials')[];
  /** The profile signs in with IAM Identity Center (sso_session / sso_start_url). */
  sso: boolean;
  /** The profile assumes a role (role_arn). */
  assumeRole: boolean;
}

/** Keys safe to read; everything else (keys, secrets, tokens) is skipped without being stored. */
const SAFE_KEYS = new Set(['region', 'sso_session', 'sso_start_url', 'role_arn', 'source_profile']);

interface Section {
  header: string;
  values: Map<string, string>;
}

function parseIni(text: string): Section[] {
  const sections: Section[] = [];
  let current: Section | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      current = { header: header[1].trim(), values: new Map() };
      sections.push(current);
      continue;
    }
    if (!current) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue; // nested values (s3 = ...) continuation lines and junk
    const key = line.slice(0, eq).trim().toLowerCase();
    if (SAFE_KEYS.has(key)) current.values.set(key, line.slice(eq + 1).trim());
  }
  return sections;
}

/**
 * In ~/.aws/config profiles are `[default]` or `[profile NAME]` (`[sso-session X]` and
 * `[services X]` are not profiles); in ~/.aws/credentials every section is a profile name.
 */
export function parseAwsProfiles(configText: string | undefined, credentialsText: string | undefined): AwsProfileInfo[] {
  const byName = new Map<string, AwsProfileInfo>();
  const get = (name: string): AwsProfileInfo => {
    let p = byName.get(name);
    if (!p) {
      p = { name, sources: [], sso: false, assumeRole: false };
      byName.set(name, p);
    }
    return p;
  };
  for (const s of parseIni(configText ?? '')) {
    let name: string | null = null;
    if (s.header === 'default') name = 'default';
    else {
      const m = /^profile\s+(.+)$/.exec(s.header);
      if (m) name = m[1].trim();
    }
    if (!name) continue;
    const p = get(name);
    if (!p.sources.includes('config')) p.sources.push('config');
    const region = s.values.get('region');
    if (region) p.region = region;
    if (s.values.has('sso_session') || s.values.has('sso_start_url')) p.sso = true;
    if (s.values.has('role_arn')) p.assumeRole = true;
  }
  for (const s of parseIni(credentialsText ?? '')) {
    const p = get(s.header);
    if (!p.sources.includes('credentials')) p.sources.push('credentials');
  }
  return [...byName.values()].sort((a, b) =>
    a.name === 'default' ? -1 : b.name === 'default' ? 1 : a.name.localeCompare(b.name),
  );
}

/** Commercial AWS regions offered by the region picker (any other name can still be typed). */
export const AWS_REGIONS: readonly string[] = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'ca-west-1',
  'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2',
  'ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-east-1', 'sa-east-1', 'me-south-1', 'me-central-1',
  'af-south-1', 'il-central-1', 'mx-central-1',
];
