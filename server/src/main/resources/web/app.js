"use strict";

// Quire's web UI: plain DOM, no build step. Talks to the same JSON API a client would.

const $ = (id) => document.getElementById(id);
const KEY_STORAGE = "quire.apiKey";
const COLLECTION_STORAGE = "quire.collection";

const state = {
  collection: localStorage.getItem(COLLECTION_STORAGE) || "default",
  exists: false, // whether the collection is on the server yet (the first upload creates it)
  lastQuery: "",
  viewer: null, // { hit, map, selected }
  generation: null, // the generation models the server has (null: not known yet)
  k: 24, // results asked for; "Show more" asks for more, up to MAX_RESULTS
  lastResult: null,
  capabilities: { visual: true, text: true }, // from /health: which first stages can run
};

const PAGE_SIZE = 24;
const MAX_RESULTS = 100;

const DOC_TYPES = ["W2", "1099-INT", "1099-DIV", "1099-MISC", "1099-NEC", "1099-R", "1098",
  "bank_statement", "credit_card_statement", "invoice", "receipt", "check", "contract"];
const NO_GENERATION = "Document tasks and answers need a generation model, and this server has none:"
  + " start it with --generation-model DIR (a Qwen3-VL instruct checkpoint), or name an"
  + " OpenAI-compatible server under generation.backends in its settings.";

// ---------------------------------------------------------------- API

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function authHeaders() {
  const key = localStorage.getItem(KEY_STORAGE);
  return key ? { "X-API-Key": key } : {};
}

async function api(path, options = {}) {
  const headers = { ...authHeaders(), ...(options.headers || {}) };
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
  }
  const response = await fetch(path, {
    method: options.method || "GET",
    headers,
    body: options.json !== undefined ? JSON.stringify(options.json) : undefined,
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = body && body.error ? body.error : { code: "HTTP_" + response.status, message: response.statusText };
    if (response.status === 401) {
      openKeyDialog(error.message);
    }
    throw new ApiError(response.status, error.code, error.message);
  }
  return body;
}

const encode = encodeURIComponent;

/**
 * POSTs and reads the answer's server-sent events (named: event + data lines), calling
 * onEvent(name, data) for each; an error status is thrown as an ApiError.
 */
async function streamPost(path, json, onEvent) {
  const response = await fetch(path, {
    method: "POST",
    headers: { ...authHeaders(), "Content-Type": "application/json", Accept: "text/event-stream" },
    body: JSON.stringify(json),
  });
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    const error = body && body.error ? body.error : { code: "HTTP_" + response.status, message: response.statusText };
    if (response.status === 401) openKeyDialog(error.message);
    throw new ApiError(response.status, error.code, error.message);
  }
  await readEvents(response, onEvent);
}

/** Reads a response's named server-sent events (event + data lines) to their end. */
async function readEvents(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: ?(.*)$/m.exec(block);
      const data = /^data: ?(.*)$/m.exec(block);
      if (event && data) onEvent(event[1], JSON.parse(data[1]));
    }
  }
}

// ---------------------------------------------------------------- small helpers

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

/** A snippet is plain text and the [start, end) spans the query matched: those are made bold here. */
function snippetNode(text, matches) {
  const target = el("span", { class: "snippet" });
  const source = text || "";
  let at = 0;
  for (const m of matches || []) {
    if (m.start < at || m.end > source.length) continue; // never trust offsets blindly
    target.append(document.createTextNode(source.slice(at, m.start)), el("b", { text: source.slice(m.start, m.end) }));
    at = m.end;
  }
  target.append(document.createTextNode(source.slice(at)));
  return target;
}

function showStatus(id, text) {
  $(id).textContent = text;
}

function plural(n, word, many) {
  return `${n} ${n === 1 ? word : many || word + "s"}`;
}

function formatMs(ms) {
  return ms < 10 ? ms.toFixed(1) + " ms" : Math.round(ms) + " ms";
}

// ---------------------------------------------------------------- views and collections

function showView(name) {
  for (const tab of document.querySelectorAll(".tab")) {
    tab.setAttribute("aria-selected", String(tab.dataset.view === name));
  }
  $("view-search").hidden = name !== "search";
  $("view-documents").hidden = name !== "documents";
  if (name === "documents") {
    loadDocuments();
    loadJobs();
  }
}

