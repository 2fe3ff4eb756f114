// End-to-end test of the unspin web page in headless Chromium.
//
//   node tests/browser/e2e.mjs http://127.0.0.1:PORT/
//
// Drives Debian's Chromium (/usr/bin/chromium, or $CHROMIUM) with
// playwright-core against a running `unspin serve`: pastes the sample
// article, checks that highlighted passages, the legend, the summary, the
// evidence trail (speakers, sources, claims), the popover, the confidence
// slider, the toggles and the JSON export work,
// that hostile articles stay text (no script runs, no element is created
// from them), and that the page makes no request to any other origin.
// Screenshots go to $UNSPIN_E2E_ARTIFACTS (default target/browser-artifacts):
// report.png and popover.png (desktop), report-phone.png and
// popover-phone.png (phone), evidence.png and evidence-phone.png (the
// evidence trail), warning-*.png (the warning banner: German text, a short
// line, on a phone), failure.png when a check fails.
//
// Queue (server-sent events): with the neural tier busy, the page shows
// the fast tier's preliminary result first (preliminary.png), with the
// request's place in the queue, then the neural result (final.png), and
// says which one it shows.
//
// Warnings (JSON 1.2): the English sample shows no banner; a German text
// shows "Not analysed" and nowhere claims that no technique was found;
// "Analyse as English anyway" re-posts it with force_language "en" and
// shows a result with a technique layer and no language warning; a short
// English line shows "Read with care".
// Exit status 0 when every check passes, 1 otherwise.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, check, fail, failures, launch, loopbackBase, root } from './harness.mjs';

const base = loopbackBase('e2e.mjs', 'unspin serve');
const origin = new URL(base).origin;
const sample = readFileSync(join(root, 'examples', 'syria-ceasefire-opinion.md'), 'utf8');

const HOSTILE_TEXT = [
  'Hostile headline <script>window.__pwned = 1</script>',
  '',
  'These corrupt traitors will destroy our great nation! <img src=x onerror="window.__pwned = 2">',
  'Click <a href="javascript:window.__pwned = 3">here</a> &lt;b&gt;not bold&lt;/b&gt; <iframe src="https://example.com/"></iframe>',
  'Everyone knows it. Everyone knows the truth. The shameful, disgraceful cowards lied again and again.',
].join('\n');

// A German text of our own (no third-party data): reliably not English.
const GERMAN = [
  'Der Stadtrat hat am Dienstag beschlossen, die alte Brücke über den Fluss im nächsten Frühjahr zu erneuern.',
  'Die Arbeiten sollen etwa acht Monate dauern, und während dieser Zeit wird der Verkehr über eine Umleitung im Norden der Stadt geführt.',
  'Viele Anwohner begrüßen die Entscheidung, weil die Brücke seit Jahren in einem schlechten Zustand ist.',
  'Einige Geschäftsleute in der Innenstadt befürchten jedoch, dass weniger Kunden kommen werden, solange die Straße gesperrt bleibt.',
].join(' ');
const SHORT_ENGLISH = 'These corrupt traitors will destroy our great nation!';
/** What the page must not say where techniques were not looked for. */
const NOTHING_FOUND = /no technique|not found in this text|no passages|none found|no quotes|no source is named|no sentence makes/i;

const HOSTILE_HTML = '<html><head><title>T</title><script>window.__pwned = 4</script></head><body>' +
  '<h1>Hostile page</h1><p>These corrupt traitors will destroy our great nation! ' +
  '<img src=x onerror="window.__pwned = 5"><a href="javascript:window.__pwned = 6">link</a></p>' +
  '<p>&lt;script&gt;alert(1)&lt;/script&gt; is text here.</p></body></html>';


// Playwright gives every launch a fresh, temporary profile (its own
// --user-data-dir), deleted on close.
const browser = await launch();

