/**
 * Starts the simulator: the API origin in the chosen profile and the second origin (the
 * redirect target, which also plays the provider's CDN), both real HTTP servers on loopback
 * (port 0 by default).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApiRequest } from './api-routes.js';
import { CreationLog } from './creation-log.js';
import type { CreationRecord } from './creation-log.js';
import { statusLink } from './direct-links.js';
import { FaultRules } from './fault-rules.js';
import type { Faults } from './faults.js';
import { LinkSigner } from './link-signer.js';
import type { Payload } from './payload.js';
import { mulberry32 } from './prng.js';
import { PROFILE_NAMES } from './profile.js';
import type { ProfileName, TaskView } from './profile.js';
import { profiles } from './profiles/index.js';
import { recordRequest } from './request-log.js';
import type { RecordedRequest } from './request-log.js';
import type { Variant } from './sample-assets.js';
import { handleSecondOrigin } from './second-origin.js';
import type { SimulatorState } from './simulator-state.js';
import { hasContent, taskPayload } from './task-payload.js';
import { TaskStore, viewTask } from './task-store.js';
import type { CreateTaskOptions } from './task-store.js';

export interface MockServerOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default `ideal`. */
  profile?: ProfileName;
  /** The only Bearer key accepted; by default any non-empty key is. */
  key?: string;
  /** How long a task takes from first sight to its final state. Default 0 (at once). */
  generationTimeMs?: number;
  /** Cuts each `/content` transfer after this long. Default 60 000 in `ezmodel`, else none. */
  transferLimitMs?: number;
  /** Server-wide faults (per-task ones: `setFaults`). */
  faults?: Faults;
  /** Seeds synthetic bytes and new ids. Default 1. */
  seed?: number;
  /**
   * Answer a repeated `Idempotency-Key` with the task its first create made, instead of making
   * another. Default false: the gateways ezvideo talks to ignore the header.
   */
  honourIdempotencyKey?: boolean;
  /** Keep `requests` (default true; a long-running CLI server turns it off). */
  recordRequests?: boolean;
  /** Called when each response has ended, on either origin. */
  onRequest?: (request: RecordedRequest) => void;
}

export interface MockServer {
  /** e.g. `http://127.0.0.1:43123`, without a trailing slash. */
  readonly baseUrl: string;
  readonly port: number;
  readonly profile: ProfileName;
  /** Requests to the API origin, in order of arrival. */
  readonly requests: RecordedRequest[];
  /** Every create and remix received (what each carried, the task it made), in order. */
  readonly creations: readonly CreationRecord[];
  /** Tasks made by creates and remixes; with `idempotencyKey`, those made under that key. */
  creationCount(idempotencyKey?: string): number;
  /**
   * The provider's CDN: the target of the `redirect: 'second-origin'` and `redirectCdn` faults,
   * and of `metadata.url` in `ezmodel`. Its requests include the ones it refused.
   */
  readonly secondOrigin: { readonly baseUrl: string; readonly port: number; readonly requests: RecordedRequest[] };
  /**
   * Faults for one task id, a pattern with `*` wildcards (`size_*`), or `*` for all. Replaces
   * what this same pattern had; `{}` clears it. Counting for `times` starts afresh.
   */
  setFaults(idOrPattern: string, faults: Faults): void;
  /** Creates a task (a fresh id in the profile's style unless given) and returns its id. */
  createTask(options?: CreateTaskOptions): string;
  /** The task as a status call would describe it now; undefined for unknown ids. */
  task(id: string): TaskView | undefined;
  /**
   * The direct link a status call would hand out now (`metadata.url`): undefined for unknown or
   * unfinished tasks and in profiles without links (`ideal`, `openai`).
   */
  linkOf(id: string): string | undefined;
  /** Exactly what a correct download of this task's content yields (its current version). */
  payloadOf(id: string, variant?: Variant): Payload;
  /** Stops both origins, cutting open and stalled connections. */
  close(): Promise<void>;
}

