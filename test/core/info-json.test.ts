import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseVideo } from '../../src/api/parse-video.js';
import type { DownloadResult } from '../../src/core/events.js';
import { infoJsonOf, writeInfoJson } from '../../src/core/info-json.js';
import { removeTempDirs, tempDir } from '../helpers/download-sim.js';

const key = 'sk-info-json-secret-1234';

describe('--write-info-json records', () => {
  after(removeTempDirs);

  it('keep the task as sent, minus credential fields, link queries and the API key wherever it is echoed', async () => {
    const dir = await tempDir();
    const raw = {
      id: 'vid_1',
      status: 'completed',
      model: 'sora-2',
      vendor_field: { kept: true, note: `made with key ${key}` },
      download_token: 'tok-1',
      'x-api-key': 'k-2',
      sas: 'sv=1&sig=2',
      metadata: { url: 'https://user:pass@cdn.example/f/vid_1.mp4?X-Amz-Signature=abc&variant=video', links: ['https://a.example/x?sig=1'] },
    };
    const result: DownloadResult = { id: 'vid_1', path: join(dir, 'vid_1.mp4'), bytes: 3, contentType: 'video/mp4', sha256: 'ab', attempts: 1, resumed: false, source: 'direct', url: 'https://cdn.example/f/vid_1.mp4', skipped: false, elapsedMs: 5, verified: 'ok' };
    const path = await writeInfoJson(infoJsonOf(result, 'video', parseVideo(raw, 'vid_1'), Date.UTC(2026, 11, 2), [key]));
    const text = await readFile(path, 'utf8');
    const info = JSON.parse(text) as { task: Record<string, unknown>; download: Record<string, unknown> };
    assert.equal(path, `${result.path}.info.json`);
    assert.ok(!text.includes(key) && !text.includes('tok-1') && !text.includes('k-2') && !text.includes('sig') && !text.includes('pass'), text);
    assert.deepEqual(info.task['vendor_field'], { kept: true, note: 'made with key [redacted]' });
    assert.deepEqual(info.task['metadata'], { url: 'https://cdn.example/f/vid_1.mp4?variant=video', links: ['https://a.example/x'] });
    assert.deepEqual([info.download['startedAt'], info.download['finishedAt']], ['2026-12-01T23:59:59.995Z', '2026-12-02T00:00:00.000Z']);
    assert.deepEqual(await readdir(dir), ['vid_1.mp4.info.json'], 'no temporary file left');
  });
});
