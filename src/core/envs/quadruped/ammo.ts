/**
 * Loads ammo.js (ammojs-typed's WebAssembly build; see docs/PHYSICS.md for why this build) once per thread.
 * Emscripten's module object is a thenable, and resolving a promise with a thenable loops forever, so it is
 * wrapped in a plain object before it crosses a promise boundary.
 */
import AmmoFactory from 'ammojs-typed/wasm';

export type AmmoModule = typeof AmmoFactory;

let loading: Promise<{ readonly ammo: AmmoModule }> | undefined;

export async function loadAmmo(): Promise<AmmoModule> {
  loading ??= new Promise((resolve, reject) => {
    AmmoFactory().then((ammo) => resolve({ ammo }), reject);
  });
  return (await loading).ammo;
}
