/**
 * The preload bridge: exposes one BridgeTransport (src/common/api.ts) as `window.workbenchBridge` — invoke a
 * channel, listen to events — and nothing else; never raw ipcRenderer. The renderer wraps it into the typed
 * WorkbenchApi. One of the two files allowed to touch Electron IPC (the other is src/main/ipc.ts).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { BridgeTransport, Envelope, EventName } from '../common/api';
import { IPC_EVENT, IPC_INVOKE } from '../common/ipc-channels';

const versionArg = process.argv.find((a) => a.startsWith('--workbench-version='));

const bridge: BridgeTransport = {
  runtime: {
    mode: 'electron',
    appVersion: versionArg ? versionArg.slice('--workbench-version='.length) : 'unknown',
    versions: { electron: process.versions.electron ?? '', chrome: process.versions.chrome ?? '', node: process.versions.node },
  },
  invoke: (channel, request) => ipcRenderer.invoke(IPC_INVOKE, channel, request) as Promise<Envelope<unknown>>,
  on: (listener) => {
    const handler = (_e: IpcRendererEvent, event: EventName, payload: unknown): void => listener(event, payload);
    ipcRenderer.on(IPC_EVENT, handler);
    return () => {
      ipcRenderer.off(IPC_EVENT, handler);
    };
  },
};

contextBridge.exposeInMainWorld('workbenchBridge', bridge);