async function loadCollections() {
  const select = $("collection");
  let collections = [];
  try {
    collections = (await api("/v1/collections")).collections;
  } catch (error) {
    showStatus("search-status", error.message);
  }
  select.replaceChildren();
  const names = collections.map((c) => c.name);
  state.exists = names.includes(state.collection);
  if (!state.exists) {
    names.unshift(state.collection);
  }
  for (const name of names) {
    const info = collections.find((c) => c.name === name);
    const label = info ? `${name} (${plural(info.documents, "document")})` : `${name} (new)`;
    select.append(el("option", { value: name, text: label }));
  }
  select.value = state.collection;
}

function openCollectionDialog() {
  $("collection-name").value = "";
  $("collection-error").textContent = "";
  $("collection-dialog").showModal();
  $("collection-name").focus();
}

async function createCollection(event) {
  event.preventDefault(); // the dialog stays open until the server has said yes
  const name = $("collection-name").value.trim();
  if (!$("collection-name").checkValidity()) {
    $("collection-error").textContent = "Use lower-case letters, digits, - and _, starting with a letter or digit.";
    return;
  }
  try {
    await api("/v1/collections", { method: "POST", json: { name } });
    state.collection = name;
    localStorage.setItem(COLLECTION_STORAGE, name);
    $("collection-dialog").close();
    await loadCollections();
    $("results").replaceChildren();
    showStatus("search-status", `Collection ${name} created: upload documents to it under Documents.`);
    loadDocuments();
    loadJobs();
  } catch (error) {
    $("collection-error").textContent = error.message;
  }
}

/** Which first stages this server can run: visual ones need a ColQwen model, dense ones a text model. */
async function loadCapabilities() {
  try {
    const health = await (await fetch("/health")).json();
    state.capabilities = { visual: !!health.model, text: !!health.text_model };
  } catch (error) {
    return; // unknown: offer everything and let the server say
  }
  const missing = [];
  for (const option of $("first-stage").options) {
    const needs = option.dataset.needs;
    if (!needs) continue;
    const available = needs === "visual" ? state.capabilities.visual : state.capabilities.text;
    option.disabled = !available;
    if (!available && !option.dataset.label) {
      option.dataset.label = option.textContent;
      option.textContent += needs === "visual" ? " — needs a visual model" : " — needs a text model";
    }
  }
  if (!state.capabilities.visual) {
    missing.push("Visual search and similarity maps need a ColQwen model: start the server with --model DIR.");
  }
  if (!state.capabilities.text) {
    missing.push("Meaning and hybrid search need a text model (textModel: bge-small, the default).");
  }
  $("modes-note").hidden = missing.length === 0;
  $("modes-note").textContent = missing.join(" ");
}

// ---------------------------------------------------------------- search

async function search(event) {
  event.preventDefault();
  const query = $("query").value.trim();
  if (!query) return;
  state.lastQuery = query;
  state.k = PAGE_SIZE;
  await runSearch();
}

async function showMore() {
  state.k = Math.min(MAX_RESULTS, state.k + PAGE_SIZE);
  await runSearch();
}

async function runSearch() {
  showStatus("search-status", "Searching…");
  $("more-results").hidden = true;
  try {
    const result = await api("/v1/search", {
      method: "POST",
      json: { query: state.lastQuery, k: state.k, collection: state.collection, ...($("first-stage").value ? { first_stage: $("first-stage").value } : {}) },
    });
    state.lastResult = result;
    renderResults(result);
  } catch (error) {
    state.lastResult = null;
    $("group-toggle").hidden = true;
    $("results").replaceChildren();
    showStatus("search-status", error.message);
  }
}

