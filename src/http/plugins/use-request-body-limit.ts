import { GraphQLError } from 'graphql';
import type { FetchAPI, Plugin } from 'graphql-yoga';

/** yoga's own default: the largest request body the gateway reads, in bytes. */
export const DEFAULT_MAX_REQUEST_BYTES = 25_000_000;

const tooLarge = () =>
  new GraphQLError('Request body too large', {
    extensions: { code: 'REQUEST_ENTITY_TOO_LARGE', http: { status: 413 } },
  });

/** Counts the bytes of a body as they arrive and fails the stream past `limit`. */
function countedRequest(request: Request, limit: number, api: FetchAPI): Request {
  let received = 0;
  const Transform = request.body instanceof ReadableStream ? TransformStream : api.TransformStream;
  const body = request.body!.pipeThrough(
    new Transform({
      transform(chunk: Uint8Array, controller) {
        received += chunk.byteLength;
        if (received > limit) {
          controller.error(tooLarge());
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );

  return new api.Request(request.url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body,
    duplex: 'half',
  } as RequestInit);
}

/**
 * The request body limit that yoga applies by default (`maxRequestBodySize`), at a fraction of
 * its cost. Yoga pipes every body through a counting stream; a body with a valid Content-Length
 * needs none, because Node's HTTP parser never delivers more than the declared length, so only
 * bodies sent without one (chunked) are counted. Register it after every plugin that adds a
 * request parser, and give yoga `maxRequestBodySize: false`.
 */
export function useRequestBodyLimit(limit = DEFAULT_MAX_REQUEST_BYTES): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (!/^\d+$/.test(declared)) {
          throw new GraphQLError('Content-Length header is invalid.', {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        }
        if (Number(declared) > limit) {
          throw tooLarge();
        }

        return;
      }
      if (requestParser && request.body) {
        const parse = requestParser;
        setRequestParser((req) => parse(countedRequest(req, limit, fetchAPI)));
      }
    },
  };
}
