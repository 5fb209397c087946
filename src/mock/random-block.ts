/**
 * The source of every synthetic byte: one pseudo-random block of 1 MiB, stored twice in a
 * row. Block k of a payload is the 1 MiB window that starts at a k-dependent rotation, so
 * serving is a zero-copy `subarray` (the server must push more than 1 GB/s for the benchmark)
 * while no two blocks of a payload are alike (a download that splices a block at the wrong
 * offset cannot come out right by chance).
 */
import { mulberry32 } from './prng.js';

const BLOCK_SIZE = 1 << 20;
const BLOCK_MASK = BLOCK_SIZE - 1;
/** Odd, so `k * ROTATION_STEP mod 2^20` visits every rotation once per 2^20 blocks (1 TiB). */
const ROTATION_STEP = 0x9e3779b1;

const blocks = new Map<number, Buffer>();

function doubledBlock(seed: number): Buffer {
  let doubled = blocks.get(seed);
  if (doubled) return doubled;
  doubled = Buffer.allocUnsafe(2 * BLOCK_SIZE);
  const next = mulberry32(seed);
  for (let i = 0; i < BLOCK_SIZE; i += 4) doubled.writeUInt32LE(Math.floor(next() * 4294967296), i);
  doubled.copy(doubled, BLOCK_SIZE, 0, BLOCK_SIZE);
  blocks.set(seed, doubled);
  return doubled;
}

/**
 * Yields the bytes at [offset, offset + length) of the endless pseudo-random stream named by
 * (seed, base), as views into the shared block, at most one block per chunk.
 */
export function* randomBytes(seed: number, base: number, offset: number, length: number): Generator<Buffer> {
  const doubled = doubledBlock(seed);
  let position = offset;
  const end = offset + length;
  while (position < end) {
    const blockIndex = Math.floor(position / BLOCK_SIZE);
    const within = position - blockIndex * BLOCK_SIZE;
    const rotation = (Math.imul(blockIndex, ROTATION_STEP) + base) & BLOCK_MASK;
    const take = Math.min(BLOCK_SIZE - within, end - position);
    yield doubled.subarray(rotation + within, rotation + within + take);
    position += take;
  }
}
