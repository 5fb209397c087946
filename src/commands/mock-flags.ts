/**
 * The flags of `ezvideo mock`, apart from the simulator itself so that building the command
 * line does not load the simulator for every command.
 */
export interface MockFlag {
  /** As commander's `.option()` takes it. */
  flags: string;
  description: string;
  defaultValue?: string;
}

export const DEFAULT_GENERATION_SECONDS = 10;
export const DEFAULT_MOCK_PORT = 8123;

/** Every flag of `ezvideo mock`, for the commander wiring and the README. */
export const MOCK_FLAGS: readonly MockFlag[] = [
  { flags: '--port <n>', description: 'port to listen on (0: any free port)', defaultValue: String(DEFAULT_MOCK_PORT) },
  { flags: '--host <address>', description: 'address to listen on', defaultValue: '127.0.0.1' },
  {
    flags: '--profile <name>',
    description: 'server to imitate: ideal, openai, ezmodel (classic gateway) or newapi (artifact-proxy gateway)',
    defaultValue: 'ideal',
  },
  { flags: '--key <key>', description: 'the only API key accepted (default: any non-empty key)' },
  {
    flags: '--generation-time <duration>',
    description: 'time from a task\'s first sight to its final state (500ms, 10s, 2m or plain seconds)',
    defaultValue: String(DEFAULT_GENERATION_SECONDS),
  },
  {
    flags: '--transfer-limit <duration>',
    description: 'cut every /content transfer after this long (ezmodel default: 60)',
  },
  { flags: '--seed <n>', description: 'seed of the synthetic bytes and of new task ids', defaultValue: '1' },
  { flags: '--json', description: 'print {"baseUrl","port","profile"} as one JSON line' },
  { flags: '--verbose', description: 'log each request to stderr' },
  {
    flags: '--fail-first <k:status[:secs]>',
    description: 'answer status (429, 500, 502, 503...) to the first k requests of each task, with a Retry-After of secs',
  },
  { flags: '--fail-on <calls>', description: 'which calls --fail-first refuses: content, status, create or any', defaultValue: 'content' },
  {
    flags: '--retry-after-format <format>',
    description: 'how --fail-first sends its delay: seconds, http-date or ms (retry-after-ms)',
    defaultValue: 'seconds',
  },
  { flags: '--reset-after <bytes>[:<k>]', description: 'reset the connection after this many body bytes (first k responses)' },
  { flags: '--reset-seed <n>[:<k>]', description: 'reset the connection at a pseudo-random body offset drawn from seed n' },
  { flags: '--stall <dur[:bytes]>', description: 'stop sending mid-body for dur, after bytes (default: halfway)' },
  { flags: '--short-body <bytes>[:<k>]', description: 'send this many bytes fewer than Content-Length, then close' },
  { flags: '--chunked-cut <bytes>[:<k>]', description: 'send no Content-Length and end the body cleanly after this many bytes' },
  { flags: '--throttle <bytes-per-second>', description: 'limit each connection to this rate (e.g. 512k, 2m)' },
  { flags: '--ignore-range', description: 'answer ranged requests with 200 and the whole body' },
  { flags: '--etag-changes', description: 'serve a new file (new ETag and bytes) on every content request' },
  {
    flags: '--redirect [target]',
    description: 'redirect /content: second-origin (default, another port), loop, file-url, ftp-url or javascript-url',
  },
  { flags: '--broken-structure', description: 'serve MP4s of the right length whose box structure is broken' },
  {
    flags: '--content-lag <duration>',
    description: 'for this long after a task completes, /content still answers the profile\'s not-ready error',
  },
  {
    flags: '--redirect-cdn',
    description: '/content answers 307 to a signed URL on the second origin (the CDN), unless ?download=1',
  },
  { flags: '--link-expiry <duration>', description: 'lifetime of the signed links in status objects and redirects (default 1h)' },
  {
    flags: '--artifact-error <kind>[:<k>]',
    description:
      'the artifact proxy\'s coded error on /content: upstream_auth_failed, gone, result_expired, upstream_busy, upstream_timeout, upstream_error or request_rejected',
  },
  { flags: '--create-timeout [k]', description: 'make the task, then never answer the create (k: only the first k creates received)' },
  { flags: '--create-reset [k]', description: 'reset the connection of a create before reading its body: no task (k: only the first k creates received)' },
  { flags: '--fail-generation [k]', description: 'the tasks that creates make fail their generation (k: only the first k creates received)' },
  { flags: '--create-latency <duration>', description: 'answer each create this long after making its task' },
  { flags: '--honour-idempotency-key', description: 'answer a repeated Idempotency-Key with the task its first create made' },
];
