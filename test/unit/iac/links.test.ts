import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCloudFormation, linkCloudFormationStack, linkDeployed, linkFromTerraformState, stackBindingInput, stackBindingProblems, type SecurityGroupModel, type StackResource } from '../../../src/core/iac';
import { emptyInventory } from '../../../src/core/model/inventory';

function group(p: Partial<SecurityGroupModel> & { address: string }): SecurityGroupModel {
  const r = { start: { line: 0, column: 0 }, end: { line: 0, column: 1 } };
  return { id: `main.tf#${p.address}`, format: 'terraform', resourceType: 'aws_security_group', file: 'infra/main.tf', name: null, namePrefix: null, description: 'd', descriptionState: 'present', vpc: null, isDefault: false, tags: {}, range: r, headerRange: r, ruleIds: [], ...p };
}

const STATE = {
  version: 4,
  terraform_version: '1.9.8',
  resources: [
    { mode: 'managed', type: 'aws_vpc', name: 'main', instances: [{ attributes: { id: 'vpc-1' } }] },
    { mode: 'managed', type: 'aws_security_group', name: 'web', instances: [{ index_key: 0, attributes: { id: 'sg-web0' } }, { index_key: 1, attributes: { id: 'sg-web1' } }] },
    { mode: 'data', type: 'aws_security_group', name: 'bastion', instances: [{ attributes: { id: 'sg-data' } }] },
    { module: 'module.sg', mode: 'managed', type: 'aws_security_group', name: 'this_name_prefix', instances: [{ index_key: 0, attributes: { id: 'sg-mod' } }] },
  ],
};

const SHOW = {
  format_version: '1.0',
  values: {
    root_module: {
      resources: [{ address: 'aws_security_group.bastion', mode: 'managed', type: 'aws_security_group', name: 'bastion', values: { id: 'sg-bastion' } }],
      child_modules: [{ address: 'module.sg', resources: [{ address: 'module.sg.aws_security_group.this[0]', mode: 'managed', type: 'aws_security_group', name: 'this', index: 0, values: { id: 'sg-mod2' } }] }],
    },
  },
};

describe('links to deployed groups', () => {
  const groups = [group({ address: 'aws_security_group.web' }), group({ address: 'aws_security_group.bastion', name: 'bastion', vpc: 'aws_vpc.main' }), group({ address: 'module.sg', resourceType: 'module:x' })];

  it('terraform.tfstate v4: address → id for each instance and for module groups; data sources ignored', () => {
    const links = linkFromTerraformState(groups, { source: 'infra/terraform.tfstate', json: STATE, dir: 'infra' });
    assert.deepEqual(links.map((l) => `${l.address}=${l.deployedId} ${l.method}`), [
      'aws_security_group.web=sg-web0 terraform-state',
      'aws_security_group.web=sg-web1 terraform-state',
      'module.sg=sg-mod terraform-state',
    ]);
    assert.equal(links[0].detail, 'instance [0]');
    assert.deepEqual(linkFromTerraformState(groups, { source: 'x', json: STATE, dir: 'elsewhere' }), []);
  });

  it('terraform show -json: walks child modules', () => {
    const links = linkFromTerraformState(groups, { source: 'show.json', json: SHOW });
    assert.deepEqual(links.map((l) => `${l.address}=${l.deployedId} ${l.method}`), ['aws_security_group.bastion=sg-bastion terraform-show', 'module.sg=sg-mod2 terraform-show']);
  });

  it('falls back to name + VPC (VPC id from state) against the inventory, only on a unique match', () => {
    const inv = emptyInventory('files:test');
    inv.securityGroups = [
      { GroupId: 'sg-a', GroupName: 'bastion', VpcId: 'vpc-1' },
      { GroupId: 'sg-b', GroupName: 'bastion', VpcId: 'vpc-2' },
      { GroupId: 'sg-c', GroupName: 'other', VpcId: 'vpc-1', Tags: [{ Key: 'aws:cloudformation:logical-id', Value: 'Db' }] },
    ];
    const stateWithoutBastion = { ...STATE, resources: STATE.resources.filter((r) => r.type === 'aws_vpc') };
    const links = linkDeployed([groups[1]], { terraformStates: [{ source: 's', json: stateWithoutBastion }], inventory: inv });
    assert.deepEqual(links.map((l) => `${l.deployedId} ${l.method} ${l.detail}`), ['sg-a name-vpc-tags name bastion in vpc-1']);
    // Without the VPC the name is ambiguous: no link rather than a guess.
    assert.deepEqual(linkDeployed([group({ address: 'aws_security_group.bastion', name: 'bastion' })], { inventory: inv }), []);
    const cfn = analyzeCloudFormation('t.yaml', 'Resources:\n  Db:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: db\n').model.groups;
    assert.deepEqual(linkDeployed(cfn, { inventory: inv }).map((l) => `${l.deployedId} ${l.detail}`), ['sg-c tag aws:cloudformation:logical-id']);
    assert.deepEqual(linkDeployed(cfn, { stackResources: [{ source: 'sr.json', json: { StackResources: [{ LogicalResourceId: 'Db', PhysicalResourceId: 'sg-z', ResourceType: 'AWS::EC2::SecurityGroup' }] } }], inventory: inv }).map((l) => `${l.deployedId} ${l.method}`), ['sg-z cloudformation-stack']);
  });
});

