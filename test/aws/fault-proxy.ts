/**
 * A fault-injecting HTTP proxy between the SDK and moto (127.0.0.1 only). At a set rate, seeded,
 * it answers a request with a fault instead of (or while) forwarding it:
 *   throttle    protocol-correct throttling: JSON 400 ThrottlingException (CloudWatch Logs),
 *               EC2 503 RequestLimitExceeded, S3 503 SlowDown
 *   http500 / http503   server errors with the protocol's error body
 *   slow        forwards after `slowMs`
 *   hang        holds the request `hangMs` (longer than the client's timeout), then drops it
 *   drop-before closes the connection without forwarding
 *   drop-mid    forwards, sends the headers and half the body, then closes the connection
 * A `respond` hook can answer chosen requests with a fixed error (expired credentials, access
 * denied) to test the messages users see.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { rng } from './seed';

export type FaultKind = 'throttle' | 'http500' | 'http503' | 'slow' | 'hang' | 'drop-before' | 'drop-mid';
export const FAULT_KINDS: FaultKind[] = ['throttle', 'http500', 'http503', 'slow', 'hang', 'drop-before', 'drop-mid'];

export type Protocol = 'json' | 'query' | 'rest-xml';

export interface ProxyRequestInfo {
  protocol: Protocol;
  operation: string;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface CannedResponse {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export interface FaultProxyOptions {
  target: string;
  /** Probability in [0, 1] that a request gets a fault. */
  rate?: number;
  seed?: number;
  /** Relative weights of the fault kinds (default: all equal). */
  weights?: Partial<Record<FaultKind, number>>;
  slowMs?: number;
  hangMs?: number;
  respond?: (req: ProxyRequestInfo) => CannedResponse | undefined;
}

export interface FaultProxy {
  endpoint: string;
  stats: { requests: number; forwarded: number; canned: number; faults: Record<FaultKind, number>; byOperation: Record<string, number> };
  setRate(rate: number): void;
  setWeights(weights: Partial<Record<FaultKind, number>>): void;
  setRespond(fn: FaultProxyOptions['respond']): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((res, rej) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => res(Buffer.concat(chunks)));
    req.on('error', rej);
  });
}

export function describeRequest(req: IncomingMessage, body: Buffer): ProxyRequestInfo {
  const target = req.headers['x-amz-target'];
  const base = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body };
  if (typeof target === 'string') return { ...base, protocol: 'json', operation: target.split('.').pop() ?? target };
  const ct = String(req.headers['content-type'] ?? '');
  if (ct.includes('x-www-form-urlencoded')) {
    const action = new URLSearchParams(body.toString('utf8')).get('Action');
    if (action) return { ...base, protocol: 'query', operation: action };
  }
  const u = new URL(base.url, 'http://x');
  const parts = u.pathname.split('/').filter(Boolean);
  let operation = `${base.method} ${u.pathname}`;
  if (base.method === 'GET' && u.searchParams.get('list-type') === '2') operation = 'ListObjectsV2';
  else if (base.method === 'GET' && parts.length >= 2) operation = 'GetObject';
  else if (base.method === 'HEAD' && parts.length >= 2) operation = 'HeadObject';
  else if (base.method === 'PUT' && parts.length >= 2) operation = 'PutObject';
  else if (base.method === 'PUT' && parts.length === 1) operation = 'CreateBucket';
  return { ...base, protocol: 'rest-xml', operation };
}

