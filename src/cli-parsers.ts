import { InvalidArgumentError } from 'commander';
import { defaultBaseUrl, parseBaseUrl } from './api/base-url.js';
import { usageError } from './errors.js';
import { parseByteSize } from './mock/byte-size.js';

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

/** A whole number from `min` to `max` (no bound above by default). */
export const parseWholeNumber =
  (min: number, max = Number.MAX_SAFE_INTEGER) =>
  (value: string): number => {
    const number = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!(number >= min && number <= max)) {
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `Expected a whole number of at least ${min}.` : `Expected a whole number from ${min} to ${max}.`);
    }
    return number;
  };

export const parseCount = (max: number) => parseWholeNumber(0, max);
export const parsePositiveCount = (max: number) => parseWholeNumber(1, max);

/**
 * `1000`, `64k`, `10m`, `1g`, also with a fraction and an `iB` (`1.5MiB`, `500KiB`): binary
 * multiples, as curl's `--limit-rate` and the simulator's sizes; a fraction is rounded to a byte.
 */
export function parseByteCount(value: string): number {
  const text = value.trim();
  const match = /^(\d+(?:\.\d+)?)([kmg])(?:ib)?$/i.exec(text);
  const bytes = match === null ? parseByteSize(text) : Math.round(Number(match[1]) * (parseByteSize(`1${match[2] ?? ''}`) ?? Number.NaN));
  if (bytes === undefined || !Number.isSafeInteger(bytes)) throw new InvalidArgumentError('Expected a byte count such as 1000, 64k, 1.5MiB or 1g.');
  return bytes;
}

/** A byte count greater than zero (`--limit-rate`). */
export function parsePositiveByteCount(value: string): number {
  const bytes = parseByteCount(value);
  if (bytes <= 0) throw new InvalidArgumentError('Expected a byte count greater than zero, such as 500k or 2M.');
  return bytes;
}

/** One of `allowed`, for values commander cannot check with Option.choices (a part of a compound value). */
export const parseOneOf =
  <T extends string>(allowed: readonly T[]) =>
  (value: string): T => {
    const found = allowed.find((choice) => choice === value);
    if (found === undefined) throw new InvalidArgumentError(`Allowed choices are ${allowed.join(', ')}.`);
    return found;
  };

/**
 * `--variant video,thumbnail` or `all`: the files of a task, each once, in the order
 * video, thumbnail, spritesheet whatever the order given.
 */
export const parseVariantList =
  <T extends string>(all: readonly T[]) =>
  (value: string): T[] => {
    if (value.trim() === 'all') return [...all];
    const given = value.split(',').map((part) => parseOneOf(all)(part.trim()));
    return all.filter((variant) => given.includes(variant));
  };

/**
 * A value parsed after commander, by the command itself (`ezvideo mock` splits compound values
 * such as `--fail-first 2:503:5` into parts): the parser's complaint as a usage error naming the flag.
 */
export function parseFlagValue<T>(flag: string, text: string, parse: (value: string) => T): T {
  try {
    return parse(text);
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    throw usageError(`${flag} "${text}" is invalid. ${error.message}`);
  }
}

/** `--base-url`: checked as every base URL is (api/base-url.ts), reported by commander naming the flag. */
export function parseHttpUrl(value: string): string {
  try {
    parseBaseUrl(value);
  } catch {
    throw new InvalidArgumentError(`Expected an http(s) URL such as ${defaultBaseUrl}.`);
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
