/**
 * Web mode's transport: serves the built renderer and the workbench API on 127.0.0.1 only, behind a random
 * per-launch token. The printed URL carries the token; the first page load trades it for an HttpOnly,
 * SameSite=Strict cookie so the page's own requests are authorised (scripts may also send it as the
 * `x-workbench-token` header). Anything without the token is refused (401), and requests whose Host is not this
 * loopback origin are refused too (DNS rebinding); API calls and the event socket must also come from this
 * origin (403), so another site open in the same browser cannot drive them.
 *
 *   POST /api/<channel>   JSON request → JSON Envelope (HTTP status from the error kind), or the raw bytes
 *                         (application/octet-stream) when the value is binary
 *   GET  /events          WebSocket: {"event", "payload"} messages, pushed after the store commits
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { HTTP_STATUS, type Envelope, type EventName } from '../common/api';
import { MAX_MJCF_CHARS } from '../core/morphology/limits';
import { MAX_RULES_FILE_BYTES } from '../core/rules-file/rules-file';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};
const COOKIE = 'workbench_token';

export interface WebServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/** What the server exposes: the services' dispatcher and event stream (the Workbench, in practice). */
export interface ApiBackend {
  dispatch(channel: string, payload: unknown): Promise<Envelope<unknown>>;
  subscribe(listener: (event: EventName, payload: unknown) => void): () => void;
}

export interface WebServerOptions {
  /** Directory of the built renderer (out/renderer). */
  readonly rendererDir: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Without one, only the renderer's files are served. */
  readonly api?: ApiBackend;
}

/**
 * Largest API request body accepted: the largest requests are a morphology save, whose MJCF may have
 * MAX_MJCF_CHARS characters (the CLI's limit too), each at most 6 bytes once JSON-escaped (\uXXXX), and a rules
 * import, a file of at most MAX_RULES_FILE_BYTES in base64.
 */
const MAX_BODY = Math.max(6 * MAX_MJCF_CHARS, Math.ceil(MAX_RULES_FILE_BYTES / 3) * 4) + (1 << 16);

function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b); // compare bytes: a multi-byte guess must not throw
}

/** `application/json`, optionally with parameters (`; charset=utf-8`): the media type itself must match exactly. */
function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return undefined;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = randomBytes(24).toString('base64url');
  const root = resolve(options.rendererDir);
  let port = 0;

  const origin = (): string => `http://127.0.0.1:${port}`;
  const hostOk = (req: IncomingMessage): boolean => req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`;
  // Browsers always send Origin on POST and WebSocket requests; a missing one means a non-browser client (tests,
  // scripts) that must still hold the token.
  const originOk = (req: IncomingMessage): boolean => {
    const o = req.headers.origin;
    return o === undefined || o === origin() || o === `http://localhost:${port}`;
  };
  const authorised = (req: IncomingMessage): boolean => {
    const header = req.headers['x-workbench-token'];
    return tokenMatches(cookieToken(req), token) || tokenMatches(typeof header === 'string' ? header : undefined, token);
  };

  const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' }).end(JSON.stringify(body));
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> => {
    if (!options.api) return sendJson(res, 404, { ok: false, error: { kind: 'not-found', message: 'no API in this server' } });
    if (!originOk(req)) return sendJson(res, 403, { ok: false, error: { kind: 'invalid', message: 'cross-origin API requests are refused' } });
    if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { kind: 'invalid', message: 'API requests are POST with a JSON body' } });
    if (!isJson(req.headers['content-type'])) {
      return sendJson(res, 415, { ok: false, error: { kind: 'invalid', message: 'content-type must be application/json' } });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY) return sendJson(res, 413, { ok: false, error: { kind: 'invalid', message: `request body over ${MAX_BODY} bytes` } });
      chunks.push(chunk);
    }
    let payload: unknown;
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      payload = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      return sendJson(res, 400, { ok: false, error: { kind: 'invalid', message: 'request body is not valid JSON' } });
    }
    let name: string;
    try {
      name = decodeURIComponent(channel);
    } catch {
      return sendJson(res, 400, { ok: false, error: { kind: 'invalid', message: 'the API channel in the path has malformed percent-encoding' } });
    }
    const envelope = await options.api.dispatch(name, payload);
    if (envelope.ok && envelope.value instanceof Uint8Array) {
      // Binary values (recorded trajectories) travel raw, not as JSON.
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' }).end(envelope.value);
      return;
    }
    sendJson(res, envelope.ok ? 200 : HTTP_STATUS[envelope.error.kind], envelope);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const host = req.headers.host ?? '';
    if (!hostOk(req)) {
      res.writeHead(403).end('forbidden host');
      return;
    }
    const url = new URL(req.url ?? '/', `http://${host}`);
    const fromQuery = tokenMatches(url.searchParams.get('token'), token);
    if (!fromQuery && !authorised(req)) {
      const message = 'missing or wrong token: open the URL printed at launch';
      if (url.pathname.startsWith('/api/')) sendJson(res, 401, { ok: false, error: { kind: 'invalid', message } });
      else res.writeHead(401, { 'content-type': 'text/plain' }).end(message);
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      await handleApi(req, res, url.pathname.slice('/api/'.length));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    let relative: string;
    try {
      relative = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('malformed percent-encoding in path');
      return;
    }
    const file = normalize(join(root, relative));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(404).end();
      return;
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      res.writeHead(404).end('not found');
      return;
    }
    const headers: Record<string, string> = {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    };
    if (fromQuery) headers['set-cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : body);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // Only a bug gets here; still answer with the envelope so clients can show something.
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { kind: 'internal', message: 'the server failed to answer this request' } });
      else res.end();
    });
  });
  // The event socket: same host, origin and token checks as every request, then one-way JSON pushes.
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const refuse = (socket: Duplex, status: number, text: string): void => {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy()); // a reset connection concerns that client only
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!hostOk(req) || !originOk(req)) return refuse(socket, 403, 'Forbidden');
    if (!tokenMatches(url.searchParams.get('token'), token) && !authorised(req)) return refuse(socket, 401, 'Unauthorized');
    if (url.pathname !== '/events' || !options.api) return refuse(socket, 404, 'Not Found');
    sockets.handleUpgrade(req, socket, head, (ws) => {
      // A protocol error (unmasked or oversized frame, bad opcode, invalid UTF-8) is emitted on the connection; with
      // no listener it would be thrown and take the whole server (and the training run) down. Drop that client only.
      ws.on('error', () => ws.terminate());
      sockets.emit('connection', ws, req);
    });
  });

  const unsubscribe = options.api?.subscribe((event, payload) => {
    const message = JSON.stringify({ event, payload });
    for (const client of sockets.clients) if (client.readyState === client.OPEN) client.send(message);
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => ok());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((ok) => {
        unsubscribe?.();
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
