// One chat: its messages, the answer box with quick replies, "Назад", and the generation
// that follows the last answer (a progress line that polls the task, then the image).

import { api } from "./api.js";
import { $, busy, h, say } from "./dom.js";
import { downloadButton, openViewer, reloadImages, showImage, taskLinks } from "./images.js";
import { posterView } from "./poster.js";
import { variantsPanel } from "./variants.js";

const POLL_MS = 1500;
const ACTIVE = new Set(["PENDING", "RUNNING"]);
const RESULT_KINDS = new Set(["generation_succeeded", "generation_failed"]);
const SKIP_ANSWER = "пропустить";
const STATUS_TEXT = {
  COLLECTING: "Отвечайте на вопросы — по одному за раз.",
  GENERATING: "Ответы собраны, изображение генерируется.",
  COMPLETED: "Изображение готово.",
  FAILED: "Генерация не удалась.",
};

let chat = null;
let poll = null; // {taskId, startedAt, timer, etag, task, preview} while a generation is watched
let shown = 0; // bumps on every chat load: a late answer for a chat no longer shown is dropped
let sending = false;

const changed = () => document.dispatchEvent(new CustomEvent("contentum:chats-changed"));

export function setUpConversation() {
  $("answer-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sendAnswer($("answer-input").value);
  });
  $("skip-button").addEventListener("click", () => sendAnswer(SKIP_ANSWER));
  $("back-button").addEventListener("click", (event) => busy(event.currentTarget, goBack));
  $("cancel-button").addEventListener("click", (event) => busy(event.currentTarget, cancel));
  document.addEventListener("contentum:chat-renamed", ({ detail }) => {
    if (chat && detail?.id === chat.id) {
      chat.title = detail.title;
      $("chat-title").textContent = detail.title;
    }
  });
}

/** Shows chat `id`, or the welcome text for null. */
export async function showChat(id) {
  if (chat?.id === id && id !== null) return;
  stopPolling();
  const ticket = ++shown;
  chat = null;
  $("chat-empty").hidden = id !== null;
  $("chat-pane").hidden = id === null;
  if (id === null) return;
  $("chat-title").textContent = "Загрузка…";
  $("chat-status").textContent = "";
  $("messages").replaceChildren();
  $("answer-form").hidden = true;
  tell("");
  await load(id, {}, ticket);
}

export function resetConversation() {
  stopPolling();
  shown++;
  chat = null;
}

/** Fetches and shows chat `id`; any load started later wins over this one. With
 * `announce`, screen readers hear the newest message (the list itself is not live: it is
 * rebuilt on every load and would be read out whole). */
async function load(id, { announce = false } = {}, ticket = ++shown) {
  say($("chat-error"), "");
  let loaded;
  try {
    loaded = await api.get(`chats/${id}/`);
  } catch (error) {
    if (ticket === shown) {
      $("chat-title").textContent = "Чат недоступен";
      say($("chat-error"), error.message);
    }
    return;
  }
  if (ticket !== shown) return;
  chat = loaded;
  render();
  if (announce) tell(chat.messages.at(-1)?.content);
  if (chat.status === "COLLECTING") $("answer-input").focus();
  else await watchLatestTask();
}

function render() {
  $("chat-title").textContent = chat.title;
  $("chat-status").textContent = STATUS_TEXT[chat.status] || "";
  const results = chat.messages.filter((message) => RESULT_KINDS.has(message.kind));
  const lastResult = results.at(-1);
  $("messages").replaceChildren(
    ...chat.messages.map((message) => messageItem(message, message === lastResult)),
  );
  renderComposer();
  scrollToEnd();
}

/** Says `text` to screen readers through the live region beside the list. */
function tell(text) {
  $("announcer").textContent = text || "";
}

/** The end of the conversation in view: on wide screens the list scrolls inside the pane;
 * on phones the page scrolls, to the answer box or the progress line below the list. */
function scrollToEnd() {
  const list = $("messages");
  list.scrollTop = list.scrollHeight;
  const below = [$("answer-form"), $("progress-variants"), $("progress")].find(
    (element) => !element.hidden,
  );
  (below || list.lastElementChild)?.scrollIntoView({ block: "nearest" });
}

// --- Messages ---------------------------------------------------------------------------

