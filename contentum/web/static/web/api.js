// The JSON API with JWT: tokens in localStorage, one refresh on a 401, then one retry.

const KEYS = { access: "contentum.access", refresh: "contentum.refresh", user: "contentum.user" };
const NETWORK_ERROR = "Нет связи с сервером. Проверьте подключение и повторите.";
export const SESSION_EXPIRED = "Сессия истекла: войдите снова.";

/** An answer that is not 2xx, carrying the error envelope's Russian text as it is. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `Сервер ответил ошибкой (${status}). Повторите позже.`);
    this.status = status;
    this.errors = body?.errors || {};
    this.data = body?.data ?? null;
  }

  /** The messages for one field of the envelope's `errors`, joined, or "". */
  fieldError(name) {
    const messages = this.errors[name];
    return Array.isArray(messages) ? messages.join(" ") : "";
  }
}

export const session = {
  get access() {
    return localStorage.getItem(KEYS.access);
  },
  get refresh() {
    return localStorage.getItem(KEYS.refresh);
  },
  get user() {
    try {
      return JSON.parse(localStorage.getItem(KEYS.user));
    } catch {
      return null;
    }
  },
  get loggedIn() {
    return Boolean(localStorage.getItem(KEYS.refresh));
  },
  save({ access, refresh, user }) {
    if (access) localStorage.setItem(KEYS.access, access);
    if (refresh) localStorage.setItem(KEYS.refresh, refresh);
    if (user) localStorage.setItem(KEYS.user, JSON.stringify(user));
  },
  clear() {
    Object.values(KEYS).forEach((key) => localStorage.removeItem(key));
  },
};

let expiredHandler = () => {};

/** `handler(message)` runs when the session cannot be renewed and the user must log in. */
export function onSessionExpired(handler) {
  expiredHandler = handler;
}

/** "/api/…" for an API path ("chats/") or for a link the API gave (absolute or not):
 * requests always go to this page's origin, whatever host the link was built for. */
export function apiPath(path) {
  if (/^https?:\/\//.test(path)) {
    const url = new URL(path);
    return url.pathname + url.search;
  }
  return path.startsWith("/") ? path : `/api/${path}`;
}

async function send(method, path, body, withToken, cache = "default", extraHeaders = {}) {
  if (typeof body === "function") body = body(); // read at each send: tokens may have rotated
  const headers = { Accept: "application/json", ...extraHeaders };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (withToken && session.access) headers.Authorization = `Bearer ${session.access}`;
  try {
    return await fetch(apiPath(path), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache,
    });
  } catch {
    throw new ApiError(0, { message: NETWORK_ERROR });
  }
}

async function readJson(response) {
  if (!(response.headers.get("Content-Type") || "").includes("json")) return null;
  try {
    return await response.json();
  } catch {
    return null;
  }
}

let refreshing = null;

/** True when new tokens were stored. One refresh at a time: the refresh token rotates and
 * works once, so a second refresh racing the first would fail and log the user out. */
function refreshTokens() {
  refreshing ??= (async () => {
    const refresh = session.refresh;
    if (!refresh) return false;
    const response = await send("POST", "auth/refresh/", { refresh }, false);
    if (!response.ok) return false;
    session.save(await response.json());
    return true;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

function expire() {
  session.clear();
  expiredHandler(SESSION_EXPIRED);
  return new ApiError(401, { message: SESSION_EXPIRED });
}

async function call(method, path, { body, withToken = true, as = "json", cache, headers } = {}) {
  let response = await send(method, path, body, withToken, cache, headers);
  if (response.status === 401 && withToken) {
    if (!(await refreshTokens())) throw expire();
    response = await send(method, path, body, withToken, cache, headers);
    if (response.status === 401) throw expire();
  }
  if (as === "revalidate") return revalidated(response, headers?.["If-None-Match"]);
  if (!response.ok) throw new ApiError(response.status, await readJson(response));
  if (as === "blob") return response.blob();
  return response.status === 204 ? null : readJson(response);
}

/** {changed: false, etag} for a 304; else {changed: true, etag, body} with the new ETag. */
async function revalidated(response, etag) {
  if (response.status === 304) return { changed: false, etag };
  if (!response.ok) throw new ApiError(response.status, await readJson(response));
  return { changed: true, etag: response.headers.get("ETag"), body: await readJson(response) };
}

export const api = {
  get: (path) => call("GET", path),
  post: (path, body = {}) => call("POST", path, { body }),
  patch: (path, body) => call("PATCH", path, { body }),
  delete: (path) => call("DELETE", path),
  // A GET that sends the ETag of the copy the caller holds: a 304 costs no body. Past the
  // browser's cache, which would otherwise answer (or turn the 304 into a 200) by itself.
  revalidate: (path, etag = null) =>
    call("GET", path, {
      as: "revalidate",
      cache: "no-store",
      headers: etag ? { "If-None-Match": etag } : {},
    }),
  // `fresh`: past the browser's cache, whose copy is then replaced. The image links keep
  // their address when a poster's text changes, and the server lets them be cached.
  blob: (path, { fresh = false } = {}) =>
    call("GET", path, { as: "blob", cache: fresh ? "reload" : "default" }),
};

export async function login(email, password) {
  const result = await call("POST", "auth/login/", {
    body: { email, password },
    withToken: false,
  });
  session.save(result);
  return result.user;
}

export function register(fields) {
  return call("POST", "users/", { body: fields, withToken: false });
}

/** Blacklists the refresh token on the server; the browser forgets the tokens either way. */
export async function logout() {
  try {
    if (!session.refresh) return null;
    // The body is read when sent: a refresh on the way rotates the token to blacklist.
    const body = () => ({ refresh: session.refresh });
    return await call("POST", "auth/logout/", { body });
  } finally {
    session.clear();
  }
}