function renderResults(result) {
  const grid = $("results");
  grid.replaceChildren();
  const stages = result.timing.stages.map((s) => `${s.name} ${formatMs(s.ms)}`).join(", ");
  const notes = result.notes.length ? " · " + result.notes.join("; ") : "";
  // a full page of hits may have more behind it: say it is the first ones, and offer more
  const more = result.hits.length >= state.k && state.k < MAX_RESULTS;
  const documents = new Set(result.hits.map((h) => h.document_id)).size;
  const count = more
    ? (result.hits.length === 1 ? "First page" : `First ${result.hits.length} pages`)
    : result.hits.length >= MAX_RESULTS
      ? `Best ${result.hits.length} pages`
      : plural(result.hits.length, "page");
  showStatus(
    "search-status",
    result.hits.length
      ? `${count} in ${plural(documents, "document")}, ${formatMs(result.timing.total_ms)} (${stages})${notes}`
      : `No pages match “${result.query}”.${notes}`
  );
  $("more-results").hidden = !more;
  $("group-toggle").hidden = result.hits.length === 0;
  $("more-results").textContent = `Show ${Math.min(PAGE_SIZE, MAX_RESULTS - state.k)} more`;
  const grouped = $("group-by-document").checked;
  grid.classList.toggle("grouped", grouped);
  if (grouped) {
    const groups = new Map();
    for (const hit of result.hits) {
      if (!groups.has(hit.document_id)) groups.set(hit.document_id, []);
      groups.get(hit.document_id).push(hit);
    }
    for (const hits of groups.values()) {
      const cards = el("div", { class: "grid" }, ...hits.map(resultCard));
      grid.append(el("section", { class: "group", "data-document": hits[0].document_id },
        el("h3", {}, hits[0].file_name, el("span", { class: "muted", text: ` · ${plural(hits.length, "page")}, best ${hits[0].score.toFixed(3)}` })),
        cards));
    }
    return;
  }
  for (const hit of result.hits) grid.append(resultCard(hit));
}

function resultCard(hit) {
  return el(
    "button",
    { type: "button", class: "card", "data-document": hit.document_id, "data-page": String(hit.page), onclick: () => openViewer(hit) },
    el("img", { src: hit.thumbnail_url, alt: `${hit.file_name} page ${hit.page}`, loading: "lazy" }),
    el(
      "div",
      { class: "info" },
      el("div", { class: "name", text: hit.file_name }),
      el("div", { class: "meta" }, el("span", { text: `page ${hit.page}` }), el("span", { class: "score", text: hit.score.toFixed(3) })),
      snippetNode(hit.snippet, hit.snippet_matches)
    )
  );
}

// ---------------------------------------------------------------- answers over the search results

async function loadGeneration() {
  try {
    state.generation = (await api("/v1/models")).data.map((m) => m.id);
  } catch (error) {
    state.generation = null;
  }
  const available = state.generation && state.generation.length > 0;
  $("ask-button").disabled = !available;
  $("ask-button").title = available ? "Answer the question from the pages search finds, citing them" : NO_GENERATION;
  $("tasks-unavailable").hidden = available;
  $("tasks-unavailable").textContent = available ? "" : NO_GENERATION;
  $("tasks-controls").hidden = !available;
}

function sourceButton(source, onOpen) {
  return el(
    "button",
    { type: "button", class: "source", "data-number": String(source.number), onclick: onOpen },
    el("img", { src: source.thumbnail_url, alt: "", loading: "lazy" }),
    el("span", { class: "number", text: `[${source.number}]` }),
    el("span", { text: `${source.file_name}, page ${source.page}` })
  );
}

/** Streams the answer to the query box's question, then marks the pages it cites. */
async function ask() {
  const question = $("query").value.trim();
  if (!question) return;
  state.lastQuery = question;
  const panel = $("answer");
  panel.hidden = false;
  panel.dataset.state = "asking";
  delete panel.dataset.found;
  $("answer-text").textContent = "";
  $("answer-notes").textContent = "Finding pages…";
  $("answer-sources").replaceChildren();
  const open = (source) => () => openViewer({
    rank: source.number, document_id: source.document_id, page: source.page, score: 0, snippet: "",
    file_name: source.file_name, image_url: source.image_url, thumbnail_url: source.thumbnail_url,
  });
  try {
    await streamPost("/v1/ask", { question, collection: state.collection, k: 4, stream: true }, (name, data) => {
      if (name === "sources") {
        $("answer-notes").textContent = data.sources.length ? `Reading ${plural(data.sources.length, "page")}…` : "Search found no pages.";
        $("answer-sources").replaceChildren(...data.sources.map((s) => sourceButton(s, open(s))));
      } else if (name === "delta") {
        $("answer-text").textContent += data.text;
      } else if (name === "answer") {
        $("answer-text").textContent = data.answer;
        panel.dataset.found = String(data.found);
        const cited = new Set(data.citations.map((c) => c.number));
        for (const button of $("answer-sources").children) {
          button.classList.toggle("cited", cited.has(Number(button.dataset.number)));
        }
        const notes = [data.found ? `Cites ${plural(data.citations.length, "page")} of ${data.sources.length} read` : "Not found in the pages read",
          `${(data.latency_ms / 1000).toFixed(1)} s`, ...data.warnings];
        $("answer-notes").textContent = notes.join(" · ");
      } else if (name === "error") {
        $("answer-notes").textContent = data.message;
      }
    });
  } catch (error) {
    $("answer-notes").textContent = error.message;
  }
  panel.dataset.state = "done";
}

