// CloudFormation stack → code links against moto: the demo template (samples/demo/cloudformation/
// stack.json) is deployed with CreateStack through the real SDK, moto creates real security groups,
// and the linker maps the template's logical ids to those sg- ids (core source, scanPaths, CLI
// `scan`/`report --cfn-stack`). Paging runs on recorded pages (moto returns one page); a missing
// stack and AccessDenied give errors naming the stack and cloudformation:ListStackResources.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CreateVpcCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { startMoto, TEST_CREDENTIALS, TEST_REGION, type MotoServer } from './moto';
import { startFaultProxy } from './fault-proxy';
import { loadFixture, startReplayServer, type Exchange } from './replay-server';
import { AwsSourceError } from '../../src/core/sources/aws/errors';
import { createCloudFormationClient } from '../../src/core/sources/aws/clients';
import { fetchStackResources, listStackResources, physicalIdsByLogicalId } from '../../src/core/sources/aws/cloudformation';
import { initIac, scanPaths } from '../../src/core/iac';
import { main } from '../../src/cli/main';

const SAMPLE = resolve(__dirname, '..', '..', 'samples', 'demo', 'cloudformation', 'stack.json');
const STACK = 'egress-lens-demo';
const SG_IDS = ['BastionSecurityGroup', 'WindowsJumpSecurityGroup', 'WebSecurityGroup'];

let moto: MotoServer;
let vpcId: string;
const ws = mkdtempSync(join(tmpdir(), 'egress-lens-cfn-'));
const conn = (endpointUrl: string) => ({ region: TEST_REGION, endpointUrl, credentials: TEST_CREDENTIALS });

const savedEnv = { ...process.env };
before(async () => {
  // The SDK's default credential chain (what the CLI uses) reads the process environment.
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_REGION: TEST_REGION });
  await initIac();
  moto = await startMoto();
  await moto.reset();
  const ec2 = new EC2Client({ region: TEST_REGION, endpoint: moto.endpoint, credentials: TEST_CREDENTIALS });
  vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  ec2.destroy();
  const cfn = new CloudFormationClient({ region: TEST_REGION, endpoint: moto.endpoint, credentials: TEST_CREDENTIALS });
  await cfn.send(new CreateStackCommand({ StackName: STACK, TemplateBody: readFileSync(SAMPLE, 'utf8'), Parameters: [{ ParameterKey: 'VpcId', ParameterValue: vpcId }] }));
  cfn.destroy();
  mkdirSync(join(ws, 'cloudformation'));
  copyFileSync(SAMPLE, join(ws, 'cloudformation', 'stack.json'));
});
after(async () => {
  for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION']) if (savedEnv[k] === undefined) delete process.env[k];
  await moto?.stop();
  rmSync(ws, { recursive: true, force: true });
});

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const env = { ...process.env, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_REGION: TEST_REGION, AWS_EC2_METADATA_DISABLED: 'true' };
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: ws, env });
  return { code, out, err };
}

/** The groups moto created for the stack, straight from EC2: id → the logical id CloudFormation tagged it with. */
async function deployedGroups(): Promise<Map<string, string>> {
  const ec2 = new EC2Client({ region: TEST_REGION, endpoint: moto.endpoint, credentials: TEST_CREDENTIALS });
  try {
    const out = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    return new Map((out.SecurityGroups ?? []).map((g) => [g.GroupId!, g.Tags?.find((t) => t.Key === 'aws:cloudformation:logical-id')?.Value ?? `(untagged: ${g.GroupName})`]));
  } finally {
    ec2.destroy();
  }
}

type LinkJson = { resource: string; file: string | null; deployedId: string; method: string; source: string; detail?: string };

