// The two parts of a download that no Node client of ezvideo's kind can skip, measured alone for
// the floors rows of bench/run.mjs (run under GNU time there, like every contender):
//   node bench/floor-probe.mjs sha256 <bytes>          the sha256 of that many bytes from memory
//   node bench/floor-probe.mjs receive <url> <key>     undici receiving the body and dropping it
import { createHash } from 'node:crypto';
import { request } from 'undici';

const [what, ...rest] = process.argv.slice(2);

if (what === 'sha256') {
  const piece = Buffer.alloc(1024 * 1024, 0x5a);
  const hash = createHash('sha256');
  for (let left = Number(rest[0]); left > 0; left -= piece.length) hash.update(left >= piece.length ? piece : piece.subarray(0, left));
  hash.digest();
} else if (what === 'receive') {
  const [url, key] = rest;
  const response = await request(url, { headers: { authorization: `Bearer ${key}`, 'accept-encoding': 'identity' } });
  if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}`);
  let received = 0;
  for await (const chunk of response.body) received += chunk.length;
  if (received !== Number(response.headers['content-length'])) throw new Error(`${url}: received ${received} bytes of ${response.headers['content-length']}`);
} else {
  throw new Error('usage: floor-probe.mjs sha256 <bytes> | receive <url> <key>');
}