/** The whole-transfer limit of the gateway's proxy. */
const EZMODEL_TRANSFER_LIMIT_MS = 60_000;

export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const profileName = options.profile ?? 'ideal';
  const profile = profiles[profileName];
  if (!profile) throw new Error(`unknown profile ${JSON.stringify(profileName)}: use ${PROFILE_NAMES.join(', ')}`);
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? 1;
  const random = mulberry32(seed ^ 0x5eed5eed);
  const requests: RecordedRequest[] = [];
  const secondRequests: RecordedRequest[] = [];
  const keep = options.recordRequests !== false;

  const secondServer = createServer();
  const mainServer = createServer();
  const secondPort = await listen(secondServer, host, 0);
  const state: SimulatorState = {
    profile,
    tasks: new TaskStore(options.generationTimeMs ?? 0, () => profile.newTaskId(random)),
    creations: new CreationLog(),
    honourIdempotencyKey: options.honourIdempotencyKey ?? false,
    faults: new FaultRules(options.faults),
    seed,
    key: options.key,
    transferLimitMs: options.transferLimitMs ?? (profileName === 'ezmodel' ? EZMODEL_TRANSFER_LIMIT_MS : undefined),
    // Known once the API origin listens, before any request can arrive (set below).
    baseUrl: '',
    secondOriginUrl: originUrl(host, secondPort),
    signer: new LinkSigner(),
  };

  const serve =
    (origin: RecordedRequest['origin'], log: RecordedRequest[], handle: typeof handleApiRequest) =>
    (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://simulator.invalid');
      const record = recordRequest(origin, req, res, url, (ended) => options.onRequest?.(ended));
      if (keep) log.push(record);
      const controller = new AbortController();
      res.once('close', () => controller.abort());
      handle(state, req, res, url, record, controller.signal).catch((error: unknown) => {
        // A bug in the simulator: say so in the response rather than hang the client.
        if (res.headersSent) {
          res.destroy();
        } else {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end(`simulator error: ${error instanceof Error ? error.stack : String(error)}\n`);
        }
      });
    };
  secondServer.on('request', serve('second', secondRequests, handleSecondOrigin));
  mainServer.on('request', serve('main', requests, handleApiRequest));
  let port: number;
  try {
    port = await listen(mainServer, host, options.port ?? 0);
  } catch (error) {
    await stop(secondServer);
    throw error;
  }
  state.baseUrl = originUrl(host, port);

  return {
    baseUrl: state.baseUrl,
    port,
    profile: profileName,
    requests,
    creations: state.creations.records,
    creationCount: (key) => state.creations.count(key),
    secondOrigin: { baseUrl: state.secondOriginUrl, port: secondPort, requests: secondRequests },
    setFaults: (pattern, faults) => state.faults.set(pattern, faults),
    createTask: (createOptions) => state.tasks.create(createOptions).id,
    task(id) {
      const task = state.tasks.get(id);
      if (!task) return undefined;
      return viewTask(task, Date.now(), state.faults.resolve(id, 'status').faults.neverFinish === true);
    },
    linkOf(id) {
      const task = state.tasks.get(id);
      if (!task) return undefined;
      const { faults } = state.faults.resolve(id, 'status');
      const now = Date.now();
      return statusLink(state, viewTask(task, now, faults.neverFinish === true), now, faults.linkExpiryMs);
    },
    payloadOf(id, variant = 'video') {
      const task = state.tasks.get(id);
      if (!task || !hasContent(task)) throw new Error(`task ${JSON.stringify(id)} has no content`);
      const broken = state.faults.resolve(id, 'content').faults.brokenStructure === true;
      return taskPayload(task, profile.content.variants ? variant : 'video', broken, seed);
    },
    close: async () => {
      await Promise.all([stop(mainServer), stop(secondServer)]);
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function originUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
