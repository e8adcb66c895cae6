/// <reference types="vite/client" />
import type { WorkbenchApi } from '../../common/api';

declare global {
  interface Window {
    /** Present in Electron (preload bridge); absent in web mode. */
    readonly workbench?: WorkbenchApi;
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
