// Small DOM helpers. Text always goes in through textContent, never as HTML.

export const $ = (id) => document.getElementById(id);

/** h("button", {type: "button", class: "x", onclick}, "text", child) → an element.
 * `text` sets textContent, `dataset` fills data-*, `on*` functions become listeners,
 * anything else is an attribute (`true` → present, false/null → absent). */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "text") element.textContent = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else element.setAttribute(name, value === true ? "" : value);
  }
  element.append(...children.filter((child) => child !== null && child !== undefined));
  return element;
}

/** Shows `text` in `element` (a hidden error line becomes visible), or hides it when empty. */
export function say(element, text) {
  element.textContent = text || "";
  element.hidden = !text;
}

export function clearErrors(form) {
  form.querySelectorAll("[data-error-for]").forEach((line) => say(line, ""));
  form.querySelectorAll("[aria-invalid]").forEach((input) => input.removeAttribute("aria-invalid"));
}

/** Puts the envelope's field errors under their fields and its message above the button.
 * The message is left out when a field already says exactly that. Focuses the first bad field. */
export function showErrors(form, error) {
  clearErrors(form);
  const shown = new Set();
  let first = null;
  for (const name of Object.keys(error.errors || {})) {
    const line = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
    const input = form.elements.namedItem(name);
    if (!line) continue;
    const text = error.fieldError(name);
    say(line, text);
    shown.add(text);
    if (input) {
      input.setAttribute("aria-invalid", "true");
      first ??= input;
    }
  }
  const formLine = form.querySelector('[data-error-for="form"]');
  if (formLine && !shown.has(error.message)) say(formLine, error.message);
  first?.focus();
}

/** Disables `button` while `work()` runs; returns what it returns. */
export async function busy(button, work) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

const dateFormat = new Intl.DateTimeFormat("ru-RU", { dateStyle: "medium", timeStyle: "short" });

export function formatDate(value) {
  return value ? dateFormat.format(new Date(value)) : "";
}
