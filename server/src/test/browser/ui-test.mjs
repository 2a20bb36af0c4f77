// The web UI end to end in headless Chromium: load, give the API key, create a collection in its
// form, upload a PDF and watch it index, search (grouped by document, paged with "Show more"), ask
// a question over the results, open a result with its similarity map and turn its pages, run the
// document tasks on it, delete the document; then a newcomer's server (no keys, no models) asks for
// no key and says which search modes and tasks need what; and the header fits a 390-px phone.
// Screenshots of each step go to SCREENSHOTS. Run by BrowserTest, which starts the servers and
// sets the environment.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import path from "node:path";

const base = process.env.QUIRE_URL;
const key = process.env.QUIRE_KEY;
const pdf = process.env.QUIRE_PDF;
const query = process.env.QUIRE_QUERY;
const shots = process.env.SCREENSHOTS;
const bare = process.env.QUIRE_BARE_URL;
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
for (const [name, value] of Object.entries({ QUIRE_URL: base, QUIRE_BARE_URL: bare, QUIRE_KEY: key, QUIRE_PDF: pdf, QUIRE_QUERY: query, SCREENSHOTS: shots })) {
  if (!value) throw new Error(`${name} is not set`);
}
mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
const errors = [];
let step = 0;
const shot = async (page, name) => page.screenshot({ path: path.join(shots, `${String(++step).padStart(2, "0")}-${name}.png`), fullPage: true });
const expectText = async (locator, pattern, timeout = 30000) => {
  await locator.filter({ hasText: pattern }).first().waitFor({ timeout });
};