/** A page that records dialogs, page errors and every request's URL. */
async function openPage(options) {
  const context = await browser.newContext({ acceptDownloads: true, ...options });
  const page = await context.newPage();
  const seen = { dialogs: [], errors: [], requests: [] };
  page.on('dialog', (d) => { seen.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  page.on('request', (r) => seen.requests.push(r.url()));
  await page.goto(base, { waitUntil: 'load' });
  await page.waitForSelector('html[data-ready="true"]', { timeout: 10000 });
  return { context, page, seen };
}

async function analyze(page, text, kind = 'text') {
  await page.selectOption('#input-kind', kind);
  await page.fill('#article', text);
  await page.click('#analyze');
  await page.waitForFunction(
    () => /^(Analysed|Not analysed|[0-9]{3} )/.test(document.getElementById('message').textContent)
      || document.getElementById('message').classList.contains('error'),
    null,
    { timeout: 30000 },
  );
  return page.textContent('#message');
}

async function desktop() {
  const { context, page, seen } = await openPage({ viewport: { width: 1366, height: 900 } });
  const message = await analyze(page, sample);
  check(/^Analysed/.test(message), 'the sample article is analysed', message);
  check(await page.locator('#warnings').isHidden(), 'the English sample shows no warning banner');
  const marks = await page.locator('#article-text mark').count();
  check(marks > 0, 'highlighted passages appear', `${marks} marks`);
  const tiers = await page.locator('#tier option').evaluateAll((os) => os.map((o) => o.value));
  check(tiers.join(',') === 'neural,fast', 'the detector menu offers the neural tier first, then the fast one', tiers.join(','));
  const legend = await page.locator('#legend-list .legend-item').count();
  check(legend > 0, 'the legend lists techniques', `${legend} items`);
  const bars = await page.locator('#chart .bar-row').count();
  check(bars === legend, 'the chart has one bar per technique found', `${bars} bars, ${legend} legend items`);
  // The reference text is what the API makes of the pasted article (the
  // sample is scraped Markdown, so link syntax and footer formatting go).
  const reference = await (await fetch(new URL('/api/analyze', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: sample }),
  })).json();
  const text = await page.textContent('#article-text');
  check(text === reference.text.trim(), 'the article text is rendered exactly, character for character');
  check(await page.locator('#article-text .doc-heading').count() === 1, 'the headline is shown as a heading');
  const color = await page.locator('#article-text mark').first().evaluate((m) => getComputedStyle(m).backgroundColor);
  check(color !== 'rgba(0, 0, 0, 0)' && color !== 'rgb(255, 255, 0)', 'marks carry their technique colour', color);

  // Every mark's text is a slice of a span the API returned.
  const consistent = await page.evaluate(() => Array.from(document.querySelectorAll('#article-text mark'))
    .every((m) => m.dataset.spans.split(' ').length >= 1 && m.textContent.length > 0));
  check(consistent, 'every mark names the spans it shows');

  // The evidence trail: summary, sources, quotes with speakers, claims.
  check(await page.locator('#evidence').isVisible(), 'the evidence panel is shown');
  const speakers = await page.locator('#evidence-quotes .speaker').allTextContents();
  check(speakers.includes('Colonel W. Patrick Lang'), 'the evidence panel lists Colonel W. Patrick Lang as a speaker',
    speakers.slice(0, 10).join(' | '));
  const sourceNames = await page.locator('#evidence-sources .source-name').allTextContents();
  check(sourceNames.some((n) => /new york times/i.test(n)), 'the sources table lists the New York Times', sourceNames.join(' | '));
  check(sourceNames.length === reference.sourcing.sources.length, 'one table row per cited source',
    `${sourceNames.length} rows, ${reference.sourcing.sources.length} sources`);
  const stats = await page.textContent('#evidence-stats');
  check(stats.includes('Named sources') && stats.includes(String(reference.sourcing.summary.named_sources)),
    'the evidence summary shows the named sources', stats);
  const claims = await page.locator('#evidence-claims .evidence-claim').count();
  check(claims === Math.min(10, reference.sourcing.claims.length), 'the top check-worthy claims are listed', `${claims} claims`);
  check(await page.locator('#other-layers [data-layer="quote"]').count() === 0,
    'the raw sourcing layers are not listed again under other layers');
  await page.locator('#evidence').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, 'evidence.png') });

  await page.locator('#article-text mark').nth(3).scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, 'report.png'), fullPage: false });

  // Click: the popover shows name, score, explanation and definition.
  await page.locator('#article-text mark').first().click();
  await page.waitForSelector('#popover:not([hidden])');
  const pop = await page.textContent('#popover-body');
  check(/confidence \d\.\d\d/.test(pop) && pop.length > 100, 'clicking a passage shows its technique, score and definition', pop.slice(0, 120));
  await page.screenshot({ path: join(artifacts, 'popover.png') });
  await page.keyboard.press('Escape');
  check(await page.locator('#popover').isHidden(), 'Escape closes the popover');

  // Slider: at 1.0 nothing is left; back at 0 everything returns.
  await page.locator('#min-score').evaluate((input) => { input.value = '1'; input.dispatchEvent(new Event('input')); });
  await page.waitForFunction(() => document.querySelectorAll('#article-text mark').length === 0);
  check(true, 'the confidence slider at 1.00 hides every passage');
  await page.locator('#min-score').evaluate((input) => { input.value = '0'; input.dispatchEvent(new Event('input')); });
  await page.waitForFunction((n) => document.querySelectorAll('#article-text mark').length === n, marks);
  check(true, 'the slider back at 0.00 shows them again');

  // Toggle the first technique off.
  const first = page.locator('#legend-list .legend-item').first();
  const label = await first.getAttribute('data-label');
  await first.locator('input[type=checkbox]').uncheck();
  const still = await page.evaluate((l) => Array.from(document.querySelectorAll('#article-text mark'))
    .filter((m) => m.dataset.label === l).length, label);
  check(still === 0, `unticking ${label} removes its highlights`, `${still} left`);
  await page.click('#legend-all');

  // Export JSON.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  const path = await download.path();
  const exported = JSON.parse(readFileSync(path, 'utf8'));
  check(exported.schema_version === '1.2' && exported.text === reference.text
    && Array.isArray(exported.sourcing && exported.sourcing.quotes), 'Export JSON downloads the documented JSON', download.suggestedFilename());
  const [report] = await Promise.all([page.waitForEvent('download'), page.click('#export-html')]);
  const html = readFileSync(await report.path(), 'utf8');
  check(html.startsWith('<!DOCTYPE html>') && html.includes('<mark'), 'Export HTML downloads the standalone report', report.suggestedFilename());

  // The fast tier, chosen in the menu, answers too (its spans name their model).
  await page.selectOption('#tier', 'fast');
  const fastMessage = await analyze(page, sample);
  check(/^Analysed/.test(fastMessage), 'the sample article is analysed by the fast tier', fastMessage);
  const [fastDownload] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  const fastDoc = JSON.parse(readFileSync(await fastDownload.path(), 'utf8'));
  const provenances = new Set(fastDoc.layers.technique.map((t) => t.provenance.split('@')[0]));
  check(provenances.size === 1 && provenances.has('fast-linear'), 'spans come from the tier chosen', [...provenances].join(','));
  await page.selectOption('#tier', 'neural');

  // Hostile plain text: shown as text, nothing runs, nothing is created.
  const hostile = await analyze(page, HOSTILE_TEXT);
  check(/^Analysed/.test(hostile), 'a hostile article is analysed', hostile);
  const shown = await page.textContent('#article-text');
  check(shown === HOSTILE_TEXT.trim(), 'the hostile article is shown as text, <script> and all');
  check(shown.includes('<script>window.__pwned = 1</script>'), 'its <script> tag is visible as text');
  const created = await page.locator([
    '#article-text script', '#article-text img', '#article-text a', '#article-text iframe', '#article-text b',
    '#evidence script', '#evidence img', '#evidence iframe', '#evidence b', '#evidence a[href^="javascript"]',
  ].join(', ')).count();
  check(created === 0, 'no element is created from the article', `${created} elements`);

  // Hostile HTML input.
  const hostileHtml = await analyze(page, HOSTILE_HTML, 'html');
  check(/^Analysed/.test(hostileHtml), 'a hostile HTML page is analysed', hostileHtml);
  const htmlText = await page.textContent('#article-text');
  check(htmlText.includes('<script>alert(1)</script> is text here.'), 'escaped markup in HTML input stays text');
  check(await page.locator('#article-text *:not(mark):not(.doc-heading)').count() === 0, 'only highlights and the headline inside the article');
  await page.waitForTimeout(300);
  check(await page.evaluate(() => window.__pwned === undefined), 'no injected script ran');
  check(seen.dialogs.length === 0, 'no dialog was opened', seen.dialogs.join(' | '));
  check(seen.errors.length === 0, 'no JavaScript error on the page', seen.errors.join(' | '));
  const foreign = seen.requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
  check(foreign.length === 0, 'no request left the server\'s origin', foreign.join(' '));
  await context.close();
}

