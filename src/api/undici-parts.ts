import { createRequire } from 'node:module';
import type { EnvHttpProxyAgent as PublicEnvHttpProxyAgent } from 'undici';

/**
 * The part of undici we use, loaded by itself. undici's entry loads everything it has (fetch,
 * WebSocket, caches, mocks, interceptors): about 30 ms of every command's start-up on these
 * machines, for `head` a third of its run. undici has no `exports` map, so its files can be
 * required directly. The paths are stable across undici 6 and 7; package.json still allows
 * patch releases only (~), and a test checks they are the very objects the entry exports, so
 * an upgrade that moves them fails CI, not a user.
 */
const requireFromUndici = createRequire(createRequire(import.meta.url).resolve('undici'));

const Dispatcher = requireFromUndici('./lib/dispatcher/dispatcher.js') as { prototype: object };
// What the entry does: `request`, `connect` and the rest are installed on every dispatcher (the
// proxy agent tunnels with `connect`). Done here too, for when nothing else loaded the entry.
Object.assign(Dispatcher.prototype, requireFromUndici('./lib/api/index.js') as object);

export const EnvHttpProxyAgent = requireFromUndici('./lib/dispatcher/env-http-proxy-agent.js') as typeof PublicEnvHttpProxyAgent;
