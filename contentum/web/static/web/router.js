// Paths of the client: "/", "/chats/<id>/", "/gallery/". The server serves the same shell
// on each; this module tells which screen a path means and moves between them.

let renderer = () => {};

/** `render(route)` is called on every move, including the browser's back and forward. */
export function onRoute(render) {
  renderer = render;
  window.addEventListener("popstate", () => renderer(currentRoute()));
}

export function currentRoute() {
  const path = location.pathname;
  if (path === "/gallery/") return { view: "gallery", chatId: null };
  const chat = path.match(/^\/chats\/([0-9a-fA-F-]{36})\/$/);
  return { view: "chats", chatId: chat ? chat[1].toLowerCase() : null };
}

export function navigate(path, { replace = false } = {}) {
  if (path !== location.pathname) history[replace ? "replaceState" : "pushState"]({}, "", path);
  renderer(currentRoute());
}

export const chatPath = (id) => `/chats/${id}/`;
