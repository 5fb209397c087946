import { InvalidArgumentError } from 'commander';

/**
 * Flag value parsers for commander. They throw InvalidArgumentError, which commander reports as
 * a usage error (exit 2) naming the flag.
 */

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `30s`, `2m`, `1h`, `1m30s`, or a bare number of seconds; returns milliseconds. */
export function parseDuration(value: string): number {
  const text = value.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) {
    throw new InvalidArgumentError('Expected a duration such as 500ms, 30s, 2m or 1h.');
  }
  return Math.round(parts.reduce((total, part) => total + Number(part[1]) * (durationUnits[part[2] ?? 's'] ?? 0), 0));
}

export function parsePositiveDuration(value: string): number {
  const ms = parseDuration(value);
  if (ms <= 0) throw new InvalidArgumentError('Expected a duration greater than zero.');
  return ms;
}

function parseInteger(value: string, min: number, max: number): number {
  if (!/^\s*\d+\s*$/.test(value)) throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
  const number = Number(value);
  if (number < min || number > max) throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
  return number;
}

export const parseCount = (max: number) => (value: string) => parseInteger(value, 0, max);
export const parsePositiveCount = (max: number) => (value: string) => parseInteger(value, 1, max);

export function parseChoice<T extends string>(choices: readonly T[]) {
  return (value: string): T => {
    if ((choices as readonly string[]).includes(value)) return value as T;
    throw new InvalidArgumentError(`Expected one of: ${choices.join(', ')}.`);
  };
}

export function parseHttpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('Expected an http(s) URL such as https://www.ezmodel.cloud');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError('Expected an http(s) URL such as https://www.ezmodel.cloud');
  }
  return value;
}

/** Fields with flags of their own: a `--param` for one of them would be sent twice. */
const namedCreateFields = new Set(['prompt', 'model', 'seconds', 'size', 'input_reference']);

/**
 * `--param key=value`, repeatable, gathered into one object: the value as JSON where it is
 * JSON (`n=2`, `loop=true`, `metadata={"a":1}`), else as the text given.
 */
export function parseParam(value: string, previous: Record<string, unknown> | undefined): Record<string, unknown> {
  const at = value.indexOf('=');
  const key = at < 0 ? '' : value.slice(0, at).trim();
  if (key === '') throw new InvalidArgumentError('Expected key=value, e.g. --param negative_prompt=blurry.');
  if (namedCreateFields.has(key)) throw new InvalidArgumentError(`${key} has its own flag: use --${key.replace('_', '-')}.`);
  const text = value.slice(at + 1);
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Plain text, as given.
  }
  return { ...previous, [key]: parsed };
}
