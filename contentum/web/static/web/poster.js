// A chat's poster: shown whole at its format's size ratio, its text changed in place (the
// server typesets it again on the stored background), downloaded as PNG, JPEG, WebP or as
// the background without text, and its safe zone (what the platform's UI covers) shown on
// demand.

import { api } from "./api.js";
import { clearErrors, h, say, showErrors } from "./dom.js";
import { downloadFile, openViewer, reloadImages, showImage, taskLinks } from "./images.js";

const MAX_LINES = 4;
const LINE_LABELS = ["Строка 1 — дата и время", "Строка 2 — место"];
const DOWNLOADS = [
  { label: "PNG", format: "png", extension: "png" },
  { label: "JPEG", format: "jpeg", extension: "jpg" },
  { label: "WebP", format: "webp", extension: "webp" },
];
const SAFE_SIDES = ["top", "right", "bottom", "left"];

let formatNames = null;

/** The formats' names by key, loaded once per page; a failure leaves the keys shown. */
function formatName(key) {
  formatNames ??= api.get("formats/?page_size=100").then(
    (answer) => new Map((answer?.results ?? answer ?? []).map((f) => [f.key, f.name])),
    () => {
      formatNames = null; // tried again next time
      return new Map();
    },
  );
  return formatNames.then((names) => names.get(key) || key);
}

