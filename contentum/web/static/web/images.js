// Generated images. The image links need the token, which an <img src> cannot send: the
// bytes are fetched with it and shown through blob: URLs, kept while the page lives.

import { api, apiPath } from "./api.js";
import { $, h, say } from "./dom.js";

const objectUrls = new Map();

/** The links of a generation task, from its fields or, failing that, from its id. */
export function taskLinks(source) {
  const id = source.task_id ?? source.generation_task_id ?? source.id;
  const base = `/api/generation-tasks/${id}`;
  return {
    id,
    image: source.image_url || `${base}/image/`,
    thumbnail: source.thumbnail_url || `${base}/thumbnail/`,
    download: source.download_url || `${base}/download/`,
  };
}

function objectUrl(link, { fresh = false } = {}) {
  const key = apiPath(link);
  if (!objectUrls.has(key)) {
    const loading = api.blob(key, { fresh }).then((blob) => URL.createObjectURL(blob));
    loading.catch(() => objectUrls.delete(key)); // a failed load may be tried again
    objectUrls.set(key, loading);
  }
  return objectUrls.get(key);
}

/** Loads `link` into `img`; on failure the image's place says why. `fresh` skips the
 * browser's cache (see `forgetImages`). */
export async function showImage(img, link, { fresh = false } = {}) {
  img.closest("figure")?.setAttribute("aria-busy", "true");
  try {
    img.src = await objectUrl(link, { fresh });
  } catch (error) {
    img.replaceWith(h("p", { class: "field-error", text: error.message }));
  } finally {
    img.closest("figure")?.removeAttribute("aria-busy");
  }
}

/** Saves the task's PNG as a file, as a link with `download` would. */
export function downloadImage(links) {
  return downloadFile(links.download, links.fileName || `contentum-${links.id}.png`);
}

/** Saves what `link` answers as `fileName`. Always from the server: a poster whose text
 * changed keeps its links, and a cached copy would be the old poster. */
export async function downloadFile(link, fileName) {
  const blob = await api.blob(link, { fresh: true });
  const href = URL.createObjectURL(blob);
  const anchor = h("a", { href, download: fileName, hidden: true });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}

/** A download button that reports its own failure next to itself. */
export function downloadButton(links, label = "Скачать PNG") {
  const error = h("span", { class: "field-error", role: "alert" });
  const button = h("button", {
    type: "button",
    class: "primary",
    text: label,
    onclick: async () => {
      say(error, "");
      button.disabled = true;
      try {
        await downloadImage(links);
      } catch (failure) {
        say(error, failure.message);
      } finally {
        button.disabled = false;
      }
    },
  });
  return [button, error];
}

let viewerLinks = null;
let viewerOpener = null;

/** The full-size image in a modal dialog; focus goes back to `opener` when it closes. */
export function openViewer(links, opener) {
  const viewer = $("viewer");
  viewerLinks = links;
  viewerOpener = opener;
  const img = $("viewer-image");
  img.removeAttribute("src");
  say($("viewer-error"), "");
  viewer.showModal();
  objectUrl(links.image).then(
    (url) => {
      if (viewerLinks === links) img.src = url;
    },
    (error) => say($("viewer-error"), error.message),
  );
}

export function setUpViewer() {
  const viewer = $("viewer");
  $("viewer-close").addEventListener("click", () => viewer.close());
  viewer.addEventListener("close", () => viewerOpener?.focus());
  $("viewer-download").addEventListener("click", async () => {
    const button = $("viewer-download");
    button.disabled = true;
    try {
      await downloadImage(viewerLinks);
    } catch (error) {
      say($("viewer-error"), error.message);
    } finally {
      button.disabled = false;
    }
  });
}

/** Loads `links` again past every cache, after their bytes changed on the server (a
 * poster's new text); `img` then shows the new image. The thumbnail is loaded again too,
 * so the gallery, which shows it, gets the new one from the browser's cache. */
export function reloadImages(links, img) {
  for (const link of [links.image, links.thumbnail]) {
    const key = apiPath(link);
    objectUrls.get(key)?.then(URL.revokeObjectURL, () => {});
    objectUrls.delete(key);
  }
  objectUrl(links.thumbnail, { fresh: true }).catch(() => {}); // shown elsewhere, later
  return showImage(img, links.image, { fresh: true });
}

export function forgetImages() {
  for (const loading of objectUrls.values()) loading.then(URL.revokeObjectURL, () => {});
  objectUrls.clear();
}
