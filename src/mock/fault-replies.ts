/**
 * The answers of the `failFirst` fault: the profile's error (or a proxy's HTML page) with
 * the Retry-After forms that clients must read: seconds, an HTTP date, `retry-after-ms`.
 */
import { STATUS_CODES } from 'node:http';
import type { FailFirstFault } from './faults.js';
import type { Profile, Reply } from './profile.js';

export function failFirstReply(fault: FailFirstFault, profile: Profile, now: number): Reply {
  const reply = fault.body === 'html' ? proxyErrorPage(fault.status) : profile.injectedError(fault.status);
  const headers: Record<string, string> = { ...reply.headers };
  if (fault.retryAfterSeconds !== undefined) {
    headers['Retry-After'] =
      fault.retryAfterFormat === 'http-date'
        ? new Date(now + fault.retryAfterSeconds * 1000).toUTCString()
        : String(fault.retryAfterSeconds);
  }
  if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
  return { ...reply, headers };
}

/** What nginx in front of a gateway sends when the gateway is down. */
export function proxyErrorPage(status: number): Reply {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return {
    status,
    contentType: 'text/html',
    body: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
  };
}