describe('CloudFormation stack resources (moto)', () => {
  it('lists the stack: each AWS::EC2::SecurityGroup logical id → an sg- id that EC2 knows, in the stack VPC', async () => {
    const h = createCloudFormationClient(conn(moto.endpoint));
    const pages: number[] = [];
    const all = await listStackResources(h, { stackName: STACK, onPage: (n) => pages.push(n) });
    h.client.destroy();
    assert.deepEqual(pages, [4], 'moto answers in one page');
    assert.deepEqual(all.map((r) => r.ResourceType).sort(), ['AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress']);
    assert.ok(all.every((r) => r.StackName === STACK));
    const ids = physicalIdsByLogicalId(all);
    assert.deepEqual([...ids.keys()].sort(), [...SG_IDS].sort());
    const groups = await deployedGroups();
    for (const [logical, sg] of ids) {
      assert.match(sg, /^sg-[0-9a-f]+$/, logical);
      assert.equal(groups.get(sg), logical, `${logical} → ${sg} is the group CloudFormation created for it in ${vpcId}`);
    }
    const onlySg = await fetchStackResources(conn(moto.endpoint), { stackName: STACK, resourceTypes: ['AWS::EC2::SecurityGroup'] });
    assert.equal(onlySg.length, 3);
  });

  it('scanPaths with the template bound to its stack links every group, method cloudformation-stack', async () => {
    const asked: string[] = [];
    const r = await scanPaths(['.'], {
      cwd: ws,
      stackBindings: [{ template: 'cloudformation/stack.json', stack: STACK }],
      fetchStackResources: (name, signal) => (asked.push(name), fetchStackResources(conn(moto.endpoint), { stackName: name, ...(signal ? { signal } : {}) })),
    });
    assert.deepEqual(asked, [STACK]);
    assert.deepEqual(r.errors, []);
    const ids = physicalIdsByLogicalId(await fetchStackResources(conn(moto.endpoint), { stackName: STACK }));
    assert.deepEqual(
      r.links.map((l) => [l.address, l.deployedId, l.method, l.source, l.detail]).sort(),
      SG_IDS.map((id) => [id, ids.get(id), 'cloudformation-stack', `stack:${STACK}`, `stack ${STACK}`]).sort(),
    );
  });

  it('CLI: scan --cfn-stack TEMPLATE=STACK prints the links (JSON and table); report takes the same flags', async () => {
    const flags = ['--cfn-stack', `cloudformation/stack.json=${STACK}`, '--endpoint-url', moto.endpoint, '--region', TEST_REGION];
    const j = await cli(['scan', '.', '--format', 'json', ...flags]);
    assert.equal(j.code, 0, j.err);
    const doc = JSON.parse(j.out) as { links: LinkJson[]; errors: unknown[] };
    assert.deepEqual(doc.errors, []);
    const groups = await deployedGroups();
    assert.deepEqual(doc.links.map((l) => l.resource).sort(), [...SG_IDS].sort());
    for (const l of doc.links) {
      assert.equal(l.method, 'cloudformation-stack');
      assert.equal(l.file, 'cloudformation/stack.json');
      assert.equal(groups.get(l.deployedId), l.resource, `${l.resource} → ${l.deployedId}`);
    }
    const t = await cli(['scan', '.', ...flags]);
    assert.equal(t.code, 0, t.err);
    assert.match(t.out, /Linked to deployed groups: .*BastionSecurityGroup → sg-[0-9a-f]+ \(cloudformation-stack\)/);

    const rep = await cli(['report', '.', '--format', 'json', ...flags]);
    assert.equal(rep.code, 0, rep.err);
    const rj = JSON.parse(rep.out) as { scan: { links: LinkJson[] } };
    assert.deepEqual(rj.scan.links.map((l) => `${l.resource} ${l.method}`).sort(), SG_IDS.map((id) => `${id} cloudformation-stack`).sort());
  });

  it('a group added to the template after the deploy is reported, the others still linked', async () => {
    const tpl = JSON.parse(readFileSync(SAMPLE, 'utf8')) as { Resources: Record<string, unknown> };
    tpl.Resources.ReportingSecurityGroup = { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'not deployed yet', VpcId: { Ref: 'VpcId' } } };
    mkdirSync(join(ws, 'newer'), { recursive: true });
    writeFileSync(join(ws, 'newer', 'stack.json'), JSON.stringify(tpl, null, 2));
    const r = await cli(['scan', 'newer', '--format', 'json', '--cfn-stack', `newer/stack.json=${STACK}`, '--endpoint-url', moto.endpoint]);
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out) as { links: LinkJson[]; errors: { file: string; message: string }[] };
    assert.equal(doc.links.length, 3);
    assert.deepEqual(doc.errors, [
      { file: 'newer/stack.json', message: `ReportingSecurityGroup: not linked to stack ${STACK}: logical id ReportingSecurityGroup is not a resource of the stack (the template may be newer than the stack, or the stack name wrong)` },
    ]);
    assert.match(r.err, /newer\/stack\.json: ReportingSecurityGroup: not linked/);
  });

  it('a missing stack: not-found naming the stack and cloudformation:ListStackResources; the CLI exits 2', async () => {
    const h = createCloudFormationClient(conn(moto.endpoint));
    await assert.rejects(listStackResources(h, { stackName: 'no-such-stack' }), (err: unknown) => {
      assert.ok(err instanceof AwsSourceError, String(err));
      assert.equal(err.kind, 'not-found');
      assert.equal(err.action, 'cloudformation:ListStackResources');
      assert.match(err.message, /^stack no-such-stack: not found \(ValidationError from cloudformation:ListStackResources \(region us-east-1, endpoint http:\/\/127\.0\.0\.1:\d+\)\)\. Stack with id no-such-stack does not exist/);
      return true;
    });
    h.client.destroy();
    const r = await cli(['scan', '.', '--cfn-stack', 'cloudformation/stack.json=no-such-stack', '--endpoint-url', moto.endpoint]);
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    assert.match(r.err, /^egress-lens scan: --cfn-stack: stack no-such-stack: not found \(ValidationError from cloudformation:ListStackResources/);
  });

  it('AccessDenied names cloudformation:ListStackResources and is not retried', async () => {
    const denied = {
      status: 403,
      headers: { 'content-type': 'text/xml' },
      body:
        '<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code>' +
        `<Message>User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: cloudformation:ListStackResources on resource: arn:aws:cloudformation:us-east-1:123456789012:stack/${STACK}/* because no identity-based policy allows the cloudformation:ListStackResources action</Message>` +
        '</Error><RequestId>fault-proxy-0000</RequestId></ErrorResponse>',
    };
    const proxy = await startFaultProxy({ target: moto.endpoint, rate: 0, respond: (r) => (r.operation === 'ListStackResources' ? denied : undefined) });
    try {
      await assert.rejects(fetchStackResources(conn(proxy.endpoint), { stackName: STACK }), (err: unknown) => {
        assert.ok(err instanceof AwsSourceError, String(err));
        assert.equal(err.kind, 'access-denied');
        assert.equal(err.action, 'cloudformation:ListStackResources');
        assert.match(err.message, new RegExp(`^Access denied: arn:aws:iam::123456789012:user/auditor is not allowed to call cloudformation:ListStackResources .*Grant the IAM action cloudformation:ListStackResources on stack ${STACK}`));
        return true;
      });
      assert.equal(proxy.stats.byOperation.ListStackResources, 1);
      const r = await cli(['scan', '.', '--cfn-stack', `cloudformation/stack.json=${STACK}`, '--endpoint-url', proxy.endpoint]);
      assert.equal(r.code, 2);
      assert.match(r.err, /--cfn-stack: Access denied: .* cloudformation:ListStackResources/);
    } finally {
      await proxy.close();
    }
  });
});

