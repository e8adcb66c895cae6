/** The preload bridge: exposes the typed WorkbenchApi only (see src/common/api.ts). */
import { contextBridge } from 'electron';
import type { WorkbenchApi } from '../common/api';

const versionArg = process.argv.find((a) => a.startsWith('--workbench-version='));

const api: WorkbenchApi = {
  runtime: {
    mode: 'electron',
    appVersion: versionArg ? versionArg.slice('--workbench-version='.length) : 'unknown',
    versions: { electron: process.versions.electron ?? '', chrome: process.versions.chrome ?? '', node: process.versions.node },
  },
};

contextBridge.exposeInMainWorld('workbench', api);
