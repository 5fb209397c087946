import { readFileSync } from 'node:fs';

/** Read once from package.json so `--version` and the User-Agent can never disagree with npm. */
export const version: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
