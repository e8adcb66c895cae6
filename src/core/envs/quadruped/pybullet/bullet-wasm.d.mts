/** Emscripten's factory for the generated module (scripts/build-pybullet-wasm.mjs); bullet.ts types what it returns. */
export default function createBulletModule(options?: Record<string, unknown>): Promise<unknown>;
