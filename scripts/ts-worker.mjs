// Worker entry that can load TypeScript when running from source (tests, benchmarks): registers tsx in this
// thread, then imports the .ts module named in workerData.entry. (A worker's execArgv `--import tsx` is not
// honoured on Node 20.)
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
