import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { initIac } from '../../../src/core/iac';
import { type JsonFinding, type ScanJson, runScan as run } from './scan-helpers';

const WS = 'test/unit/iac/fixtures/workspace';

before(async () => {
  await initIac();
});

describe('egress-lens scan', () => {
  it('--format json follows the contract: 1-based ranges, relative files, resources, references, suppressed', async () => {
    const { code, out } = await run([WS, '--format', 'json']);
    assert.equal(code, 0);
    const j = JSON.parse(out) as ScanJson;
    assert.equal(j.files, 4); // main.tf, variables.tf, terraform.tfvars, template.yaml
    assert.equal(j.resources, 4);
    assert.deepEqual(j.errors, []);
    const ssh = j.findings.find((f) => f.ruleId === 'EL001')!;
    assert.equal(ssh.file, `${WS}/tf/main.tf`);
    assert.equal(ssh.resource, 'aws_security_group.bastion');
    assert.deepEqual(ssh.range, { start: { line: 15, column: 19 }, end: { line: 15, column: 34 } }); // var.admin_cidrs (end exclusive), resolved through terraform.tfvars
    assert.match(ssh.message, /terraform\.tfvars/);
    assert.ok(ssh.references.includes('CKV_AWS_24'));
    const web = j.findings.find((f) => f.ruleId === 'EL004')!;
    assert.equal(web.suppressed, true);
    assert.equal(web.suppressionReason, 'public web site');
    const db = j.findings.find((f) => f.ruleId === 'EL003')!;
    assert.equal(db.file, `${WS}/cfn/template.yaml`);
    assert.deepEqual(db.range.start, { line: 12, column: 19 });
    assert.deepEqual(
      j.links.map((l) => `${l.resource}=${l.deployedId}:${l.method}`).sort(),
      ['Db=sg-0db:cloudformation-stack', 'aws_security_group.bastion=sg-0bastion:terraform-state'],
    );
  });

  it('--inventory links the rest by name + VPC (the VPC id taken from the state)', async () => {
    const { out } = await run([WS, '--format', 'json', '--inventory', 'test/unit/iac/fixtures/inventory']);
    const j = JSON.parse(out) as { links: { resource: string; deployedId: string; method: string; detail?: string }[] };
    const web = j.links.find((l) => l.resource === 'aws_security_group.web');
    assert.deepEqual(web, { resource: 'aws_security_group.web', file: `${WS}/tf/main.tf`, deployedId: 'sg-0web', method: 'name-vpc-tags', source: 'inventory:files:' + process.cwd() + '/test/unit/iac/fixtures/inventory', detail: 'name web in vpc-0aaa' });
    assert.equal(j.links.find((l) => l.resource === 'aws_security_group.bastion')?.method, 'terraform-state');
    assert.equal((await run([WS, '--inventory', 'no/such/inventory'])).code, 2);
  });

  it('--fail-on counts unsuppressed findings only', async () => {
    assert.equal((await run([WS, '--format', 'json', '--fail-on', 'high'])).code, 1);
    assert.equal((await run([`${WS}/tf/main.tf`, '--format', 'json', '--fail-on', 'high', '--disable', 'EL001'])).code, 0);
    // EL004 on web is suppressed: with everything else disabled nothing fails even at info.
    assert.equal((await run([`${WS}/tf`, '--format', 'json', '--fail-on', 'info', '--enable', 'EL004'])).code, 0);
    assert.equal((await run([`${WS}/tf`, '--format', 'json', '--fail-on', 'critical', '--severity', 'EL001=critical'])).code, 1);
  });

  it('a single .tf file still resolves variables from its directory and reports only itself', async () => {
    const { out } = await run([`${WS}/tf/main.tf`, '--format', 'json']);
    const j = JSON.parse(out) as { findings: JsonFinding[] };
    assert.ok(j.findings.length > 0);
    assert.ok(j.findings.every((f) => f.file === `${WS}/tf/main.tf`));
    assert.ok(j.findings.some((f) => f.ruleId === 'EL001'));
  });

  it('table, csv and md formats carry the same findings', async () => {
    const table = (await run([WS])).out;
    assert.match(table, /HIGH\s+EL001\s+test\/unit\/iac\/fixtures\/workspace\/tf\/main\.tf:15:19/);
    assert.match(table, /Linked to deployed groups: .*sg-0bastion \(terraform-state\)/);
    const csv = (await run([WS, '--format', 'csv'])).out.trim().split('\n');
    assert.equal(csv[0], 'ruleId,severity,file,line,column,endLine,endColumn,resource,title,message,references,suppressed,suppressionReason');
    const json = JSON.parse((await run([WS, '--format', 'json'])).out) as { findings: JsonFinding[] };
    assert.equal(csv.length - 1, json.findings.length);
    const md = (await run([WS, '--format', 'md'])).out;
    assert.match(md, /\| high \| \[EL001\]\(docs\/rules\/EL001\.md\)/);
    assert.match(md, /suppressed: public web site/);
  });

  it('usage and input errors exit 2 with a clear message', async () => {
    const cases: [string[], RegExp][] = [
      [[WS, '--format', 'xml'], /--format must be one of/],
      [[WS, '--fail-on', 'urgent'], /--fail-on must be one of/],
      [[WS, '--disable', 'EL999'], /unknown rule 'EL999'/],
      [[WS, '--severity', 'EL001:low'], /expected ID=SEVERITY/],
      [['no/such/dir'], /no\/such\/dir: no such file or directory/],
      [[], /at least one file or directory/],
      [[WS, '--cfn-stack', 'cfn/template.yaml'], /--cfn-stack: expected TEMPLATE=STACK \(e\.g\. infra\/app\.yaml=app-prod\), got 'cfn\/template\.yaml'/],
      [[WS, '--cfn-stack', '=app-prod'], /--cfn-stack: expected TEMPLATE=STACK/],
      [[WS, '--cfn-stack', `${WS}/cfn/template.yaml=9-lives`], /'9-lives' is not a CloudFormation stack name/],
      [[WS, '--cfn-stack', `${WS}/cfn/template.yaml=a`, '--cfn-stack', `${WS}/cfn/template.yaml=b`], /cfn\/template\.yaml is bound to a stack twice/],
      [[WS, '--cfn-stack', 'cfn/nope.yaml=app-prod'], /--cfn-stack cfn\/nope\.yaml=app-prod: cfn\/nope\.yaml: no such file/],
      [[WS, '--cfn-stack', `${WS}/cfn/template.yaml=app-prod`, '--no-links'], /cannot go with --no-links/],
    ];
    for (const [args, re] of cases) {
      const r = await run(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, re);
    }
  });
});

