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

// Unsaved text is kept in this browser as it is typed, so that an expired session, a lost
// connection or a closed tab never costs a paragraph. It is offered back when the page loads.
const basedOn = form && form.querySelector("input[name=based_on]");
const draftKey = `inspectorate-draft:${window.location.pathname}`;

function keepDraft() {
  try {
    localStorage.setItem(
      draftKey,
      JSON.stringify({ text: textarea.value, basedOn: basedOn ? basedOn.value : "", at: new Date().toISOString() }),
    );
  } catch (error) {
    // Storage full or disabled: the server copy is still there.
  }
}

function offerDraft() {
  let draft = null;
  try {
    draft = JSON.parse(localStorage.getItem(draftKey) || "null");
  } catch (error) {
    draft = null;
  }
  if (!draft || draft.text === textarea.value) {
    localStorage.removeItem(draftKey);
    return;
  }
  const banner = document.createElement("div");
  banner.className = "govuk-inset-text";
  banner.setAttribute("role", "status");
  const when = new Date(draft.at).toLocaleString("en-GB");
  banner.innerHTML = `<p class="govuk-body">This browser kept text you typed here at ${when} that was not saved.</p>`;
  const restore = document.createElement("button");
  restore.type = "button";
  restore.className = "govuk-button govuk-button--secondary govuk-!-margin-bottom-0";
  restore.textContent = "Put back my unsaved text";
  restore.addEventListener("click", () => {
    textarea.value = draft.text;
    banner.remove();
    refreshPreview();
    textarea.focus();
  });
  banner.appendChild(restore);
  form.parentNode.insertBefore(banner, form);
}

if (form && textarea && preview) {
  offerDraft();
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
    keepDraft();
    clearTimeout(timer);
    timer = setTimeout(refreshPreview, 400);
  });
  refreshPreview();

  // Leaving with text that is not saved asks first (the browser words the question). Saving, or
  // previewing on the server, is not leaving.
  const saved = textarea.defaultValue;
  let submitting = false;
  form.addEventListener("submit", () => {
    submitting = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (!submitting && textarea.value !== saved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
}