// ---------------------------------------------------------------- document tasks in the viewer

function taskStart(text) {
  $("task-status").textContent = text;
  $("task-result").replaceChildren();
  $("task-result").dataset.state = "running";
  for (const button of $("tasks-controls").querySelectorAll("button")) button.disabled = true;
}

function taskEnd(status) {
  $("task-status").textContent = status;
  $("task-result").dataset.state = "done";
  for (const button of $("tasks-controls").querySelectorAll("button")) button.disabled = false;
}

function warningsList(warnings) {
  return warnings.length ? el("ul", { class: "warnings" }, ...warnings.map((w) => el("li", { text: w }))) : null;
}

function percent(p) {
  return p == null ? "–" : (p * 100).toFixed(p >= 0.995 || p < 0.01 ? 1 : 0) + "%";
}

async function classifyDocument() {
  const hit = state.viewer.hit;
  taskStart("Classifying the document…");
  try {
    const r = await api("/v1/classify", { method: "POST", json: { document_id: hit.document_id, collection: state.collection } });
    $("task-result").replaceChildren(
      el("p", {}, el("span", { class: "label", text: r.type }), " ", el("span", { class: "confidence", text: percent(r.confidence) })),
      el("p", { text: r.reasoning }),
      warningsList(r.warnings)
    );
    taskEnd(`Classified ${plural(r.page_count, "page")} in ${(r.latency_ms / 1000).toFixed(1)} s`);
  } catch (error) {
    taskEnd(error.message);
  }
}

async function extractDocument() {
  const hit = state.viewer.hit;
  const docType = $("extract-type").value;
  taskStart("Extracting fields, page by page…");
  try {
    const json = { document_id: hit.document_id, collection: state.collection };
    if (docType) json.doc_type = docType;
    const r = await api("/v1/extract", { method: "POST", json });
    const rows = r.fields.map((f) =>
      el("tr", {},
        el("td", { text: f.path }),
        el("td", { text: typeof f.value === "string" ? f.value : JSON.stringify(f.value) }),
        el("td", { class: "confidence", text: percent(f.confidence) }),
        el("td", { text: `p. ${f.page}` })));
    $("task-result").replaceChildren(
      el("p", {}, el("span", { class: "label", text: r.doc_type })),
      rows.length
        ? el("table", {}, el("thead", {}, el("tr", {}, el("th", { text: "Field" }), el("th", { text: "Value" }), el("th", { text: "Conf." }), el("th", { text: "Page" }))), el("tbody", {}, ...rows))
        : el("p", { class: "muted", text: "No fields found." }),
      warningsList(r.warnings)
    );
    taskEnd(`${plural(r.fields.length, "value")} from ${plural(r.page_count, "page")} in ${(r.latency_ms / 1000).toFixed(1)} s`);
  } catch (error) {
    taskEnd(error.message);
  }
}

