import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { check, findingsOf, ready } from './check';

before(async () => {
  await ready;
});

const tfRule = (proto: string, from: number, to: number, cidrs: string, key = 'cidr_blocks'): string => `resource "aws_security_group" "g" {
  description = "g"
  ingress {
    description = "x"
    from_port   = ${from}
    to_port     = ${to}
    protocol    = "${proto}"
    ${key} = [${cidrs}]
  }
}
`;

describe('protocols of sensitive ports', () => {
  it('udp/22 is not SSH (EL004 reports it as a plain open port); udp/3389 is RDP', () => {
    const udp22 = tfRule('udp', 22, 22, '"0.0.0.0/0"');
    assert.deepEqual(check('main.tf', udp22, 'EL001'), []);
    assert.equal(check('main.tf', udp22, 'EL004').length, 1);
    assert.deepEqual(check('main.tf', tfRule('udp', 3389, 3389, '"0.0.0.0/0"'), 'EL001'), ['aws_security_group.g@8:20']);
    assert.deepEqual(check('main.tf', tfRule('tcp', 22, 22, '"0.0.0.0/0"'), 'EL001'), ['aws_security_group.g@8:20']);
  });
});

describe('EL005 address space', () => {
  it('calls an IPv6 ULA block private', () => {
    const [f] = findingsOf('main.tf', tfRule('tcp', 22, 22, '"fd00::/8"', 'ipv6_cidr_blocks'), 'EL005');
    assert.ok(f, 'EL005 finding expected');
    assert.match(f.message, /private addresses/);
    assert.doesNotMatch(f.message, /public/);
  });
  it('calls a wide public IPv6 block public', () => {
    const [f] = findingsOf('main.tf', tfRule('tcp', 22, 22, '"2001:db8::/24"', 'ipv6_cidr_blocks'), 'EL005');
    assert.match(f.message, /public addresses/);
  });
});
