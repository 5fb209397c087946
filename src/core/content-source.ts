import type { LinkRequest, Variant, VideoApiClient } from '../api/client.js';
import type { HttpResponse } from '../api/transport.js';

/** `gateway`: the API's `/content`; `direct`: the link in the task's status object. */
export type SourceKind = 'gateway' | 'direct';

/** `--source`: where the bytes come from; `auto` starts at the gateway and may switch once. */
export const sourceModes = ['auto', 'gateway', 'direct'] as const;
export type SourceMode = (typeof sourceModes)[number];

/**
 * Where a download's bytes come from. The engines ask it for answers and never know which it
 * is: resuming, checking and landing are the same whatever the source.
 */
export interface ContentSource {
  readonly kind: SourceKind;
  /**
   * What a part file is tied to, without credentials. Bytes from another identity are only
   * resumed when a strong ETag proves they are the same file.
   */
  readonly identity: string;
  /** Answers as `VideoApiClient.openContent`: 2xx, 304 and 416 come back unread, the rest throw. */
  open(request: LinkRequest): Promise<HttpResponse>;
}

/** The API's own `/content`, with the API key. */
export function gatewaySource(client: Pick<VideoApiClient, 'openContent' | 'contentUrl'>, id: string, variant: Variant | undefined): ContentSource {
  return {
    kind: 'gateway',
    identity: client.contentUrl(id, variant),
    open: (request) => client.openContent(id, { ...request, variant }),
  };
}