async function askPage(event) {
  event.preventDefault();
  const hit = state.viewer.hit;
  const question = $("page-question").value.trim();
  if (!question) return;
  taskStart("Reading the page…");
  const text = el("p", { class: "answer-text" });
  $("task-result").replaceChildren(text);
  try {
    let status = "";
    await streamPost("/v1/ask", { question, collection: state.collection, document_id: hit.document_id, page: hit.page, stream: true }, (name, data) => {
      if (name === "delta") text.textContent += data.text;
      else if (name === "answer") {
        text.textContent = data.answer;
        $("task-result").append(warningsList(data.warnings) || "");
        status = data.found ? `Answered from this page in ${(data.latency_ms / 1000).toFixed(1)} s` : "Not found on this page";
      } else if (name === "error") status = data.message;
    });
    taskEnd(status);
  } catch (error) {
    taskEnd(error.message);
  }
}

// ---------------------------------------------------------------- page viewer and similarity map

async function openViewer(hit) {
  state.viewer = { hit, map: null, selected: -1, pages: state.viewer && state.viewer.hit.document_id === hit.document_id ? state.viewer.pages : null };
  $("page-title").textContent = `${hit.file_name}, page ${hit.page}`;
  $("page-meta").textContent = hit.rank
    ? `Rank ${hit.rank} · score ${hit.score.toFixed(4)} · document ${hit.document_id}`
    : `Not among the results · document ${hit.document_id}`;
  $("page-full").href = hit.image_url;
  if (!state.viewer.pages) $("page-original").hidden = true;
  showPagePosition();
  loadDocumentPages(hit.document_id);
  $("page-snippet").replaceChildren(snippetNode(hit.snippet, hit.snippet_matches));
  $("task-status").textContent = "";
  $("task-result").replaceChildren();
  delete $("task-result").dataset.state;
  $("tokens").replaceChildren();
  showStatus("overlay-status", "Computing the similarity map…");
  const image = $("page-image");
  image.alt = `${hit.file_name} page ${hit.page}`;
  image.onload = drawOverlay;
  image.src = hit.image_url;
  if (!$("viewer").open) $("viewer").showModal();
  try {
    const map = await api(
      `/v1/documents/${encode(hit.document_id)}/pages/${hit.page}/similarity?collection=${encode(state.collection)}&query=${encode(state.lastQuery)}`
    );
    state.viewer.map = map;
    renderTokens(map);
    selectToken(-1);
  } catch (error) {
    showStatus(
      "overlay-status",
      error.code === "MODEL_NOT_LOADED"
        ? "Similarity maps need an embedding model; this server searches with BM25 only."
        : error.message
    );
  }
}

/** The document's pages (for previous/next), once per document shown. */
async function loadDocumentPages(documentId) {
  if (state.viewer.pages) return;
  try {
    const detail = await api(`/v1/documents/${encode(documentId)}?collection=${encode(state.collection)}`);
    if (state.viewer && state.viewer.hit.document_id === documentId) {
      state.viewer.pages = detail.pages;
      showPagePosition();
      $("page-original").hidden = !detail.file_url;
      if (detail.file_url) $("page-original").href = detail.file_url;
    }
  } catch (error) {
    $("page-position").textContent = "";
  }
}

function showPagePosition() {
  const viewer = state.viewer;
  const pages = viewer && viewer.pages;
  const page = viewer ? viewer.hit.page : 0;
  $("page-position").textContent = pages ? `page ${page} of ${pages.length}` : "";
  $("previous-page").disabled = !pages || page <= 1;
  $("next-page").disabled = !pages || page >= pages.length;
}

/** Shows another page of the same document; a page among the results keeps its rank and score. */
function turnPage(delta) {
  const viewer = state.viewer;
  if (!viewer || !viewer.pages) return;
  const number = viewer.hit.page + delta;
  const page = viewer.pages.find((p) => p.page === number);
  if (!page) return;
  const ranked = state.lastResult && state.lastResult.hits.find((h) => h.document_id === viewer.hit.document_id && h.page === number);
  openViewer(ranked || { document_id: viewer.hit.document_id, file_name: viewer.hit.file_name, page: number,
    image_url: page.image_url, thumbnail_url: page.thumbnail_url, snippet: "" });
}

