/**
 * `ezvideo mock`: runs the local video API simulator until interrupted, so that scripts can be
 * tried against every server dialect and every failure without spending money.
 */
import { usageError } from '../errors.js';
import { parseByteCount, parseDuration, parseFlagValue, parseOneOf, parseWholeNumber } from '../cli-parsers.js';
import { ARTIFACT_ERROR_KINDS, PROFILE_NAMES, REDIRECT_TARGETS, startMockServer } from '../mock/index.js';
import type { Faults, MockServer, ProfileName, RecordedRequest } from '../mock/index.js';
import type { CommandIO } from './io.js';
import { DEFAULT_GENERATION_SECONDS, DEFAULT_MOCK_PORT } from './mock-flags.js';

/** The flags as commander hands them over: values are still the strings that were typed. */
export interface MockCommandOptions {
  port?: string;
  host?: string;
  profile?: string;
  key?: string;
  generationTime?: string;
  transferLimit?: string;
  seed?: string;
  json?: boolean;
  verbose?: boolean;
  failFirst?: string;
  failOn?: string;
  retryAfterFormat?: string;
  resetAfter?: string;
  resetSeed?: string;
  stall?: string;
  shortBody?: string;
  chunkedCut?: string;
  throttle?: string;
  ignoreRange?: boolean;
  etagChanges?: boolean;
  redirect?: boolean | string;
  brokenStructure?: boolean;
  contentLag?: string;
  redirectCdn?: boolean;
  linkExpiry?: string;
  artifactError?: string;
  createTimeout?: boolean | string;
  createReset?: boolean | string;
  failGeneration?: boolean | string;
  createLatency?: string;
  honourIdempotencyKey?: boolean;
}

