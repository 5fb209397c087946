// What `ezvideo --help` and `ezvideo head` cannot start faster than, measured alone for the
// start-up rows of bench/run.mjs (run under GNU time there, in the same environment as node -e 0):
// node's ES-module loader with commander loaded through it, as the CLI loads it, and for head one
// request through the same parts of undici that ezvideo loads (src/api/undici-parts.ts), with
// the same V8 flag.
//   node bench/startup-floor.mjs commander
//   node bench/startup-floor.mjs request <url> <key>
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';

// As bin/ezvideo.js sets it: without it, V8 compiles undici's WebAssembly parser a second time.
setFlagsFromString('--liftoff-only');
const [what, url, key] = process.argv.slice(2);
await import('commander');
if (what === 'request') {
  const fromUndici = createRequire(createRequire(import.meta.url).resolve('undici'));
  const Dispatcher = fromUndici('./lib/dispatcher/dispatcher.js');
  Object.assign(Dispatcher.prototype, fromUndici('./lib/api/index.js'));
  const Agent = fromUndici('./lib/dispatcher/agent.js');
  const agent = new Agent();
  const target = new URL(url);
  const response = await agent.request({ origin: target.origin, path: target.pathname, method: 'HEAD', headers: { authorization: `Bearer ${key}` } });
  await response.body.dump();
  if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}`);
  await agent.close();
} else if (what !== 'commander') {
  throw new Error('usage: startup-floor.mjs commander | request <url> <key>');
}
