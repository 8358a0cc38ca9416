// A brief's variants under its result: a grid that fills in as they finish, «Выбрать» to
// make one the brief's poster, «Ещё похожий» to queue one more like the chosen one. The
// detail is polled with its ETag, so a poll that finds nothing new costs a bodiless 304.

import { api } from "./api.js";
import { h, say } from "./dom.js";
import { showImage } from "./images.js";

const POLL_MS = 1500;
const MAX_COLUMNS = 4;
const UNFINISHED = new Set(["PENDING", "RUNNING"]);
const STRENGTHS = [
  { strength: "subtle", label: "чуть иначе" },
  { strength: "strong", label: "по-другому" },
];
// Used only when the server sends no `stage_label`.
const STAGE_LABELS = {
  queued: "В очереди",
  provider: "Рисует провайдер",
  checking: "Проверка качества",
  done: "Готов",
  failed: "Не удался",
  cancelled: "Отменён",
};
const KEY_STEPS = { ArrowLeft: -1, ArrowRight: 1 };

/** The detail, whether it comes bare (GET) or in the envelope (POST answers). */
const unwrap = (body) => (body && "data" in body && "message" in body ? body.data : body);

const isReady = (variant) => variant.status === "SUCCESS";

/** "40 с", "2 мин". */
function eta(seconds) {
  return seconds < 60 ? `${Math.max(1, Math.round(seconds))} с` : `${Math.round(seconds / 60)} мин`;
}

/** Where an unfinished (or failed) variant is, in words: stage, queue, time left. The
 * ETA counts down here between answers: a 304 brings no new one. */
function stageText(variant, age = 0) {
  const parts = [variant.stage_label || STAGE_LABELS[variant.stage] || variant.status];
  if (UNFINISHED.has(variant.status)) {
    if (variant.provider_queue === "busy") parts.push("провайдер занят, ждём очереди");
    if (variant.eta_seconds != null) parts.push(`осталось около ${eta(variant.eta_seconds - age)}`);
  }
  return parts;
}

function scoreText(variant) {
  return variant.score == null ? "" : `оценка ${Math.round(variant.score)}`;
}

/** «Вариант 2 из 4, оценка 87, выбран». */
function cellLabel(variant, total, age) {
  const parts = [`Вариант ${variant.number} из ${total}`];
  if (isReady(variant)) parts.push(scoreText(variant));
  else parts.push(...stageText(variant, age).map((part, i) => (i ? part : part.toLowerCase())));
  if (variant.chosen) parts.push("выбран");
  return parts.filter(Boolean).join(", ");
}

/** The variant «Ещё похожий» starts from: the chosen one, else the first finished one. */
function varyTarget(task) {
  const variants = task.variants || [];
  return (
    variants.find((variant) => variant.chosen) ||
    variants.find((variant) => variant.number === task.chosen_variant) ||
    variants.find(isReady) ||
    null
  );
}

/** The panel under `initialTask`'s result (a brief's detail) as `element`. `onChosen(task)`
 * runs when the chosen variant changes, here or on the server, to show it in the large card.
 * `preview`: the grid alone while the brief still runs, fed by `update(task)` from the
 * chat's own polling; nothing can be chosen or varied in it yet. */
