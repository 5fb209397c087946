/**
 * Appends one entry with a long path to an archive and prints how it went as JSON: `{"ok":true}`,
 * or the error's exit code, message and hint. Run under `ulimit -f` by test/core/archive.test.ts,
 * so that the write is cut short as on a full disk, which no test can arrange in-process.
 *
 * Arguments: <archive> <id>
 */
import { DownloadArchive } from '../../src/core/archive.js';
import { EzvideoError } from '../../src/errors.js';

const [path = '', id = ''] = process.argv.slice(2);
const archive = await DownloadArchive.open(path);
try {
  await archive.append({ id, variant: 'video', path: `/videos/${'x'.repeat(1300)}/${id}.mp4`, bytes: 1, sha256: undefined, time: new Date().toISOString() });
  process.stdout.write(`${JSON.stringify({ ok: true, has: archive.has(id, 'video') })}\n`);
} catch (error) {
  if (!(error instanceof EzvideoError)) throw error;
  process.stdout.write(`${JSON.stringify({ ok: false, has: archive.has(id, 'video'), exitCode: error.exitCode, message: error.message, hint: error.hint })}\n`);
} finally {
  await archive.close();
}
