/**
 * Electron main process: the workbench services (store in userData, training queue) and one locked-down window.
 * The renderer gets no Node, runs sandboxed with context isolation, cannot navigate away or open windows, loads
 * only the bundled files, and reaches the services only through the preload's typed bridge.
 */
import { app, BrowserWindow, dialog, Menu, shell } from 'electron';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { APP_NAME } from '../common/api';
import { registerIpc } from './ipc';
import { Workbench } from './services/workbench';
import { Store } from './store/store';
import { ensurePresets } from './training/coordinator';

const here = fileURLToPath(new URL('.', import.meta.url));
const rendererUrl = pathToFileURL(join(here, '../renderer/')).href;
const devUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined;
/** Our own pages: the bundled renderer, or the dev server in development. */
const trusted = (url: string): boolean => url.startsWith(rendererUrl) || (devUrl !== undefined && url.startsWith(devUrl));
let workbench: Workbench | undefined;

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    show: false,
    title: APP_NAME,
    webPreferences: {
      preload: `${here}../preload/index.cjs`,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      additionalArguments: [`--workbench-version=${app.getVersion()}`],
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(`${here}../renderer/index.html`);
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

void app.whenReady().then(() => {
  try {
    // `npm start` builds better-sqlite3 for Electron's ABI and names it here (scripts/electron-native.mjs).
    const store = Store.open(join(app.getPath('userData'), 'workbench.db'), { nativeBinding: process.env['HEBBIAN_SQLITE_BINDING'] });
    ensurePresets(store);
    workbench = new Workbench(store);
    registerIpc(workbench, trusted);
    workbench.start();
  } catch (e) {
    dialog.showErrorBox(APP_NAME, `The experiment store cannot be opened: ${e instanceof Error ? e.message : String(e)}`);
    app.exit(1);
    return;
  }
  Menu.setApplicationMenu(Menu.buildFromTemplate([{ role: 'fileMenu' }, { role: 'editMenu' }, { role: 'viewMenu' }, { role: 'windowMenu' }]));
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// Quitting pauses the training run after its generation in flight (it continues at the next launch).
let closing = false;
app.on('before-quit', (event) => {
  if (closing || !workbench) return;
  event.preventDefault();
  closing = true;
  void workbench.close().finally(() => {
    workbench!.store.close();
    app.quit();
  });
});