function messageItem(message, isLastResult) {
  const mine = message.messageType === "USER";
  const item = h("li", {
    class: `message ${mine ? "from-user" : "from-system"}${message.withdrawn ? " withdrawn" : ""}`,
    dataset: { kind: message.kind },
  });
  item.append(h("span", { class: "visually-hidden", text: mine ? "Вы:" : "Contentum:" }));
  const payload = message.payload || {};
  if (message.kind === "question" && payload.step) {
    item.append(
      h("p", { class: "message-meta", text: `Вопрос ${payload.step} из ${payload.total_steps}` }),
    );
  }
  item.append(h("p", { class: "message-text", text: readableText(message) }));
  if (message.withdrawn) {
    item.append(h("p", { class: "message-meta", text: "Ответ отозван кнопкой «Назад»" }));
  }
  if (message.kind === "generation_succeeded") item.append(resultCard(payload));
  if (message.kind === "generation_failed" && isLastResult && !poll) item.append(retryBox(payload));
  return item;
}

/** The message's text. A question shows its bare text: its options are the buttons under
 * the list and the skip is a button too, which `content` spells out for clients without
 * buttons (older messages have no bare text and keep their content). A finished generation
 * (or a variant chosen later) ends with its download link and the line that introduces it:
 * the poster's own download button replaces them, as the bare link needs a token. */
function readableText(message) {
  if (message.kind === "question") return questionText(message);
  const linked = message.kind === "generation_succeeded" || message.payload?.variant;
  if (!linked) return message.content;
  const lines = message.content.trimEnd().split("\n");
  if (lines.length > 1 && /^https?:\/\/\S+$/.test(lines.at(-1).trim())) {
    lines.pop();
    if (lines.length > 1 && lines.at(-1).trim().endsWith(":")) lines.pop();
  }
  return lines.join("\n");
}

/** A question's bare text, after what the message says before it («Вернёмся к
 * предыдущему вопросу.» when going back); its content whole when it has no bare text. */
function questionText(message) {
  const bare = message.payload?.question_text;
  if (!bare) return message.content;
  const at = message.content.indexOf(bare);
  return at > 0 ? message.content.slice(0, at) + bare : bare;
}

/** A poster, once the task says it is one, else the image's thumbnail; under it the
 * prompt it was made from (folded) and the task's variants (or «Ещё похожий» alone for a
 * single image). */
function resultCard(payload) {
  const links = taskLinks(payload);
  const holder = h("div", { class: "result-holder", "aria-busy": "true" });
  api
    .get(`generation-tasks/${links.id}/`)
    .then(
      (task) => {
        const view = task.poster ? posterView(task) : imageCard(links);
        const prompt = promptDetails(task);
        const onChosen = (chosen) => {
          prompt.update(chosen);
          return view.update(chosen);
        };
        return [view.element, prompt.element, variantsPanel(task, { onChosen }).element];
      },
      () => [imageCard(links).element], // the image links still work, or say why they do not
    )
    .then((parts) => {
      holder.replaceChildren(...parts);
      holder.removeAttribute("aria-busy");
      if (holder.isConnected) scrollToEnd();
    });
  return holder;
}

/** «Промпт»: the assembled prompt the image was made from, closed until asked for (a
 * native <details>: Enter or Space on its summary opens it). Hidden while the task has no
 * prompt text; `update(task)` shows a chosen variant's. */
function promptDetails(task) {
  const text = h("p", { class: "prompt-text" });
  const element = h(
    "details",
    { class: "prompt-details" },
    h("summary", { text: "Промпт" }),
    text,
  );
  const update = (newTask) => {
    const prompt = (newTask?.prompt_text || "").trim();
    if (!prompt && newTask !== task) return; // a variant without its own text keeps the shown one
    text.textContent = prompt;
    element.hidden = !prompt;
  };
  update(task);
  return { element, update };
}

/** The image's thumbnail as a figure, and `update()` that loads it again (its task's
 * links now serve another variant). */
