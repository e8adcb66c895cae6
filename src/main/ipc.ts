/**
 * Electron transport of the one contract: every request arrives on one invoke channel and goes through the
 * Workbench dispatcher (which validates it); events go to every window. One of the two files allowed to touch
 * raw IPC (the other is src/preload/index.ts). Requests from frames that are not our own bundle are refused.
 */
import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import type { Envelope } from '../common/api';
import { IPC_EVENT, IPC_INVOKE } from '../common/ipc-channels';
import type { Workbench } from './services/workbench';

/** Registers the handlers; returns a function that removes them. `trusted` says whether a frame URL is ours. */
export function registerIpc(workbench: Workbench, trusted: (url: string) => boolean): () => void {
  ipcMain.handle(IPC_INVOKE, async (event: IpcMainInvokeEvent, channel: unknown, request: unknown): Promise<Envelope<unknown>> => {
    if (!event.senderFrame || !trusted(event.senderFrame.url)) return { ok: false, error: { kind: 'invalid', message: 'request from an untrusted frame' } };
    if (typeof channel !== 'string') return { ok: false, error: { kind: 'invalid', message: 'channel must be a string' } };
    return workbench.dispatch(channel, request);
  });
  const unsubscribe = workbench.subscribe((event, payload) => {
    for (const win of BrowserWindow.getAllWindows()) if (!win.isDestroyed()) win.webContents.send(IPC_EVENT, event, payload);
  });
  return () => {
    ipcMain.removeHandler(IPC_INVOKE);
    unsubscribe();
  };
}
