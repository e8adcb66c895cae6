import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type WebServer } from '../../src/main/server';

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('web mode server', () => {
  let server: WebServer;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-renderer-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>wb</title>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir, '..', 'secret.txt'), 'secret');
    server = await startWebServer({ rendererDir: dir, port: 0 });
  });
  afterAll(() => server.close());

  it('prints a loopback URL carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses requests without the token, or with a wrong one', async () => {
    expect((await get(server.port, '/')).status).toBe(401);
    expect((await get(server.port, '/assets/app.js')).status).toBe(401);
    expect((await get(server.port, `/?token=${'x'.repeat(server.token.length)}`)).status).toBe(401);
    // Same length in characters, longer in bytes: still a plain 401, not a server error.
    expect((await get(server.port, `/?token=${encodeURIComponent('é'.repeat(server.token.length))}`)).status).toBe(401);
  });

  it('serves the page for the token and authorises later requests by an HttpOnly cookie', async () => {
    const page = await get(server.port, `/?token=${server.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>wb</title>');
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const asset = await get(server.port, '/assets/app.js', { cookie: cookie.split(';')[0]! });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
  });

  it('refuses foreign Host headers (DNS rebinding) even with the token', async () => {
    expect((await get(server.port, `/?token=${server.token}`, { host: `evil.example:${server.port}` })).status).toBe(403);
  });

  it('never serves files outside the renderer directory', async () => {
    const reply = await get(server.port, `/..%2fsecret.txt?token=${server.token}`);
    expect(reply.status).toBe(404);
    expect(reply.body).not.toContain('secret');
  });

  it('answers a malformed percent-encoded path with 400, not a server error', async () => {
    expect((await get(server.port, `/%E0%A4%A?token=${server.token}`)).status).toBe(400);
  });
});
