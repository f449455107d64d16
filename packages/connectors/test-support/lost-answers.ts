/**
 * Lost answers, for the Vanta and Drata test servers and their exactly-once tests: the server carries
 * out a request (stores the upload, creates the evidence), then the client never learns it — the
 * server answers a status instead, or never answers while the test kills the pushing process.
 */
import type { FakeRequest, FakeResponse, RecordedRequest } from "@iddio-compliance/connector-sdk/testing";

/** How an answer is lost after the server acted on the request. */
export type LostAnswer = { status: number } | { hang: true };

/** What a test server that can lose answers offers its tests. */
export interface LosesAnswers {
  /**
   * The request `nth` requests from now (0-based; injected faults do not count) is carried out, then
   * its answer is lost: the server answers `status` instead, or never answers (`hang`).
   */
  loseAnswer(nth: number, loss: LostAnswer): void;
  /** How many answers were lost so far (a lost answer counts once the request was carried out). */
  lostAnswers(): number;
}

/** Wraps a test server's `route` so that tests can have answers lost; `error` builds the platform's error body. */
export function losingAnswers(
  route: (request: FakeRequest) => Promise<FakeResponse>,
  error: (status: number, message: string) => FakeResponse,
): { handle: (request: FakeRequest) => Promise<FakeResponse> } & LosesAnswers {
  const losses = new Map<number, LostAnswer>();
  let seen = 0;
  let lost = 0;
  return {
    async handle(request) {
      const loss = losses.get(seen);
      losses.delete(seen);
      seen++;
      const response = await route(request);
      if (!loss) return response;
      lost++;
      return "hang" in loss ? new Promise<FakeResponse>(() => {}) : error(loss.status, "the answer was lost");
    },
    loseAnswer(nth, loss) {
      losses.set(seen + nth, loss);
    },
    lostAnswers: () => lost,
  };
}

/** The positions of the writes (every request but a GET) among `requests`. */
export function writeSteps(requests: readonly RecordedRequest[]): Array<{ step: number; request: string }> {
  return requests.flatMap((request, step) =>
    request.method === "GET" ? [] : [{ step, request: `${request.method} ${request.path}` }],
  );
}

/**
 * Runs `push` (a connector created with the given signal, as one process) until the server has lost
 * an answer; when the answer never comes (`hang`), the process is killed by aborting that signal.
 */
export async function pushLosingAnswer(
  server: LosesAnswers,
  loss: LostAnswer,
  push: (signal: AbortSignal) => Promise<unknown>,
): Promise<void> {
  const controller = new AbortController();
  let settled = false;
  const pushing = push(controller.signal)
    .catch(() => undefined)
    .finally(() => {
      settled = true;
    });
  if ("hang" in loss) {
    for (let i = 0; i < 1000 && server.lostAnswers() === 0 && !settled; i++)
      await new Promise((resolve) => setTimeout(resolve, 2));
    controller.abort();
  }
  await pushing;
}
