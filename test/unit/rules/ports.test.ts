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

describe('near-world sources count as the internet for EL001–EL004', () => {
  it('0.0.0.0/1 + 128.0.0.0/1 on SSH is EL001 (together they are every IPv4 address), not EL005', () => {
    const text = tfRule('tcp', 22, 22, '"0.0.0.0/1", "128.0.0.0/1"');
    const f = findingsOf('main.tf', text, 'EL001');
    assert.equal(f.length, 2);
    assert.equal(f[0].severity, 'high');
    assert.match(f[0].message, /0\.0\.0\.0\/1.*128\.0\.0\.0\/1.*every IPv4 address/);
    assert.deepEqual(check('main.tf', text, 'EL005'), []);
  });
  it('a public block wider than /8 is the internet; a /8 is EL005', () => {
    const [f] = findingsOf('main.tf', tfRule('tcp', 5432, 5432, '"64.0.0.0/2"'), 'EL003');
    assert.ok(f, 'EL003 expected for 64.0.0.0/2');
    assert.match(f.message, /64\.0\.0\.0\/2/);
    assert.match(f.message, /treated as the whole internet/);
    assert.deepEqual(check('main.tf', tfRule('tcp', 5432, 5432, '"64.0.0.0/2"'), 'EL005'), []);
    assert.deepEqual(check('main.tf', tfRule('tcp', 5432, 5432, '"11.0.0.0/8"'), 'EL003'), []);
    assert.equal(check('main.tf', tfRule('tcp', 5432, 5432, '"11.0.0.0/8"'), 'EL005').length, 1);
    assert.equal(check('main.tf', tfRule('tcp', 22, 22, '"2000::/3"', 'ipv6_cidr_blocks'), 'EL001').length, 1);
    assert.equal(check('main.tf', tfRule('-1', 0, 0, '"0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/1"'), 'EL002').length, 3);
    assert.equal(check('main.tf', tfRule('tcp', 21, 21, '"128.0.0.0/1"'), 'EL004').length, 1);
  });
  it('a private source is never the internet, and /0 keeps its wording', () => {
    assert.deepEqual(check('main.tf', tfRule('tcp', 22, 22, '"10.0.0.0/8"'), 'EL001'), []);
    const [f] = findingsOf('main.tf', tfRule('tcp', 22, 22, '"0.0.0.0/0"'), 'EL001');
    assert.match(f.message, /open to the whole internet \(0\.0\.0\.0\/0\)/);
  });
});

describe('port ranges', () => {
  const range = tfRule('tcp', 20, 30, '"0.0.0.0/0"');
  it('EL001 states the range that contains the admin port', () => {
    const [f] = findingsOf('main.tf', range, 'EL001');
    assert.match(f.message, /^tcp\/20-30, which includes SSH \(22\), is open to the whole internet/);
    const [single] = findingsOf('main.tf', tfRule('tcp', 22, 22, '"0.0.0.0/0"'), 'EL001');
    assert.match(single.message, /^SSH \(22\) is open to/);
  });
  it('EL004 reports the other risky ports of the same range, with their references', () => {
    const f = findingsOf('main.tf', range, 'EL004');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /tcp\/20-30, which includes FTP data \(20\), FTP \(21\), Telnet \(23\), SMTP \(25\), is open to the whole internet/);
    assert.ok(f[0].references.some((r) => r.endsWith('tcp_ftp_port_20_21')));
    assert.ok(f[0].references.some((r) => r.endsWith('tcp_port_telnet_23')));
    assert.ok(f[0].references.some((r) => r.endsWith('high_risk_tcp_ports')));
    assert.notEqual(f[0].severity, 'info');
  });
  it('EL003 states the range; EL004 stays quiet when a range holds only admin/database ports', () => {
    const db = tfRule('tcp', 6000, 6500, '"0.0.0.0/0"');
    const [f] = findingsOf('main.tf', db, 'EL003');
    assert.match(f.message, /^tcp\/6000-6500, which includes Redis \(6379\), is open/);
    assert.deepEqual(check('main.tf', db, 'EL004'), []);
  });
});
