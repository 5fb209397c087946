// The part of a download that no Node client built on undici can skip, measured alone for the
// floors rows of bench/run.mjs (run under GNU time there, like every contender): undici receives
// the body and drops it, with --hash feeding every chunk to a sha256 first, in one process and on
// one thread as ezvideo does. No disk is touched.
//   node bench/floor-probe.mjs <url> <key> [--hash]
import { createHash } from 'node:crypto';
import { request } from 'undici';

const [url, key, hashFlag] = process.argv.slice(2);
if (url === undefined || key === undefined || (hashFlag !== undefined && hashFlag !== '--hash')) {
  throw new Error('usage: floor-probe.mjs <url> <key> [--hash]');
}

const hash = hashFlag === '--hash' ? createHash('sha256') : undefined;
const response = await request(url, { headers: { authorization: `Bearer ${key}`, 'accept-encoding': 'identity' } });
if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}`);
let received = 0;
for await (const chunk of response.body) {
  hash?.update(chunk);
  received += chunk.length;
}
hash?.digest();
if (received !== Number(response.headers['content-length'])) throw new Error(`${url}: received ${received} bytes of ${response.headers['content-length']}`);