/** An AWS error response in the request's protocol. */
export function awsError(protocol: Protocol, status: number, code: string, message: string): CannedResponse {
  const rid = 'fault-proxy-0000';
  if (protocol === 'json') {
    return { status, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': rid }, body: JSON.stringify({ __type: code, message }) };
  }
  if (protocol === 'query') {
    return {
      status,
      headers: { 'content-type': 'text/xml;charset=UTF-8' },
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${rid}</RequestID></Response>`,
    };
  }
  return {
    status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': rid },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${rid}</RequestId></Error>`,
  };
}

function throttle(p: Protocol): CannedResponse {
  if (p === 'json') return awsError(p, 400, 'ThrottlingException', 'Rate exceeded');
  if (p === 'query') return awsError(p, 503, 'RequestLimitExceeded', 'Request limit exceeded.');
  return awsError(p, 503, 'SlowDown', 'Please reduce your request rate.');
}

function serverError(p: Protocol, status: 500 | 503): CannedResponse {
  if (p === 'json') return awsError(p, status, status === 500 ? 'InternalFailure' : 'ServiceUnavailableException', 'The server encountered an internal error');
  if (p === 'query') return awsError(p, status, status === 500 ? 'InternalError' : 'Unavailable', 'An internal error has occurred');
  return awsError(p, status, status === 500 ? 'InternalError' : 'ServiceUnavailable', 'We encountered an internal error. Please try again.');
}

function send(res: ServerResponse, r: CannedResponse): void {
  res.writeHead(r.status, { 'content-length': String(Buffer.byteLength(r.body)), ...r.headers });
  res.end(r.body);
}

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(opts.target);
  let rate = opts.rate ?? 0;
  let weights: Partial<Record<FaultKind, number>> = opts.weights ?? Object.fromEntries(FAULT_KINDS.map((k) => [k, 1]));
  let respond = opts.respond;
  const random = rng(opts.seed ?? 42);
  const slowMs = opts.slowMs ?? 250;
  const hangMs = opts.hangMs ?? 3000;
  const stats: FaultProxy['stats'] = { requests: 0, forwarded: 0, canned: 0, faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>, byOperation: {} };
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const wait = (ms: number) =>
    new Promise<void>((r) => {
      const t = setTimeout(() => {
        timers.delete(t);
        r();
      }, ms);
      timers.add(t);
    });

  const pickFault = (): FaultKind | null => {
    if (random() >= rate) return null;
    const entries = FAULT_KINDS.map((k) => [k, weights[k] ?? 0] as const).filter(([, w]) => w > 0);
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let x = random() * total;
    for (const [k, w] of entries) {
      if ((x -= w) < 0) return k;
    }
    return entries.length ? entries[entries.length - 1][0] : null;
  };

  const forward = (req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> =>
    new Promise((res, rej) => {
      const headers = { ...req.headers, host: target.host };
      const up = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
        (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => res({ status: r.statusCode ?? 502, headers: r.headers, body: Buffer.concat(chunks) }));
          r.on('error', rej);
        },
      );
      up.on('error', rej);
      up.end(body);
    });

  const server: Server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      const info = describeRequest(req, body);
      stats.requests++;
      stats.byOperation[info.operation] = (stats.byOperation[info.operation] ?? 0) + 1;
      const canned = respond?.(info);
      if (canned) {
        stats.canned++;
        send(res, canned);
        return;
      }
      const fault = pickFault();
      if (fault) stats.faults[fault]++;
      switch (fault) {
        case 'throttle':
          send(res, throttle(info.protocol));
          return;
        case 'http500':
          send(res, serverError(info.protocol, 500));
          return;
        case 'http503':
          send(res, serverError(info.protocol, 503));
          return;
        case 'drop-before':
          req.socket.destroy();
          return;
        case 'hang':
          await wait(hangMs);
          req.socket.destroy();
          return;
        case 'slow':
          await wait(slowMs);
          break;
        default:
          break;
      }
      const up = await forward(req, body);
      stats.forwarded++;
      const headers = { ...up.headers };
      delete headers['transfer-encoding'];
      headers['content-length'] = String(up.body.length);
      if (fault === 'drop-mid') {
        res.writeHead(up.status, headers);
        res.write(up.body.subarray(0, Math.floor(up.body.length / 2)));
        setImmediate(() => req.socket.destroy());
        return;
      }
      if (req.socket.destroyed) return;
      res.writeHead(up.status, headers);
      res.end(up.body);
    } catch {
      req.socket.destroy();
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats,
    setRate: (r) => (rate = r),
    setWeights: (w) => (weights = w),
    setRespond: (fn) => (respond = fn),
    close: () =>
      new Promise<void>((r) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
