import { GraphQLError } from 'graphql';

/** The stable error codes of the API, each with the HTTP status yoga answers with. */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * The one error type the gateway raises on purpose. Services throw it knowing nothing of GraphQL's
 * transport; yoga turns `extensions.http.status` into the response status.
 */
export class GatewayError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(
    code: ErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    headers?: Record<string, string>,
  ) {
    super(message, {
      extensions: {
        code,
        ...details,
        http: { status: ERROR_STATUS[code], ...(headers ? { headers } : {}) },
      },
    });
    this.code = code;
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>) =>
  new GatewayError('BAD_REQUEST', message, details);

export const notFound = (message: string, details?: Record<string, unknown>) =>
  new GatewayError('NOT_FOUND', message, details);

export const conflict = (message: string, details?: Record<string, unknown>) =>
  new GatewayError('CONFLICT', message, details);

export const forbidden = (message: string, details?: Record<string, unknown>) =>
  new GatewayError('FORBIDDEN', message, details);

export const unauthenticated = (message = 'Authentication required') =>
  new GatewayError('UNAUTHENTICATED', message);

/** Quotes a value for a message the way the API's messages do: strings in single quotes. */
export function quote(value: unknown): string {
  if (typeof value === 'string') {
    return `'${value.length > 80 ? `${value.slice(0, 77)}...` : value}'`;
  }
  const text = JSON.stringify(value) ?? String(value);

  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The closest of `choices` to `input` by edit distance, when it is close enough to suggest. */
export function nearest(input: string, choices: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const choice of choices) {
    const distance = editDistance(input.toLowerCase(), choice.toLowerCase());
    if (distance < bestDistance) {
      best = choice;
      bestDistance = distance;
    }
  }

  return bestDistance <= Math.max(2, Math.floor(input.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }

  return row[b.length];
}

/** "Unknown X 'y'. Did you mean 'z'? Valid Xs: a, b, c" */
export function unknownChoice(what: string, input: string, choices: readonly string[]): string {
  const suggestion = nearest(input, choices);
  const hint = suggestion ? ` Did you mean '${suggestion}'?` : '';

  return `Unknown ${what} ${quote(input)}.${hint} Valid values: ${choices.join(', ')}`;
}
