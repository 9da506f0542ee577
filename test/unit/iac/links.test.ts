import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCloudFormation, linkDeployed, linkFromTerraformState, type SecurityGroupModel } from '../../../src/core/iac';
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
