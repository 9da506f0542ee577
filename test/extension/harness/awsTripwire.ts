// A localhost HTTP server standing in for every AWS endpoint (the extension host gets
// AWS_ENDPOINT_URL pointing here). It answers 500 to anything and records each request, so a
// suite can assert that no AWS call was made (restricted mode) — or that one was.
import { createServer, type IncomingMessage } from 'node:http';

export interface RecordedRequest {
  method: string;
  url: string;
  /** x-amz-target header (CloudWatch Logs JSON protocol), or the Action= of a query-protocol call. */
  target?: string;
}

export interface AwsTripwire {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

function describe(req: IncomingMessage, body: string): RecordedRequest {
  const target = (req.headers['x-amz-target'] as string | undefined) ?? /(?:^|&)Action=([^&]+)/.exec(body)?.[1];
  return { method: req.method ?? '', url: req.url ?? '', ...(target ? { target } : {}) };
}

export function startAwsTripwire(): Promise<AwsTripwire> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.url === '/__requests') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(requests));
        return;
      }
      requests.push(describe(req, body));
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'egress-lens test tripwire: no AWS here' }));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

/** Environment for the extension host: AWS SDK calls go to the tripwire with fake credentials. */
export function awsTestEnvironment(tripwire: AwsTripwire, scratchDir: string): Record<string, string> {
  return {
    EGRESS_LENS_TEST_AWS_TRIPWIRE: tripwire.url,
    AWS_ENDPOINT_URL: tripwire.url,
    AWS_ACCESS_KEY_ID: 'AKIAEGRESSLENSTEST00',
    AWS_SECRET_ACCESS_KEY: 'egress-lens-test-secret',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
    // never the developer's real profiles
    AWS_CONFIG_FILE: `${scratchDir}/aws-config`,
    AWS_SHARED_CREDENTIALS_FILE: `${scratchDir}/aws-credentials`,
  };
}