describe('CloudFormation paging (recorded pages)', () => {
  it('follows NextToken through every page; the linker maps the sample template across pages', async () => {
    const srv = await startReplayServer(loadFixture('cloudformation-paging.json'));
    try {
      const pages: number[] = [];
      const h = createCloudFormationClient(conn(srv.endpoint));
      const all = await listStackResources(h, { stackName: STACK, onPage: (n) => pages.push(n) });
      h.client.destroy();
      assert.deepEqual(pages, [2, 2, 1]);
      assert.deepEqual(srv.requests.map((r) => [r.operation, r.token, r.params.StackName]), [
        ['ListStackResources', null, STACK],
        ['ListStackResources', 'bGlzdC1wYWdlLTI=', STACK],
        ['ListStackResources', 'bGlzdC1wYWdlLTM=', STACK],
      ]);
      assert.deepEqual(Object.fromEntries(physicalIdsByLogicalId(all)), {
        BastionSecurityGroup: 'sg-0bbb000000000001',
        WindowsJumpSecurityGroup: 'sg-0bbb000000000002',
        WebSecurityGroup: 'sg-0bbb000000000003',
      });
      const r = await scanPaths(['cloudformation'], { cwd: ws, stackBindings: [{ template: 'cloudformation/stack.json', stack: STACK }], fetchStackResources: (name) => fetchStackResources(conn(srv.endpoint), { stackName: name }) });
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.links.map((l) => `${l.address}=${l.deployedId}`).sort(), ['BastionSecurityGroup=sg-0bbb000000000001', 'WebSecurityGroup=sg-0bbb000000000003', 'WindowsJumpSecurityGroup=sg-0bbb000000000002']);
    } finally {
      await srv.close();
    }
  });

  it('a token that comes back again stops with an error instead of looping', async () => {
    const first = loadFixture('cloudformation-paging.json')[0];
    const loop: Exchange[] = [first, { ...first, token: 'bGlzdC1wYWdlLTI=' }];
    const srv = await startReplayServer(loop);
    try {
      const h = createCloudFormationClient(conn(srv.endpoint));
      await assert.rejects(listStackResources(h, { stackName: STACK }), /cloudformation:ListStackResources \(stack egress-lens-demo\): the service returned the same NextToken twice/);
      h.client.destroy();
      assert.equal(srv.requests.length, 2);
    } finally {
      await srv.close();
    }
  });
});