export async function runMock(options: MockCommandOptions, io: CommandIO): Promise<number> {
  const profile = parseProfile(options.profile);
  const port = options.port === undefined ? DEFAULT_MOCK_PORT : integer('--port', options.port, 0, 65535);
  const host = options.host ?? '127.0.0.1';
  const generationTimeMs =
    options.generationTime === undefined ? DEFAULT_GENERATION_SECONDS * 1000 : duration('--generation-time', options.generationTime);
  const faults = parseFaults(options);
  let server: MockServer;
  try {
    server = await startMockServer({
      port,
      host,
      profile,
      generationTimeMs,
      faults,
      recordRequests: false,
      honourIdempotencyKey: options.honourIdempotencyKey === true,
      ...(options.key === undefined ? {} : { key: options.key }),
      ...(options.seed === undefined ? {} : { seed: integer('--seed', options.seed, 0, 2 ** 32 - 1) }),
      ...(options.transferLimit === undefined
        ? {}
        : { transferLimitMs: duration('--transfer-limit', options.transferLimit) }),
      ...(options.verbose ? { onRequest: (request: RecordedRequest) => io.stderr.write(describe(request)) } : {}),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw usageError(`port ${port} is already in use`, 'choose another with --port, or --port 0 for any free port');
    if (code === 'EADDRNOTAVAIL') throw usageError(`cannot listen on ${host}`, 'use an address of this machine, e.g. 127.0.0.1');
    throw error;
  }

  if (options.json) {
    io.stdout.write(`${JSON.stringify({ baseUrl: server.baseUrl, port: server.port, profile })}\n`);
  } else {
    io.stdout.write(`ezvideo mock: ${profile} profile listening on ${server.baseUrl}\n`);
    io.stderr.write(
      `Try: EZVIDEO_BASE_URL=${server.baseUrl} EZVIDEO_API_KEY=${options.key === undefined ? 'any-key' : '<your --key>'} ` +
        'ezvideo wait --then-download vid_demo\n' +
        'Seeded ids: vid_<x> size_<n>[k|m|g]_<x> fail_<x> cancel_<x> expired_<x> never_<x> broken_<x>. Ctrl-C stops.\n',
    );
  }

  await new Promise<void>((resolve) => {
    if (io.signal.aborted) return resolve();
    io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  return 0;
}

function describe(request: RecordedRequest): string {
  const range = request.range === undefined ? '' : ` range=${request.range}`;
  const cut = request.cut === undefined ? '' : ` cut=${request.cut}`;
  const ms = (request.endedAt ?? Date.now()) - request.startedAt;
  const origin = request.origin === 'second' ? ' (second origin)' : '';
  return `mock: ${request.method} ${request.path}${origin}${range} -> ${request.status} ${request.bodyBytes} B ${ms} ms${cut}\n`;
}

function parseProfile(value: string | undefined): ProfileName {
  return value === undefined ? 'ideal' : oneOf('--profile', value, PROFILE_NAMES);
}

function parseFaults(options: MockCommandOptions): Faults {
  const faults: Faults = {};
  if (options.failFirst !== undefined) {
    const [count, status, retryAfter, extra] = options.failFirst.split(':');
    if (count === undefined || status === undefined || extra !== undefined) {
      throw usageError(`--fail-first "${options.failFirst}" is not <k:status[:secs]>`, 'e.g. --fail-first 2:503:5');
    }
    const on = oneOf('--fail-on', options.failOn ?? 'content', ['content', 'status', 'create', 'any'] as const);
    const format = oneOf('--retry-after-format', options.retryAfterFormat ?? 'seconds', ['seconds', 'http-date', 'ms'] as const);
    faults.failFirst = { count: integer('--fail-first count', count, 1), status: integer('--fail-first status', status, 400, 599), on };
    if (retryAfter !== undefined) {
      const delayMs = duration('--fail-first retry-after', retryAfter);
      if (format === 'ms') {
        faults.failFirst.retryAfterMs = delayMs;
      } else {
        faults.failFirst.retryAfterSeconds = Math.ceil(delayMs / 1000);
        faults.failFirst.retryAfterFormat = format;
      }
    }
  }
  if (options.resetAfter !== undefined) {
    const [bytes, times] = withTimes('--reset-after', options.resetAfter);
    faults.reset = { afterBytes: byteCount('--reset-after', bytes), ...times };
  }
  if (options.resetSeed !== undefined) {
    const [seed, times] = withTimes('--reset-seed', options.resetSeed);
    faults.reset = { ...faults.reset, seed: integer('--reset-seed', seed, 0, 2 ** 32 - 1), ...times };
  }
  if (options.stall !== undefined) {
    const [time, after, extra] = options.stall.split(':');
    if (time === undefined || extra !== undefined) throw usageError(`--stall "${options.stall}" is not <dur[:bytes]>`, 'e.g. --stall 5s or --stall 5s:100000');
    faults.stall = { seconds: duration('--stall', time) / 1000, ...(after === undefined ? {} : { afterBytes: byteCount('--stall', after) }) };
  }
  if (options.shortBody !== undefined) {
    const [bytes, times] = withTimes('--short-body', options.shortBody);
    faults.shortBody = { missingBytes: byteCount('--short-body', bytes), ...times };
  }
  if (options.chunkedCut !== undefined) {
    const [bytes, times] = withTimes('--chunked-cut', options.chunkedCut);
    faults.chunkedCut = { atByte: byteCount('--chunked-cut', bytes), ...times };
  }
  if (options.throttle !== undefined) {
    const rate = byteCount('--throttle', options.throttle);
    if (rate === 0) throw usageError('--throttle must be more than 0 bytes per second');
    faults.throttle = rate;
  }
  if (options.ignoreRange) faults.ignoreRange = true;
  if (options.etagChanges) faults.etagChanges = true;
  if (options.brokenStructure) faults.brokenStructure = true;
  if (options.redirect !== undefined && options.redirect !== false) {
    faults.redirect =
      options.redirect === true ? 'second-origin' : oneOf('--redirect', options.redirect, REDIRECT_TARGETS);
  }
  if (options.contentLag !== undefined) faults.contentLagMs = duration('--content-lag', options.contentLag);
  if (options.redirectCdn) faults.redirectCdn = true;
  if (options.linkExpiry !== undefined) faults.linkExpiryMs = duration('--link-expiry', options.linkExpiry);
  if (options.artifactError !== undefined) {
    const [kind, times] = withTimes('--artifact-error', options.artifactError);
    faults.artifactError = { kind: oneOf('--artifact-error', kind, ARTIFACT_ERROR_KINDS), ...times };
  }
  const createTimes = (flag: string, value: boolean | string | undefined) =>
    value === undefined || value === false ? undefined : value === true ? {} : { times: integer(`${flag} k`, value, 1) };
  const createTimeout = createTimes('--create-timeout', options.createTimeout);
  if (createTimeout) faults.createTimeout = createTimeout;
  const createReset = createTimes('--create-reset', options.createReset);
  if (createReset) faults.createReset = createReset;
  const failGeneration = createTimes('--fail-generation', options.failGeneration);
  if (failGeneration) faults.failGeneration = failGeneration;
  if (options.createLatency !== undefined) faults.createLatencyMs = duration('--create-latency', options.createLatency);
  return faults;
}

/** Splits `<value>[:<k>]`, the form of faults that may hit only the first k responses. */
function withTimes(flag: string, text: string): [string, { times?: number }] {
  const [value, times, extra] = text.split(':');
  if (value === undefined || value === '' || extra !== undefined) throw usageError(`${flag} "${text}" is not <value>[:<k>]`);
  return [value, times === undefined ? {} : { times: integer(`${flag} k`, times, 1) }];
}

const integer = (flag: string, text: string, min: number, max?: number): number => parseFlagValue(flag, text, parseWholeNumber(min, max));
const duration = (flag: string, text: string): number => parseFlagValue(flag, text, parseDuration);
const byteCount = (flag: string, text: string): number => parseFlagValue(flag, text, parseByteCount);
const oneOf = <T extends string>(flag: string, text: string, allowed: readonly T[]): T => parseFlagValue(flag, text, parseOneOf(allowed));
