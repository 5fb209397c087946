import type { PositionalReader } from './positional-reader.js';
import { failed, passed, type Verdict } from './positional-reader.js';

/**
 * The structure of an ISO base media file (MP4, MOV, 3GP, M4A, AVIF, HEIC): a sequence of
 * top-level boxes, each starting with a 32-bit size and a four-character type. A size of 1 means
 * a 64-bit `largesize` follows the type; a size of 0 means the box runs to the end of the file.
 *
 * A transfer cut short leaves a file that ends inside a box (its declared size runs past the
 * end) or one that stops cleanly between boxes before the movie header (`moov`, which encoders
 * often write last). Walking the headers catches both without reading any payload.
 */

/**
 * Above this many top-level boxes the file is not a plausible media file. A plain MP4 has a
 * handful; a fragmented one two per fragment (`moof` + `mdat`), so this still allows 50 000
 * fragments, while bounding the time spent on a hostile file made of millions of tiny boxes.
 */
export const MAX_TOP_LEVEL_BOXES = 100_000;

/**
 * Major brands of HEIF still images (AVIF, HEIC): they keep their header in a top-level `meta`
 * box instead of `moov`. Image sequences (`avis`, `msf1`, `hevc`) have a `moov` like a video.
 */
const STILL_IMAGE_BRANDS = new Set(['mif1', 'avif', 'heic', 'heix', 'heim', 'heis']);

export interface IsoBmffOptions {
  /**
   * Whether `ftyp` must be the first box. True for everything but QuickTime, whose files from
   * before the ISO standard start directly with `moov`, `mdat`, `wide` or `free`.
   */
  requireFtyp: boolean;
}

export async function checkIsoBmff(reader: PositionalReader, options: IsoBmffOptions): Promise<Verdict> {
  const fileSize = reader.size;
  if (fileSize === 0) return failed('the file is empty');

  const seen = new Set<string>();
  let majorBrand: string | undefined;
  let offset = 0;
  let count = 0;
  while (offset < fileSize) {
    if (count === MAX_TOP_LEVEL_BOXES) {
      return failed(
        `more than ${MAX_TOP_LEVEL_BOXES} top-level boxes before offset ${offset}: not a plausible media file`,
      );
    }
    const left = fileSize - offset;
    if (left < 8) {
      return failed(
        `the file ends ${left} byte${left === 1 ? '' : 's'} into a box header at offset ${offset} ` +
          `(a header needs 8): truncated, or trailing bytes after the last box`,
      );
    }
    const header = await reader.read(offset, 16);
    const bytes = header.subarray(0, 8).toString('hex');
    if (!isFourCC(header, 4)) {
      return failed(
        count === 0
          ? `the file does not start with a box header (bytes ${bytes}): not an MP4 file`
          : `no box header at offset ${offset} (bytes ${bytes}): ${left} bytes that are not a box follow the last box`,
      );
    }
    const type = header.toString('latin1', 4, 8);
    // Checked before the size, so a file that is not an MP4 at all (an HTML error page served
    // as video/mp4) is called that, not "truncated" because its first 4 bytes read as a size.
    if (count === 0 && type !== 'ftyp' && options.requireFtyp) {
      return failed(`the first box is '${type}', not 'ftyp': not the start of an MP4 file`);
    }
    if (count > 0 && type === 'ftyp') {
      return failed(`'ftyp' is box number ${count + 1} (at offset ${offset}), not the first box`);
    }
    const size32 = header.readUInt32BE(0);

    let boxSize: number;
    let declared: bigint;
    if (size32 === 1) {
      if (left < 16) {
        return failed(`the file ends inside the 64-bit header of the '${type}' box at offset ${offset}: truncated`);
      }
      const largeSize = header.readBigUInt64BE(8);
      if (largeSize < 16n) {
        return failed(
          `the '${type}' box at offset ${offset} declares a 64-bit size of ${largeSize} bytes, less than its 16-byte header`,
        );
      }
      declared = largeSize;
      // Sizes past 2^53 cannot fit any file on disk: comparing them as "too big" is exact enough.
      boxSize = largeSize > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(largeSize);
    } else if (size32 === 0) {
      // Size 0: the box runs to the end of the file, so it is the last and cannot be cut.
      boxSize = left;
      declared = BigInt(left);
    } else if (size32 < 8) {
      return failed(`the '${type}' box at offset ${offset} declares ${size32} bytes, less than its 8-byte header`);
    } else {
      boxSize = size32;
      declared = BigInt(size32);
    }
    if (boxSize > left) {
      return failed(
        `the file ends inside the '${type}' box at offset ${offset}: it declares ${declared} bytes ` +
          `but only ${left} remain (truncated)`,
      );
    }

    if (type === 'ftyp') {
      const headerSize = size32 === 1 ? 16 : 8;
      if (boxSize >= headerSize + 4) majorBrand = (await reader.read(offset + headerSize, 4)).toString('latin1');
    }
    seen.add(type);
    offset += boxSize;
    count += 1;
  }

  const required = majorBrand !== undefined && STILL_IMAGE_BRANDS.has(majorBrand) ? 'meta' : 'moov';
  if (!seen.has(required)) {
    return failed(
      `no '${required}' box: the ${required === 'moov' ? 'movie' : 'image'} header is missing ` +
        `(the file stops cleanly after ${describeBoxes(seen)}, so the transfer was probably cut short)`,
    );
  }
  return passed;
}

/** Box types are four printable ASCII characters at the top level; anything else is not a box. */
function isFourCC(buffer: Buffer, at: number): boolean {
  for (let i = at; i < at + 4; i += 1) {
    const byte = buffer[i];
    if (byte === undefined || byte < 0x20 || byte > 0x7e) return false;
  }
  return true;
}

function describeBoxes(seen: Set<string>): string {
  return [...seen].map((type) => `'${type}'`).join(', ');
}
