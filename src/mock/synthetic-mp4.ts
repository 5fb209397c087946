/**
 * Synthetic payloads of any size that are structurally valid ISO-BMFF files: an `ftyp` box,
 * an `mdat` box holding deterministic pseudo-random bytes, and a `moov` box at the end, whose
 * sizes cover the file exactly (so an integrity check that walks the boxes passes for a
 * correct download and fails for a truncated or spliced one). Only the small head and tail
 * are real buffers; the mdat body comes from the shared random block.
 */
import type { PayloadSource } from './payload.js';
import { randomBytes } from './random-block.js';

const FTYP = ftypBox();
const MOOV = moovBox();
const MDAT_HEADER = 8;
const MDAT_LARGE_HEADER = 16;
const MAX_32_BIT_BOX = 0xffffffff;

/** Below this a file cannot hold the three boxes; such payloads are plain random bytes. */
export const MIN_STRUCTURED_SIZE = FTYP.length + MDAT_HEADER + MOOV.length;

export interface SyntheticOptions {
  size: number;
  seed: number;
  /** Picks this payload's stream out of the shared random block (distinct per id and version). */
  base: number;
  /**
   * The right length but a wrong structure: the mdat claims 8 bytes less than it holds, so a
   * box walker lands inside the random data instead of on `moov`.
   */
  broken: boolean;
  contentType: string;
  etag: string;
  lastModified: Date;
}

export function syntheticMp4(options: SyntheticOptions): PayloadSource {
  const { size, seed, base } = options;
  if (size < MIN_STRUCTURED_SIZE) {
    return { ...meta(options), chunks: (start, end) => randomBytes(seed, base, start, Math.max(0, end - start + 1)) };
  }
  const mdatSize = size - FTYP.length - MOOV.length;
  const head = Buffer.concat([FTYP, mdatHeader(options.broken ? mdatSize - 8 : mdatSize, mdatSize > MAX_32_BIT_BOX)]);
  const dataEnd = size - MOOV.length;
  return {
    ...meta(options),
    *chunks(start, endInclusive) {
      const end = endInclusive + 1;
      if (end <= start) return;
      if (start < head.length) yield head.subarray(start, Math.min(end, head.length));
      const dataFrom = Math.max(start, head.length);
      const dataTo = Math.min(end, dataEnd);
      if (dataTo > dataFrom) yield* randomBytes(seed, base, dataFrom - head.length, dataTo - dataFrom);
      if (end > dataEnd) yield MOOV.subarray(Math.max(start, dataEnd) - dataEnd, end - dataEnd);
    },
  };
}

function meta(options: SyntheticOptions) {
  return { size: options.size, contentType: options.contentType, etag: options.etag, lastModified: options.lastModified };
}

function ftypBox(): Buffer {
  const box = Buffer.alloc(24);
  box.writeUInt32BE(24, 0);
  box.write('ftypisom', 4, 'latin1');
  box.writeUInt32BE(0x200, 12);
  box.write('isommp41', 16, 'latin1');
  return box;
}

function mdatHeader(boxSize: number, large: boolean): Buffer {
  if (!large) {
    const header = Buffer.alloc(MDAT_HEADER);
    header.writeUInt32BE(boxSize, 0);
    header.write('mdat', 4, 'latin1');
    return header;
  }
  // size 1 means "the real size follows as a 64-bit largesize".
  const header = Buffer.alloc(MDAT_LARGE_HEADER);
  header.writeUInt32BE(1, 0);
  header.write('mdat', 4, 'latin1');
  header.writeBigUInt64BE(BigInt(boxSize), 8);
  return header;
}

/** A moov holding only an mvhd (version 0): the smallest movie header players accept as such. */
function moovBox(): Buffer {
  const mvhdSize = 108;
  const box = Buffer.alloc(8 + mvhdSize);
  box.writeUInt32BE(box.length, 0);
  box.write('moov', 4, 'latin1');
  const mvhd = box.subarray(8);
  mvhd.writeUInt32BE(mvhdSize, 0);
  mvhd.write('mvhd', 4, 'latin1');
  // version/flags, creation and modification times stay 0.
  mvhd.writeUInt32BE(1000, 20); // timescale: milliseconds
  mvhd.writeUInt32BE(8000, 24); // duration: 8 s
  mvhd.writeUInt32BE(0x00010000, 28); // rate 1.0
  mvhd.writeUInt16BE(0x0100, 32); // volume 1.0
  const identity = [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000];
  identity.forEach((value, i) => mvhd.writeUInt32BE(value, 44 + 4 * i));
  mvhd.writeUInt32BE(2, 104); // next_track_ID
  return box;
}
