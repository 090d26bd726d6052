// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "/assets/govuk-frontend.min.js";
import { enhanceImports } from "./import_upload.mjs";

initAll();

// A file import (ui/_import_file.html): the upload's progress shown while the file posts (static/import_upload.mjs).
enhanceImports();