/** The warning banner (JSON 1.2 `warnings`) and "Analyse as English anyway". */
async function warnings() {
  const { context, page, seen } = await openPage({ acceptDownloads: true, viewport: { width: 1366, height: 900 } });
  await page.selectOption('#tier', 'fast');

  // German: not analysed, and nothing says no technique was found.
  const german = await analyze(page, GERMAN);
  check(/^Not analysed/.test(german), 'a German text is not analysed', german);
  check(await page.locator('#warnings').isVisible(), 'a German text shows the warning banner');
  check(await page.textContent('#warnings-heading') === 'Not analysed', 'the banner says "Not analysed"',
    await page.textContent('#warnings-heading'));
  check(await page.getAttribute('#warnings', 'role') === 'alert', 'the "Not analysed" banner is an alert');
  const api = await (await fetch(new URL('/api/analyze', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: GERMAN, tier: 'fast' }),
  })).json();
  const items = await page.locator('#warnings-list li').allTextContents();
  check(items.length === api.warnings.length && items.every((t, i) => t === api.warnings[i].message),
    'the banner shows each warning\'s message as text', items.join(' | '));
  check(await page.locator('#warnings-list li[data-code="language"]').count() === 1, 'the warning is the language one');
  check(await page.locator('#warnings-list :not(li):not(code)').count() === 0, 'the messages are text, no markup');
  check(await page.getAttribute('#results', 'data-techniques') === 'not-analysed', 'the result knows techniques were not analysed');
  const shown = await page.locator('#results').innerText();
  check(!NOTHING_FOUND.test(shown), 'nothing on the result claims no technique (or source) was found',
    (shown.match(NOTHING_FOUND) || [''])[0]);
  check(/not looked for/i.test(await page.locator('#legend-list').innerText()), 'the technique list says techniques were not looked for');
  check(/not looked for/i.test(await page.locator('#chart').innerText()), 'the chart says techniques were not looked for');
  check(await page.locator('#evidence').isVisible() && await page.locator('#evidence-skipped').isVisible()
    && await page.locator('#evidence-body').isHidden(), 'the evidence trail says sources and claims were not looked for');
  check(await page.locator('#legend-absent-box').isHidden(), 'no "Not found in this text" list');
  check(await page.locator('#article-text mark').count() === 0, 'no passage is highlighted');
  check(await page.locator('#force-english').isVisible(), 'the banner offers "Analyse as English anyway"');
  await page.screenshot({ path: join(artifacts, 'warning-not-analysed.png') });

  // Analyse as English anyway: the same input with force_language "en".
  const posted = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/analyze')) posted.push(r.postDataJSON()); });
  await page.fill('#article', 'Something else typed since: the button must not send this.');
  await page.click('#force-english');
  await page.waitForFunction(() => /^Analysed/.test(document.getElementById('message').textContent)
    || document.getElementById('message').classList.contains('error'), null, { timeout: 30000 });
  const forced = await page.textContent('#message');
  check(/^Analysed .* as English/.test(forced), 'the text is analysed as English', forced);
  const sent = posted[posted.length - 1] || {};
  check(sent.force_language === 'en' && sent.text === GERMAN && sent.tier === 'fast',
    'the button re-posts the same input with force_language "en"', JSON.stringify(sent).slice(0, 120));
  check(await page.locator('#warnings-list li[data-code="language"]').count() === 0
    && (await page.locator('#warnings').isHidden() || await page.textContent('#warnings-heading') === 'Read with care'),
    'no language banner after forcing English');
  check(await page.getAttribute('#results', 'data-techniques') === 'analysed', 'techniques were analysed');
  check(!/not looked for/i.test(await page.locator('#results').innerText()), 'nothing says "not looked for" any more');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
  check(Array.isArray(exported.layers.technique) && !exported.warnings.some((w) => w.code === 'language'),
    'the forced result has a technique layer and no language warning (export)', JSON.stringify(exported.warnings));

  // A short English line: analysed, read with care, nothing to force.
  const short = await analyze(page, SHORT_ENGLISH);
  check(/^Analysed/.test(short), 'a short English line is analysed', short);
  check(await page.locator('#warnings').isVisible() && await page.textContent('#warnings-heading') === 'Read with care',
    'a short English line shows "Read with care"', await page.textContent('#warnings-heading'));
  check(await page.getAttribute('#warnings', 'role') === 'status', 'the "Read with care" banner is a status');
  check(await page.locator('#warnings-list li[data-code="too_short"]').count() === 1, 'the warning is too_short');
  check(await page.locator('#force-english').isHidden(), 'no "Analyse as English anyway" for English text');
  check(await page.getAttribute('#results', 'data-techniques') === 'analysed', 'a short line is analysed for techniques');
  await page.screenshot({ path: join(artifacts, 'warning-read-with-care.png') });
  check(seen.errors.length === 0, 'no JavaScript error around the warnings', seen.errors.join(' | '));
  await context.close();

  // On a phone the banner fits the width.
  const phone = await openPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  await phone.page.selectOption('#tier', 'fast');
  await analyze(phone.page, GERMAN);
  await phone.page.locator('#warnings').scrollIntoViewIfNeeded();
  const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0 && await phone.page.locator('#warnings').isVisible(), 'the banner fits a phone', `${overflow}px too wide`);
  await phone.page.screenshot({ path: join(artifacts, 'warning-phone.png') });
  await phone.context.close();
}

