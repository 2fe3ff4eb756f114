// End-to-end test of the corpus dashboard (/corpus) in headless Chromium.
//
//   node tests/browser/corpus.mjs http://127.0.0.1:PORT/
//
// Drives Debian's Chromium (/usr/bin/chromium, or $CHROMIUM) with
// playwright-core against `unspin serve --corpus DB` over the fixture corpus
// that tests/browser_corpus.rs builds (several outlets and months, one copy
// pair, one article whose title, outlet and author hold markup). Every number
// the page draws is compared with the JSON API's answer to the same filters.
// Checks: every view renders; charts have the API's series and points;
// filters change the URL and the data, and reloading the URL restores the
// view; outlet → passages → article scrolls to and highlights the span;
// exports download the API's rows; hostile markup stays text; an article's
// warnings (JSON 1.2) show as the single-article page's banner, and a stored
// article whose techniques were not analysed (a language warning, injected
// into the API's answer with page.route) says so instead of "none"; no request
// leaves the origin; no JavaScript error; no horizontal scrolling at 390 px.
// Screenshots: $UNSPIN_E2E_ARTIFACTS (default target/browser-artifacts)/corpus-*.png.
// Exit status 0 when every check passes, 1 otherwise.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, check, fail, failures, launch, loopbackBase, root } from './harness.mjs';

const base = loopbackBase('corpus.mjs', 'unspin serve --corpus');
const origin = new URL(base).origin;
// The fixture's hostile article (tests/browser_corpus.rs).
const HOSTILE_OUTLET = '<img src=x onerror=alert(2)> Gazette';
const HOSTILE_TITLE = '<img src=x onerror=alert(1)> Shocking <b>news</b>';
const HOSTILE_AUTHOR = '<img src=x onerror=alert(5)> Mallory';


