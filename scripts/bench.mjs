// `npm run bench`: runs bench/run.mjs under tsx (the hub is TypeScript), with the open-file limit
// raised for 1,000 sockets on each side of the fan-out benchmark. Arguments pass through.
import { spawn } from 'node:child_process';

const args = ['--import', 'tsx', 'bench/run.mjs', ...process.argv.slice(2)];
const quoted = args.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
// `ulimit -n` only raises the soft limit up to the hard one; when it cannot, the bench still runs.
const child = spawn(
  'sh',
  ['-c', `ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "${process.execPath}" ${quoted}`],
  {
    stdio: 'inherit',
  },
);
child.on('close', (code) => process.exit(code ?? 1));
