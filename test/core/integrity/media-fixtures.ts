/**
 * Builders for small media files, byte by byte, so each test states the exact layout it checks.
 */
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A top-level ISO-BMFF box with a 32-bit size. `payload` is bytes or a length of zeros. */
export function box(type: string, payload: Buffer | number = 0): Buffer {
  const body = typeof payload === 'number' ? Buffer.alloc(payload) : payload;
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
}

export function ftyp(majorBrand = 'isom'): Buffer {
  return box('ftyp', Buffer.from(`${majorBrand}\0\0\0\0isomiso2mp41`, 'latin1'));
}

/** A `moov` with a small `mvhd`-shaped child, enough to be told apart from other boxes. */
export function moov(): Buffer {
  return box('moov', box('mvhd', 100));
}

/** ftyp + mdat(mdatPayload) + moov: the layout of a whole MP4 whose header was written last. */
export function mp4(mdatPayload = 1000): Buffer {
  return Buffer.concat([ftyp(), box('mdat', mdatPayload), moov()]);
}

/** A box header with size 1 and a 64-bit `largesize` (header included). */
export function largeBoxHeader(type: string, largeSize: bigint): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(1, 0);
  header.write(type, 4, 'latin1');
  header.writeBigUInt64BE(largeSize, 8);
  return header;
}

/** A WebP: RIFF header whose size field says `declaredPayload`, then `actualPayload` bytes. */
export function webp(actualPayload = 100, declaredPayload = actualPayload): Buffer {
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(4 + declaredPayload, 4);
  header.write('WEBP', 8, 'latin1');
  return Buffer.concat([header, Buffer.alloc(actualPayload)]);
}

/** SOI, an APP0-like segment of filler, then EOI. */
export function jpeg(fill = 200): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(fill, 0x11), Buffer.from([0xff, 0xd9])]);
}

/** A temporary directory removed by `cleanup`. */
export async function tempDir(): Promise<{ dir: string; file: (name: string, data: Buffer) => Promise<string>; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'ezvideo-integrity-'));
  return {
    dir,
    file: async (name, data) => {
      const path = join(dir, name);
      await writeFile(path, data);
      return path;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Writes `parts` at their offsets and sets the file's length to `size`: the gaps are holes, so a
 * file of gigabytes costs only the pages actually written.
 */
export async function writeSparse(path: string, size: number, parts: Array<[offset: number, data: Buffer]>): Promise<void> {
  const handle = await open(path, 'w');
  try {
    for (const [offset, data] of parts) await handle.write(data, 0, data.length, offset);
    await handle.truncate(size);
  } finally {
    await handle.close();
  }
}
