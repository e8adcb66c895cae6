/**
 * The renderer's WorkbenchApi over either transport: the Electron preload bridge, or web mode's HTTP + WebSocket
 * (same origin; the session cookie set at launch authorises both). Failed requests throw ApiError with the
 * fields of invalid input; event subscriptions return their unsubscribe function.
 */
import { ApiError, type BridgeTransport, type Envelope, type EventName, type Events, type RuntimeInfo, type WorkbenchApi } from '../../../common/api';

declare global {
  interface Window {
    /** Present in Electron (the preload bridge); absent in web mode. */
    readonly workbenchBridge?: BridgeTransport;
  }
}

/** Wraps a transport's envelopes into the typed API. */
export function fromTransport(transport: BridgeTransport): WorkbenchApi {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  transport.on((event, payload) => {
    for (const listener of listeners.get(event) ?? []) {
      try {
        listener(payload as never);
      } catch (e) {
        console.error(`listener of '${event}' failed`, e);
      }
    }
  });
  return {
    runtime: transport.runtime,
    async invoke(channel, request) {
      const envelope = await transport.invoke(channel, request);
      if (!envelope.ok) throw new ApiError(envelope.error);
      return envelope.value as never;
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: never) => void);
      return () => {
        set.delete(listener as (payload: never) => void);
      };
    },
  };
}

/** Web mode: POST /api/<channel>, and events from the /events WebSocket (reconnecting with backoff). */
export function webTransport(base: Location = window.location): BridgeTransport {
  const runtime: RuntimeInfo = { mode: 'web', appVersion: '', versions: {} };
  const subscribers = new Set<(event: EventName, payload: unknown) => void>();
  let delay = 250;
  const open = (): void => {
    const socket = new WebSocket(`${base.protocol === 'https:' ? 'wss' : 'ws'}://${base.host}/events`);
    socket.onopen = () => {
      delay = 250;
    };
    socket.onmessage = (m) => {
      const { event, payload } = JSON.parse(String(m.data)) as { event: EventName; payload: unknown };
      for (const s of subscribers) s(event, payload);
    };
    socket.onclose = () => {
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 5000);
    };
  };
  open();
  return {
    runtime,
    async invoke(channel, request) {
      let response: Response;
      try {
        response = await fetch(`/api/${encodeURIComponent(channel)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(request ?? {}),
          credentials: 'same-origin',
        });
      } catch (e) {
        return { ok: false, error: { kind: 'internal', message: `the workbench server cannot be reached (${(e as Error).message})` } };
      }
      if (response.ok && (response.headers.get('content-type') ?? '').startsWith('application/octet-stream')) {
        return { ok: true, value: new Uint8Array(await response.arrayBuffer()) };
      }
      try {
        return (await response.json()) as Envelope<unknown>;
      } catch {
        return { ok: false, error: { kind: 'internal', message: `the server answered ${response.status} without a JSON body` } };
      }
    },
    on(listener) {
      subscribers.add(listener);
      return () => {
        subscribers.delete(listener);
      };
    },
  };
}

/** The API of this page: the Electron bridge when present, else web mode. */
export function connect(): WorkbenchApi {
  return fromTransport(window.workbenchBridge ?? webTransport());
}
