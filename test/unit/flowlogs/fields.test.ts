import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  classifyFirstLine,
  DEFAULT_FIELDS,
  FIELD_CATALOGUE,
  fieldSpec,
  formatVersion,
  parseFieldList,
  parseLogFormat,
  protocolName,
} from '../../../src/core/flowlogs/fields';

test('parseLogFormat reads ${field} tokens in order, and plain lists', () => {
  assert.deepEqual(parseLogFormat('${version} ${srcaddr} ${dstaddr} ${flow-direction}'), ['version', 'srcaddr', 'dstaddr', 'flow-direction']);
  assert.deepEqual(parseLogFormat('  ${a}   ${next-hop-vpc-id} '), ['a', 'next-hop-vpc-id']);
  assert.deepEqual(parseLogFormat('version srcaddr'), ['version', 'srcaddr']);
  assert.deepEqual(parseFieldList('srcaddr,dstaddr,bytes'), ['srcaddr', 'dstaddr', 'bytes']);
  assert.deepEqual(parseLogFormat(''), []);
});

test('the catalogue knows every field of versions 2–7 with its version and type', () => {
  const byVersion = new Map<number, string[]>();
  for (const f of FIELD_CATALOGUE) byVersion.set(f.version, [...(byVersion.get(f.version) ?? []), f.name]);
  assert.deepEqual(byVersion.get(2), [...DEFAULT_FIELDS]);
  assert.equal(byVersion.get(3)?.length, 7);
  assert.equal(byVersion.get(4)?.length, 4);
  assert.deepEqual(byVersion.get(5), ['pkt-src-aws-service', 'pkt-dst-aws-service', 'flow-direction', 'traffic-path']);
  assert.equal(byVersion.get(6)?.length, 18);
  assert.equal(byVersion.get(7)?.length, 10);
  assert.equal(fieldSpec('srcaddr').type, 'address');
  assert.equal(fieldSpec('pkt-dstaddr').type, 'address');
  assert.equal(fieldSpec('bytes').type, 'number');
  assert.equal(fieldSpec('traffic-path').type, 'number');
  assert.deepEqual(fieldSpec('action').values, ['ACCEPT', 'REJECT']);
  assert.equal(fieldSpec('next-hop-interface-id').version, 11);
  // Unknown fields are carried as strings, version 0.
  assert.deepEqual(fieldSpec('some-future-field'), { name: 'some-future-field', version: 0, type: 'string' });
});

test('a format’s version is the highest among its fields', () => {
  assert.equal(formatVersion(DEFAULT_FIELDS), 2);
  assert.equal(formatVersion(['srcaddr', 'tcp-flags']), 3);
  assert.equal(formatVersion(['srcaddr', 'az-id']), 4);
  assert.equal(formatVersion(['flow-direction', 'srcaddr']), 5);
  assert.equal(formatVersion(['tgw-id']), 6);
  assert.equal(formatVersion(['ecs-task-id', 'version']), 7);
  assert.equal(formatVersion(['unknown-x']), 2);
});

test('header detection', () => {
  assert.equal(classifyFirstLine(DEFAULT_FIELDS.join(' ')), 'header');
  assert.equal(classifyFirstLine('version srcaddr my-new-field'), 'header');
  assert.equal(classifyFirstLine('account_id log_status'), 'header');
  assert.equal(classifyFirstLine('2 123456789012 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK'), 'not-header');
  assert.equal(classifyFirstLine('name age city'), 'bad-header');
  assert.equal(classifyFirstLine('{"a": 1}'), 'not-header');
  assert.equal(classifyFirstLine(''), 'not-header');
});

test('protocol names by IANA number', () => {
  assert.equal(protocolName(6), 'TCP');
  assert.equal(protocolName(17), 'UDP');
  assert.equal(protocolName(1), 'ICMP');
  assert.equal(protocolName(58), 'ICMPv6');
  assert.equal(protocolName(47), 'GRE');
  assert.equal(protocolName(253), '253');
});
