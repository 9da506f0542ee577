/**
 * A tiny HTTP server on 127.0.0.1 that answers SDK requests from recorded responses
 * (test/fixtures/aws/*.json), matched by operation and pagination token. It covers what moto does
 * not (EC2 Describe paging, empty FilterLogEvents pages) over real HTTP through the real SDK.
 * EC2 actions without a fixture get an empty, valid response. Every request is logged.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Exchange {
  /** EC2 query action (form field Action). */
  action?: string;
  /** JSON-protocol target (X-Amz-Target header). */
  target?: string;
  /** Pagination token the request must carry (NextToken / nextToken), null for the first page. */
  token: string | null;
  status: number;
  body: string;
}

export interface LoggedRequest {
  operation: string;
  token: string | null;
  params: Record<string, unknown>;
}

export function loadFixture(name: string): Exchange[] {
  const p = join(__dirname, '..', 'fixtures', 'aws', name);
  return (JSON.parse(readFileSync(p, 'utf8')) as { exchanges: Exchange[] }).exchanges;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((res, rej) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => res(Buffer.concat(chunks).toString('utf8')));
    req.on('error', rej);
  });
}

export interface ReplayServer {
  endpoint: string;
  requests: LoggedRequest[];
  close(): Promise<void>;
}

/**
 * Several exchanges may match the same request (a status polled until it completes): they are
 * served in order, the last one repeating.
 */
export async function startReplayServer(exchanges: Exchange[]): Promise<ReplayServer> {
  const requests: LoggedRequest[] = [];
  const used = new Set<Exchange>();
  const pick = (match: (e: Exchange) => boolean): Exchange | undefined => {
    const all = exchanges.filter(match);
    const ex = all.find((e) => !used.has(e)) ?? all[all.length - 1];
    if (ex) used.add(ex);
    return ex;
  };
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string') {
      const params = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      const token = (params.nextToken as string | undefined) ?? null;
      requests.push({ operation: target.split('.').pop()!, token, params });
      const ex = pick((e) => e.target === target && e.token === token);
      if (!ex) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'InvalidParameterException', message: `replay: no recorded response for ${target} token=${token}` }));
        return;
      }
      res.writeHead(ex.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'replay' });
      res.end(ex.body);
      return;
    }
    const form = new URLSearchParams(body);
    const action = form.get('Action') ?? '';
    const token = form.get('NextToken');
    requests.push({ operation: action, token, params: Object.fromEntries(form) });
    const ex = pick((e) => e.action === action && e.token === token);
    if (ex) {
      res.writeHead(ex.status, { 'content-type': 'text/xml;charset=UTF-8' });
      res.end(ex.body);
    } else if (token === null && exchanges.every((e) => e.action !== action)) {
      res.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>replay</requestId></${action}Response>`);
    } else {
      res.writeHead(400, { 'content-type': 'text/xml;charset=UTF-8' });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>InvalidNextToken</Code><Message>replay: no recorded response for ${action} token=${token}</Message></Error></Errors><RequestID>replay</RequestID></Response>`,
      );
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
