/** The two Electron IPC channel names the contract travels over (requests, and events pushed to windows). */
export const IPC_INVOKE = 'workbench:invoke';
export const IPC_EVENT = 'workbench:event';
