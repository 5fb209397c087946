import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EnvHttpProxyAgent } from '../../src/api/undici-parts.js';

const dispatcherMethods = ['request', 'stream', 'pipeline', 'upgrade', 'connect'] as const;

/**
 * The deep-loaded part must stay undici's own and complete: an upgrade that moves or renames
 * something fails here. The entry is imported only in the last test (this file runs in a process
 * of its own), since importing it installs the methods the first test looks for.
 */
describe('undici parts loaded by themselves', () => {
  it("without undici's entry, the agent has every dispatcher method (the proxy agent tunnels with connect)", () => {
    for (const method of dispatcherMethods) assert.equal(typeof EnvHttpProxyAgent.prototype[method], 'function', method);
  });

  it('they are the very objects the entry exports', async () => {
    const undici = await import('undici');
    assert.equal(EnvHttpProxyAgent, undici.EnvHttpProxyAgent);
    for (const method of dispatcherMethods) assert.equal(EnvHttpProxyAgent.prototype[method], undici.Dispatcher.prototype[method], method);
  });
});