async function api(path) {
  const r = await fetch(new URL(path, base));
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

const MONTH = /^\d{4}-\d{2}$/;
const close = (a, b) => Math.abs(Number(a) - Number(b)) < 1e-6 * Math.max(1, Math.abs(Number(b)));

const browser = await launch();

const seen = { dialogs: [], errors: [], console: [], requests: [] };
async function openContext(options) {
  const context = await browser.newContext({ acceptDownloads: true, ...options });
  const page = await context.newPage();
  page.on('dialog', (d) => { seen.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') seen.console.push(m.text()); });
  page.on('request', (r) => seen.requests.push(r.url()));
  return { context, page };
}

/** Waits until the dashboard shows `view` (rendered, not loading). */
async function ready(page, view) {
  await page.waitForSelector(`html[data-state="ready"][data-view="${view}"]`, { timeout: 15000 });
}

/**
 * Checks the article view's warning banner against the API's `warnings` for
 * the article shown; returns them.
 */
async function checkBanner(page, what) {
  const id = query(page).get('id');
  const doc = await api(`/api/corpus/articles/${encodeURIComponent(id)}`);
  const warnings = Array.isArray(doc.warnings) ? doc.warnings : [];
  const banner = page.locator('#article-warnings');
  if (warnings.length === 0) {
    check(await banner.count() === 0, `${what}: no warning banner (the API gives none)`);
    return warnings;
  }
  const skipping = warnings.some((w) => (w.skipped_layers || []).length > 0);
  const heading = await page.textContent('#article-warnings-heading');
  check(heading === (skipping ? 'Not analysed' : 'Read with care'), `${what}: the banner's heading fits its warnings`, heading);
  check(await banner.getAttribute('role') === (skipping ? 'alert' : 'status'), `${what}: the banner is an ${skipping ? 'alert' : 'status'}`);
  const items = await page.locator('#article-warnings li').allTextContents();
  check(items.length === warnings.length && items.every((t, i) => t === warnings[i].message),
    `${what}: the banner shows each warning's message as text`, items.join(' | '));
  return warnings;
}

function query(page) {
  return new URL(page.url()).searchParams;
}

async function shot(page, name, fullPage = false) {
  await page.screenshot({ path: join(artifacts, `corpus-${name}.png`), fullPage });
}

/** The series and point counts of the line chart. */
function lineCounts(page) {
  return page.evaluate(() => Array.from(document.querySelectorAll('#timeline-chart g.series'))
    .map((g) => g.querySelectorAll('circle.point').length));
}

async function desktop() {
  const { context, page } = await openContext({ viewport: { width: 1366, height: 900 } });

  // The single-article page links to the dashboard, and back.
  await page.goto(base, { waitUntil: 'load' });
  await page.waitForSelector('html[data-ready="true"]');
  check(await page.locator('#corpus-link').isVisible(), 'the single-article page links to the dashboard');
  await page.click('#corpus-link');
  await ready(page, 'overview');
  check(await page.getAttribute('#single-link', 'href') === '/', 'the dashboard links back to the single-article page');

  // Overview.
  const o = await api('/api/corpus/overview');
  const stats = await page.textContent('.overview-stats');
  check(stats.includes(String(o.articles)) && stats.includes(o.first_published), 'the overview shows the article count and the date range', stats.slice(0, 200));
  const bars = await page.locator('#mix-chart g.bar').count();
  check(bars === o.techniques.length && bars === 14, 'the technique mix has one bar per technique', `${bars} bars, ${o.techniques.length} in the API`);
  const barValues = await page.locator('#mix-chart g.bar').evaluateAll((gs) => gs.map((g) => Number(g.dataset.value)).sort((a, b) => a - b));
  const apiValues = o.techniques.map((t) => t.spans_per_1k_words.value).sort((a, b) => a - b);
  check(barValues.every((v, i) => close(v, apiValues[i])), 'the bars are the API\'s rates');
  check(await page.locator('#mix-chart line.err').count() === 3 * o.techniques.filter((t) => t.spans_per_1k_words.low !== null).length,
    'every bar has an error bar (line and two caps)');
  check(await page.locator('#mix-chart details.chart-table tbody tr').count() === 14, 'the chart has a table alternative with 14 rows');
  await shot(page, 'overview');

  // Outlets: sortable, paginated, filters in the URL.
  await page.click('.dash-nav a[data-view="outlets"]');
  await ready(page, 'outlets');
  let list = await api('/api/corpus/outlets?per_page=20');
  let rows = await page.locator('.outlets-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.outlet));
  check(rows.length === Math.min(20, list.total) && rows.every((r, i) => r === list.items[i].group), 'the outlets table lists the API\'s outlets in order', rows.join(' | '));
  await page.click('.outlets-table th a[data-sort="outlet"]');
  await ready(page, 'outlets');
  check(query(page).get('sort') === 'outlet' && query(page).get('order') === 'asc', 'sorting by name puts sort=outlet&order=asc in the URL', page.url());
  list = await api('/api/corpus/outlets?per_page=20&sort=outlet&order=asc');
  rows = await page.locator('.outlets-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.outlet));
  check(rows.join('|') === list.items.map((g) => g.group).join('|'), 'the table is re-sorted by name', rows.join(' | '));
  check(rows.includes(HOSTILE_OUTLET), 'the hostile outlet name is listed as text');
  await page.selectOption('#outlets-technique', 'Doubt');
  await ready(page, 'outlets');
  check(query(page).get('technique') === 'Doubt', 'choosing a technique puts it in the URL', page.url());
  const firstRate = await page.locator('.outlets-table tbody tr').first().locator('.rate-value').textContent();
  const apiFirst = list.items[0].techniques.find((t) => t.technique === 'Doubt').spans_per_1k_words.value;
  check(Math.abs(Number(firstRate) - apiFirst) < 0.01, 'the rate column shows the chosen technique\'s rate', `${firstRate} vs ${apiFirst}`);
  await page.click('.outlets-table th a[data-sort="Doubt"]');
  await ready(page, 'outlets');
  const byDoubt = await api('/api/corpus/outlets?per_page=20&sort=Doubt&order=desc');
  rows = await page.locator('.outlets-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.outlet));
  check(rows[0] === byDoubt.items[0].group, 'sorting by the technique\'s rate follows the API', `${rows[0]} vs ${byDoubt.items[0].group}`);
  check(await page.locator('.outlets-table svg.mini-bar line.err').count() > 0, 'rates are drawn with error bars');
  await shot(page, 'outlets');

  // Outlet page → its passages → article, scrolled to the span.
  const outletName = 'Daily Planet';
  await page.click(`.outlets-table a:text-is("${outletName}")`);
  await ready(page, 'outlet');
  const od = await api(`/api/corpus/outlets/${encodeURIComponent(outletName)}`);
  check(await page.textContent('h2.outlet-title') === outletName, 'the outlet page opens');
  check(await page.locator('#profile-chart g.bar').count() === od.profile.length, 'the profile has one bar per technique', String(od.profile.length));
  check(await page.locator('#profile-chart svg.chart line.ref').count() === od.profile.filter((r) => r.corpus && r.corpus.spans_per_1k_words.value !== null).length,
    'each technique has its corpus-average mark');
  check(await page.locator('.name-list').first().locator('li .name').count() === od.speakers.length, 'the top speakers are listed');
  check(await page.locator('.outlet-copies .cluster').count() === od.copies.length && od.copies.length >= 1, 'the outlet\'s copies are listed');
  await shot(page, 'outlet', true);
  await page.click('.view-links a:text-is("Its technique passages")');
  await ready(page, 'spans');
  check(query(page).get('outlet') === outletName, 'the outlet\'s passages open filtered by outlet');
  const outletSpans = await api(`/api/corpus/spans?outlet=${encodeURIComponent(outletName)}&per_page=20`);
  const hit = outletSpans.items[5];
  await page.locator('.span-hit .article-link').nth(5).click();
  await ready(page, 'article');
  check(query(page).get('start') === String(hit.start) && query(page).get('end') === String(hit.end), 'the article link names the span', page.url());
  const target = page.locator('mark.target');
  check(await target.count() >= 1, 'the span is highlighted in the article');
  const targetText = (await target.allTextContents()).join('');
  check(targetText.includes(hit.text) || hit.text.includes(targetText), 'the highlighted text is the span\'s', `${targetText} / ${hit.text}`);
  await page.waitForTimeout(300);
  const inView = await page.evaluate(() => {
    const r = document.getElementById('target-span').getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  });
  check(inView, 'the span is scrolled into view');
  await checkBanner(page, 'the article');
  await shot(page, 'article');

  // A stored article whose techniques were set aside (a language warning,
  // injected into the API's answer): the banner says so, nothing says none.
  const articleUrl = page.url();
  const articleId = query(page).get('id');
  const german = {
    code: 'language',
    message: 'This text is in German, not English. No techniques were looked for. Use --force-language en to analyse it anyway.',
    skipped_layers: ['technique', 'entity', 'quote', 'speaker', 'cue', 'source', 'hedge', 'claim'],
    language: 'deu',
  };
  await page.route(`**/api/corpus/articles/${articleId}`, async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    body.warnings = [german];
    delete body.layers.technique;
    await route.fulfill({ response, json: body });
  });
  await page.goto(articleUrl.replace(/&start=\d+&end=\d+/, ''));
  await ready(page, 'article');
  check(await page.textContent('#article-warnings-heading') === 'Not analysed', 'a set-aside article shows "Not analysed"');
  check(await page.getAttribute('#article-warnings', 'role') === 'alert', 'the "Not analysed" banner is an alert');
  check(await page.textContent('#article-warnings li') === german.message, 'its message is shown as text');
  check(await page.getAttribute('.corpus-article', 'data-techniques') === 'not-analysed', 'the article knows techniques were not analysed');
  check(/not looked for/i.test(await page.textContent('.mini-legend')), 'its technique list says they were not looked for');
  check(await page.locator('.corpus-article mark').count() === 0, 'no passage is highlighted');
  check((await page.textContent('#article-warnings')).includes(`--where "id = ${articleId}"`), 'the banner names the reanalyse command for this article');
  await shot(page, 'article-not-analysed');
  await page.unroute(`**/api/corpus/articles/${articleId}`);

  // Over time: series and points as the API's; filters in the URL; raw counts; hover.
  await page.click('.dash-nav a[data-view="timeline"]');
  await ready(page, 'timeline');
  let t = await api('/api/corpus/timeline');
  const points = (s) => s.points.filter((p) => MONTH.test(p.month) && p.value !== null).length;
  let counts = await lineCounts(page);
  check(counts.length === 1 && counts[0] === points(t.series[0]), 'the corpus timeline has one line with a point per month', JSON.stringify(counts));
  await page.click('#pick-technique summary');
  await page.check('#pick-technique input[value="Doubt"]');
  await ready(page, 'timeline');
  check(await page.locator('#pick-technique[open]').count() === 1, 'the technique list stays open after a tick');
  await page.check('#pick-technique input[value="Loaded_Language"]');
  await ready(page, 'timeline');
  check(query(page).getAll('technique').join(',') === 'Doubt,Loaded_Language', 'ticking techniques puts them in the URL', page.url());
  t = await api('/api/corpus/timeline?technique=Doubt&technique=Loaded_Language');
  counts = await lineCounts(page);
  check(counts.length === 2 && counts.every((c, i) => c === points(t.series[i])), 'one line per technique, a point per month', JSON.stringify(counts));
  check(await page.locator('#timeline-chart path.band').count() >= 2, 'normalised rates have confidence bands');
  const box = await page.locator('#timeline-chart rect.overlay').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForSelector('#timeline-chart .chart-tip:not([hidden])');
  const tip = await page.textContent('#timeline-chart .chart-tip');
  check(/\d{4}-\d{2}/.test(tip) && tip.includes('Doubt'), 'hovering shows the month and the values', tip);
  await shot(page, 'timeline');
  await page.click('.mode input[value="false"]');
  await ready(page, 'timeline');
  check(query(page).get('normalise') === 'false', 'the raw-counts toggle is in the URL');
  const raw = await api('/api/corpus/timeline?technique=Doubt&technique=Loaded_Language&normalise=false');
  const drawn = await page.locator('#timeline-chart g.series').first().locator('circle.point').evaluateAll((cs) => cs.map((c) => Number(c.dataset.value)));
  const expected = raw.series[0].points.filter((p) => MONTH.test(p.month)).map((p) => p.spans);
  check(drawn.join(',') === expected.join(','), 'raw counts are the API\'s span counts', `${drawn} vs ${expected}`);
  check(await page.locator('#timeline-chart path.band').count() === 0, 'raw counts have no bands');
  // Reloading the URL restores the view.
  await page.reload();
  await ready(page, 'timeline');
  counts = await lineCounts(page);
  check(counts.length === 2 && await page.isChecked('.mode input[value="false"]'), 'reloading the URL restores the view and its filters');
  await page.goBack();
  await ready(page, 'timeline');
  check(query(page).get('normalise') === null, 'Back returns to the previous filters');
  // One line per outlet.
  await page.goto(new URL('/corpus?view=timeline&outlet=Daily+Planet&outlet=Morning+Wire', base).href);
  await ready(page, 'timeline');
  const two = await api('/api/corpus/timeline?outlet=Daily+Planet&outlet=Morning+Wire');
  counts = await lineCounts(page);
  check(counts.length === 2 && counts.every((c, i) => c === points(two.series[i])), 'one line per outlet', JSON.stringify(counts));

  // Techniques explorer, its filters and the export.
  await page.goto(new URL('/corpus?view=spans&technique=Doubt', base).href);
  await ready(page, 'spans');
  await page.selectOption('#spans-outlet', outletName);
  await ready(page, 'spans');
  check(query(page).get('outlet') === outletName && query(page).get('technique') === 'Doubt', 'the outlet filter joins the technique in the URL', page.url());
  const doubt = await api(`/api/corpus/spans?technique=Doubt&outlet=${encodeURIComponent(outletName)}&per_page=20`);
  const countLine = await page.textContent('.count-line');
  check(countLine.startsWith(`${doubt.total} `), 'the explorer shows the API total', countLine);
  check(await page.locator('.span-hit').count() === Math.min(20, doubt.total), 'one item per passage on the page');
  const labels = await page.locator('.span-hit .technique-name').allTextContents();
  check(labels.every((l) => l === 'Doubt'), 'every passage is of the chosen technique', labels.slice(0, 3).join(','));
  await shot(page, 'explorer');
  const [jsonl] = await Promise.all([page.waitForEvent('download'), page.click('.export-link[data-table="spans"][data-format="jsonl"]')]);
  const lines = readFileSync(await jsonl.path(), 'utf8').split('\n').filter((l) => l.trim());
  check(lines.length === doubt.total && lines.every((l) => JSON.parse(l).technique === 'Doubt'), 'the JSON export downloads exactly the passages shown', `${lines.length} rows, ${doubt.total} in the API`);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('.export-link[data-table="spans"][data-format="csv"]')]);
  check(csv.suggestedFilename() === 'spans.csv' && readFileSync(await csv.path(), 'utf8').split('\n')[0].includes('technique'), 'the CSV export downloads spans.csv with a header');
  const [pq] = await Promise.all([page.waitForEvent('download'), page.click('.export-link[data-table="spans"][data-format="parquet"]')]);
  check(readFileSync(await pq.path()).subarray(0, 4).toString() === 'PAR1', 'the Parquet export is a Parquet file');

  // Copies and the side-by-side comparison.
  await page.click('.dash-nav a[data-view="copies"]');
  await ready(page, 'copies');
  const copies = await api('/api/corpus/copies');
  check(await page.locator('.cluster').count() === copies.total && copies.total >= 1, 'the copies view lists every cluster', String(copies.total));
  await shot(page, 'copies');
  await page.locator('.compare-link').first().click();
  await ready(page, 'compare');
  const cl = copies.items[0];
  const cmp = await api(`/api/corpus/compare?origin=${cl.origin}&copy=${cl.members.find((m) => m.role !== 'origin').id}`);
  check(await page.locator('.cmp-row').count() === cmp.rows.length, 'the comparison aligns every paragraph', String(cmp.rows.length));
  check(await page.locator('.cmp-row.status-edited ins').count() > 0, 'edited paragraphs show the inserted words');
  const added = await page.textContent('.tech-changes.added');
  check(cmp.changes.techniques_added.every((x) => added.includes(x.text)), 'techniques added by the copy are listed', added);
  await page.locator('.cmp-row.status-edited').first().scrollIntoViewIfNeeded();
  await shot(page, 'compare');

  // Search (corpus search syntax), and the hostile article stays text.
  await page.fill('#search-q', 'Trump');
  await page.press('#search-q', 'Enter');
  await ready(page, 'search');
  check(query(page).get('q') === 'Trump', 'the search is in the URL');
  const found = await api('/api/corpus/search?q=Trump&in=articles&per_page=20');
  check((await page.textContent('.count-line')).startsWith(`${found.total} `) && await page.locator('.search-hit').count() === Math.min(20, found.total),
    'the search lists the API hits', String(found.total));
  check(await page.locator('.search-hit mark.hit').count() > 0, 'matches are marked in the snippets');
  await shot(page, 'search');
  await page.fill('#search-q', 'traitors');
  await page.selectOption('#search-in', 'articles');
  await page.press('#search-q', 'Enter');
  await ready(page, 'search');
  const hostileHit = page.locator('.search-hit .article-link', { hasText: 'Shocking' });
  check(await hostileHit.count() >= 1, 'the hostile article is found', await page.textContent('#view'));
  await hostileHit.first().click();
  await ready(page, 'article');
  check(await page.textContent('.article-title') === HOSTILE_TITLE, 'its title is shown as text, markup and all');
  check((await page.textContent('.doc-meta')).includes(HOSTILE_OUTLET), 'its outlet is shown as text');
  check((await page.textContent('.doc-meta')).includes(HOSTILE_AUTHOR), 'its author is shown as text');
  await checkBanner(page, 'the hostile article');
  const created = await page.locator('#view img, #view b, #view script, #view iframe, .dash-nav img').count();
  check(created === 0, 'no element was created from corpus content', `${created} elements`);
  await page.click('.doc-meta .outlet-link');
  await ready(page, 'outlet');
  check(await page.textContent('h2.outlet-title') === HOSTILE_OUTLET, 'the hostile outlet\'s page opens, its name as text');
  check(await page.locator('#view img, #view b').count() === 0, 'still no element from corpus content');
  await page.waitForTimeout(200);
  await context.close();
}

async function phone() {
  const { context, page } = await openContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  const cluster = (await api('/api/corpus/copies')).items[0];
  const copy = cluster.members.find((m) => m.role !== 'origin').id;
  const views = [
    ['overview', ''], ['outlets', ''], ['outlet', '&outlet=Daily+Planet'],
    ['timeline', '&technique=Doubt&technique=Loaded_Language'], ['spans', '&technique=Doubt'],
    ['article', `&id=${cluster.origin}`], ['copies', ''], ['compare', `&origin=${cluster.origin}&copy=${copy}`],
    ['search', '&q=Trump'],
  ];
  for (const [view, extra] of views) {
    await page.goto(new URL(`/corpus?view=${view}${extra}`, base).href);
    await ready(page, view);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 0, `${view}: no horizontal scrolling at 390 px`, `${overflow}px too wide`);
    if (view === 'overview' || view === 'timeline' || view === 'outlets') await shot(page, `${view}-phone`);
  }
  await context.close();
}

try {
  await desktop();
  await phone();
  const foreign = seen.requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
  check(foreign.length === 0, 'no request left the server\'s origin', foreign.join(' '));
  check(seen.errors.length === 0, 'no JavaScript error', seen.errors.join(' | '));
  check(seen.console.length === 0, 'no console error', seen.console.join(' | '));
  check(seen.dialogs.length === 0, 'no dialog opened (no injected script ran)', seen.dialogs.join(' | '));
} catch (e) {
  fail(`the test itself failed: ${e.stack || e}`);
  try {
    const pages = browser.contexts().flatMap((c) => c.pages());
    if (pages.length) await pages[pages.length - 1].screenshot({ path: join(artifacts, 'corpus-failure.png') });
  } catch (_) { /* best effort */ }
} finally {
  await browser.close();
}
console.log(failures() === 0 ? 'all corpus dashboard checks passed' : `${failures()} corpus dashboard check(s) failed`);
process.exit(failures() === 0 ? 0 : 1);
