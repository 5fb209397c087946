/**
 * Byte counts as people type them: `512`, `64k`, `10m`, `1g` (binary multiples, so `1g` is
 * 1 GiB). Shared by the seeded ids (`size_10m`) and the command-line fault flags.
 */
const multipliers: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

const pattern = /^(\d+)([kmg]?)$/i;

/** The number of bytes, or undefined when `text` is not a byte count. */
export function parseByteSize(text: string): number | undefined {
  const match = pattern.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]) * (multipliers[(match[2] ?? '').toLowerCase()] ?? 1);
  return Number.isSafeInteger(value) ? value : undefined;
}
