// Files in and out of the page: saving text (or a Blob) as a download, reading a chosen file.

import { ApiError } from "./api.js";
import { t } from "./i18n.js";

export function saveFile(name, text, type) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([text], { type }));
  link.download = name;
  link.click();
  URL.revokeObjectURL(link.href);
}

// The text of the file chosen in a file input (null if none), refused if larger than maxBytes.
// The input is cleared, so choosing the same file again works too.
export async function readChosenFile(input, maxBytes) {
  const file = input.files[0];
  input.value = "";
  if (!file) return null;
  if (file.size > maxBytes) throw new ApiError(t("run.tooLarge", { kb: Math.round(maxBytes / 1024) }));
  return { name: file.name, text: await file.text() };
}