/** "afisha-джаз-у-моря.jpg": the title's letters and digits, joined by dashes. */
export function posterFileName(title, extension, suffix = "") {
  const slug = (title || "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .slice(0, 60)
    .replace(/^-+|-+$/g, "");
  return `afisha-${slug || "poster"}${suffix}.${extension}`;
}

function withQuery(link, query) {
  return `${link}${link.includes("?") ? "&" : "?"}${query}`;
}

/** The poster of `initialTask` (a task's detail, with its `poster`) as a figure, and
 * `update(task)`, which shows the task's poster again after its chosen variant changed:
 * same links, new bytes (their ETag changed with the file names). */
export function posterView(initialTask) {
  let task = initialTask;
  const { width, height, safe } = task.poster;
  const id = `poster-${task.id}`;
  const links = { ...taskLinks(task) };
  const setFileName = () => {
    links.fileName = posterFileName(task.poster.text?.title, "png");
  };
  setFileName();

  const img = h("img", {
    class: "poster-image",
    alt: "",
    width,
    height,
  });
  const describe = () => {
    const text = task.poster.text || {};
    img.alt = [`Постер «${text.title || ""}»`, ...(text.lines || []), text.call_to_action]
      .filter(Boolean)
      .join(". ");
  };
  describe();
  showImage(img, links.image);

  const frame = h(
    "div",
    { class: "poster-frame" },
    h(
      "button",
      {
        type: "button",
        class: "poster-open",
        "aria-label": "Открыть постер в полном размере",
        onclick: (event) => openViewer(links, event.currentTarget),
      },
      img,
    ),
  );
  // Set through the CSSOM: the page's policy refuses style attributes.
  frame.style.setProperty("--poster-w", width);
  frame.style.setProperty("--poster-h", height);

  const meta = h("p", { class: "message-meta poster-meta", text: `${width}×${height}` });
  formatName(task.poster.format).then((name) => {
    meta.textContent = `${name} · ${width}×${height} px`;
  });
  const status = h("p", { class: "hint poster-status", role: "status" });

  const editButton = h("button", {
    type: "button",
    text: "Изменить текст",
    "aria-expanded": "false",
    "aria-controls": `${id}-editor`,
  });
  const editor = textEditor(task.id, id, {
    onSaved: async (answer) => {
      task = answer.data;
      setFileName();
      describe();
      closeEditor();
      say(status, `${answer.message}. Загружаю новый постер…`);
      await reloadImages(links, img);
      say(status, answer.message);
    },
    onClose: () => closeEditor(),
  });
  function closeEditor() {
    editor.form.hidden = true;
    editButton.setAttribute("aria-expanded", "false");
    editButton.focus();
  }
  editButton.addEventListener("click", () => {
    if (!editor.form.hidden) return closeEditor();
    say(status, "");
    editor.open(task.poster.text || {});
    editButton.setAttribute("aria-expanded", "true");
    editor.form.scrollIntoView({ block: "nearest" });
    editor.form.elements.namedItem("title").focus();
  });

  const actions = h("div", { class: "row poster-actions" }, editButton);
  const [downloadToggle, downloads, downloadError] = downloadMenu(() => task, links, id);
  actions.append(downloadToggle);
  let safeHint = null;
  if (safe.some((inset) => inset > 0)) {
    const overlay = safeZone(width, height, safe);
    frame.append(overlay);
    safeHint = h("p", {
      class: "hint",
      id: `${id}-safe-hint`,
      hidden: true,
      text:
        "Пунктир — безопасная зона. Полосы по краям закроет интерфейс платформы: " +
        "текста и важных деталей там быть не должно.",
    });
    const toggle = h("button", {
      type: "button",
      text: "Безопасная зона",
      "aria-pressed": "false",
      "aria-describedby": safeHint.id,
      onclick: () => {
        overlay.hidden = !overlay.hidden;
        safeHint.hidden = overlay.hidden;
        toggle.setAttribute("aria-pressed", String(!overlay.hidden));
      },
    });
    actions.append(toggle);
  }
  const element = h(
    "figure",
    { class: "poster-result" },
    h("div", { class: "poster-stage" }, frame, editor.form),
    h("figcaption", {}, meta, actions, downloads, downloadError, safeHint, status),
  );
  const update = async (newTask) => {
    task = { ...newTask, poster: newTask.poster || task.poster };
    setFileName();
    describe();
    // The editor held the other variant's text; closed without taking the focus.
    editor.form.hidden = true;
    editButton.setAttribute("aria-expanded", "false");
    await reloadImages(links, img);
  };
  return { element, update };
}

// --- The safe zone ------------------------------------------------------------------------

/** Bands over what the platform covers, and a dashed frame around what stays visible. */
function safeZone(width, height, safe) {
  const percent = (inset, side) =>
    `${(100 * inset) / (side === "top" || side === "bottom" ? height : width)}%`;
  const area = h("div", { class: "safe-area" });
  const bands = [];
  SAFE_SIDES.forEach((side, index) => {
    const inset = safe[index];
    area.style[side] = percent(inset, side);
    if (inset <= 0) return;
    const band = h("div", { class: `safe-band safe-band-${side}` });
    band.style[side === "top" || side === "bottom" ? "height" : "width"] = percent(inset, side);
    bands.push(band);
  });
  return h("div", { class: "safe-overlay", "aria-hidden": "true", hidden: true }, ...bands, area);
}

// --- Downloads ----------------------------------------------------------------------------

/** «Скачать»: a button that shows the formats below it; Escape hides them again. */
function downloadMenu(currentTask, links, id) {
  const error = h("p", { class: "field-error", role: "alert" });
  const toggle = h("button", {
    type: "button",
    class: "primary",
    text: "Скачать",
    "aria-expanded": "false",
    "aria-controls": `${id}-downloads`,
  });
  const choice = (label, link, fileName) => {
    const button = h("button", {
      type: "button",
      text: label,
      // Not disabled while it loads: a disabled button would drop the keyboard's focus.
      onclick: async () => {
        if (button.getAttribute("aria-busy")) return;
        say(error, "");
        button.setAttribute("aria-busy", "true");
        try {
          await downloadFile(link, fileName());
        } catch (failure) {
          say(error, failure.message);
        } finally {
          button.removeAttribute("aria-busy");
        }
      },
    });
    return button;
  };
  const title = () => currentTask().poster.text?.title;
  const options = DOWNLOADS.map(({ label, format, extension }) =>
    choice(
      label,
      format === "png" ? links.download : withQuery(links.download, `format=${format}`),
      () => posterFileName(title(), extension),
    ),
  );
  if (currentTask().background_url) {
    options.push(
      choice("Фон без текста", currentTask().background_url, () =>
        posterFileName(title(), "png", "-fon"),
      ),
    );
  }
  const menu = h(
    "div",
    {
      class: "download-options",
      id: `${id}-downloads`,
      role: "group",
      "aria-label": "Скачать постер",
      hidden: true,
    },
    ...options,
  );
  const show = (open) => {
    menu.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    if (!open) say(error, "");
  };
  toggle.addEventListener("click", () => {
    show(menu.hidden);
    if (!menu.hidden) {
      menu.scrollIntoView({ block: "nearest" });
      options[0].focus();
    }
  });
  const closeOnEscape = (event) => {
    if (event.key !== "Escape" || menu.hidden) return;
    event.preventDefault();
    show(false);
    toggle.focus();
  };
  menu.addEventListener("keydown", closeOnEscape);
  toggle.addEventListener("keydown", closeOnEscape);
  return [toggle, menu, error];
}

// --- The text editor ----------------------------------------------------------------------

/** The form that changes the poster's text, and `open(text)` that fills and shows it.
 * `onSaved(answer)` gets the server's envelope; Escape or «Отмена» call `onClose`. */
function textEditor(taskId, id, { onSaved, onClose }) {
  const field = (name, label, { hint, maxlength }) => {
    const inputId = `${id}-${name}`;
    const described = [hint ? `${inputId}-hint` : null, `${inputId}-error`].filter(Boolean);
    return h(
      "div",
      { class: "field" },
      h("label", { for: inputId, text: label }),
      h("input", {
        id: inputId,
        name,
        type: "text",
        autocomplete: "off",
        maxlength,
        "aria-describedby": described.join(" "),
      }),
      hint ? h("p", { class: "hint", id: `${inputId}-hint`, text: hint }) : null,
      h("p", { class: "field-error", id: `${inputId}-error`, "data-error-for": name }),
    );
  };
  const linesBox = h("div", { class: "poster-lines" });
  const linesError = h("p", {
    class: "field-error",
    id: `${id}-lines-error`,
    "data-error-for": "lines",
  });
  const submit = h("button", { type: "submit", class: "primary", text: "Сохранить" });
  const form = h(
    "form",
    {
      class: "poster-editor card",
      id: `${id}-editor`,
      novalidate: true,
      "aria-labelledby": `${id}-editor-title`,
      hidden: true,
    },
    h("h3", { id: `${id}-editor-title`, text: "Текст постера" }),
    field("title", "Название", { maxlength: 300 }),
    h(
      "fieldset",
      { name: "lines", class: "poster-lines-set", "aria-describedby": `${id}-lines-hint` },
      h("legend", { text: "Строки под названием" }),
      h("p", {
        class: "hint",
        id: `${id}-lines-hint`,
        text: `До ${MAX_LINES} строк; пустые не попадут на постер.`,
      }),
      linesBox,
      linesError,
    ),
    field("call_to_action", "Призыв к действию", {
      hint: "Например, «Билеты на сайте». Можно оставить пустым.",
      maxlength: 120,
    }),
    h("p", { class: "form-error", role: "alert", "data-error-for": "form" }),
    h(
      "div",
      { class: "row" },
      submit,
      h("button", { type: "button", text: "Отмена", onclick: () => onClose() }),
    ),
  );

  const lineInputs = () => [...linesBox.querySelectorAll("input")];
  const addLine = (value = "") => {
    const number = lineInputs().length + 1;
    const inputId = `${id}-line-${number}`;
    linesBox.append(
      h(
        "div",
        { class: "field" },
        h("label", { for: inputId, text: LINE_LABELS[number - 1] || `Строка ${number}` }),
        h("input", {
          id: inputId,
          type: "text",
          autocomplete: "off",
          maxlength: 200,
          value,
          "aria-describedby": `${id}-lines-error`,
          dataset: { line: number },
        }),
      ),
    );
  };
  // A new empty line appears once the last one is typed in, up to MAX_LINES.
  linesBox.addEventListener("input", () => {
    const inputs = lineInputs();
    if (inputs.length < MAX_LINES && inputs.at(-1).value.trim()) addLine();
  });

  const open = (text) => {
    clearErrors(form);
    form.elements.namedItem("title").value = text.title || "";
    form.elements.namedItem("call_to_action").value = text.call_to_action || "";
    linesBox.replaceChildren();
    const lines = (text.lines || []).slice(0, MAX_LINES);
    lines.forEach((line) => addLine(line));
    while (lineInputs().length < Math.min(MAX_LINES, Math.max(2, lines.length + 1))) addLine();
    form.hidden = false;
  };

  form.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    event.preventDefault();
    onClose();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    clearErrors(form);
    const value = (name) => form.elements.namedItem(name).value;
    const body = {
      title: value("title"),
      lines: lineInputs()
        .map((input) => input.value)
        .filter((line) => line.trim()),
      call_to_action: value("call_to_action"),
    };
    submit.disabled = true;
    submit.setAttribute("aria-busy", "true");
    try {
      const answer = await api.patch(`generation-tasks/${taskId}/text/`, body);
      await onSaved(answer);
    } catch (error) {
      showErrors(form, error);
      lineInputs().forEach((input) => {
        if (error.fieldError("lines")) input.setAttribute("aria-invalid", "true");
      });
      // A fieldset takes no focus: the first line does, when the lines are what is wrong.
      if (error.fieldError("lines") && !error.fieldError("title")) lineInputs()[0]?.focus();
    } finally {
      submit.disabled = false;
      submit.removeAttribute("aria-busy");
    }
  });
  return { form, open };
}
