// The client's entry point: logging in and out, the header, and which screen is shown.

import { api, login, logout, onSessionExpired, register, session } from "./api.js";
import { resetConversation, setUpConversation, showChat } from "./conversation.js";
import { $, busy, clearErrors, say, showErrors } from "./dom.js";
import { setUpDrawer } from "./drawer.js";
import { setUpGallery, showGallery } from "./gallery.js";
import { forgetImages, setUpViewer } from "./images.js";
import { chatPath, currentRoute, navigate, onRoute } from "./router.js";
import { loadChats, resetSidebar, setCurrentChat, setUpSidebar } from "./sidebar.js";

const TITLES = { chats: "Чаты — Contentum", gallery: "Галерея — Contentum" };

function field(form, name) {
  return form.elements.namedItem(name).value;
}

// --- Screens ----------------------------------------------------------------------------

function showAuth(notice = "") {
  resetConversation();
  resetSidebar();
  forgetImages();
  if ($("viewer").open) $("viewer").close();
  for (const id of ["app-nav", "account", "chats-view", "gallery-view", "boot"]) {
    $(id).hidden = true;
  }
  $("auth-view").hidden = false;
  say($("auth-notice"), notice);
  document.title = "Вход — Contentum";
  $("login-email").focus();
}

async function showApp() {
  const user = session.user;
  $("auth-view").hidden = true;
  $("boot").hidden = true;
  $("app-nav").hidden = false;
  $("account").hidden = false;
  $("user-name").textContent = user?.fullName || user?.email || "";
  // Admins manage users, questions, templates and tasks in the Django admin (openAdmin).
  $("admin-link").hidden = user?.role !== "ADMIN";
  await loadChats();
  const unfinished = await unfinishedChatToResume();
  if (unfinished) navigate(chatPath(unfinished), { replace: true });
  else render(currentRoute());
}

/** Opening the client at "/" (a visit, a reload, a login) goes back to the chat left
 * unfinished, rather than to the welcome that says to start one: only one may be unfinished,
 * so «Новый чат» would be refused. Going to "/" from inside the client shows the welcome. */
async function unfinishedChatToResume() {
  const route = currentRoute();
  if (route.view !== "chats" || route.chatId) return null;
  try {
    return (await api.get("chats/unfinished/")).data?.id || null;
  } catch {
    return null; // the welcome, then: «Новый чат» says why it is refused and offers the chat
  }
}

function render(route) {
  if (!session.loggedIn) return showAuth();
  $("chats-view").hidden = route.view !== "chats";
  $("gallery-view").hidden = route.view !== "gallery";
  document.title = TITLES[route.view];
  document.querySelectorAll("#app-nav [data-section]").forEach((link) => {
    const current = link.dataset.section === route.view;
    if (current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  });
  if (route.view === "gallery") {
    resetConversation();
    showGallery();
  } else {
    setCurrentChat(route.chatId);
    showChat(route.chatId);
  }
}

// --- Forms ------------------------------------------------------------------------------

async function submitLogin(event) {
  event.preventDefault();
  const form = event.currentTarget;
  clearErrors(form);
  await busy(form.querySelector("[type=submit]"), async () => {
    try {
      await login(field(form, "email"), field(form, "password"));
      form.reset();
      await showApp();
    } catch (error) {
      showErrors(form, error);
    }
  });
}

async function submitRegistration(event) {
  event.preventDefault();
  const form = event.currentTarget;
  clearErrors(form);
  const fields = Object.fromEntries(
    ["email", "fullName", "password", "passwordConfirm"].map((name) => [name, field(form, name)]),
  );
  await busy(form.querySelector("[type=submit]"), async () => {
    try {
      await register(fields);
      await login(fields.email, fields.password);
      form.reset();
      await showApp();
    } catch (error) {
      showErrors(form, error);
    }
  });
}

async function signOut(event) {
  let notice = "Вы вышли из системы.";
  await busy(event.currentTarget, async () => {
    try {
      notice = (await logout())?.message || notice;
    } catch {
      // The tokens are forgotten all the same; the server lets the access token expire.
    }
  });
  history.pushState({}, "", "/");
  showAuth(notice);
}

/** «Панель администратора»: the server gives a one-time link that starts the admin's own
 * session, and this tab opens it, so there is no second login form. A new tab (middle or
 * modified click) opens the link's plain /admin/, with that form; so does any refusal
 * (no longer an admin, say), where the admin's page says what it says. */
async function openAdmin(event) {
  const link = event.currentTarget;
  if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
    return;
  }
  event.preventDefault();
  if (link.getAttribute("aria-busy") === "true") return; // one link per click
  link.setAttribute("aria-busy", "true");
  try {
    const answer = await api.post("auth/admin-link/");
    window.location.assign(answer.data.url);
  } catch (error) {
    if (error.status === 401) return; // the session is over: the login form is shown
    window.location.assign(link.getAttribute("href"));
  } finally {
    link.removeAttribute("aria-busy");
  }
}

// --- Start ------------------------------------------------------------------------------

async function start() {
  setUpSidebar();
  setUpDrawer();
  setUpConversation();
  setUpGallery();
  setUpViewer();
  onSessionExpired((message) => showAuth(message));
  onRoute(render);
  $("login-form").addEventListener("submit", submitLogin);
  $("register-form").addEventListener("submit", submitRegistration);
  $("logout-button").addEventListener("click", signOut);
  $("admin-link").addEventListener("click", openAdmin);
  // Links inside the client change the screen without reloading the page.
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-nav]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    navigate(link.getAttribute("href"));
  });

  if (!session.loggedIn) return showAuth();
  try {
    const answer = await api.get("users/me/");
    session.save({ user: answer.data });
    await showApp();
  } catch (error) {
    if (error.status === 401) return; // onSessionExpired has shown the login form
    $("boot").hidden = true;
    say($("boot-error"), error.message);
  }
}

start();
