/**
 * A hostile or broken event-socket client must cost only its own connection: `hebb serve` (a real child process)
 * keeps answering and keeps training after malformed frames that the WebSocket protocol forbids (RFC 6455).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type Served } from '../support/serve';

/** An authorised upgrade on a raw TCP socket; resolves once the server answered 101. */
function upgraded(port: number, token: string): Promise<Socket> {
  return new Promise((ok, fail) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `GET /events?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    let head = '';
    const onData = (d: Buffer): void => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (head.startsWith('HTTP/1.1 101')) ok(socket);
      else fail(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
    };
    socket.on('data', onData);
    // Before the 101 an error or close means the server is not there; after it, the server may reset us: that is the point.
    socket.on('error', (e) => fail(e));
    socket.on('close', () => fail(new Error('the server closed the connection before upgrading it')));
  });
}

/** One frame: FIN + opcode, optional RSV bits, masked (as clients must) unless `masked` is false. */
function frame(opcode: number, payload: Buffer, { masked = true, rsv = 0 } = {}): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | rsv | opcode, (masked ? 0x80 : 0) | len]) : Buffer.from([0x80 | rsv | opcode, (masked ? 0x80 : 0) | 126, len >> 8, len & 0xff]);
  if (!masked) return Buffer.concat([head, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([head, mask, body]);
}

/** Sends bytes on a fresh authorised connection and waits until the server closed it (or a short grace ran out). */
async function sendAndWait(served: Served, bytes: Buffer): Promise<void> {
  const socket = await upgraded(served.port, served.token);
  await new Promise<void>((ok) => {
    const timer = setTimeout(() => {
      socket.destroy();
      ok();
    }, 300);
    socket.on('close', () => {
      clearTimeout(timer);
      ok();
    });
    socket.write(bytes);
  });
}

let dir: string;
let served: Served;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hebb-ws-'));
  served = await serve(join(dir, 'w.db'));
});
afterAll(async () => {
  await served.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function stillServing(): Promise<void> {
  expect(served.child.exitCode, served.stderr()).toBeNull();
  const { status, envelope } = await served.call('runs.list', {});
  expect(status).toBe(200);
  expect(envelope.ok).toBe(true);
}

describe('hebb serve under malformed WebSocket frames', () => {
  const cases: [string, Buffer][] = [
    ['an unmasked frame', frame(0x1, Buffer.from('hello'), { masked: false })],
    ['a reserved opcode', frame(0x3, Buffer.from('x'))],
    ['invalid UTF-8 in a text frame', frame(0x1, Buffer.from([0xc3, 0x28, 0xff]))],
    ['a message over the payload limit', frame(0x1, Buffer.alloc(4000, 0x61))],
    ['RSV bits without an extension', frame(0x1, Buffer.from('x'), { rsv: 0x40 })],
    ['a fragmented control frame', Buffer.from([0x09, 0x80, 1, 2, 3, 4])],
    ['a close frame with an invalid code', frame(0x8, Buffer.from([0x03, 0xe7]))],
  ];
  for (const [name, bytes] of cases) {
    it(`drops a client that sends ${name}, and goes on`, async () => {
      await sendAndWait(served, bytes);
      await stillServing();
    });
  }

  it('survives random bytes after the handshake (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (bytes) => {
        await sendAndWait(served, Buffer.from(bytes));
        return served.child.exitCode === null;
      }),
      { numRuns: 25, seed: 20261202 },
    );
    await stillServing();
  });

  it('keeps training while bad clients come and go', async () => {
    const created = await served.call('runs.create', { config: { name: 'tiny', es: { popSize: 4, noiseTableSize: 1 << 20 }, generations: 2, morphologies: ['standard'], seed: 3 } });
    expect(created.envelope.ok, JSON.stringify(created.envelope)).toBe(true);
    const id = (created.envelope.value as { id: number }).id;
    for (const [, bytes] of cases) await sendAndWait(served, bytes);
    for (let i = 0; i < 600; i++) {
      const run = (await served.call('runs.get', { id })).envelope.value as { run: { status: string; generation: number } };
      if (run.run.status === 'finished') {
        expect(run.run.generation).toBe(2);
        return;
      }
      await new Promise((ok) => setTimeout(ok, 100));
    }
    throw new Error('the run did not finish');
  });
});
