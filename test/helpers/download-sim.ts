import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VideoApiClient } from '../../src/api/client.js';
import type { Timeouts } from '../../src/api/transport.js';
import type { EngineEvent } from '../../src/core/events.js';
import type { RetryPolicy } from '../../src/core/retry-policy.js';
import type { MockServer, ProfileName, RecordedRequest } from '../../src/mock/index.js';

/** Every profile the engine must cope with, for tests that repeat per server. */
export const allProfiles: readonly ProfileName[] = ['ideal', 'openai', 'ezmodel', 'newapi'];

/** The key the simulators in these tests accept. */
export const testKey = 'sk-download-test-0123456789';

/** Backoff in milliseconds rather than seconds, so that retries cost the suite nothing. */
export const fastRetry: RetryPolicy = { retries: 6, baseDelayMs: 2, maxDelayMs: 20, maxRetryAfterMs: 10_000 };

export function clientFor(server: MockServer, timeouts: Partial<Timeouts> = {}): VideoApiClient {
  return new VideoApiClient({ baseUrl: server.baseUrl, apiKey: testKey, timeouts: { headersMs: 5_000, bodyIdleMs: 5_000, ...timeouts } });
}

const madeDirs: string[] = [];

/** A fresh folder under the system's temporary one; `removeTempDirs` deletes them all. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ezvideo-dl-'));
  madeDirs.push(dir);
  return dir;
}

/** For a file's top-level `after`: the downloads of a run add up to a few hundred MiB. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(madeDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

export function bytesSha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The finished file is exactly what the simulator serves for this task now. */
export async function servedSha256(server: MockServer, id: string): Promise<string> {
  return server.payloadOf(id).sha256();
}

/** GETs of one task's content on the main origin, in order of arrival. */
export function contentRequests(server: MockServer, id: string): RecordedRequest[] {
  return server.requests.filter((request) => request.taskId === id && request.path.endsWith('/content'));
}

/** The first byte a request asked for with `Range: bytes=N-`, or 0 without a Range. */
export function rangeStart(request: RecordedRequest): number {
  const match = /^bytes=(\d+)-/.exec(request.range ?? '');
  return match?.[1] === undefined ? 0 : Number(match[1]);
}

/**
 * Whether a request resumed after a cut at byte `cutAt` asked for the rest from what had arrived:
 * from `cutAt` itself, or a little before it on a loaded machine, where bytes that had left the
 * server but not yet reached the engine are lost with the connection (the kernel drops them on a
 * reset, and the body stream's error discards what it held). Never from 0, never past the cut.
 */
export function resumedWithin(request: RecordedRequest | undefined, cutAt: number): boolean {
  const start = request === undefined ? 0 : rangeStart(request);
  return /^bytes=\d+-/.test(request?.range ?? '') && start > 0 && start <= cutAt;
}

/** Files left in a folder, to prove that nothing but the finished file (or nothing) remains. */
export function filesIn(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** The sidecar files of an output path: part, state, lock. */
export function sidecars(path: string): { part: string; state: string; lock: string } {
  return { part: `${path}.part`, state: `${path}.part.json`, lock: `${path}.part.lock` };
}

export function sizeOf(path: string): number {
  return existsSync(path) ? statSync(path).size : -1;
}

export async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8')) as unknown;
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Collects engine events, for tests that look at warnings and retries. */
export function eventLog(): { events: EngineEvent[]; sink: (event: EngineEvent) => void; ofType: <T extends EngineEvent['type']>(type: T) => Extract<EngineEvent, { type: T }>[] } {
  const events: EngineEvent[] = [];
  return {
    events,
    sink: (event) => events.push(event),
    ofType: <T extends EngineEvent['type']>(type: T) => events.filter((event): event is Extract<EngineEvent, { type: T }> => event.type === type),
  };
}

/** Polls until `condition` holds or the time is up; returns whether it held. */
export async function waitUntil(condition: () => boolean, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return true;
}