function renderTokens(map) {
  const tokens = $("tokens");
  tokens.replaceChildren(
    el("button", { type: "button", class: "token", "data-token": "-1", "aria-pressed": "true", onclick: () => selectToken(-1), text: "all tokens" })
  );
  for (const t of map.tokens) {
    tokens.append(
      el("button", {
        type: "button",
        class: "token",
        "data-token": String(t.token),
        "aria-pressed": "false",
        title: `MaxSim contribution ${t.max_sim.toFixed(3)}`,
        onclick: () => selectToken(t.token),
        text: `${tokenLabel(t)} · ${t.max_sim.toFixed(2)}`,
      })
    );
  }
  showStatus("overlay-status", `${map.tokens.length} query tokens on a ${map.rows} × ${map.cols} patch grid. Brighter patches matched more; the outlined one is each token's best match.`);
}

/** A query token's text when the model says it, else its position. */
function tokenLabel(t) {
  const text = t.text == null ? "" : t.text.trim();
  return text === "" ? `token ${t.token + 1}` : text;
}

function selectToken(token) {
  state.viewer.selected = token;
  for (const chip of document.querySelectorAll(".token")) {
    chip.setAttribute("aria-pressed", String(Number(chip.dataset.token) === token));
  }
  drawOverlay();
}

/** Per patch: the selected token's score, or the best score over all tokens. */
function patchScores(map, token) {
  if (token >= 0) {
    const t = map.tokens.find((x) => x.token === token);
    return { scores: t.scores, best: [t.best] };
  }
  const scores = new Array(map.rows * map.cols).fill(-Infinity);
  for (const t of map.tokens) {
    t.scores.forEach((s, i) => { scores[i] = Math.max(scores[i], s); });
  }
  return { scores, best: map.tokens.map((t) => t.best) };
}

function drawOverlay() {
  const image = $("page-image");
  const canvas = $("overlay");
  const width = image.clientWidth;
  const height = image.clientHeight;
  canvas.width = width;
  canvas.height = height;
  canvas.style.width = width + "px";
  canvas.style.height = height + "px";
  const g = canvas.getContext("2d");
  g.clearRect(0, 0, width, height);
  const viewer = state.viewer;
  if (!viewer || !viewer.map || !width) return;
  const { rows, cols } = viewer.map;
  const { scores, best } = patchScores(viewer.map, viewer.selected);
  const min = Math.min(...scores);
  const max = Math.max(...scores);
  const cellW = width / cols;
  const cellH = height / rows;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = max > min ? (scores[r * cols + c] - min) / (max - min) : 0;
      g.fillStyle = `rgba(255, ${Math.round(200 * (1 - v))}, 0, ${0.05 + 0.5 * v})`;
      g.fillRect(c * cellW, r * cellH, cellW, cellH);
    }
  }
  g.lineWidth = 3;
  g.strokeStyle = "#2f5bd3";
  for (const b of best) {
    g.strokeRect((b % cols) * cellW + 1.5, Math.floor(b / cols) * cellH + 1.5, cellW - 3, cellH - 3);
  }
}

// ---------------------------------------------------------------- documents and jobs

async function loadDocuments() {
  const body = $("documents");
  if (!state.exists) {
    $("document-count").textContent = "(0)";
    body.replaceChildren(el("tr", {}, el("td", { colspan: "6", class: "muted", text: "No documents yet: upload some above." })));
    return;
  }
  try {
    const list = await api(`/v1/documents?collection=${encode(state.collection)}&limit=500`);
    $("document-count").textContent = `(${list.total})`;
    body.replaceChildren(
      ...list.documents.map((d) =>
        el(
          "tr",
          { "data-document": d.document_id },
          el("td", {}, d.thumbnail_url ? el("img", { src: d.thumbnail_url, alt: "", loading: "lazy" }) : null),
          el("td", { text: d.file_name }),
          el("td", { text: String(d.page_count) }),
          el("td", { text: d.media_type }),
          el("td", { text: new Date(d.indexed_at).toLocaleString() }),
          el("td", {}, el("button", { type: "button", class: "danger", text: "Delete", onclick: () => deleteDocument(d) }))
        )
      )
    );
  } catch (error) {
    $("document-count").textContent = "";
    body.replaceChildren(el("tr", {}, el("td", { colspan: "6", text: error.message })));
  }
}

async function deleteDocument(document) {
  if (!confirm(`Delete ${document.file_name} and its ${document.page_count} pages from ${state.collection}?`)) return;
  try {
    await api(`/v1/documents/${encode(document.document_id)}?collection=${encode(state.collection)}`, { method: "DELETE" });
  } catch (error) {
    alert(error.message);
  }
  await loadCollections();
  loadDocuments();
}

