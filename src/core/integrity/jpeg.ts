import type { PositionalReader } from './positional-reader.js';
import { failed, passed, type Verdict } from './positional-reader.js';

/**
 * A JPEG starts with the start-of-image marker (FF D8) and ends with the end-of-image marker
 * (FF D9). The entropy-coded data in between has no length field, so the last two bytes are the
 * only cheap witness that the whole image arrived. Strict on purpose: a few cameras pad after
 * EOI, but the images these APIs generate do not, and a cut transfer looks exactly like that.
 */
export async function checkJpeg(reader: PositionalReader): Promise<Verdict> {
  const fileSize = reader.size;
  if (fileSize < 4) return failed(`the file has ${fileSize} bytes, too few for a JPEG image (truncated)`);
  const start = await reader.read(0, 2);
  if (start[0] !== 0xff || start[1] !== 0xd8) {
    return failed('the file does not start with the JPEG start-of-image marker (FF D8): not a JPEG file');
  }
  const end = await reader.read(fileSize - 2, 2);
  if (end[0] !== 0xff || end[1] !== 0xd9) {
    return failed(
      `the file does not end with the JPEG end-of-image marker (FF D9; last bytes ${end.toString('hex')}): truncated`,
    );
  }
  return passed;
}
