// The editor's enhancements: a small Markdown toolbar and a live preview. Without JavaScript the
// form still saves, and the "Preview" button shows the same preview from the server.
const form = document.querySelector("form[data-live-preview]");
const textarea = form && form.querySelector("textarea[data-preview-source]");
const preview = document.getElementById("preview");

function csrfToken() {
  const input = form.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

let timer = null;
async function refreshPreview() {
  const body = new URLSearchParams({ text: textarea.value });
  const response = await fetch(form.dataset.livePreview, {
    method: "POST",
    headers: { "X-CSRFToken": csrfToken() },
    body,
    credentials: "same-origin",
  });
  if (response.ok) {
    // The server returns sanitised HTML (reports/markup.py): the same as the public page shows.
    preview.innerHTML = await response.text();
  }
}

const TOOLS = [
  { label: "Heading", before: "## ", after: "" },
  { label: "Bold", before: "**", after: "**" },
  { label: "List item", before: "- ", after: "" },
  { label: "Link", before: "[", after: "](https://)" },
  { label: "Area for improvement", before: "$AFI\n", after: "\n$AFI" },
];

function insert(tool) {
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  const chosen = value.slice(start, end) || tool.label.toLowerCase();
  textarea.value = value.slice(0, start) + tool.before + chosen + tool.after + value.slice(end);
  textarea.focus();
  textarea.setSelectionRange(start + tool.before.length, start + tool.before.length + chosen.length);
  refreshPreview();
}

if (form && textarea && preview) {
  const toolbar = document.createElement("div");
  toolbar.className = "app-toolbar";
  toolbar.setAttribute("role", "toolbar");
  toolbar.setAttribute("aria-label", "Formatting");
  for (const tool of TOOLS) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "govuk-button govuk-button--secondary";
    button.textContent = tool.label;
    button.addEventListener("click", () => insert(tool));
    toolbar.appendChild(button);
  }
  textarea.parentNode.insertBefore(toolbar, textarea);
  textarea.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refreshPreview, 400);
  });
  refreshPreview();
}
