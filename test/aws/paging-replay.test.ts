// Paging logic over real HTTP with recorded responses, for what moto never pages (EC2 Describe
// calls, DescribeFlowLogs) and never sends (empty FilterLogEvents pages that carry a token).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixture, startReplayServer, type Exchange } from './replay-server';
import { TEST_CREDENTIALS, TEST_REGION } from './moto';
import { createEc2Client, createLogsClient } from '../../src/core/sources/aws/clients';
import { fetchInventory } from '../../src/core/sources/aws/ec2-inventory';
import { discoverFlowLogs } from '../../src/core/sources/aws/flowlog-discovery';
import { readLogEventPages } from '../../src/core/sources/aws/cloudwatch';

const conn = (endpointUrl: string) => ({ region: TEST_REGION, endpointUrl, credentials: TEST_CREDENTIALS });

describe('paging with recorded responses', () => {
  it('inventory: follows NextToken through every page, including an empty one', async () => {
    const srv = await startReplayServer(loadFixture('ec2-paging.json'));
    const h = createEc2Client(conn(srv.endpoint));
    try {
      const inv = await fetchInventory(h, { pageSize: 2 });
      assert.deepEqual(inv.securityGroups.map((g) => g.GroupId), ['sg-0aaa000000000001', 'sg-0aaa000000000002', 'sg-0aaa000000000003']);
      assert.equal(inv.securityGroups[1].IpPermissions![0].UserIdGroupPairs![0].GroupId, 'sg-0aaa000000000001');
      assert.equal(inv.securityGroups[2].IpPermissions![0].PrefixListIds![0].PrefixListId, 'pl-0ccc000000000001');
      assert.deepEqual(inv.networkInterfaces.map((n) => [n.NetworkInterfaceId, n.InterfaceType]), [
        ['eni-0ddd000000000001', 'interface'],
        ['eni-0ddd000000000002', 'nat_gateway'],
      ]);
      assert.equal(inv.networkInterfaces[1].Association?.PublicIp, '198.51.100.77');
      assert.deepEqual(inv.prefixListEntries, { 'pl-0ccc000000000001': ['203.0.113.0/24', '198.51.100.0/24'] });
      assert.equal(inv.accountId, '111122223333');

      const sg = srv.requests.filter((r) => r.operation === 'DescribeSecurityGroups');
      assert.deepEqual(sg.map((r) => r.token), [null, 'c2ctcGFnZS0y', 'c2ctcGFnZS0z']);
      // page size clamped to the API minimum (5) for DescribeSecurityGroups, 2 allowed for prefix-list entries
      assert.ok(sg.every((r) => r.params.MaxResults === '5'));
      const ple = srv.requests.filter((r) => r.operation === 'GetManagedPrefixListEntries');
      assert.deepEqual(ple.map((r) => [r.token, r.params.MaxResults]), [[null, '2'], ['cGwtcGFnZS0y', '2']]);
      // no page was fetched twice
      const keys = srv.requests.map((r) => `${r.operation}/${r.token}`);
      assert.equal(new Set(keys).size, keys.length);
    } finally {
      h.client.destroy();
      await srv.close();
    }
  });

  it('flow-log discovery: both pages, CloudWatch and S3 (parquet, Hive, per hour) destinations', async () => {
    const srv = await startReplayServer(loadFixture('ec2-paging.json'));
    const h = createEc2Client(conn(srv.endpoint));
    try {
      const fls = await discoverFlowLogs(h, { pageSize: 5 });
      assert.equal(fls.length, 2);
      const [cw, s3] = fls;
      assert.equal(cw.destinationType, 'cloud-watch-logs');
      assert.equal(cw.logGroupName, 'vpc-flow-logs');
      assert.equal(cw.fields.length, 14);
      assert.equal(cw.trafficType, 'ALL');
      assert.equal(s3.destinationType, 's3');
      assert.deepEqual(s3.s3, { bucket: 'flow-log-bucket', prefix: 'team-a', fileFormat: 'parquet', hiveCompatible: true, perHour: true });
      assert.equal(s3.resourceId, 'subnet-0eee000000000001');
      assert.deepEqual(s3.fields.slice(0, 3), ['version', 'vpc-id', 'subnet-id']);
      assert.equal(s3.logGroupName, null);
    } finally {
      h.client.destroy();
      await srv.close();
    }
  });

  it('CloudWatch: empty pages with a token are followed until there is no token', async () => {
    const srv = await startReplayServer(loadFixture('logs-filter-pages.json'));
    const h = createLogsClient(conn(srv.endpoint));
    const progress: number[] = [];
    try {
      const pages: number[] = [];
      const messages: string[] = [];
      let last = { events: 0, bytes: 0, pages: 0, emptyPages: 0, streams: 0 };
      for await (const page of readLogEventPages(h, {
        logGroupName: 'vpc-flow-logs',
        startTime: 1768035000000,
        endTime: 1768037000000,
        pageLimit: 2,
        onProgress: (p) => {
          progress.push(p.pages);
          last = p;
        },
      })) {
        pages.push(page.length);
        messages.push(...page.map((e) => e.message));
      }
      assert.deepEqual(pages, [2, 1], 'empty pages are not yielded');
      assert.equal(messages.length, 3);
      assert.deepEqual(progress, [1, 2, 3, 4]);
      assert.equal(last.emptyPages, 2);
      assert.equal(last.streams, 2);
      assert.equal(last.bytes, messages.reduce((s, m) => s + Buffer.byteLength(m) + 1, 0));
      assert.equal(srv.requests.length, 4);
      for (const r of srv.requests) {
        assert.equal(r.params.interleaved, true);
        assert.equal(r.params.startTime, 1768035000000);
        assert.equal(r.params.endTime, 1768037000000);
        assert.equal(r.params.limit, 2);
      }
    } finally {
      h.client.destroy();
      await srv.close();
    }
  });

  it('stops with an error when a token repeats instead of looping forever', async () => {
    const loop: Exchange[] = [
      { action: 'DescribeVpcs', token: null, status: 200, body: '<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><vpcSet/><nextToken>again</nextToken></DescribeVpcsResponse>' },
      { action: 'DescribeVpcs', token: 'again', status: 200, body: '<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><vpcSet/><nextToken>again</nextToken></DescribeVpcsResponse>' },
    ];
    const srv = await startReplayServer(loop);
    const h = createEc2Client(conn(srv.endpoint));
    try {
      await assert.rejects(fetchInventory(h), /DescribeVpcs: the service returned the same NextToken twice/);
      assert.equal(srv.requests.filter((r) => r.operation === 'DescribeVpcs').length, 2);
    } finally {
      h.client.destroy();
      await srv.close();
    }
  });
});
