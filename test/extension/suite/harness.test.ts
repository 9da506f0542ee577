// Self-checks of the test harness, so the other suites' assertions mean something: the extension
// host sees the runner's environment, and an AWS SDK client configured only by that environment
// reaches the tripwire (the positive control for "restricted mode makes no AWS call").
import * as assert from 'node:assert/strict';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { awsRequests, repoRoot } from './helpers';

describe('harness', () => {
  it('passes the runner environment to the extension host', () => {
    assert.equal(process.env.EGRESS_LENS_TEST, '1');
    assert.ok(repoRoot().length > 1);
    assert.match(process.env.AWS_ENDPOINT_URL ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('an AWS SDK call from the extension host lands on the tripwire, not on AWS', async () => {
    const before = (await awsRequests()).length;
    const client = new CloudWatchLogsClient({ maxAttempts: 1 });
    await assert.rejects(client.send(new DescribeLogGroupsCommand({})));
    client.destroy();
    const seen = (await awsRequests()).slice(before);
    assert.ok(
      seen.some((r) => r.target === 'Logs_20140328.DescribeLogGroups'),
      `tripwire saw: ${JSON.stringify(seen)}`,
    );
  });
});
