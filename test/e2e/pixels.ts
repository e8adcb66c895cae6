/** Reading charts' pixels in the page: how a test checks what a chart really drew. */
import type { Page } from 'playwright-core';

/** '#rrggbb' as numbers. */
export const rgbOf = (hex: string): [number, number, number] => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];

/** Pixels of (nearly) `rgb` in a chart's canvas below its legend row, once the chart has drawn. */
export async function colourPixels(page: Page, testId: string, rgb: readonly [number, number, number]): Promise<number> {
  await page.getByTestId(testId).locator('canvas').first().waitFor();
  await page.waitForTimeout(300); // the chart draws on the next frame
  // Runs in the page (a function, not a string: the renderer's CSP forbids eval); no DOM types on the Node side.
  return page.evaluate(([id, [r, g, b]]) => {
    type Canvas = { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    const doc = (globalThis as unknown as { document: { querySelector(s: string): Canvas | null } }).document;
    const canvas = doc.querySelector(`[data-testid="${id}"] canvas`)!;
    const top = Math.round(canvas.height * 0.15);
    const { data } = canvas.getContext('2d').getImageData(0, top, canvas.width, canvas.height - top);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i]! - r) < 12 && Math.abs(data[i + 1]! - g) < 12 && Math.abs(data[i + 2]! - b) < 12) n++;
    return n;
  }, [testId, rgb] as const);
}