function imageCard(links) {
  const img = h("img", { alt: `Миниатюра изображения «${chat.title}»`, class: "thumbnail" });
  const open = h(
    "button",
    {
      type: "button",
      class: "thumbnail-button",
      "aria-label": "Открыть изображение в полном размере",
      onclick: (event) => openViewer(links, event.currentTarget),
    },
    img,
  );
  showImage(img, links.thumbnail);
  img.addEventListener("load", scrollToEnd, { once: true }); // it grows once loaded
  const element = h(
    "figure",
    { class: "result" },
    open,
    h(
      "figcaption",
      { class: "row" },
      h("button", {
        type: "button",
        text: "Открыть в полном размере",
        onclick: (event) => openViewer(links, event.currentTarget),
      }),
      ...downloadButton(links),
    ),
  );
  return { element, update: () => reloadImages({ ...links, image: links.thumbnail }, img) };
}

function retryBox(payload) {
  const taskId = taskLinks(payload).id;
  const error = h("p", { class: "field-error", role: "alert" });
  const button = h("button", {
    type: "button",
    class: "primary",
    text: "Повторить",
    onclick: () =>
      busy(button, async () => {
        say(error, "");
        try {
          const answer = await api.post(`generation-tasks/${taskId}/retry/`);
          box.remove();
          startPolling(answer.data.id);
          changed();
        } catch (failure) {
          say(error, failure.message);
          // Already retrying (a second tab, a double click): watch that retry instead.
          if (failure.status === 409 && failure.data?.task_id) startPolling(failure.data.task_id);
        }
      }),
  });
  const box = h("div", { class: "retry" }, button, error);
  return box;
}

// --- Answering --------------------------------------------------------------------------

function renderComposer() {
  const question = chat.status === "COLLECTING" ? chat.current_question : null;
  const form = $("answer-form");
  form.hidden = !question;
  if (!question) return;
  const replies = (question.options || []).map((option) =>
    h("button", {
      type: "button",
      class: "quick-reply",
      text: option,
      onclick: () => sendAnswer(option),
    }),
  );
  $("quick-replies").replaceChildren(...replies);
  $("quick-replies").hidden = replies.length === 0;
  $("skip-button").hidden = !question.optional;
  $("back-button").hidden = chat.flow_step === 0;
  renderHint(question, replies.length > 0);
}

/** One hint under the answer box, saying only what neither the question's bubble nor the
 * buttons say. The step is already over the bubble: here it is for screen readers alone,
 * who hear the hint with the answer box. The skip is the «Пропустить вопрос» button; what a
 * skip gives is said, as the bubble does not. */
function renderHint(question, hasReplies) {
  const step = h("span", {
    class: "visually-hidden",
    text: `Вопрос ${question.step} из ${question.total_steps}. `,
  });
  const advice = [];
  const choose = chooseAdvice(question, hasReplies);
  // Questions written in the admin often end with this very advice: it is not said twice.
  if (choose && !questionSays(question, choose)) advice.push(choose);
  if (question.optional && question.default) advice.push(`Без ответа будет «${question.default}».`);
  $("answer-hint").replaceChildren(step, advice.join(" "));
}

function chooseAdvice(question, hasReplies) {
  if (!hasReplies) return "";
  return question.allow_free_answer
    ? "Выберите вариант или напишите свой."
    : "Выберите один из вариантов.";
}

/** Whether the question's own text already contains `sentence` (its final dot aside). */
function questionSays(question, sentence) {
  const text = (question.text || "").toLowerCase();
  return text.includes(sentence.replace(/\.$/, "").toLowerCase());
}

async function sendAnswer(text) {
  if (sending || !chat) return;
  sending = true;
  const input = $("answer-input");
  const current = chat;
  say($("answer-error"), "");
  input.removeAttribute("aria-invalid");
  $("send-button").disabled = true;
  try {
    const answer = await api.post("messages/", { chat: current.id, content: text });
    if (current !== chat) return;
    if (input.value === text) input.value = ""; // not what was typed since, nor on a quick reply
    accept(answer.data);
  } catch (error) {
    if (current !== chat) return;
    input.setAttribute("aria-invalid", "true");
    say($("answer-error"), error.fieldError("content") || error.message);
    if (error.status === 409) await load(current.id); // the chat moved on elsewhere
  } finally {
    sending = false;
    $("send-button").disabled = false;
    if (current === chat && !$("answer-form").hidden) input.focus();
  }
}

