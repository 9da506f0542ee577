import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getRule } from '../../../src/core/rules';
import { findingsOf, ready } from './check';

before(async () => {
  await ready;
});

const P = 'prowler:ec2_securitygroup_allow_ingress_from_internet_to_';
const tf = (from: number, to: number, cidr = '0.0.0.0/0', proto = 'tcp'): string => `resource "aws_security_group" "g" {
  description = "g"
  ingress {
    description = "x"
    from_port   = ${from}
    to_port     = ${to}
    protocol    = "${proto}"
    cidr_blocks = ["${cidr}"]
  }
}
`;
const refs = (from: number, to: number, ruleId: string, cidr?: string): string[] => {
  const f = findingsOf('main.tf', tf(from, to, cidr), ruleId);
  assert.equal(f.length, 1, `${ruleId} on ${from}-${to}`);
  return f[0].references;
};

describe('peer references are those of the ports a finding covers', () => {
  it('EL001: SSH cites the SSH checks, RDP the RDP checks', () => {
    const ssh = refs(22, 22, 'EL001');
    assert.ok(ssh.includes('CKV_AWS_24') && ssh.includes(`${P}tcp_port_22`) && ssh.includes('AWS-0107'));
    assert.ok(!ssh.includes('CKV_AWS_25') && !ssh.includes(`${P}tcp_port_3389`));
    const rdp = refs(3389, 3389, 'EL001');
    assert.ok(rdp.includes('CKV_AWS_25') && rdp.includes(`${P}tcp_port_3389`));
    assert.ok(!rdp.includes('CKV_AWS_24') && !rdp.includes(`${P}tcp_port_22`));
    const both = refs(22, 3389, 'EL001');
    assert.ok(both.includes('CKV_AWS_24') && both.includes('CKV_AWS_25'));
  });
  it('EL003: Redis cites Redis only; MongoDB cites the MongoDB check', () => {
    const redis = refs(6379, 6379, 'EL003');
    assert.deepEqual(redis.filter((r) => r.startsWith('prowler:')), [`${P}tcp_port_redis_6379`]);
    const mongo = refs(27017, 27017, 'EL003');
    assert.deepEqual(mongo.filter((r) => r.startsWith('prowler:')), [`${P}port_mongodb_27017_27018`]);
  });
  it('EL004: CKV_AWS_260 only when port 80 is open', () => {
    assert.ok(refs(80, 80, 'EL004').includes('CKV_AWS_260'));
    assert.ok(!refs(443, 443, 'EL004').includes('CKV_AWS_260'));
    const alt = refs(8080, 8080, 'EL004');
    assert.ok(!alt.includes('CKV_AWS_260'));
    assert.ok(alt.includes(`${P}high_risk_tcp_ports`));
  });
  it('EL005 cites the public-range check only for public sources', () => {
    assert.ok(!refs(22, 22, 'EL005', '10.0.0.0/8').some((r) => r.includes('wide_open_public')));
    assert.ok(refs(22, 22, 'EL005', '11.0.0.0/8').some((r) => r.includes('wide_open_public')));
  });
  it('every finding reference is in its rule catalogue list', () => {
    for (const [from, to, id] of [[22, 22, 'EL001'], [3389, 3389, 'EL001'], [6379, 6379, 'EL003'], [27017, 27018, 'EL003'], [9200, 9200, 'EL003'], [80, 80, 'EL004'], [8080, 8080, 'EL004'], [21, 21, 'EL004'], [23, 23, 'EL004']] as const) {
      const cat = getRule(id)!.references;
      for (const r of refs(from, to, id)) assert.ok(cat.includes(r), `${id} catalogue lacks ${r}`);
    }
  });
});
