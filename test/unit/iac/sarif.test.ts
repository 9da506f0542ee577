// Structural validation of the SARIF 2.1.0 output (no network, so no remote schema): the
// properties the spec makes required, the ones GitHub code scanning reads, and their types.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText, initIac, rules, toSarif } from '../../../src/core/iac';

before(async () => {
  await initIac();
});

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => !!x && typeof x === 'object' && !Array.isArray(x);
const posInt = (x: unknown): boolean => Number.isInteger(x) && (x as number) >= 1;

function validate(log: unknown): string[] {
  const errs: string[] = [];
  const need = (cond: boolean, what: string): void => {
    if (!cond) errs.push(what);
  };
  need(isObj(log), 'log is an object');
  if (!isObj(log)) return errs;
  need(log.version === '2.1.0', 'version 2.1.0');
  need(typeof log.$schema === 'string' && /sarif-2\.1\.0/.test(log.$schema as string), '$schema names 2.1.0');
  need(Array.isArray(log.runs) && log.runs.length === 1, 'one run');
  for (const run of (log.runs as unknown[]) ?? []) {
    if (!isObj(run)) continue;
    const driver = isObj(run.tool) ? (run.tool as Obj).driver : undefined;
    need(isObj(driver) && typeof (driver as Obj).name === 'string', 'tool.driver.name');
    const ruleList = isObj(driver) && Array.isArray((driver as Obj).rules) ? ((driver as Obj).rules as Obj[]) : [];
    need(ruleList.length > 0, 'tool.driver.rules');
    const ids = new Set<string>();
    for (const r of ruleList) {
      need(typeof r.id === 'string', 'rule.id');
      ids.add(r.id as string);
      need(isObj(r.shortDescription) && typeof (r.shortDescription as Obj).text === 'string', `rule ${String(r.id)} shortDescription.text`);
      need(isObj(r.defaultConfiguration) && ['none', 'note', 'warning', 'error'].includes((r.defaultConfiguration as Obj).level as string), `rule ${String(r.id)} level`);
      const sev = isObj(r.properties) ? (r.properties as Obj)['security-severity'] : undefined;
      need(typeof sev === 'string' && !Number.isNaN(Number(sev)), `rule ${String(r.id)} security-severity`);
    }
    need(Array.isArray(run.results), 'results array');
    for (const res of (run.results as Obj[]) ?? []) {
      need(typeof res.ruleId === 'string' && ids.has(res.ruleId as string), `result ruleId ${String(res.ruleId)} is in rules`);
      if (res.ruleIndex !== undefined) need(ruleList[res.ruleIndex as number]?.id === res.ruleId, 'ruleIndex points at the rule');
      need(['none', 'note', 'warning', 'error'].includes(res.level as string), 'result level');
      need(isObj(res.message) && typeof (res.message as Obj).text === 'string' && ((res.message as Obj).text as string).length > 0, 'message.text');
      const locs = res.locations as Obj[];
      need(Array.isArray(locs) && locs.length >= 1, 'locations');
      for (const l of locs ?? []) {
        const pl = l.physicalLocation as Obj;
        const art = pl?.artifactLocation as Obj;
        need(typeof art?.uri === 'string' && !(art.uri as string).includes('\\') && !/^\//.test(art.uri as string), 'relative uri with forward slashes');
        const reg = pl?.region as Obj;
        need(isObj(reg) && posInt(reg.startLine) && posInt(reg.startColumn) && posInt(reg.endLine) && posInt(reg.endColumn), 'region is 1-based');
        if (isObj(reg)) need((reg.endLine as number) > (reg.startLine as number) || (reg.endColumn as number) >= (reg.startColumn as number), 'region end after start');
      }
      if (res.suppressions !== undefined) for (const s of res.suppressions as Obj[]) need(['inSource', 'external'].includes(s.kind as string), 'suppression kind');
    }
  }
  return errs;
}

describe('SARIF 2.1.0', () => {
  const text = `# egress-lens:ignore EL004 public
resource "aws_security_group" "web" {
  description = "web"
  ingress {
    description = "https"
    from_port = 443
    to_port = 443
    protocol = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port = 22
    to_port = 22
    protocol = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
`;
  it('is structurally valid, with rules, levels, 1-based regions and in-source suppressions', () => {
    const { findings } = analyzeText('infra/main.tf', text);
    const log = toSarif(findings, rules, { toolVersion: '0.1.0' });
    assert.deepEqual(validate(log), []);
    const run = log.runs[0] as { results: { ruleId: string; level: string; suppressions?: { justification: string }[]; locations: { physicalLocation: { region: { startLine: number; startColumn: number } } }[] }[] };
    const ssh = run.results.find((r) => r.ruleId === 'EL001')!;
    assert.equal(ssh.level, 'error');
    assert.deepEqual(ssh.locations[0].physicalLocation.region.startLine, 15);
    assert.deepEqual(ssh.locations[0].physicalLocation.region.startColumn, 20);
    const web = run.results.find((r) => r.ruleId === 'EL004')!;
    assert.equal(web.level, 'note');
    assert.equal(web.suppressions?.[0].justification, 'public');
    // It survives a JSON round trip unchanged (no undefined, no functions).
    assert.deepEqual(JSON.parse(JSON.stringify(log)), log);
  });

  it('the validator catches broken logs (so the test above can fail)', () => {
    const { findings } = analyzeText('main.tf', text);
    const log = JSON.parse(JSON.stringify(toSarif(findings, rules))) as { runs: { results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
    log.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    log.runs[0].results[1].ruleId = 'NOPE';
    const errs = validate(log);
    assert.ok(errs.includes('region is 1-based'));
    assert.ok(errs.some((e) => e.includes('NOPE')));
  });
});

describe('SARIF paths', () => {
  it('absolute paths become file:// URIs, relative ones stay relative to %SRCROOT%', () => {
    const { findings } = analyzeText('/abs/dir with space/main.tf', 'resource "aws_security_group" "x" {\n  name = "x"\n}\n');
    const rel = analyzeText('rel/main.tf', 'resource "aws_security_group" "x" {\n  name = "x"\n}\n').findings;
    const loc = (fs: typeof findings) => ((toSarif(fs, rules).runs[0] as { results: { locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[] }[] }).results[0].locations[0].physicalLocation.artifactLocation);
    assert.deepEqual(loc(findings), { uri: 'file:///abs/dir%20with%20space/main.tf' });
    assert.deepEqual(loc(rel), { uri: 'rel/main.tf', uriBaseId: '%SRCROOT%' });
  });
});