async function phone() {
  const { context, page, seen } = await openPage({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  await page.click('#load-sample');
  await page.waitForFunction(() => document.getElementById('article').value.length > 1000);
  await page.click('#analyze');
  await page.waitForSelector('#result-tier[data-final="true"]', { timeout: 60000 });
  await page.waitForSelector('#article-text mark', { timeout: 30000 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, 'the phone layout has no horizontal scrolling', `${overflow}px too wide`);
  await page.screenshot({ path: join(artifacts, 'report-phone.png') });
  const phoneSpeakers = await page.locator('#evidence-quotes .speaker').allTextContents();
  check(phoneSpeakers.includes('Colonel W. Patrick Lang'), 'the evidence panel is there on a phone');
  const evidenceBox = await page.locator('#evidence').boundingBox();
  check(evidenceBox && evidenceBox.width <= 390, 'the evidence panel fits the phone width', JSON.stringify(evidenceBox));
  await page.locator('#evidence').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, 'evidence-phone.png') });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.locator('#article-text mark').nth(2).tap();
  await page.waitForSelector('#popover:not([hidden])');
  const box = await page.locator('#popover').boundingBox();
  check(box && Math.abs(box.y + box.height - 844) < 2, 'on a phone the popover is a bottom sheet', JSON.stringify(box));
  await page.screenshot({ path: join(artifacts, 'popover-phone.png') });
  check(seen.errors.length === 0, 'no JavaScript error on the phone', seen.errors.join(' | '));
  await context.close();
}

