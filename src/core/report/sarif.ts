/**
 * SARIF 2.1.0 for scan findings (GitHub code scanning, IDE SARIF viewers). One run, the rule
 * catalogue as tool.driver.rules, 1-based regions with UTF-16 columns, suppressed findings
 * carried with an in-source suppression and its justification.
 */
import type { Severity } from '../model/flows';
import type { Finding } from '../iac/model';
import type { RuleDefinition } from '../rules/types';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export type SarifLevel = 'error' | 'warning' | 'note' | 'none';

export function sarifLevel(s: Severity): SarifLevel {
  if (s === 'critical' || s === 'high') return 'error';
  if (s === 'medium') return 'warning';
  return 'note';
}

/** GitHub's `security-severity` (0–10) used to bucket alerts. */
export function securitySeverity(s: Severity): string {
  return { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' }[s];
}

export interface SarifOptions {
  toolVersion?: string;
  informationUri?: string;
  /** Base URI for the docs/rules pages (helpUri); omitted when not given. */
  docsBaseUri?: string;
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: unknown[];
}

/** Relative paths stay relative to %SRCROOT%; absolute ones become file:// URIs. */
function artifact(file: string): { uri: string; uriBaseId?: string } {
  const p = file.split('\\').join('/');
  if (/^([A-Za-z]:)?\//.test(p)) return { uri: `file://${p.startsWith('/') ? '' : '/'}${p.split('/').map(encodeURIComponent).join('/').replace(/^\/?([A-Za-z])%3A/, '/$1:')}` };
  return { uri: p.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

export function toSarif(findings: Finding[], catalogue: readonly RuleDefinition[], opts: SarifOptions = {}): SarifLog {
  const ruleIndex = new Map(catalogue.map((r, i) => [r.id, i]));
  const rules = catalogue.map((r) => ({
    id: r.id,
    name: r.title.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')).replace(/^./, (c) => c.toUpperCase()),
    shortDescription: { text: r.title },
    fullDescription: { text: r.rationale },
    help: { text: `${r.rationale}\n\nFix: ${r.remediation}`, markdown: `${r.rationale}\n\n**Fix:** ${r.remediation}${r.references.length ? `\n\nEquivalent checks: ${r.references.join(', ')}` : ''}` },
    ...(opts.docsBaseUri ? { helpUri: `${opts.docsBaseUri.replace(/\/$/, '')}/${r.id}.md` } : {}),
    defaultConfiguration: { level: sarifLevel(r.severity) },
    properties: { tags: ['security', 'aws', 'security-group', ...(r.id === 'EL009' ? ['cost'] : [])], 'security-severity': securitySeverity(r.severity), precision: 'high', references: r.references },
  }));
  const results = findings.map((f) => ({
    ruleId: f.ruleId,
    ...(ruleIndex.has(f.ruleId) ? { ruleIndex: ruleIndex.get(f.ruleId)! } : {}),
    level: sarifLevel(f.severity),
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifact(f.file),
          region: {
            startLine: f.range.start.line + 1,
            startColumn: f.range.start.column + 1,
            endLine: f.range.end.line + 1,
            endColumn: f.range.end.column + 1,
          },
        },
        logicalLocations: [{ name: f.resource, kind: 'resource' }],
      },
    ],
    partialFingerprints: { 'egressLens/v1': `${f.ruleId}:${f.file}:${f.resource}:${f.sourceId ?? f.sgRuleId ?? f.groupId ?? ''}` },
    properties: { severity: f.severity, resource: f.resource, references: f.references },
    ...(f.suppressed ? { suppressions: [{ kind: 'inSource', justification: f.suppressionReason ?? '' }] } : {}),
  }));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Egress Lens',
            ...(opts.toolVersion ? { version: opts.toolVersion, semanticVersion: opts.toolVersion } : {}),
            informationUri: opts.informationUri ?? 'https://github.com/egress-lens/egress-lens',
            rules,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The directory the scan was run from.' } } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}
