import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { run } from '../../src/cli.js';
import { startMockServer } from '../../src/mock/index.js';
import { fileSha256, removeTempDirs, tempDir } from '../helpers/download-sim.js';
import { createMemoryIO } from '../helpers/memory-io.js';

async function downloadVariant(profile: 'openai' | 'ezmodel' | 'ideal', id: string, variant: string) {
  const server = await startMockServer({ profile });
  const dir = await tempDir();
  const memory = createMemoryIO();
  try {
    const code = await run(['download', id, '--variant', variant, '--dir', dir, '--json', '--progress', 'line', '--api-key', 'sk-variant-1', '--base-url', server.baseUrl], memory.io);
    return { code, dir, stdout: memory.stdout.text(), stderr: memory.stderr.text(), expected: await server.payloadOf(id, variant as 'thumbnail').sha256() };
  } finally {
    await server.close();
  }
}

describe('download --variant', () => {
  after(removeTempDirs);

  it('a server that honours it: <id>.webp, checked as WebP', async () => {
    const result = await downloadVariant('openai', 'video_vid_thumb', 'thumbnail');
    assert.equal(result.code, 0, result.stderr);
    const line = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.deepEqual([line['contentType'], line['verified']], ['image/webp', 'ok']);
    assert.equal(line['path'], join(result.dir, 'video_vid_thumb.webp'));
    assert.equal(await fileSha256(join(result.dir, 'video_vid_thumb.webp')), result.expected);
    assert.ok(!result.stderr.includes('warning'));
  });

  it('spritesheet: <id>.jpg, checked as JPEG', async () => {
    const result = await downloadVariant('ideal', 'vid_sprites', 'spritesheet');
    assert.equal(result.code, 0, result.stderr);
    const line = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.deepEqual([line['contentType'], line['verified'], line['path']], ['image/jpeg', 'ok', join(result.dir, 'vid_sprites.jpg')]);
  });

  it('a gateway that ignores it: a warning, and the file named for what really came', async () => {
    const result = await downloadVariant('ezmodel', 'vid_ignored', 'thumbnail');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /warning: vid_ignored: asked for the thumbnail but the server sent video\/mp4/);
    assert.ok(existsSync(join(result.dir, 'vid_ignored.mp4')), 'named .mp4, not .webp');
    assert.ok(!existsSync(join(result.dir, 'vid_ignored.webp')));
    // The name announced is the one that lands.
    assert.match(result.stderr, /vid_ignored: downloading to \S+vid_ignored\.mp4 /);
    assert.doesNotMatch(result.stderr, /\.webp/);
  });
});