let jobsTimer = null;

async function loadJobs() {
  let jobs = [];
  if (state.exists) {
    try {
      jobs = (await api(`/v1/jobs?collection=${encode(state.collection)}&limit=10`)).jobs;
    } catch (error) {
      showStatus("search-status", error.message);
    }
  }
  $("jobs").replaceChildren(
    ...jobs.map((job) =>
      el(
        "li",
        { "data-job": job.id, "data-state": job.state },
        el("strong", { text: job.state.toLowerCase() }),
        ` ${plural(job.documents.length, "document")} by ${job.submitted_by}, ${new Date(job.created_at).toLocaleString()}`,
        job.state === "RUNNING" || job.state === "QUEUED" ? el("progress", { max: "1", value: String(job.fraction) }) : null,
        job.result && job.result.skipped.length ? el("span", { class: "muted", text: ` · ${job.result.skipped.length} skipped` }) : null
      )
    )
  );
  updateBanner(jobs);
  clearTimeout(jobsTimer);
  if (jobs.some((j) => j.state === "RUNNING" || j.state === "QUEUED")) {
    jobsTimer = setTimeout(loadJobs, 2000);
  }
}

function updateBanner(jobs) {
  const running = jobs.find((j) => j.state === "RUNNING" || j.state === "QUEUED");
  const banner = $("banner");
  banner.hidden = !running;
  if (running) {
    const p = running.progress;
    banner.replaceChildren(
      `Indexing ${plural(running.documents.length, "document")} into ${state.collection}: ${p.documents_done} done, ${plural(p.pages_done, "page")}. Search works meanwhile.`,
      el("progress", { max: "1", value: String(running.fraction) })
    );
  }
}

// ---------------------------------------------------------------- upload with progress

function upload(files) {
  if (!files.length) return;
  const form = new FormData();
  for (const file of files) form.append("files", file, file.name);
  $("upload-progress").hidden = false;
  $("upload-skipped").replaceChildren();
  setProgress("Uploading", 0);
  const request = new XMLHttpRequest();
  // the collection picked here is meant, so a missing one is created with the first upload
  request.open("POST", `/v1/index?collection=${encode(state.collection)}&create=true`);
  for (const [name, value] of Object.entries(authHeaders())) request.setRequestHeader(name, value);
  request.upload.onprogress = (e) => {
    if (e.lengthComputable) setProgress("Uploading", e.loaded / e.total);
  };
  request.onload = () => {
    const body = JSON.parse(request.responseText || "null");
    if (request.status !== 202) {
      setProgress(body && body.error ? body.error.message : "Upload failed", 0);
      if (request.status === 401) openKeyDialog(body.error.message);
      return;
    }
    setProgress("Indexing", 0);
    showSkipped(body.rejected || []);
    followJob(body.id);
  };
  request.onerror = () => setProgress("Upload failed: the server could not be reached", 0);
  request.send(form);
}

function showSkipped(skipped) {
  $("upload-skipped").replaceChildren(
    ...skipped.map((s) => el("li", { text: `${s.file}${s.page ? " page " + s.page : ""}: ${s.reason} (${s.message})` }))
  );
}

function setProgress(label, fraction) {
  $("upload-label").textContent = label;
  $("upload-percent").textContent = Math.round(fraction * 100) + "%";
  $("upload-bar").value = fraction;
}

/** Follows a job's server-sent events (read with fetch so the key header can go along). */
async function followJob(id) {
  try {
    const response = await fetch(`/v1/jobs/${encode(id)}/events`, { headers: { ...authHeaders(), Accept: "text/event-stream" } });
    await readEvents(response, (name, data) => {
      if (name !== "shutdown") jobChanged(data);
    });
  } catch (error) {
    setProgress("Lost the job's progress: " + error.message, 0);
  }
}

