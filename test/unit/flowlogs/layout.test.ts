import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dayPrefixes, isLogFileName, mayOverlapWindow, parseLogPath, parseStamp } from '../../../src/core/flowlogs/layout';

const T = (iso: string) => Date.parse(iso) / 1000;

test('plain S3 layout with file name', () => {
  const key = 'bucket/prefix/AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/03/05/123456789012_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f67890_20240305T1415Z_1a2b3c4d.log.gz';
  const loc = parseLogPath(key);
  assert.equal(loc.account, '123456789012');
  assert.equal(loc.region, 'us-east-1');
  assert.equal(loc.flowLogId, 'fl-0a1b2c3d4e5f67890');
  assert.equal(loc.hive, false);
  assert.equal(loc.start, T('2024-03-05T14:15:00Z'));
  assert.equal(loc.end, loc.start);
});

test('plain layout directories give day and hour ranges', () => {
  const day = parseLogPath('AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/12/31/');
  assert.equal(day.region, 'eu-west-1');
  assert.equal(day.start, T('2024-12-31T00:00:00Z'));
  assert.equal(day.end, T('2025-01-01T00:00:00Z'));
  const hour = parseLogPath('AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/12/31/23');
  assert.equal(hour.start, T('2024-12-31T23:00:00Z'));
  assert.equal(hour.end, T('2025-01-01T00:00:00Z'));
  const month = parseLogPath('/data/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/02');
  assert.equal(month.start, T('2024-02-01T00:00:00Z'));
  assert.equal(month.end, T('2024-03-01T00:00:00Z'));
});

test('Hive-compatible layout', () => {
  const loc = parseLogPath(
    'AWSLogs/aws-account-id=210987654321/aws-service=vpcflowlogs/aws-region=ap-southeast-2/year=2025/month=07/day=09/hour=06/x.parquet',
  );
  assert.equal(loc.hive, true);
  assert.equal(loc.account, '210987654321');
  assert.equal(loc.region, 'ap-southeast-2');
  assert.equal(loc.start, T('2025-07-09T06:00:00Z'));
  assert.equal(loc.end, T('2025-07-09T07:00:00Z'));
});

test('paths outside any layout have no time and always may overlap', () => {
  const loc = parseLogPath('/home/me/logs/flows.log');
  assert.deepEqual(loc, { account: null, region: null, flowLogId: null, hive: false, start: null, end: null });
  assert.ok(mayOverlapWindow('/home/me/logs/flows.log', { start: 0, end: 1 }));
});

test('window overlap with slack', () => {
  const file = 'AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/03/05/123456789012_vpcflowlogs_us-east-1_fl-1_20240305T1415Z_ab.log.gz';
  const t = T('2024-03-05T14:15:00Z');
  assert.ok(mayOverlapWindow(file, { start: t - 60, end: t + 60 }));
  assert.ok(mayOverlapWindow(file, { start: t + 1800 })); // within the default hour of slack
  assert.ok(!mayOverlapWindow(file, { start: t + 7200 }));
  assert.ok(!mayOverlapWindow(file, { end: t - 7200 }));
  assert.ok(mayOverlapWindow(file, undefined));
  assert.ok(!mayOverlapWindow('AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/03/05/', { start: T('2024-03-07T00:00:00Z') }));
  assert.ok(mayOverlapWindow('AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/03/', { start: T('2024-03-07T00:00:00Z') }));
});

test('stamps, file names and day prefixes', () => {
  assert.equal(parseStamp('20240229T2359Z'), T('2024-02-29T23:59:00Z'));
  assert.equal(parseStamp('20241332T0000Z'), null);
  assert.ok(isLogFileName('a.log.gz') && isLogFileName('b.parquet') && isLogFileName('c.log'));
  assert.ok(!isLogFileName('README.md'));
  const p = dayPrefixes({ account: '1', region: 'us-east-1', window: { start: T('2024-03-05T12:00:00Z'), end: T('2024-03-06T12:00:00Z') } });
  assert.deepEqual(p, ['AWSLogs/1/vpcflowlogs/us-east-1/2024/03/05/', 'AWSLogs/1/vpcflowlogs/us-east-1/2024/03/06/']);
  const h = dayPrefixes({ account: '1', region: 'r', hive: true, window: { start: T('2024-03-05T00:30:00Z'), end: T('2024-03-05T01:00:00Z') } });
  assert.deepEqual(h, [
    'AWSLogs/aws-account-id=1/aws-service=vpcflowlogs/aws-region=r/year=2024/month=03/day=04/',
    'AWSLogs/aws-account-id=1/aws-service=vpcflowlogs/aws-region=r/year=2024/month=03/day=05/',
  ]);
  assert.equal(dayPrefixes({ account: '1', region: 'r', window: { start: 0 } }), null);
});