/**
 * With the neural tier busy (another client's long analysis holds its only
 * worker: the server runs with --workers 1), the page shows the fast tier's
 * result at once, says it is preliminary and where the request is in the
 * queue, then replaces it with the neural result and says so.
 */
async function queued() {
  const busy = new AbortController();
  const held = fetch(new URL('/api/analyze', base), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ text: sample.repeat(8), tier: 'neural' }),
    signal: busy.signal,
  }).catch(() => null);
  const health = async () => (await fetch(new URL('/api/health', base))).json();
  const deadline = Date.now() + 30000;
  let h = await health();
  while (!(h.queues && h.queues.neural && h.queues.neural.running === 1)) {
    if (Date.now() > deadline) throw new Error(`the busy analysis did not start: ${JSON.stringify(h)}`);
    await new Promise((r) => setTimeout(r, 50));
    h = await health();
  }
  const { context, page, seen } = await openPage({ viewport: { width: 1366, height: 900 } });
  await page.selectOption('#tier', 'neural');
  await page.selectOption('#input-kind', 'text');
  await page.fill('#article', sample);
  const clicked = Date.now();
  await page.click('#analyze');
  await page.waitForSelector('#result-tier[data-final="false"]', { timeout: 30000 });
  const firstMs = Date.now() - clicked;
  const note = await page.textContent('#result-tier');
  check(/Preliminary/.test(note) && /fast/.test(note) && /neural/.test(note),
    'with the neural tier busy, the page first shows the fast result and says it is preliminary', `${note} (${firstMs} ms)`);
  check(await page.getAttribute('#result-tier', 'data-tier') === 'fast', 'the preliminary result is the fast tier\'s');
  const waiting = await page.textContent('#message');
  check(/position 1/.test(waiting), 'the page says where the request is in the queue', waiting);
  check(await page.locator('#article-text mark').count() > 0, 'the preliminary result has highlights');
  h = await health();
  check(h.queues.neural.queued === 1, 'the server reports the queued analysis in /api/health', JSON.stringify(h.queues));
  await page.screenshot({ path: join(artifacts, 'preliminary.png') });
  // The other client gives up: its analysis is cancelled and ours runs.
  busy.abort();
  await held;
  await page.waitForSelector('#result-tier[data-final="true"]', { timeout: 60000 });
  const finalNote = await page.textContent('#result-tier');
  check(await page.getAttribute('#result-tier', 'data-tier') === 'neural' && /neural/.test(finalNote) && !/Preliminary/.test(finalNote),
    'then the neural result replaces it, and the page says which it shows', finalNote);
  const message = await page.textContent('#message');
  check(/^Analysed/.test(message), 'the final message says the article was analysed', message);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
  const models = new Set(exported.layers.technique.map((t) => t.provenance.split('@')[0]));
  check(models.size === 1 && models.has('neural-minilm'), 'the spans shown at the end are the neural tier\'s', [...models].join(','));
  await page.screenshot({ path: join(artifacts, 'final.png') });
  check(seen.errors.length === 0, 'no JavaScript error while queued', seen.errors.join(' | '));
  await context.close();
}

try {
  await desktop();
  await warnings();
  await phone();
  await queued();
} catch (e) {
  fail(`the test itself failed: ${e.stack || e}`);
  try {
    const pages = browser.contexts().flatMap((c) => c.pages());
    if (pages.length) await pages[pages.length - 1].screenshot({ path: join(artifacts, 'failure.png') });
  } catch (_) { /* best effort */ }
} finally {
  await browser.close();
}
console.log(failures() === 0 ? 'all browser checks passed' : `${failures()} browser check(s) failed`);
process.exit(failures() === 0 ? 0 : 1);
