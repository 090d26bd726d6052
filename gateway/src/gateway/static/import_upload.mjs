// A file import (ui/_import_file.html), progressive enhancement (issue 12, item 6): the form is sent with
// XMLHttpRequest so the page shows the upload's progress in its <progress> bar and says so in its status line
// ("Uploaded 40% of members.csv", then "Checking 4,800 rows of members.csv…"); the answer then replaces the page
// exactly as the ordinary post's would (the form's CSRF token and Idempotency-Key travel in the same fields; a
// redirect is followed, its page and address shown). Without JavaScript, or when the request fails before an
// answer, the form posts as it always does.
import { initAll } from "/assets/govuk-frontend.min.js";

const FORMS = "form[data-import-progress]";
const posting = new WeakSet(); // forms sent the ordinary way after all: leave their submit alone

function sizeOf(file) {
  return file.size >= 1048576 ? `${(file.size / 1048576).toFixed(1)} MB` : `${Math.ceil(file.size / 1024)} KB`;
}

// A CSV's rows (its lines after the header, blank ones left out), counted while it uploads; none for XLSX.
async function rowsOf(file) {
  if (!/\.csv$/i.test(file.name) || file.size > 64 * 1048576) return null;
  const lines = (await file.text()).split(/\r?\n/).filter((line) => line.trim() !== "");
  return Math.max(lines.length - 1, 0);
}

// The answer's page in place of this one, as a navigation to it would show it, then this page's scripts run on it.
function show(html, url) {
  const answer = new DOMParser().parseFromString(html, "text/html");
  document.title = answer.title;
  document.documentElement.replaceWith(document.adoptNode(answer.documentElement));
  document.body.classList.add("js-enabled", "govuk-frontend-supported"); // what govuk's inline script sets
  if (url && url !== location.href) {
    history.pushState(null, "", url);
    window.addEventListener("popstate", () => location.reload(), { once: true });
  }
  window.scrollTo(0, 0);
  initAll();
  enhanceImports();
}

function send(form, submitter, file, note) {
  const bar = document.getElementById(form.dataset.importProgressBar);
  const buttons = form.querySelectorAll("button[type=submit]");
  let rows = null;
  let said = -1;
  rowsOf(file).then((n) => { rows = n; }, () => {});
  const say = (text) => { note.textContent = text; };
  const checking = () => say(rows === null ? `Checking ${file.name}…`
    : `Checking ${rows.toLocaleString("en-GB")} row${rows === 1 ? "" : "s"} of ${file.name}…`);

  const xhr = new XMLHttpRequest();
  // the form's own address: form.action would be its buttons, named "action"
  xhr.open("POST", new URL(form.getAttribute("action") || location.href, location.href).href);
  xhr.setRequestHeader("Accept", "text/html");
  xhr.upload.addEventListener("progress", (event) => {
    if (!event.lengthComputable) return;
    bar.max = event.total;
    bar.value = event.loaded;
    const percent = Math.floor((100 * event.loaded) / event.total);
    if (percent >= said + 10 || percent === 100) { // every tenth, not each event: the status line is read out
      said = percent;
      say(`Uploaded ${percent}% of ${file.name} (${sizeOf(file)})`);
    }
  });
  xhr.upload.addEventListener("load", () => {
    bar.value = bar.max;
    checking();
  });
  xhr.addEventListener("load", () => {
    if ((xhr.getResponseHeader("Content-Type") || "").startsWith("text/html")) {
      show(xhr.responseText, xhr.responseURL);
    } else {
      postAsUsual(form, submitter);
    }
  });
  xhr.addEventListener("error", () => postAsUsual(form, submitter));
  xhr.addEventListener("abort", () => postAsUsual(form, submitter));

  bar.value = 0;
  bar.max = file.size || 1;
  bar.closest("[data-import-progress-box]").hidden = false;
  xhr.send(new FormData(form, submitter)); // the pressed button's action with it: so before the buttons are disabled
  for (const button of buttons) button.disabled = true; // one upload at a time
}

function postAsUsual(form, submitter) {
  for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = false;
  posting.add(form);
  form.requestSubmit(submitter);
}

function onSubmit(event) {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches(FORMS) || posting.has(form)) return;
  const note = document.getElementById(form.dataset.importProgress);
  const file = form.querySelector("input[type=file]")?.files?.[0];
  if (!note || !file) return;
  const doing = event.submitter?.value === "import" ? "Checking and importing" : "Checking";
  note.textContent = `${doing} ${file.name} (${sizeOf(file)}): every row is checked before anything is written. A ` +
    "long file can take a minute: keep this page open.";
  note.classList.add("govuk-inset-text");
  // held back by another listener (or no bar to show): leave the post to whoever stopped it, or to the browser
  if (event.defaultPrevented || !document.getElementById(form.dataset.importProgressBar)) return;
  if (typeof XMLHttpRequest === "undefined" || typeof FormData === "undefined") return;
  event.preventDefault();
  send(form, event.submitter, file, note);
}

// Listening on the document (the submit bubbles to it after the form's own listeners) so a listener that holds
// the post back is seen. The document outlives a replaced page, and adding the same listener twice adds it once.
export function enhanceImports() {
  document.addEventListener("submit", onSubmit);
}