/** The answer was taken: show both messages and the next question, or start watching. */
function accept(data) {
  const { user_message: userMessage, system_message: systemMessage } = data;
  chat.messages.push(userMessage, systemMessage);
  if (systemMessage.kind === "question") {
    chat.flow_step = systemMessage.payload.step - 1;
    // As the chat's `current_question` gives it: the bare text (older servers: the content).
    const text = systemMessage.payload.question_text || systemMessage.content;
    chat.current_question = { text, ...systemMessage.payload };
  } else {
    chat.status = "GENERATING";
    chat.current_question = null;
  }
  $("messages").append(messageItem(userMessage, false), messageItem(systemMessage, false));
  $("chat-status").textContent = STATUS_TEXT[chat.status];
  tell(systemMessage.content);
  renderComposer();
  scrollToEnd();
  if (chat.status === "GENERATING") {
    if (data.generation_task_id) startPolling(data.generation_task_id);
    else watchLatestTask();
    $("progress").focus();
    changed();
  }
}

async function goBack() {
  say($("answer-error"), "");
  try {
    await api.post(`chats/${chat.id}/back/`);
    await load(chat.id, { announce: true });
  } catch (error) {
    say($("answer-error"), error.message);
    $("answer-input").focus();
  }
}

// --- Generation progress ----------------------------------------------------------------

/** Watches the chat's newest generation task if it is still queued or running. */
async function watchLatestTask() {
  const current = chat;
  try {
    const page = await api.get(`generation-tasks/?chat=${current.id}&page_size=1`);
    const task = page.results[0];
    if (current === chat && task && ACTIVE.has(task.status)) startPolling(task.id, task);
  } catch (error) {
    if (current === chat) say($("chat-error"), error.message);
  }
}

function startPolling(taskId, task = null) {
  stopPolling();
  poll = { taskId, startedAt: Date.now(), timer: null, etag: null, task, preview: null };
  $("messages")
    .querySelectorAll(".retry")
    .forEach((box) => box.remove());
  $("progress").hidden = false;
  say($("progress-error"), "");
  showProgress(task);
  scrollToEnd();
  tick(poll);
}

function stopPolling() {
  if (poll?.timer) clearTimeout(poll.timer);
  poll = null;
  $("progress").hidden = true;
  $("progress-variants").hidden = true;
  $("progress-variants").replaceChildren();
}

/** One poll of the watched task, with the ETag of the last answer: a 304 means no news. */
async function tick(watch) {
  let task = null;
  try {
    const answer = await api.revalidate(`generation-tasks/${watch.taskId}/`, watch.etag);
    if (answer.changed) {
      watch.etag = answer.etag;
      task = answer.body;
    }
    say($("progress-error"), "");
  } catch (error) {
    if (watch !== poll) return;
    say($("progress-error"), error.message); // keep trying: the server may be back soon
  }
  if (watch !== poll) return;
  if (task && !ACTIVE.has(task.status)) {
    // Finished: the chat now holds the result message (image or reason, with retry).
    stopPolling();
    changed();
    await load(chat.id, { announce: true });
    return;
  }
  if (task) watch.task = task;
  showProgress(watch.task);
  if (task) showVariantsPreview(watch, task);
  watch.timer = setTimeout(() => tick(watch), POLL_MS);
}

/** A brief of several variants: its grid under the progress line fills in meanwhile. */
function showVariantsPreview(watch, task) {
  if ((task.variants || []).length < 2) return;
  if (watch.preview) return watch.preview.update(task);
  watch.preview = variantsPanel(task, { preview: true });
  $("progress-variants").replaceChildren(watch.preview.element);
  $("progress-variants").hidden = false;
  scrollToEnd();
}

function showProgress(task) {
  const seconds = Math.round((Date.now() - poll.startedAt) / 1000);
  let text = "Генерация изображения: задача в очереди…";
  const variants = task?.variants || [];
  if (variants.length > 1) {
    const done = variants.filter((variant) => !ACTIVE.has(variant.status)).length;
    text = `Генерация изображения: готово вариантов ${done} из ${variants.length}…`;
  } else if (task?.status === "RUNNING") {
    const attempt = Math.max(task.attempts, 1);
    text = `Генерация изображения: попытка ${attempt} из ${task.max_attempts}…`;
  }
  $("progress-text").textContent = `${text} Прошло ${seconds} с.`;
}

async function cancel() {
  if (!poll) return;
  try {
    await api.post(`generation-tasks/${poll.taskId}/cancel/`);
  } catch (error) {
    say($("progress-error"), error.message);
  }
}