export function variantsPanel(initialTask, { onChosen = () => {}, preview = false } = {}) {
  let task = initialTask;
  let etag = null;
  let timer = null;
  let ticket = 0; // bumps when an answer replaces the task: an older poll is dropped
  let active = null; // the number of the cell that takes the focus (a roving tabindex)
  let wasConnected = false;
  let unseenTicks = 0;
  let receivedAt = Date.now(); // when `task` came: the ETAs count from then
  const age = () => (Date.now() - receivedAt) / 1000;
  const cells = new Map();
  const id = `variants-${preview ? "preview" : task.id}`;

  const status = h("p", { class: "hint variant-status", role: "status" });
  const error = h("p", { class: "field-error", role: "alert" });
  const hint = h("p", {
    class: "hint",
    id: `${id}-hint`,
    text: preview
      ? "Варианты появятся здесь по мере готовности; выбрать можно, когда готовы все."
      : "Стрелки — переход между вариантами, Enter или пробел — выбрать.",
  });
  const grid = h("div", {
    class: "variant-grid",
    role: "group",
    "aria-label": "Варианты постера",
    "aria-describedby": hint.id,
  });
  const heading = h("h3", { class: "variant-heading", id: `${id}-title`, text: "Варианты" });
  const gridBox = h("div", { class: "variant-box" }, heading, hint, grid);

  const varyLabel = h("span", { class: "variant-vary-label", id: `${id}-vary` });
  const varyButtons = STRENGTHS.map(({ strength, label }) => {
    const button = h("button", { type: "button", text: label });
    button.addEventListener("click", () => vary(strength, button));
    return button;
  });
  const varyBar = h(
    "div",
    { class: "row variant-vary", role: "group", "aria-labelledby": varyLabel.id },
    varyLabel,
    ...varyButtons,
  );
  varyBar.hidden = preview;
  const element = h(
    "section",
    { class: `variants${preview ? " variants-preview" : ""}`, "aria-labelledby": heading.id },
    gridBox,
    varyBar,
    status,
    error,
  );

  grid.addEventListener("keydown", moveFocus);

  // --- Showing the task --------------------------------------------------------------

  function render() {
    const variants = task.variants || [];
    // A single image shows as before, with no grid; «Ещё похожий» still makes a second.
    gridBox.hidden = variants.length < 2;
    grid.style.setProperty("--variant-columns", Math.min(variants.length, MAX_COLUMNS));
    for (const [number, cell] of cells) {
      if (!variants.some((variant) => variant.number === number)) {
        cell.element.remove();
        cells.delete(number);
      }
    }
    if (!variants.some((variant) => variant.number === active)) {
      active = (varyTarget(task) || variants[0])?.number ?? null;
    }
    variants.forEach((variant) => {
      const cell = cells.get(variant.number) || addCell(variant.number);
      fillCell(cell, variant, variants.length);
    });
    renderVaryBar();
  }

  function renderVaryBar() {
    const target = varyTarget(task);
    const several = (task.variants || []).length > 1;
    varyLabel.textContent =
      several && target ? `Ещё похожий на вариант ${target.number}:` : "Ещё похожий:";
    varyButtons.forEach((button) => {
      // Not disabled (that would drop the focus): a click says why it cannot start yet.
      button.setAttribute("aria-disabled", String(!target));
    });
  }

  function addCell(number) {
    const frame = h("span", { class: "variant-frame" });
    const caption = h("span", { class: "variant-caption" });
    const tile = h(
      "button",
      { type: "button", class: "variant-tile", dataset: { number } },
      frame,
      caption,
    );
    tile.addEventListener("click", () => choose(number));
    tile.addEventListener("focus", () => {
      active = number;
      updateTabStops();
    });
    const pick = h("button", {
      type: "button",
      class: "variant-choose",
      text: "Выбрать",
      "aria-label": `Выбрать вариант ${number}`,
      onclick: () => choose(number),
    });
    const box = h("div", { class: "variant-cell" }, tile, pick);
    // `image`: {link, img} once the thumbnail is asked for.
    const cell = { element: box, tile, frame, caption, pick, image: null };
    // In number order: a variant added by «Ещё похожий» comes last.
    const after = [...cells.keys()].filter((key) => key > number).sort((a, b) => a - b)[0];
    grid.insertBefore(cell.element, after === undefined ? null : cells.get(after).element);
    cells.set(number, cell);
    return cell;
  }

  function fillCell(cell, variant, total) {
    const ready = isReady(variant) && variant.thumbnail_url;
    cell.element.classList.toggle("chosen", Boolean(variant.chosen));
    cell.element.classList.toggle("failed", variant.status === "FAILED");
    cell.tile.setAttribute("aria-label", cellLabel(variant, total, age()));
    cell.tile.setAttribute("aria-disabled", String(!isReady(variant)));
    if (ready) showThumbnail(cell, variant);
    else showStage(cell, variant);
    // Separate pieces: on a narrow cell they wrap whole, one under the other.
    const score = isReady(variant) ? scoreText(variant) : "";
    cell.caption.replaceChildren(
      ...[
        h("span", { class: "variant-number", text: `Вариант ${variant.number}` }),
        score && h("span", { text: score }),
        variant.chosen && h("span", { class: "variant-mark", text: "✓ Выбран" }),
      ].filter(Boolean),
    );
    cell.pick.hidden = preview || !isReady(variant) || Boolean(variant.chosen);
    updateTabStops();
  }

  function showThumbnail(cell, variant) {
    if (cell.image?.link === variant.thumbnail_url) return;
    cell.stageKey = null;
    const img = h("img", { class: "variant-thumb", alt: "" });
    cell.image = { link: variant.thumbnail_url, img };
    cell.frame.replaceChildren(img);
    showImage(img, variant.thumbnail_url);
  }

  /** The stage in words where the thumbnail will be. Rebuilt only when its words change:
   * a rebuilt spinner would restart its turn at every poll. */
  function showStage(cell, variant) {
    cell.image = null;
    const [stage, ...details] = stageText(variant, age());
    if (variant.provider_queue === "busy" && variant.provider_message) {
      details.push(variant.provider_message);
    }
    const failure = variant.status === "FAILED" ? variant.error : "";
    const spinning = UNFINISHED.has(variant.status);
    const key = JSON.stringify([stage, details, failure, spinning]);
    if (cell.stageKey === key) return;
    cell.stageKey = key;
    cell.frame.replaceChildren(
      h(
        "span",
        { class: "variant-stage" },
        spinning ? h("span", { class: "variant-spinner" }) : null,
        h("span", { class: "variant-stage-name", text: stage }),
        ...details.map((detail) => h("span", { class: "variant-detail", text: detail })),
        failure ? h("span", { class: "variant-error", text: failure }) : null,
      ),
    );
  }

  /** Only the active cell is in the Tab order; the arrows move between cells. */
  function updateTabStops() {
    for (const [number, cell] of cells) cell.tile.tabIndex = number === active ? 0 : -1;
  }

  function moveFocus(event) {
    if (!event.target.classList.contains("variant-tile")) return;
    const tiles = [...grid.querySelectorAll(".variant-tile")];
    const index = tiles.indexOf(event.target);
    const columns = getComputedStyle(grid).gridTemplateColumns.split(" ").length || 1;
    const steps = { ...KEY_STEPS, ArrowUp: -columns, ArrowDown: columns };
    let next = null;
    if (event.key in steps) next = index + steps[event.key];
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = tiles.length - 1;
    else return;
    event.preventDefault();
    tiles[Math.min(Math.max(next, 0), tiles.length - 1)].focus();
  }

  /** A new detail from the server: shown, and polled on while a variant is unfinished. */
  function accept(newTask, newEtag = null) {
    const before = task.chosen_variant;
    task = newTask;
    etag = newEtag;
    receivedAt = Date.now();
    render();
    if (task.chosen_variant !== before && task.chosen_variant != null) onChosen(task);
    schedule();
  }

  // --- Polling -----------------------------------------------------------------------

  function unfinished() {
    return (task.variants || []).some((variant) => UNFINISHED.has(variant.status));
  }

  function schedule() {
    clearTimeout(timer);
    timer = unfinished() && !preview ? setTimeout(tick, POLL_MS) : null;
  }

  async function tick() {
    // Gone from the page (another chat, or the chat shown again), or never shown: stop.
    if (element.isConnected) wasConnected = true;
    else if (wasConnected || ++unseenTicks > 3) return;
    const mine = ticket;
    try {
      const answer = await api.revalidate(`generation-tasks/${task.id}/`, etag);
      if (mine !== ticket) return;
      say(error, "");
      if (answer.changed) accept(unwrap(answer.body), answer.etag);
      else {
        render(); // the same task: only the ETAs move on
        schedule();
      }
    } catch (failure) {
      if (mine !== ticket) return;
      say(error, failure.message);
      // Logged out, or the task is gone: asking again would not help. Else (no network,
      // a 5xx, a 429) it is tried again: the server may be back soon.
      if ([401, 403, 404].includes(failure.status)) return;
      timer = setTimeout(tick, POLL_MS * 2);
    }
  }

  // --- Actions -----------------------------------------------------------------------

  async function choose(number) {
    const variant = (task.variants || []).find((item) => item.number === number);
    say(error, "");
    if (preview) {
      say(status, "Выбрать вариант можно, когда будут готовы все.");
      return;
    }
    if (!variant || !isReady(variant)) {
      say(status, `Вариант ${number} ещё не готов: выбрать можно готовый.`);
      return;
    }
    if (variant.chosen) {
      say(status, `Вариант ${number} уже выбран.`);
      return;
    }
    await send(`generation-tasks/${task.id}/choose/`, { variant: number }, () => {
      active = number; // the Tab stop follows the choice
      updateTabStops();
      say(status, `Выбран вариант ${number}: он показан выше.`);
    });
  }

  async function vary(strength, button) {
    const target = varyTarget(task);
    say(error, "");
    if (!target) {
      say(status, "Дождитесь первого готового варианта.");
      return;
    }
    if (button.getAttribute("aria-busy")) return;
    button.setAttribute("aria-busy", "true");
    const path = `generation-tasks/${task.id}/variants/${target.number}/vary/`;
    try {
      await send(path, { strength }, () => {
        const added = (task.variants || []).at(-1);
        say(status, `Вариант ${added?.number ?? ""} в очереди: похожий на ${target.number}.`);
      });
    } finally {
      button.removeAttribute("aria-busy");
    }
  }

  /** POSTs `body`; its answer (the detail) replaces the task, then `done()` speaks. */
  async function send(path, body, done) {
    ticket++; // a poll on its way would bring the state from before this action
    try {
      const answer = await api.post(path, body);
      ticket++;
      accept(unwrap(answer));
      done();
    } catch (failure) {
      say(error, failure.message);
      schedule();
    }
  }

  render();
  schedule();
  return { element, update: (newTask) => accept(newTask) };
}
