// The list of the user's chats: open, rename, delete, and "Новый чат".

import { api, session } from "./api.js";
import { $, busy, h, say } from "./dom.js";
import { close as closeDrawer, showChatCount } from "./drawer.js";
import { chatPath, navigate } from "./router.js";

const STATUS_LABELS = {
  COLLECTING: "идёт опрос",
  GENERATING: "генерация",
  COMPLETED: "готово",
  FAILED: "ошибка",
};

let chats = [];
let currentId = null;
let unfinishedId = null;

export function setUpSidebar() {
  $("new-chat-button").addEventListener("click", (event) => busy(event.currentTarget, newChat));
  $("open-unfinished-button").addEventListener("click", () => {
    hideNotice();
    if (unfinishedId) navigate(chatPath(unfinishedId));
  });
  document.addEventListener("contentum:chats-changed", () => loadChats());
}

export async function loadChats() {
  // Admins are shown every user's chats by the API: the list keeps their own (the `user`
  // filter is asked for, and the results are filtered here while the API ignores it).
  const me = session.user?.id;
  try {
    const page = await api.get(`chats/?isActive=true&user=${me}&page_size=50`);
    chats = page.results.filter((chat) => chat.user === me);
    say($("chat-list-error"), "");
  } catch (error) {
    say($("chat-list-error"), error.message);
  }
  renderList();
}

/** Marks the open chat in the list (null: none). On a phone, the drawer has done its job:
 * it closes and leaves the focus to the chat. */
export function setCurrentChat(id) {
  currentId = id;
  closeDrawer({ returnFocus: false });
  renderList();
}

export function resetSidebar() {
  chats = [];
  currentId = null;
  hideNotice();
  closeDrawer({ returnFocus: false });
  renderList();
}

function hideNotice() {
  $("new-chat-notice").hidden = true;
}

async function newChat() {
  hideNotice();
  try {
    const answer = await api.post("chats/", {});
    await loadChats();
    navigate(chatPath(answer.data.id));
  } catch (error) {
    if (error.status === 409) {
      // One unfinished chat per user: say why, and offer to go back to it.
      unfinishedId = error.data?.unfinished_chat_id || null;
      $("new-chat-message").textContent = error.message;
      $("open-unfinished-button").hidden = !unfinishedId;
      $("new-chat-notice").hidden = false;
      if (unfinishedId) $("open-unfinished-button").focus();
    } else {
      say($("chat-list-error"), error.message);
    }
  }
}

function renderList() {
  const list = $("chat-list");
  list.replaceChildren(...chats.map(chatItem));
  $("chat-list-empty").hidden = chats.length > 0;
  showChatCount(chats.length);
}

function chatItem(chat) {
  const current = chat.id === currentId;
  const link = h(
    "a",
    {
      href: chatPath(chat.id),
      class: "chat-link",
      "data-nav": true,
      "aria-current": current ? "page" : null,
    },
    h("span", { class: "chat-title", text: chat.title }),
    h("span", {
      class: `badge badge-${chat.status?.toLowerCase()}`,
      text: STATUS_LABELS[chat.status],
    }),
  );
  const item = h("li", {
    class: current ? "chat-item current" : "chat-item",
    dataset: { id: chat.id },
  });
  const actions = h(
    "div",
    { class: "chat-actions" },
    h("button", {
      type: "button",
      class: "link-button",
      text: "Переименовать",
      "aria-label": `Переименовать чат «${chat.title}»`,
      onclick: () => item.replaceChildren(renameForm(chat)),
    }),
    h("button", {
      type: "button",
      class: "link-button danger",
      text: "Удалить",
      "aria-label": `Удалить чат «${chat.title}»`,
      onclick: () => item.replaceChildren(deleteConfirm(chat)),
    }),
  );
  item.append(link, actions);
  return item;
}

function focusInItem(id, selector) {
  $("chat-list").querySelector(`[data-id="${id}"] ${selector}`)?.focus();
}

function renameForm(chat) {
  const inputId = `rename-${chat.id}`;
  const input = h("input", {
    id: inputId,
    name: "title",
    type: "text",
    value: chat.title,
    maxlength: 255,
  });
  const error = h("p", { class: "field-error", id: `${inputId}-error`, role: "alert" });
  input.setAttribute("aria-describedby", error.id);
  const cancel = () => {
    renderList();
    focusInItem(chat.id, ".link-button");
  };
  const form = h(
    "form",
    {
      class: "rename-form",
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          const saved = await api.patch(`chats/${chat.id}/`, { title: input.value });
          document.dispatchEvent(new CustomEvent("contentum:chat-renamed", { detail: saved }));
          await loadChats();
          focusInItem(chat.id, ".chat-link");
        } catch (failure) {
          input.setAttribute("aria-invalid", "true");
          say(error, failure.fieldError("title") || failure.message);
          input.focus();
        }
      },
      onkeydown: (event) => {
        if (event.key !== "Escape") return;
        event.preventDefault(); // handled: on a phone, the drawer around the list stays open
        cancel();
      },
    },
    h("label", { for: inputId, text: "Новое название чата" }),
    input,
    error,
    h(
      "div",
      { class: "row" },
      h("button", { type: "submit", class: "primary", text: "Сохранить" }),
      h("button", { type: "button", text: "Отмена", onclick: cancel }),
    ),
  );
  queueMicrotask(() => input.select());
  return form;
}

function deleteConfirm(chat) {
  const error = h("p", { class: "field-error", role: "alert" });
  const confirm = h("button", {
    type: "button",
    class: "danger",
    text: "Да, удалить",
    onclick: async () => {
      try {
        await api.delete(`chats/${chat.id}/`);
        if (chat.id === currentId) navigate("/");
        await loadChats();
        $("new-chat-button").focus();
      } catch (failure) {
        say(error, failure.message);
      }
    },
  });
  const box = h(
    "div",
    { class: "confirm", role: "group", "aria-label": "Подтверждение удаления" },
    h("p", { text: `Удалить чат «${chat.title}»?` }),
    h(
      "div",
      { class: "row" },
      confirm,
      h("button", {
        type: "button",
        text: "Отмена",
        onclick: () => {
          renderList();
          focusInItem(chat.id, ".danger");
        },
      }),
    ),
    error,
  );
  queueMicrotask(() => confirm.focus());
  return box;
}
