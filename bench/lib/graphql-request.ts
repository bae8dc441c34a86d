/** The body of a GraphQL request. */
export interface GraphQLBody {
  query: string;
  variables?: Record<string, unknown>;
}

export interface GraphQLReply {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string }>;
}

/** Sends one request and fails on an HTTP or GraphQL error, naming the server and the message. */
export async function graphqlRequest(
  url: string,
  body: GraphQLBody,
  headers: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const reply = (await response.json()) as GraphQLReply;
  if (!response.ok || reply.errors?.length || !reply.data) {
    const message = reply.errors?.map((e) => e.message).join('; ') ?? response.statusText;
    throw new Error(`${url} answered ${response.status}: ${message}\n${body.query}`);
  }

  return reply.data;
}
