// On phones the list of chats is a drawer: a few chats would otherwise fill the first
// screen before the conversation. «Мои чаты» opens it; Escape, a tap outside, the close
// button and moving to a chat close it. On wider screens the list is always shown and the
// drawer's parts are hidden by the stylesheet: nothing here changes them.

import { $ } from "./dom.js";

// The same width as the stylesheet's "Phones: the list of chats is a drawer".
const PHONE = window.matchMedia("(max-width: 600px)");

export function setUpDrawer() {
  $("drawer-button").addEventListener("click", () => (isOpen() ? close() : open()));
  $("drawer-close").addEventListener("click", () => close());
  $("drawer-backdrop").addEventListener("click", () => close());
  document.addEventListener("keydown", closeOnEscape);
  // Tabbing out of the drawer to the page behind closes it, the focus left where it went.
  $("chat-drawer").addEventListener("focusout", (event) => {
    const to = event.relatedTarget;
    if (to && !$("chat-drawer").contains(to) && to !== $("drawer-button")) {
      close({ returnFocus: false });
    }
  });
  // Grown wider (a phone turned, a window resized): the list is back in place.
  PHONE.addEventListener("change", () => close({ returnFocus: false }));
}

export function isOpen() {
  return $("sidebar").classList.contains("drawer-open");
}

/** Opens the drawer and puts the focus in it: on the open chat, else on its first chat. */
function open() {
  if (!PHONE.matches) return;
  setOpen(true);
  const list = $("chat-list");
  const target =
    list.querySelector(".chat-link[aria-current]") ||
    list.querySelector(".chat-link") ||
    $("drawer-close");
  target.focus();
}

/** Closes the drawer; the focus goes back to the button that opened it, unless it has
 * somewhere to be (a chat just opened focuses its answer box). */
export function close({ returnFocus = true } = {}) {
  if (!isOpen()) return;
  setOpen(false);
  if (returnFocus && PHONE.matches) $("drawer-button").focus();
}

function setOpen(opened) {
  $("sidebar").classList.toggle("drawer-open", opened);
  $("drawer-button").setAttribute("aria-expanded", String(opened));
}

// Escape closes the drawer, unless something inside it used the key first (a rename form
// cancels its edit and marks the event handled).
function closeOnEscape(event) {
  if (event.key !== "Escape" || event.defaultPrevented || !isOpen()) return;
  close();
}

/** The number of chats, shown on the button, as the list itself is out of sight. */
export function showChatCount(count) {
  $("chat-count").textContent = count ? String(count) : "";
}