describe('links from a stack bound to its template', () => {
  const TEMPLATE = [
    'Resources:',
    '  Web:',
    '    Type: AWS::EC2::SecurityGroup',
    '    Properties: { GroupDescription: web }',
    '  Db:',
    '    Type: AWS::EC2::SecurityGroup',
    '    Properties: { GroupDescription: db }',
    '  New:',
    '    Type: AWS::EC2::SecurityGroup',
    '    Properties: { GroupDescription: added after the last deploy }',
    '',
  ].join('\n');
  const groups = analyzeCloudFormation('infra/app.yaml', TEMPLATE).model.groups;
  const other = analyzeCloudFormation('infra/other.yaml', TEMPLATE).model.groups;
  // ListStackResources summaries (as fetchStackResources returns them), stack name not filled in.
  const resources: StackResource[] = [
    { LogicalResourceId: 'Web', PhysicalResourceId: 'sg-0web', ResourceType: 'AWS::EC2::SecurityGroup', ResourceStatus: 'CREATE_COMPLETE' },
    { LogicalResourceId: 'Db', PhysicalResourceId: 'sg-0db', ResourceType: 'AWS::EC2::SecurityGroup', ResourceStatus: 'UPDATE_COMPLETE' },
    { LogicalResourceId: 'DbIngress', PhysicalResourceId: 'sgr-0123', ResourceType: 'AWS::EC2::SecurityGroupIngress', ResourceStatus: 'CREATE_COMPLETE' },
  ];
  const binding = { template: 'infra/app.yaml', stack: 'app-prod' };

  it('maps each AWS::EC2::SecurityGroup logical id of the bound template to the physical id, method cloudformation-stack', () => {
    const links = linkDeployed([...groups, ...other], { stackResources: [stackBindingInput(binding, resources)] });
    assert.deepEqual(links.map((l) => [l.groupId.split('#')[0], l.address, l.deployedId, l.method, l.source, l.detail]), [
      ['infra/app.yaml', 'Web', 'sg-0web', 'cloudformation-stack', 'stack:app-prod', 'stack app-prod'],
      ['infra/app.yaml', 'Db', 'sg-0db', 'cloudformation-stack', 'stack:app-prod', 'stack app-prod'],
    ]);
  });

  it('a stack link wins over the name/tag fallback; unlinked groups still fall back', () => {
    const inv = emptyInventory('files:test');
    inv.securityGroups = [
      { GroupId: 'sg-tagged-web', GroupName: 'x', Tags: [{ Key: 'aws:cloudformation:logical-id', Value: 'Web' }] },
      { GroupId: 'sg-tagged-new', GroupName: 'y', Tags: [{ Key: 'aws:cloudformation:logical-id', Value: 'New' }] },
    ];
    const links = linkDeployed(groups, { stackResources: [stackBindingInput(binding, resources)], inventory: inv });
    assert.deepEqual(links.map((l) => `${l.address}=${l.deployedId} ${l.method}`), ['Web=sg-0web cloudformation-stack', 'Db=sg-0db cloudformation-stack', 'New=sg-tagged-new name-vpc-tags']);
  });

  it('the stack a template is bound to wins over an unbound describe-stack-resources export', () => {
    const exported = { source: 'exports/stack-resources.json', json: { StackResources: [{ LogicalResourceId: 'Web', PhysicalResourceId: 'sg-0old', ResourceType: 'AWS::EC2::SecurityGroup', StackName: 'app-staging' }] } };
    const links = linkDeployed([...groups, ...other], { stackResources: [exported, stackBindingInput(binding, resources)] });
    assert.deepEqual(links.map((l) => `${l.groupId.split('#')[0]} ${l.address}=${l.deployedId} ${l.source}`), [
      'infra/app.yaml Web=sg-0web stack:app-prod',
      'infra/app.yaml Db=sg-0db stack:app-prod',
      'infra/other.yaml Web=sg-0old exports/stack-resources.json',
    ]);
  });

  it('says which groups the stack cannot link, and why', () => {
    assert.deepEqual(stackBindingProblems(groups, binding, resources), [
      { file: 'infra/app.yaml', message: 'New: not linked to stack app-prod: logical id New is not a resource of the stack (the template may be newer than the stack, or the stack name wrong)' },
    ]);
    const odd: StackResource[] = [
      { LogicalResourceId: 'Web', ResourceType: 'AWS::EC2::SecurityGroup', ResourceStatus: 'CREATE_FAILED' },
      { LogicalResourceId: 'Db', PhysicalResourceId: 'i-0abc', ResourceType: 'AWS::EC2::Instance' },
      { LogicalResourceId: 'New', PhysicalResourceId: 'sg-0gone', ResourceType: 'AWS::EC2::SecurityGroup', ResourceStatus: 'DELETE_COMPLETE' },
    ];
    assert.deepEqual(stackBindingProblems(groups, binding, odd).map((p) => p.message), [
      'Web: not linked to stack app-prod: logical id Web has no physical id (status CREATE_FAILED)',
      'Db: not linked to stack app-prod: logical id Db has type AWS::EC2::Instance in the stack, not AWS::EC2::SecurityGroup',
      'New: not linked to stack app-prod: logical id New was deleted from the stack',
    ]);
    assert.deepEqual(linkDeployed(groups, { stackResources: [stackBindingInput(binding, odd)] }), [], 'none of them is linked');
    assert.deepEqual(stackBindingProblems(groups, { template: 'infra/none.yaml', stack: 'app-prod' }, resources), [
      { file: 'infra/none.yaml', message: 'stack app-prod is configured for this file, but it has no AWS::EC2::SecurityGroup resources to link' },
    ]);
  });

  it('linkCloudFormationStack fetches through the callback once and links only the given template', async () => {
    const asked: string[] = [];
    const links = await linkCloudFormationStack([...groups, ...other], 'app-prod', async (name) => (asked.push(name), resources), 'infra/other.yaml');
    assert.deepEqual(asked, ['app-prod']);
    assert.deepEqual(links.map((l) => `${l.groupId.split('#')[0]} ${l.address}=${l.deployedId} ${l.detail}`), ['infra/other.yaml Web=sg-0web stack app-prod', 'infra/other.yaml Db=sg-0db stack app-prod']);
  });
});
