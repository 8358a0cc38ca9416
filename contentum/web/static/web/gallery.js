// The user's finished images, newest first, a page at a time.

import { api, session } from "./api.js";
import { $, busy, formatDate, h, say } from "./dom.js";
import { downloadButton, openViewer, showImage, taskLinks } from "./images.js";
import { chatPath } from "./router.js";

// Admins are shown every user's tasks by the API: the gallery asks for their own.
const firstPage = () =>
  `generation-tasks/?status=SUCCESS&user=${session.user?.id}&ordering=-created_at&page_size=24`;
const PROMPT_PREVIEW = 160;

let next = null;
let shown = 0;

export function setUpGallery() {
  $("gallery-more").addEventListener("click", (event) =>
    busy(event.currentTarget, () => loadPage(next, shown)),
  );
}

export async function showGallery() {
  const ticket = ++shown;
  $("gallery-grid").replaceChildren();
  $("gallery-empty").hidden = true;
  $("gallery-more").hidden = true;
  await loadPage(firstPage(), ticket);
}

async function loadPage(url, ticket) {
  let page;
  try {
    page = await api.get(url);
    say($("gallery-error"), "");
  } catch (error) {
    if (ticket === shown) say($("gallery-error"), error.message);
    return;
  }
  if (ticket !== shown) return;
  $("gallery-grid").append(...page.results.map(card));
  next = page.next;
  $("gallery-more").hidden = !next;
  $("gallery-empty").hidden = $("gallery-grid").children.length > 0;
}

function card(task) {
  const links = taskLinks(task);
  const prompt = task.prompt_text || "";
  const preview = prompt.length > PROMPT_PREVIEW ? `${prompt.slice(0, PROMPT_PREVIEW)}…` : prompt;
  const img = h("img", {
    alt: `Изображение от ${formatDate(task.created_at)}`,
    class: "thumbnail",
  });
  showImage(img, links.thumbnail);
  return h(
    "li",
    { class: "gallery-item" },
    h(
      "figure",
      {},
      h(
        "button",
        {
          type: "button",
          class: "thumbnail-button",
          "aria-label": `Открыть изображение от ${formatDate(task.created_at)} в полном размере`,
          onclick: (event) => openViewer(links, event.currentTarget),
        },
        img,
      ),
      h(
        "figcaption",
        {},
        h("p", {
          class: "message-meta",
          text: `${task.width}×${task.height} · ${formatDate(task.created_at)}`,
        }),
        h("p", { class: "prompt", text: preview, title: prompt }),
        h(
          "div",
          { class: "row" },
          ...downloadButton(links, "Скачать"),
          task.chat
            ? h("a", { href: chatPath(task.chat), "data-nav": true, text: "Открыть чат" })
            : null,
        ),
      ),
    ),
  );
}
