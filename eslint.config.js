// Lint rules that hold the architecture in place: core stays pure and deterministic (no Math.random, no I/O,
// no Electron), raw ipcMain / ipcRenderer stay in the two IPC adapter files, and SQL stays in src/main/store.
import js from '@eslint/js';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'coverage/**', 'src/core/nn/kernels-wasm.ts', 'src/core/envs/quadruped/pybullet/bullet-wasm.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: 'Use the typed API in src/common; raw IPC lives only in src/main/ipc.ts and src/preload/index.ts.' }] },
      ],
    },
  },
  {
    // SQL stays in the store: the rest of the workbench goes through Store's methods, never its connection.
    files: ['src/**/*.ts', 'src/**/*.vue'],
    ignores: ['src/main/store/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: 'Use the typed API in src/common; raw IPC lives only in src/main/ipc.ts and src/preload/index.ts.' },
            { name: 'better-sqlite3', message: 'SQLite lives in src/main/store: add a Store method for what you need.' },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='store'][property.name='db']", message: 'Go through Store\'s methods (add one for what you need), not its connection.' },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Core randomness must be seeded: use RandomStream from src/core/random.ts.' },
      ],
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'electron', 'vue', 'better-sqlite3'], message: 'src/core is pure: no I/O, no Electron, no UI.' }] },
      ],
    },
  },
  {
    files: ['src/main/ipc.ts', 'src/preload/index.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
