// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "/assets/govuk-frontend.min.js";

initAll();

// A file import (ui/_import_file.html): while the file posts, say what is happening in the form's status line, so
// a long file's check is not taken for a page that hangs. The answer then gives the file's row count.
for (const form of document.querySelectorAll("form[data-import-progress]")) {
  form.addEventListener("submit", (event) => {
    const note = document.getElementById(form.dataset.importProgress);
    const file = form.querySelector("input[type=file]")?.files?.[0];
    if (!note || !file) return;
    const size = file.size >= 1048576 ? `${(file.size / 1048576).toFixed(1)} MB` : `${Math.ceil(file.size / 1024)} KB`;
    const doing = event.submitter?.value === "import" ? "Checking and importing" : "Checking";
    note.textContent = `${doing} ${file.name} (${size}): every row is checked before anything is written. A long ` +
      "file can take a minute: keep this page open.";
    note.classList.add("govuk-inset-text");
  });
}
