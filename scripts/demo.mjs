// `npm run demo`: the main job end to end, offline. Starts the local simulator (the default
// gateway's dialect), creates a task, runs `ezvideo wait --then-download` on it with the real
// binary, and leaves a playable, verified MP4 in demo-output/.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startMockServer } from '../dist/src/mock/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const server = await startMockServer({ profile: 'ezmodel', generationTimeMs: 4000, recordRequests: false });
const id = server.createTask();
console.error(`demo: simulator (ezmodel profile) at ${server.baseUrl}; created task ${id}`);
// --force: the simulator's seeded ids repeat, so a second demo replaces the first one's file.
const args = ['wait', id, '--then-download', '--dir', 'demo-output', '--interval', '1s', '--force'];
// The line echoed is the one that runs, so it can be copied.
console.error(`demo: EZVIDEO_BASE_URL=${server.baseUrl} EZVIDEO_API_KEY=demo-key ezvideo ${args.join(' ')}`);

const child = spawn(
  process.execPath,
  [`${root}bin/ezvideo.js`, ...args],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, EZVIDEO_BASE_URL: server.baseUrl, EZVIDEO_API_KEY: 'demo-key' },
  },
);
const code = await new Promise((resolve) => child.on('close', (exitCode) => resolve(exitCode ?? 1)));
await server.close();
if (code === 0) console.error(`demo: done: demo-output/${id}.mp4 (play it with any video player)`);
process.exit(code);