function jobChanged(job) {
  const p = job.progress;
  if (job.state === "COMPLETED") {
    setProgress(`Indexed ${plural(job.result.indexed.length, "document")} (${plural(job.result.pages_indexed, "page")})`, 1);
  } else if (job.state === "COMPLETED_WITH_ERRORS") {
    setProgress(
      `Indexed ${plural(job.result.indexed.length, "document")} (${plural(job.result.pages_indexed, "page")}); ` +
        `${plural(job.result.skipped.length, "file or page", "files or pages")} could not be indexed (below)`,
      1
    );
  } else if (job.state === "FAILED" || job.state === "CANCELLED") {
    setProgress(`Job ${job.state.toLowerCase()}${job.error ? ": " + job.error : ""}`, job.fraction);
  } else {
    const current = p.current_document ? ` · ${p.current_document} page ${p.current_page}/${p.current_pages}` : "";
    setProgress(`Indexing ${p.documents_done}/${p.documents_total} documents${current}`, job.fraction);
  }
  if (job.result) showSkipped(job.result.skipped);
  else if (job.rejected) showSkipped(job.rejected);
  if (job.finished_at) {
    loadCollections().then(() => {
      loadDocuments();
      loadJobs();
    });
  }
}

// ---------------------------------------------------------------- API key

function openKeyDialog(message) {
  $("key-button").hidden = false; // the server asked for a key: let it be changed later too
  const dialog = $("key-dialog");
  if (dialog.open) return;
  dialog.querySelector("p").textContent = message
    ? `${message}. The key is kept in this browser only.`
    : "This server needs a key for its API. It is kept in this browser only.";
  $("key-input").value = localStorage.getItem(KEY_STORAGE) || "";
  dialog.showModal();
}

// ---------------------------------------------------------------- wiring

function init() {
  for (const tab of document.querySelectorAll(".tab")) {
    tab.addEventListener("click", () => showView(tab.dataset.view));
  }
  $("search-form").addEventListener("submit", search);
  $("ask-button").addEventListener("click", ask);
  $("classify-button").addEventListener("click", classifyDocument);
  $("extract-button").addEventListener("click", extractDocument);
  $("page-ask-form").addEventListener("submit", askPage);
  for (const type of DOC_TYPES) $("extract-type").append(el("option", { value: type, text: type }));
  $("collection").addEventListener("change", async (e) => {
    state.collection = e.target.value;
    await loadCollections();
    localStorage.setItem(COLLECTION_STORAGE, state.collection);
    $("results").replaceChildren();
    showStatus("search-status", "");
    loadDocuments();
    loadJobs();
  });
  $("new-collection").addEventListener("click", openCollectionDialog);
  $("collection-form").addEventListener("submit", createCollection);
  $("collection-cancel").addEventListener("click", () => $("collection-dialog").close());
  $("more-results").addEventListener("click", showMore);
  $("group-by-document").addEventListener("change", () => { if (state.lastResult) renderResults(state.lastResult); });
  $("previous-page").addEventListener("click", () => turnPage(-1));
  $("next-page").addEventListener("click", () => turnPage(1));
  $("viewer").addEventListener("keydown", (e) => {
    if (e.target.tagName === "INPUT") return;
    if (e.key === "ArrowLeft") turnPage(-1);
    if (e.key === "ArrowRight") turnPage(1);
  });
  $("key-button").hidden = !localStorage.getItem(KEY_STORAGE);
  $("key-button").addEventListener("click", () => openKeyDialog());
  $("key-form").addEventListener("submit", async () => {
    localStorage.setItem(KEY_STORAGE, $("key-input").value.trim());
    showStatus("search-status", "");
    await loadCollections();
    loadJobs();
    loadGeneration();
  });
  $("key-clear").addEventListener("click", () => {
    localStorage.removeItem(KEY_STORAGE);
    $("key-dialog").close();
  });
  $("close-viewer").addEventListener("click", () => $("viewer").close());
  $("viewer").addEventListener("close", () => { state.viewer = null; });
  window.addEventListener("resize", drawOverlay);
  $("files").addEventListener("change", (e) => upload([...e.target.files]));
  $("refresh-documents").addEventListener("click", loadDocuments);
  const drop = $("drop-zone");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("dragging"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("dragging"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("dragging");
    upload([...e.dataTransfer.files]);
  });
  loadCollections().then(loadJobs);
  loadGeneration();
  loadCapabilities();
}

init();
