// The web UI end to end in headless Chromium: load, give the API key, upload a PDF and watch it
// index, search, ask a question over the results, open a result with its similarity map, run the
// document tasks on it, delete the document; then a server without a generation model says how to
// configure one. Screenshots of each step go to SCREENSHOTS. Run by BrowserTest, which starts the
// servers and sets the environment.
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
  await shot(page, "home");

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
  if (!/pages? in /.test(status)) throw new Error("unexpected search status: " + status);
  await shot(page, "results");

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

  // 6. A server without a generation model: the UI says how to configure one.
  await page.goto(bare);
  await page.locator("#tasks-unavailable").filter({ hasText: "--generation-model" }).waitFor({ state: "attached" });
  if (!(await page.locator("#ask-button").isDisabled())) throw new Error("Ask is enabled without a generation model");
  await shot(page, "no-generation");

  if (errors.length) throw new Error("browser errors:\n" + errors.join("\n"));
  console.log(`ok: ${cards} results, an answer over ${sources} pages, ${tokenCount - 1} query tokens, overlay painted ${painted} pixels, ${step} screenshots in ${shots}`);
} finally {
  await browser.close();
}
