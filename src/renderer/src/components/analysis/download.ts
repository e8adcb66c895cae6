/** Saves text or a data URL as a file through a temporary link (the browser's download). */
export function download(name: string, content: string, type?: string): void {
  const href = type === undefined ? content : URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.click();
  if (type !== undefined) setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
