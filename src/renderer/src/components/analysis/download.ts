/**
 * Saves text, bytes or a data URL as a file through a temporary link: the browser's download, and in Electron its
 * save dialog (the main process's default for a download whose path nobody set).
 */
export function download(name: string, content: string | Uint8Array<ArrayBuffer>, type?: string): void {
  if (typeof content !== 'string' && type === undefined) throw new TypeError('bytes need a content type');
  const href = type === undefined ? (content as string) : URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.click();
  if (type !== undefined) setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
