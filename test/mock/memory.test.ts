import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { AUTH } from './http-helpers.js';

const MiB = 1024 * 1024;

/** Peak resident memory of a process so far (Linux only). */
function peakRss(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(match, 'VmHWM in /proc/<pid>/status');
  return Number(match[1]) * 1024;
}

/** Downloads and discards a body, returning its byte count. */
function drain(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { headers: AUTH, agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      res.on('end', () => resolve(bytes));
      res.on('error', reject);
    }).on('error', reject);
  });
}

test('a 1 GiB synthetic payload is served with flat memory', { skip: process.platform !== 'linux' }, async () => {
  const child = spawn(process.execPath, [new URL('./fixtures/serve.js', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const { baseUrl } = JSON.parse(line) as { baseUrl: string };
    const pid = child.pid ?? 0;
    // Twice: the first transfer also pays for one-time costs (the random block, JIT, buffers).
    for (let i = 0; i < 2; i++) assert.equal(await drain(`${baseUrl}/v1/videos/size_64m_${i}/content`), 64 * MiB);
    const afterSmall = peakRss(pid);
    assert.equal(await drain(`${baseUrl}/v1/videos/size_1g/content`), 1024 * MiB);
    const afterLarge = peakRss(pid);
    const growth = afterLarge - afterSmall;
    assert.ok(growth < 8 * MiB, `peak RSS grew by ${(growth / MiB).toFixed(1)} MiB (64 MiB: ${(afterSmall / MiB).toFixed(1)} MiB)`);
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});
