/** `npm run bench`: the same as `hebb bench` (see commands/bench.ts). */
import { UsageError } from './args';
import { benchCommand } from './commands/bench';

try {
  await benchCommand(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = e instanceof UsageError ? 2 : 1;
}
