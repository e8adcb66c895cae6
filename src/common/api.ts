/**
 * The contract between the renderer and the main-process services, shared by the Electron preload bridge and
 * (later) the web-mode client. Every channel's types are derived from this file.
 */

/** What the renderer knows about the process that serves it. */
export interface RuntimeInfo {
  readonly mode: 'electron' | 'web';
  readonly appVersion: string;
  readonly versions: Readonly<Record<string, string>>;
}

/** The API the preload exposes on `window.workbench` (contextBridge); never raw ipcRenderer. */
export interface WorkbenchApi {
  readonly runtime: RuntimeInfo;
}

export const APP_NAME = 'Hebbian Workbench';
