// Calls to the JSON API on the page's own origin: errors, the API key for writes, and bookmarks.
//
// Paths are relative ("users/1/ratings"), so the page also works when a proxy serves the app
// under a path prefix.

const KEY_STORAGE = "graph-rec.api-key";
const BOOKMARKS_HEADER = "X-Graph-Bookmarks";

// The bookmarks of the last write. Sending them back makes a read wait until Neo4j contains that
// write, which matters on a cluster (see docs/api.md). Kept in memory only.
let lastBookmarks = null;

// Prompts the person for the key, and is set by the page with setKeyPrompt. Resolves to the
// key, or to null when the person cancels.
let promptForKey = async () => null;

/** An API call that failed: the HTTP status (0 when no response came), the message and the request id. */
export class ApiError extends Error {
  constructor(status, message, requestId) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.requestId = requestId;
  }

  /** Return the message with the status and the request id that an operator can look up. */
  describe() {
    const details = [];
    if (this.status) details.push(`HTTP ${this.status}`);
    if (this.requestId) details.push(`request id ${this.requestId}`);
    return details.length ? `${this.message} (${details.join(", ")})` : this.message;
  }
}

/** Set the function that prompts for the API key: it gets the reason to show and resolves to a key or null. */
export function setKeyPrompt(prompt) {
  promptForKey = prompt;
}

/**
 * Send a GET request and return the decoded JSON body.
 *
 * Reads go without a key unless one is stored. A server started with GRAPH_REC_READS_NEED_KEY
 * answers 401, and then the read prompts for the key as a write does.
 */
export async function get(path) {
  try {
    return await send("GET", path, undefined, sessionStorage.getItem(KEY_STORAGE));
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    return sendWithKey("GET", path, undefined, "This server needs its API key for reads too (GRAPH_REC_READS_NEED_KEY).");
  }
}

/**
 * Send a write request with the API key, and return the decoded JSON body.
 *
 * The first write prompts for the key, and the key is kept in sessionStorage. A 401 drops the
 * stored key and prompts again. When the person cancels, the call throws an ApiError with
 * status 0 and nothing is written.
 */
export async function write(method, path, body) {
  const reason = "Saving needs the API key that the server was started with: its GRAPH_REC_API_KEY, which make demo writes to var/api-key.";
  return sendWithKey(method, path, body, reason);
}

/** Send a request with the stored key, prompting for one (with ``reason``) when none is stored or the server rejects it. */
async function sendWithKey(method, path, body, reason) {
  let key = sessionStorage.getItem(KEY_STORAGE);
  for (;;) {
    if (!key) {
      key = await promptForKey(reason);
      if (!key) throw new ApiError(0, "no API key was entered, so nothing was saved", null);
      sessionStorage.setItem(KEY_STORAGE, key);
    }
    try {
      return await send(method, path, body, key);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      sessionStorage.removeItem(KEY_STORAGE);
      key = null;
      reason = `The server rejected the key: ${error.describe()}. Enter the key again.`;
    }
  }
}

async function send(method, path, body, key) {
  const response = await fetchOnce(method, path, body, key, lastBookmarks);
  if (response.status === 400 && lastBookmarks && (await bookmarksRejected(response.clone()))) {
    // A server restarted with another key rejects the bookmarks it issued before: read without them.
    lastBookmarks = null;
    return decode(await fetchOnce(method, path, body, key, null));
  }
  return decode(response);
}

async function fetchOnce(method, path, body, key, bookmarks) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (key) headers.Authorization = `Bearer ${key}`;
  if (bookmarks) headers[BOOKMARKS_HEADER] = bookmarks;
  try {
    return await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch (error) {
    throw new ApiError(0, `the API did not respond (${error.message}): check that the server is running`, null);
  }
}

async function bookmarksRejected(response) {
  const data = await readJson(response);
  return Boolean(data?.error?.message?.includes(BOOKMARKS_HEADER));
}

async function decode(response) {
  const written = response.headers.get(BOOKMARKS_HEADER);
  if (written) lastBookmarks = written;
  const data = await readJson(response);
  if (response.ok) return data;
  const error = data?.error;
  throw new ApiError(
    response.status,
    error?.message ?? `${response.status} ${response.statusText || "error"} without an error body`,
    error?.request_id ?? response.headers.get("X-Request-Id"),
  );
}

async function readJson(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
