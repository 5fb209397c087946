// The simulator for the scale rows of bench/run.mjs, in a process of its own (its CPU is not
// ezvideo's). It creates batches of tasks that complete at chosen times, and counts every
// request per task: status polls (with the arrival of the first and the end of the last) and
// content requests (with how long the transfer took). Driven by one JSON object per line on
// stdin, answered by one JSON line on stdout:
//   {"op":"create","ids":[...],"generationMs":[...],"size":65536}  -> {"createdAt":<ms>}
//   {"op":"stats","ids":[...]}  -> {"stats":[[status, content, firstStatusAt, lastStatusEndedAt, contentMs], ...]}
//   node bench/scale-server.mjs <key>   (prints {"baseUrl"} first)
import { createInterface } from 'node:readline';
import { startMockServer } from '../dist/src/mock/index.js';

const [key] = process.argv.slice(2);
if (key === undefined) throw new Error('usage: scale-server.mjs <key>');

const counts = new Map();
const countOf = (id) => {
  let entry = counts.get(id);
  if (entry === undefined) {
    entry = { status: 0, content: 0, firstStatusAt: undefined, lastStatusEndedAt: undefined, contentMs: undefined };
    counts.set(id, entry);
  }
  return entry;
};

const server = await startMockServer({
  profile: 'ideal',
  key,
  recordRequests: false,
  onRequest: (request) => {
    if (request.taskId === undefined || request.method !== 'GET') return;
    const entry = countOf(request.taskId);
    if (request.path.endsWith('/content')) {
      entry.content += 1;
      entry.contentMs = (request.endedAt ?? request.startedAt) - request.startedAt;
    } else {
      entry.status += 1;
      entry.firstStatusAt ??= request.startedAt;
      entry.lastStatusEndedAt = request.endedAt;
    }
  },
});
process.stdout.write(`${JSON.stringify({ baseUrl: server.baseUrl })}\n`);

const answer = (message) => {
  if (message.op === 'create') {
    const createdAt = Date.now();
    message.ids.forEach((id, index) => {
      server.createTask({ id, kind: message.size === undefined ? 'normal' : 'synthetic', size: message.size, generationTimeMs: message.generationMs[index] });
    });
    return { createdAt };
  }
  if (message.op === 'stats') {
    return {
      stats: message.ids.map((id) => {
        const entry = countOf(id);
        return [entry.status, entry.content, entry.firstStatusAt ?? null, entry.lastStatusEndedAt ?? null, entry.contentMs ?? null];
      }),
    };
  }
  throw new Error(`unknown op ${message.op}`);
};

for await (const line of createInterface({ input: process.stdin })) {
  process.stdout.write(`${JSON.stringify(answer(JSON.parse(line)))}\n`);
}
await server.close();