try {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  page.on("pageerror", (e) => errors.push("page error: " + e.message));
  page.on("console", (m) => { if (m.type() === "error" && !/401|403/.test(m.text())) errors.push("console: " + m.text()); });
  page.on("dialog", (d) => d.accept());

  // 1. The page loads; the API answers 401 until the key is given.
  await page.goto(base);
  await page.locator("#key-dialog[open]").waitFor();
  await shot(page, "key-dialog");
  await page.fill("#key-input", key);
  await page.click("#key-save");
  await page.locator("#key-dialog[open]").waitFor({ state: "detached" });
  await page.waitForFunction(() => document.getElementById("search-status").textContent === "");
  if (await page.locator("#key-button").isHidden()) throw new Error("the API key button is hidden on a server that asked for a key");
  await shot(page, "home");

  // 1b. A collection is created in a small form; a bad name is refused there, not by a prompt.
  await page.click("#new-collection");
  await page.locator("#collection-dialog[open]").waitFor();
  await page.fill("#collection-name", "Bad Name");
  await page.click("#collection-create");
  await expectText(page.locator("#collection-error"), /lower-case/);
  await shot(page, "collection-form");
  await page.fill("#collection-name", "papers");
  await page.click("#collection-create");
  await page.locator("#collection-dialog[open]").waitFor({ state: "detached" });
  if ((await page.locator("#collection").inputValue()) !== "papers") throw new Error("the new collection is not selected");

  // 2. Upload a PDF: the bar follows the upload, then the indexing job to its end.
  await page.click(".tab[data-view=documents]");
  await page.setInputFiles("#files", pdf);
  await page.locator("#upload-progress").waitFor();
  await expectText(page.locator("#upload-label"), /Indexed 1 document /, 60000);
  await expectText(page.locator("#documents tr"), new RegExp(path.basename(pdf).replace(".", "\\.")));
  const progress = await page.locator("#upload-bar").evaluate((bar) => bar.value);
  if (progress !== 1) throw new Error("the progress bar ended at " + progress);
  await shot(page, "uploaded");

  // 3. Search: a grid of page thumbnails with names, pages and scores.
  await page.click(".tab[data-view=search]");
  await page.fill("#query", query);
  await page.click("#search-form button[type=submit]");
  await page.locator("#results .card").first().waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll("#results .card img")].every((i) => i.complete && i.naturalWidth > 0));
  const cards = await page.locator("#results .card").count();
  const status = await page.locator("#search-status").textContent();
  if (!/pages? in 1 document/.test(status)) throw new Error("unexpected search status: " + status);
  await shot(page, "results");

  // 3a. Results in pages of k: with k = 1 the first page says so and "Show more" brings the rest.
  if (cards > 1) {
    await page.evaluate(async () => { state.k = 1; await runSearch(); });
    await expectText(page.locator("#search-status"), /^First page in 1 document/);
    if ((await page.locator("#results .card").count()) !== 1) throw new Error("k = 1 showed more than one card");
    await page.locator("#more-results").waitFor();
    await shot(page, "results-first-page");
    await page.click("#more-results");
    await page.waitForFunction((n) => document.querySelectorAll("#results .card").length === n, cards);
    if (await page.locator("#more-results").isVisible()) throw new Error("Show more is offered with nothing more to show");
  }
  // 3c. Grouped by document: one group, its pages inside.
  await page.check("#group-by-document");
  await page.locator("#results .group").first().waitFor();
  if ((await page.locator("#results .group").count()) !== 1) throw new Error("one document should make one group");
  if ((await page.locator("#results .group .card").count()) !== cards) throw new Error("the group lost cards");
  await shot(page, "results-grouped");
  await page.uncheck("#group-by-document");

  // 3b. Ask: the answer streams in over the pages search found, which are listed, cited ones marked.
  await page.click("#ask-button");
  await page.locator("#answer[data-state=done]").waitFor({ timeout: 120000 });
  const sources = await page.locator("#answer-sources .source").count();
  if (sources < 1) throw new Error("the answer lists no pages: " + await page.locator("#answer-notes").textContent());
  const answerText = (await page.locator("#answer-text").textContent()).trim();
  if (!answerText) throw new Error("the answer is empty: " + await page.locator("#answer-notes").textContent());
  await shot(page, "answer");

  // 4. Open the first result: the full page with the similarity overlay per query token.
  await page.locator("#results .card").first().click();
  await page.locator("#viewer[open]").waitFor();
  await page.waitForFunction(() => document.getElementById("page-image").complete && document.getElementById("page-image").naturalWidth > 0);
  await page.locator("#tokens .token[data-token='0']").waitFor({ timeout: 30000 });
  const tokenCount = await page.locator("#tokens .token").count();
  const painted = await page.locator("#overlay").evaluate((canvas) => {
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n;
  });
  if (painted === 0) throw new Error("the similarity overlay drew nothing");
  await shot(page, "viewer-all-tokens");
  await page.locator("#tokens .token[data-token='0']").click();
  await shot(page, "viewer-token-1");

  // 4a. Previous and next page of the same document, with the position and a full-size link.
  await expectText(page.locator("#page-position"), /^page \d+ of \d+$/);
  const [at, of] = (await page.locator("#page-position").textContent()).match(/\d+/g).map(Number);
  if (!(await page.locator("#page-full").getAttribute("href"))) throw new Error("no full-size link");
  // the original PDF, through its signed link (no key header, as a plain link would fetch it)
  await page.locator("#page-original:not([hidden])").waitFor();
  const original = await page.evaluate(async () => {
    const r = await fetch(document.getElementById("page-original").href);
    return { status: r.status, type: r.headers.get("content-type"), head: new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5)) };
  });
  if (original.status !== 200 || original.type !== "application/pdf" || original.head !== "%PDF-") {
    throw new Error("the original file link fails: " + JSON.stringify(original));
  }
  if (of > 1) {
    const delta = at < of ? 1 : -1;
    await page.click(delta > 0 ? "#next-page" : "#previous-page");
    await expectText(page.locator("#page-position"), new RegExp(`^page ${at + delta} of ${of}$`));
    await expectText(page.locator("#page-title"), new RegExp(`page ${at + delta}$`));
    await page.waitForFunction(() => document.getElementById("page-image").complete && document.getElementById("page-image").naturalWidth > 0);
    await shot(page, "viewer-turned-page");
    await page.click(delta > 0 ? "#previous-page" : "#next-page");
    await expectText(page.locator("#page-position"), new RegExp(`^page ${at} of ${of}$`));
  } else if (!(await page.locator("#next-page").isDisabled())) {
    throw new Error("Next is enabled on a one-page document");
  }

  // 4b. Document tasks on the shown document: classify, extract as an invoice, ask about the page.
  await page.click("#classify-button");
  await page.locator("#task-result[data-state=done]").waitFor({ timeout: 120000 });
  await page.locator("#task-result .label").waitFor({ timeout: 1000 }).catch(async () => {
    throw new Error("classify showed no label: " + await page.locator("#task-status").textContent());
  });
  await page.locator("#task-result").evaluate((e) => e.scrollIntoView({ block: "end" }));
  await shot(page, "classified");
  await page.selectOption("#extract-type", "invoice");
  await page.click("#extract-button");
  await page.locator("#task-result[data-state=done]").waitFor({ timeout: 180000 });
  const extracted = (await page.locator("#task-result .label").textContent().catch(() => "")) || "";
  if (extracted !== "invoice") throw new Error("extract showed no result: " + await page.locator("#task-status").textContent());
  await page.locator("#task-result").evaluate((e) => e.scrollIntoView({ block: "end" }));
  await shot(page, "extracted");
  await page.fill("#page-question", "What is the total?");
  await page.click("#page-ask-form button[type=submit]");
  await page.locator("#task-result[data-state=done]").waitFor({ timeout: 120000 });
  const pageAnswer = (await page.locator("#task-result .answer-text").textContent()).trim();
  if (!pageAnswer) throw new Error("the page answer is empty: " + await page.locator("#task-status").textContent());
  await page.locator("#task-result").evaluate((e) => e.scrollIntoView({ block: "end" }));
  await shot(page, "page-answer");
  await page.click("#close-viewer");

  // 5. Delete the document from the list.
  await page.click(".tab[data-view=documents]");
  await page.locator("#documents tr button.danger").first().click();
  await page.waitForFunction(() => document.querySelectorAll("#documents tr[data-document]").length === 0);
  await shot(page, "deleted");

  // 6. A newcomer's server (no keys, no models): no key asked for; what needs a model says so.
  await page.goto(bare);
  await page.locator("#tasks-unavailable").filter({ hasText: "--generation-model" }).waitFor({ state: "attached" });
  if (!(await page.locator("#ask-button").isDisabled())) throw new Error("Ask is enabled without a generation model");
  await expectText(page.locator("#modes-note"), /--model DIR/);
  for (const mode of ["exhaustive", "fusion", "dense", "hybrid"]) {
    if (!(await page.locator(`#first-stage option[value=${mode}]`).isDisabled())) throw new Error(`${mode} is offered without its model`);
  }
  if (await page.locator("#first-stage option[value=bm25]").isDisabled()) throw new Error("BM25 is not offered");
  if (await page.locator("#key-dialog").evaluate((d) => d.open)) throw new Error("the key dialog opened on a server without keys");
  if (await page.locator("#key-button").isVisible()) throw new Error("the API key button shows on a server without keys");
  await shot(page, "newcomer-server");

  // 7. A 390-px phone: the header and the search form fit without scrolling sideways.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  const small = await phone.newPage();
  small.on("pageerror", (e) => errors.push("page error (phone): " + e.message));
  await small.goto(bare);
  await small.locator("#modes-note").filter({ hasText: "--model" }).waitFor();
  const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) throw new Error(`the page is ${overflow} px wider than a 390-px phone`);
  const header = await small.locator("header.top").boundingBox();
  for (const id of ["#collection", "#new-collection", "#query"]) {
    const box = await small.locator(id).boundingBox();
    if (!box || box.x < 0 || box.x + box.width > 390) throw new Error(`${id} does not fit the phone screen: ${JSON.stringify(box)}`);
  }
  await small.screenshot({ path: path.join(shots, `${String(++step).padStart(2, "0")}-phone.png`) });
  await phone.close();

  if (errors.length) throw new Error("browser errors:\n" + errors.join("\n"));
  console.log(`ok: ${cards} results (header ${Math.round(header.height)} px high on a phone), an answer over ${sources} pages, ${tokenCount - 1} query tokens, overlay painted ${painted} pixels, ${step} screenshots in ${shots}`);
} finally {
  await browser.close();
}
