import type { PositionalReader } from './positional-reader.js';
import { failed, passed, type Verdict } from './positional-reader.js';

/**
 * A WebP file is one RIFF chunk: `RIFF`, a little-endian 32-bit size of what follows the first
 * 8 bytes, then `WEBP`. The size was written by the encoder, so a file of any other length was
 * cut short (or had bytes appended) on the way.
 */
export async function checkWebp(reader: PositionalReader): Promise<Verdict> {
  const fileSize = reader.size;
  if (fileSize < 12) {
    return failed(`the file has ${fileSize} bytes, fewer than the 12-byte RIFF/WebP header (truncated)`);
  }
  const header = await reader.read(0, 12);
  if (header.toString('latin1', 0, 4) !== 'RIFF') return failed(`the file does not start with 'RIFF': not a WebP file`);
  if (header.toString('latin1', 8, 12) !== 'WEBP') return failed(`the RIFF form type is not 'WEBP': not a WebP file`);
  const declared = header.readUInt32LE(4) + 8;
  if (declared > fileSize) {
    return failed(`the RIFF header declares ${declared} bytes but the file has ${fileSize} (truncated)`);
  }
  if (declared < fileSize) {
    return failed(
      `the RIFF header declares ${declared} bytes but the file has ${fileSize}: ` +
        `${fileSize - declared} unexpected bytes after the image`,
    );
  }
  return passed;
}