describe('scanPaths', () => {
  it('is cancellable', async () => {
    const { scanPaths } = await import('../../../src/core/iac');
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(scanPaths([WS], { signal: ac.signal }), (e: Error) => e.name === 'AbortError');
  });
  it('reports progress per file', async () => {
    const { scanPaths } = await import('../../../src/core/iac');
    const seen: string[] = [];
    const r = await scanPaths([WS], { onProgress: (p) => seen.push(p.path) });
    assert.ok(seen.length >= r.files.length);
    assert.ok(seen.includes(`${WS}/tf/main.tf`));
  });
  it('stack bindings: fetches each stack once, links the bound template, and says what it could not link', async () => {
    const { scanPaths } = await import('../../../src/core/iac');
    const asked: string[] = [];
    const r = await scanPaths([WS], {
      links: true,
      stackBindings: [
        { template: `${WS}/cfn/template.yaml`, stack: 'app-prod' },
        // A stack of its own, so only a fetch skipped for it (not de-duplication) keeps `asked` to one.
        { template: `${WS}/tf/main.tf`, stack: 'tf-stack' },
        { template: `${WS}/cfn/stack-resources.json`, stack: 'other' },
      ],
      fetchStackResources: async (name) => (asked.push(name), [{ LogicalResourceId: 'Db', PhysicalResourceId: 'sg-0stack', ResourceType: 'AWS::EC2::SecurityGroup' }]),
    });
    assert.deepEqual(asked, ['app-prod'], 'one call per stack; none for a file that is not a template (main.tf, bound to tf-stack)');
    assert.deepEqual(r.links.filter((l) => l.method === 'cloudformation-stack').map((l) => `${l.address}=${l.deployedId} ${l.source}`), ['Db=sg-0stack stack:app-prod']);
    assert.deepEqual(r.errors.filter((e) => /stack/.test(e.message)), [
      { file: `${WS}/tf/main.tf`, message: 'stack tf-stack is configured for this file, but it is not a CloudFormation template (it is read as Terraform)' },
      { file: `${WS}/cfn/stack-resources.json`, message: 'stack other is configured for this file, but it is not a CloudFormation template among the scanned files' },
    ]);
    await assert.rejects(scanPaths([WS], { stackBindings: [{ template: `${WS}/cfn/template.yaml`, stack: 'x' }] }), /stackBindings given without fetchStackResources/);
  });
});
