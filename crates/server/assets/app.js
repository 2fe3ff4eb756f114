// unspin web page. Vanilla JavaScript, no dependencies, nothing loaded from
// elsewhere.
//
// Safety rule: the article and everything derived from it (span texts,
// explanations, metadata) is data, never markup. It reaches the page only
// through text nodes (textContent / createTextNode); this file never uses
// innerHTML, outerHTML, insertAdjacentHTML or document.write.
//
// Offsets in the API's JSON are Unicode code points, so the text is sliced
// as Array.from(text), never with String.prototype.slice (UTF-16 units).
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);

  /** Elements, looked up once. */
  const ui = {
    form: $('input-form'),
    article: $('article'),
    dropZone: $('drop-zone'),
    kind: $('input-kind'),
    tier: $('tier'),
    file: $('file'),
    sample: $('load-sample'),
    analyze: $('analyze'),
    message: $('message'),
    modelInfo: $('model-info'),
    results: $('results'),
    warnings: $('warnings'),
    warningsHeading: $('warnings-heading'),
    warningsList: $('warnings-list'),
    warningsAction: $('warnings-action'),
    forceEnglish: $('force-english'),
    title: $('doc-title'),
    meta: $('doc-meta'),
    resultTier: $('result-tier'),
    minScore: $('min-score'),
    minScoreValue: $('min-score-value'),
    shownCount: $('shown-count'),
    text: $('article-text'),
    stats: $('summary-stats'),
    chart: $('chart'),
    legend: $('legend-list'),
    legendAll: $('legend-all'),
    legendNone: $('legend-none'),
    legendToggles: $('legend-toggles'),
    absentBox: $('legend-absent-box'),
    absentSummary: $('legend-absent-summary'),
    absent: $('legend-absent'),
    otherLayers: $('other-layers'),
    exportHtml: $('export-html'),
    exportJson: $('export-json'),
    popover: $('popover'),
    popoverBody: $('popover-body'),
    popoverClose: $('popover-close'),
  };

  /** Page state. */
  const state = {
    techniques: new Map(), // label -> {label, name, definition, example, color}
    order: [], // labels in taxonomy order
    maxBody: 2 * 1024 * 1024,
    doc: null, // the last analysed document (API JSON)
    chars: [], // Array.from(doc.text)
    lastRequest: null, // {text|html, id, force_language?} of the last analysis, for exports
    skipped: new Set(), // layers the document's warnings say were not analysed
    hidden: new Set(), // labels switched off in the legend
    fileName: null, // name of the loaded file, for the document id
    tiers: [], // tiers the server runs, its default first
    showing: null, // {tier, final} of the result on the page
  };

  const FALLBACK_COLOR = '#e0e0e0';
  const COLOR_RE = /^#[0-9a-fA-F]{6}$/;
  /** Layers that are structure or already shown, not findings to list. */
  const STRUCTURAL = new Set([
    'technique', 'sentence', 'title', 'boilerplate', 'paragraph', 'heading', 'list_item',
    'blockquote', 'link',
  ]);
  /** What the page says where the technique layer was not analysed. */
  const NOT_LOOKED_FOR = 'Not looked for: this text was not analysed for techniques (see the note above the result).';
  /** Layers summarised by the evidence panel (when the JSON has `sourcing`). */
  const SOURCING_LAYERS = new Set(['entity', 'quote', 'speaker', 'cue', 'source', 'hedge', 'claim']);
  /** How the page names the tiers. */
  const TIER_NAMES = { neural: 'neural (accurate)', fast: 'fast' };
  const LAYER_TITLES = {
    quote: 'Quotes', source: 'Sources', claim: 'Claims', speaker: 'Speakers', hedge: 'Hedges',
  };

  // ---------------------------------------------------------------- helpers

  /** Creates an element with a class and text content (never markup). */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function colorOf(label) {
    const t = state.techniques.get(label);
    return t && COLOR_RE.test(t.color) ? t.color : FALLBACK_COLOR;
  }

  function nameOf(label) {
    const t = state.techniques.get(label);
    return t ? t.name : label;
  }

  function fmtScore(score) {
    return Number.isFinite(score) ? score.toFixed(2) : '?';
  }

  function fmtNumber(n, digits) {
    return Number(n).toLocaleString('en-GB', {
      minimumFractionDigits: digits || 0,
      maximumFractionDigits: digits || 0,
    });
  }

  /** What the page's other scripts (evidence.js) share; it runs after this one. */
  window.UnspinPage = { el, clear, fmtScore, fmtNumber, SOURCING_LAYERS };

  function say(text, kind) {
    ui.message.textContent = text || '';
    ui.message.className = 'message' + (kind ? ' ' + kind : '');
  }

  /** The message of an API error response, whatever its body. */
  async function errorMessage(response) {
    let detail = '';
    try {
      const body = await response.json();
      detail = body && typeof body.message === 'string' ? body.message : '';
    } catch (_) {
      detail = '';
    }
    return `${response.status} ${response.statusText}${detail ? ': ' + detail : ''}`;
  }

  // ---------------------------------------------------------------- startup

  async function loadTechniques() {
    try {
      const response = await fetch('/api/techniques', { headers: { Accept: 'application/json' } });
      if (!response.ok) throw new Error(await errorMessage(response));
      const body = await response.json();
      for (const t of body.techniques || []) {
        state.techniques.set(t.label, t);
        state.order.push(t.label);
      }
    } catch (e) {
      say(`Could not load the technique list (${e.message}).`, 'error');
    }
  }

  async function loadHealth() {
    try {
      const response = await fetch('/api/health');
      if (!response.ok) return;
      const h = await response.json();
      if (h.limits && Number.isFinite(h.limits.max_body_bytes)) state.maxBody = h.limits.max_body_bytes;
      ui.modelInfo.textContent = `model ${h.model} · unspin ${h.version}`;
      ui.tier.replaceChildren();
      state.tiers = Array.isArray(h.tiers) ? h.tiers.filter((t) => typeof t === 'string') : [];
      for (const tier of state.tiers) {
        const option = document.createElement('option');
        option.value = tier;
        option.textContent = TIER_NAMES[tier] || tier;
        ui.tier.append(option);
      }
    } catch (_) {
      // The page still works; the server will say what is wrong on analysis.
    }
  }

  // ---------------------------------------------------------------- input

  function isHtmlFile(file) {
    return /\.(x?html?)$/i.test(file.name) || file.type === 'text/html';
  }

  async function loadFile(file) {
    if (!file) return;
    if (file.size > 4 * state.maxBody) {
      say(`${file.name} is ${fmtNumber(file.size)} bytes, more than this server accepts.`, 'error');
      return;
    }
    try {
      ui.article.value = await file.text();
    } catch (e) {
      say(`Could not read ${file.name}: ${e.message}`, 'error');
      return;
    }
    ui.kind.value = isHtmlFile(file) ? 'html' : 'text';
    state.fileName = file.name;
    say(`Loaded ${file.name} (${ui.kind.value === 'html' ? 'HTML' : 'text'}). Press Analyse.`);
  }

  async function loadSample() {
    try {
      const response = await fetch('/sample.txt');
      if (!response.ok) throw new Error(await errorMessage(response));
      ui.article.value = await response.text();
      ui.kind.value = 'text';
      state.fileName = 'syria-ceasefire-opinion.md';
      say('Loaded a sample opinion article. Press Analyse.');
    } catch (e) {
      say(`Could not load the sample: ${e.message}`, 'error');
    }
  }

  function documentId() {
    if (state.fileName) {
      const stem = state.fileName.replace(/\.[^.]*$/, '').replace(/[\u0000-\u001f\u007f]/g, '');
      if (stem.trim()) return stem.slice(0, 200);
    }
    return 'pasted-article';
  }

  /**
   * POSTs to /api/analyze (asking for server-sent events when `events`);
   * resolves to the Response, or throws with a message.
   */
  async function callAnalyze(request, events) {
    const body = JSON.stringify(request);
    const size = new Blob([body]).size;
    if (size > state.maxBody) {
      throw new Error(`The article is ${fmtNumber(size)} bytes as JSON; this server accepts up to ${fmtNumber(state.maxBody)}.`);
    }
    const headers = { 'Content-Type': 'application/json' };
    if (events) headers.Accept = 'text/event-stream';
    let response;
    try {
      response = await fetch('/api/analyze', { method: 'POST', headers, body });
    } catch (e) {
      throw new Error(`The server did not answer (${e.message}).`);
    }
    if (!response.ok) throw new Error(await errorMessage(response));
    return response;
  }

  async function analyze(event) {
    if (event) event.preventDefault();
    const content = ui.article.value;
    if (!content.trim()) {
      say('Paste an article first (or drop a file, or load the sample).', 'error');
      ui.article.focus();
      return;
    }
    const request = { id: documentId() };
    if (ui.tier.value) request.tier = ui.tier.value;
    request[ui.kind.value === 'html' ? 'html' : 'text'] = content;
    await submit(request);
  }

  /**
   * Re-posts the last analysed input (not what the box holds now) with
   * `force_language: "en"`: the banner's "Analyse as English anyway".
   */
  async function analyzeAsEnglish() {
    if (!state.lastRequest) return;
    await submit({ ...state.lastRequest, force_language: 'en' });
  }

  /**
   * POSTs to /api/analyze asking for server-sent events and calls
   * `onEvent(name, data)` for each event as it comes (`status`, `result`,
   * `error`; data parsed from its JSON). Resolves when the stream ends;
   * throws with a message when the request is refused or the connection fails.
   */
  async function streamAnalyze(request, onEvent) {
    const response = await callAnalyze(request, true);
    const type = response.headers.get('Content-Type') || '';
    if (!type.startsWith('text/event-stream') || !response.body) {
      // An older server answers with the document itself.
      onEvent('result', { tier: request.tier || state.tiers[0] || '', final: true, document: await response.json() });
      return;
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const dispatch = (block) => {
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (!data.length) return; // a comment (keep-alive)
      let parsed;
      try {
        parsed = JSON.parse(data.join('\n'));
      } catch (_) {
        throw new Error('The server sent an event that is not JSON.');
      }
      onEvent(name, parsed);
    };
    for (;;) {
      let chunk;
      try {
        chunk = await reader.read();
      } catch (e) {
        throw new Error(`The connection to the server was lost (${e.message}).`);
      }
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n?/g, '\n');
      let at;
      while ((at = buffer.indexOf('\n\n')) >= 0) {
        dispatch(buffer.slice(0, at));
        buffer = buffer.slice(at + 2);
      }
    }
    if (buffer.trim()) dispatch(buffer);
  }

  /** Says which tier's result the page shows, and whether another is coming. */
  function showTier(tier, final, waitingFor) {
    state.showing = { tier, final };
    const name = TIER_NAMES[tier] || tier || 'the server\u2019s default';
    ui.resultTier.dataset.tier = tier || '';
    ui.resultTier.dataset.final = final ? 'true' : 'false';
    ui.resultTier.className = 'result-tier' + (final ? '' : ' preliminary');
    ui.resultTier.textContent = final
      ? `Showing the result of the ${name} tier.`
      : `Preliminary: showing the ${name} tier\u2019s result. The ${TIER_NAMES[waitingFor] || waitingFor} tier\u2019s result replaces it when it is ready.`;
    ui.resultTier.hidden = false;
  }

  /** How a `status` event reads. */
  function queueMessage(status) {
    const name = TIER_NAMES[status.tier] || status.tier;
    if (status.state === 'running') return `Analysing with the ${name} tier\u2026`;
    const eta = Number.isFinite(status.estimate_s) ? `, about ${fmtNumber(Math.max(1, Math.round(status.estimate_s)))} s` : '';
    return `Queued for the ${name} tier: position ${fmtNumber(status.position)}${eta}\u2026`;
  }

  /** Posts an analysis request, shows its result(s) and says how it went. */
  async function submit(request) {
    ui.analyze.disabled = true;
    ui.forceEnglish.disabled = true;
    say('Analysing\u2026', 'busy');
    const started = performance.now();
    const asked = request.tier || state.tiers[0] || '';
    let last = null; // the last status event
    let final = null; // the final document
    let early = false; // a preliminary result is on the page
    try {
      await streamAnalyze(request, (name, data) => {
        if (name === 'status') {
          last = data;
          if (!early) say(queueMessage(data), 'busy');
        } else if (name === 'result' && data && data.document) {
          state.lastRequest = request;
          show(data.document, early);
          if (data.final) {
            final = data.document;
            showTier(data.tier, true);
          } else {
            early = true;
            showTier(data.tier, false, asked);
            const ms = Math.round(performance.now() - started);
            const waiting = last && last.state === 'queued' ? ` (${queueMessage(last).replace(/\u2026$/, '')})` : '';
            say(`Fast result in ${fmtNumber(ms)} ms; the ${TIER_NAMES[asked] || asked} tier is still working${waiting}\u2026`, 'busy');
          }
        } else if (name === 'error') {
          throw new Error(data && data.message ? data.message : 'The analysis failed.');
        }
      });
      if (!final) throw new Error('The server closed the connection before the result.');
      const ms = Math.round(performance.now() - started);
      const words = `${fmtNumber(final.summary.words)} words`;
      const took = `${fmtNumber(ms)} ms`;
      if (state.skipped.has('technique')) {
        say(`Not analysed (${words} read in ${took}): see the note below.`, 'warn');
      } else if (warningsOf(final).length) {
        say(`Analysed ${words} in ${took}${request.force_language ? ' as English' : ''}. Read with care: see the note below.`, 'warn');
      } else {
        say(`Analysed ${words} in ${took}${request.force_language ? ' as English' : ''}.`, 'ok');
      }
    } catch (e) {
      if (early && !final) {
        say(`${e.message} The page shows the fast tier\u2019s preliminary result.`, 'error');
      } else {
        say(e.message, 'error');
      }
    } finally {
      ui.analyze.disabled = false;
      ui.forceEnglish.disabled = false;
    }
  }

  // ---------------------------------------------------------------- results

  function techniqueSpans() {
    const doc = state.doc;
    const spans = (doc && doc.layers && doc.layers.technique) || [];
    const n = state.chars.length;
    // Keep well-formed spans only; remember their index for the popover.
    return spans
      .map((s, index) => ({ ...s, index }))
      .filter((s) => Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.start < s.end && s.end <= n);
  }

  function minScore() {
    const v = Number(ui.minScore.value);
    return Number.isFinite(v) ? v : 0;
  }

  /** Spans above the threshold (toggles ignored). */
  function aboveThreshold() {
    const min = minScore();
    return techniqueSpans().filter((s) => s.score >= min);
  }

  /** The document's warnings (JSON schema 1.2), well-formed ones only. */
  function warningsOf(doc) {
    return (Array.isArray(doc && doc.warnings) ? doc.warnings : [])
      .filter((w) => w && typeof w === 'object');
  }

  /** The layers that the document's warnings say were not analysed. */
  function skippedLayers(doc) {
    const skipped = new Set();
    for (const w of warningsOf(doc)) {
      for (const layer of Array.isArray(w.skipped_layers) ? w.skipped_layers : []) {
        if (typeof layer === 'string') skipped.add(layer);
      }
    }
    return skipped;
  }

  /**
   * The banner above the result: "Not analysed" when a warning skipped
   * layers, "Read with care" otherwise, each warning's message as text, and
   * "Analyse as English anyway" when forcing English would change the result.
   */
  function renderWarnings(doc) {
    const warnings = warningsOf(doc);
    ui.warnings.hidden = warnings.length === 0;
    clear(ui.warningsList);
    if (ui.warnings.hidden) return;
    const skipping = warnings.some((w) => Array.isArray(w.skipped_layers) && w.skipped_layers.length > 0);
    ui.warnings.classList.toggle('skipped', skipping);
    ui.warnings.setAttribute('role', skipping ? 'alert' : 'status');
    ui.warningsHeading.textContent = skipping ? 'Not analysed' : 'Read with care';
    for (const w of warnings) {
      const item = el('li', 'warning');
      appendWithOptions(item, typeof w.message === 'string' && w.message ? w.message : String(w.code || 'warning'));
      if (typeof w.code === 'string') item.dataset.code = w.code;
      ui.warningsList.appendChild(item);
    }
    // Forcing English lifts `language` and `garbled` (the ones that skip layers).
    const forced = Boolean(state.lastRequest && state.lastRequest.force_language);
    ui.warningsAction.hidden = forced || !skipping;
  }

  /** Appends text, with command-line options in it (`--force-language en`) as <code> text. */
  function appendWithOptions(node, text) {
    text.split(/(--[a-z][a-z-]*(?: en\b)?)/).forEach((part, i) => {
      if (part) node.appendChild(i % 2 ? el('code', 'option', part) : document.createTextNode(part));
    });
  }

  /**
   * Shows an analysed document. `replacing`: it replaces a preliminary
   * result of the same text, so the reader's threshold and toggles stay and
   * the page does not scroll.
   */
  function show(doc, replacing) {
    state.doc = doc;
    state.chars = Array.from(doc.text || '');
    state.skipped = skippedLayers(doc);
    if (!replacing) {
      state.hidden.clear();
      ui.minScore.value = '0';
    }
    ui.minScore.disabled = state.skipped.has('technique');
    ui.results.dataset.techniques = state.skipped.has('technique') ? 'not-analysed' : 'analysed';
    renderWarnings(doc);
    const m = doc.metadata || {};
    ui.title.textContent = m.title || doc.id || 'Article';
    // The headline is shown inside the text when the text has it.
    ui.title.hidden = Boolean(titleRange());
    const meta = [];
    if (m.authors && m.authors.length) meta.push(`By ${m.authors.join(', ')}`);
    if (m.site_name) meta.push(m.site_name);
    if (m.published) meta.push(m.published);
    meta.push(`${fmtNumber(doc.summary.words)} words`);
    ui.meta.textContent = meta.join(' · ');
    if (m.language) ui.text.lang = m.language; else ui.text.removeAttribute('lang');
    renderOtherLayers(doc);
    window.UnspinEvidence.render(doc, state.skipped);
    ui.results.hidden = false;
    refresh();
    if (!replacing) (ui.warnings.hidden ? ui.results : ui.warnings).scrollIntoView({ block: 'start' });
  }

  /** Re-renders everything that depends on the threshold and the toggles. */
  function refresh() {
    hidePopover();
    ui.minScoreValue.textContent = minScore().toFixed(2);
    const above = aboveThreshold();
    const visible = above.filter((s) => !state.hidden.has(s.label));
    renderText(visible);
    renderSummary(above);
    renderLegend(above);
    const total = techniqueSpans().length;
    ui.shownCount.textContent = state.skipped.has('technique')
      ? 'techniques not analysed'
      : `${visible.length} of ${total} passages shown`;
  }

  /** The code point range of the headline inside the text, if the reader found one. */
  function titleRange() {
    const t = state.doc.layers && state.doc.layers.title;
    const s = Array.isArray(t) && t[0];
    return s && Number.isInteger(s.start) && Number.isInteger(s.end) && s.start < s.end && s.end <= state.chars.length
      ? s : null;
  }

  /**
   * Renders the article as text nodes, with one <mark> per stretch of text
   * covered by the same set of visible spans (spans may overlap), and the
   * headline, when the text has one, as a heading. Leading and trailing
   * blank space is not shown (nothing can be marked there).
   */
  function renderText(visible) {
    const chars = state.chars;
    let first = 0;
    let last = chars.length;
    while (first < last && /\s/u.test(chars[first])) first += 1;
    while (last > first && /\s/u.test(chars[last - 1])) last -= 1;
    const events = new Map(); // offset -> {open: [], close: []}
    const at = (i) => {
      let e = events.get(i);
      if (!e) { e = { open: [], close: [] }; events.set(i, e); }
      return e;
    };
    for (const s of visible) {
      at(s.start).open.push(s);
      at(s.end).close.push(s);
    }
    const title = titleRange();
    if (title) { at(title.start); at(title.end); }
    const cuts = Array.from(events.keys()).sort((a, b) => a - b);
    const fragment = document.createDocumentFragment();
    let target = fragment;
    const active = new Set();
    let pos = first;
    const emit = (end) => {
      end = Math.min(end, last);
      if (end <= pos) return;
      const piece = chars.slice(pos, end).join('');
      if (active.size === 0) {
        target.appendChild(document.createTextNode(piece));
      } else {
        target.appendChild(markFor(Array.from(active), piece));
      }
      pos = end;
    };
    for (const cut of cuts) {
      emit(cut);
      if (title && cut === title.start) {
        target = el('span', 'doc-heading');
        fragment.appendChild(target);
      }
      if (title && cut === title.end) target = fragment;
      const e = events.get(cut);
      for (const s of e.close) active.delete(s);
      for (const s of e.open) active.add(s);
    }
    emit(last);
    clear(ui.text);
    ui.text.appendChild(fragment);
  }

  function markFor(spans, piece) {
    // Strongest first: its colour fills the mark, the next underlines it.
    spans.sort((a, b) => b.score - a.score || (a.end - a.start) - (b.end - b.start));
    const mark = el('mark', spans.length > 1 ? 'multi' : '', piece);
    mark.style.backgroundColor = colorOf(spans[0].label);
    if (spans.length > 1) mark.style.boxShadow = `inset 0 -0.22em 0 ${colorOf(spans[1].label) === colorOf(spans[0].label) ? '#555' : colorOf(spans[1].label)}`;
    mark.dataset.spans = spans.map((s) => s.index).join(' ');
    mark.dataset.label = spans[0].label;
    mark.tabIndex = 0;
    mark.title = spans.map((s) => `${nameOf(s.label)} · confidence ${fmtScore(s.score)}`).join('\n');
    return mark;
  }

  function renderSummary(above) {
    const doc = state.doc;
    const words = doc.summary.words || 0;
    const counts = countByLabel(above);
    clear(ui.stats);
    const stat = (label, value, className) => {
      const wrap = el('div', className ? `stat ${className}` : 'stat');
      wrap.appendChild(el('dt', '', label));
      wrap.appendChild(el('dd', '', value));
      ui.stats.appendChild(wrap);
    };
    stat('Words', fmtNumber(words));
    clear(ui.chart);
    if (state.skipped.has('technique')) {
      stat('Techniques', 'not analysed', 'wide not-analysed');
      ui.chart.appendChild(el('p', 'empty not-analysed', NOT_LOOKED_FOR));
      ui.chart.setAttribute('aria-label', 'Techniques not analysed');
      return;
    }
    stat('Passages', fmtNumber(above.length));
    stat('Per 1,000 words', words ? fmtNumber((above.length * 1000) / words, 1) : '0');
    stat('Techniques', fmtNumber(counts.size));

    const rows = Array.from(counts.entries()).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    if (rows.length === 0) {
      ui.chart.appendChild(el('p', 'empty', 'No passages at this confidence.'));
      return;
    }
    const max = rows[0][1];
    for (const [label, count] of rows) {
      const row = el('div', 'bar-row');
      row.appendChild(el('span', 'bar-label', nameOf(label)));
      const track = el('span', 'bar-track');
      const bar = el('span', 'bar');
      bar.style.width = `${Math.max(2, (count / max) * 100)}%`;
      bar.style.backgroundColor = colorOf(label);
      track.appendChild(bar);
      row.appendChild(track);
      const density = words ? (count * 1000) / words : 0;
      row.appendChild(el('span', 'bar-value', `${count} · ${fmtNumber(density, 1)}`));
      row.title = `${nameOf(label)}: ${count} passages, ${fmtNumber(density, 2)} per 1,000 words`;
      ui.chart.appendChild(row);
    }
    ui.chart.setAttribute('aria-label', rows.map(([l, c]) => `${nameOf(l)}: ${c}`).join('; '));
  }

  function countByLabel(spans) {
    const counts = new Map();
    for (const s of spans) counts.set(s.label, (counts.get(s.label) || 0) + 1);
    return counts;
  }

  function renderLegend(above) {
    ui.legendToggles.hidden = state.skipped.has('technique');
    if (state.skipped.has('technique')) {
      clear(ui.legend);
      ui.legend.appendChild(el('li', 'empty not-analysed', NOT_LOOKED_FOR));
      clear(ui.absent);
      ui.absentBox.hidden = true;
      return;
    }
    const counts = countByLabel(above);
    // Taxonomy labels first (in taxonomy order), then any unknown label.
    const labels = state.order.concat(Array.from(counts.keys()).filter((l) => !state.techniques.has(l)));
    const found = labels.filter((l) => counts.has(l)).sort((a, b) => counts.get(b) - counts.get(a));
    const absent = labels.filter((l) => !counts.has(l));
    clear(ui.legend);
    if (found.length === 0) ui.legend.appendChild(el('li', 'empty', 'No technique at this confidence.'));
    for (const label of found) ui.legend.appendChild(legendItem(label, counts.get(label), true));
    clear(ui.absent);
    for (const label of absent) ui.absent.appendChild(legendItem(label, 0, false));
    ui.absentBox.hidden = absent.length === 0;
    ui.absentSummary.textContent = `Not found in this text (${absent.length})`;
  }

  function legendItem(label, count, toggle) {
    const li = el('li', 'legend-item');
    li.dataset.label = label;
    const head = el('div', 'legend-row');
    const swatch = el('span', 'swatch');
    swatch.style.backgroundColor = colorOf(label);
    if (toggle) {
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = !state.hidden.has(label);
      box.id = `toggle-${state.order.indexOf(label)}-${label.length}`;
      box.addEventListener('change', () => {
        if (box.checked) state.hidden.delete(label); else state.hidden.add(label);
        refresh();
      });
      const lab = el('label', 'legend-label');
      lab.htmlFor = box.id;
      lab.appendChild(swatch);
      lab.appendChild(el('span', 'legend-name', nameOf(label)));
      head.appendChild(box);
      head.appendChild(lab);
      head.appendChild(el('span', 'count', `× ${count}`));
    } else {
      head.appendChild(swatch);
      head.appendChild(el('span', 'legend-name', nameOf(label)));
    }
    li.appendChild(head);
    const t = state.techniques.get(label);
    if (t) {
      const more = el('details', 'definition');
      more.appendChild(el('summary', '', 'What is it?'));
      more.appendChild(el('p', '', t.definition));
      more.appendChild(el('p', 'example', `Example: “${t.example}”`));
      li.appendChild(more);
    }
    return li;
  }

  /** Lists spans of layers other than techniques and structure (quotes, sources, claims…). */
  function renderOtherLayers(doc) {
    clear(ui.otherLayers);
    const layers = doc.layers || {};
    const hasEvidence = Boolean(doc.sourcing && typeof doc.sourcing === 'object');
    for (const name of Object.keys(layers).sort()) {
      if (STRUCTURAL.has(name) || !Array.isArray(layers[name])) continue;
      if (hasEvidence && SOURCING_LAYERS.has(name)) continue;
      const spans = layers[name];
      const card = el('section', 'card layer');
      card.dataset.layer = name;
      card.appendChild(el('h3', '', `${LAYER_TITLES[name] || name.replace(/_/g, ' ')} (${spans.length})`));
      if (spans.length === 0) {
        card.appendChild(el('p', 'empty', 'None found.'));
      } else {
        const list = el('ol', 'layer-list');
        for (const s of spans.slice(0, 200)) {
          const item = el('li');
          item.appendChild(el('q', '', typeof s.text === 'string' ? s.text : ''));
          if (s.label && s.label !== name) item.appendChild(el('span', 'layer-label', ` ${s.label}`));
          list.appendChild(item);
        }
        card.appendChild(list);
        if (spans.length > 200) card.appendChild(el('p', 'empty', `…and ${spans.length - 200} more (see the JSON export).`));
      }
      ui.otherLayers.appendChild(card);
    }
  }

  // ---------------------------------------------------------------- popover

  function showPopover(mark) {
    const spans = (state.doc.layers.technique || []);
    const indexes = (mark.dataset.spans || '').split(' ').map(Number).filter(Number.isInteger);
    clear(ui.popoverBody);
    for (const i of indexes) {
      const s = spans[i];
      if (!s) continue;
      const t = state.techniques.get(s.label);
      const block = el('div', 'pop-item');
      const head = el('p', 'pop-head');
      const swatch = el('span', 'swatch');
      swatch.style.backgroundColor = colorOf(s.label);
      head.appendChild(swatch);
      head.appendChild(el('strong', '', nameOf(s.label)));
      head.appendChild(el('span', 'pop-score', ` confidence ${fmtScore(s.score)}`));
      block.appendChild(head);
      block.appendChild(el('blockquote', 'pop-quote', s.text));
      if (s.explanation) block.appendChild(el('p', 'pop-why', s.explanation));
      if (t) block.appendChild(el('p', 'pop-def', t.definition));
      ui.popoverBody.appendChild(block);
    }
    ui.popover.hidden = false;
    // Under the mark (or above it near the bottom of the window); the CSS
    // turns it into a bottom sheet on narrow screens.
    const r = mark.getBoundingClientRect();
    const pop = ui.popover.getBoundingClientRect();
    const margin = 8;
    let top = r.bottom + margin;
    if (top + pop.height > window.innerHeight && r.top - pop.height - margin > 0) top = r.top - pop.height - margin;
    const left = Math.min(Math.max(margin, r.left), Math.max(margin, window.innerWidth - pop.width - margin));
    ui.popover.style.top = `${top + window.scrollY}px`;
    ui.popover.style.left = `${left + window.scrollX}px`;
    // On a phone the popover is a bottom sheet: keep the passage above it.
    const sheet = ui.popover.getBoundingClientRect();
    if (getComputedStyle(ui.popover).position === 'fixed' && r.bottom > sheet.top - margin) {
      window.scrollBy(0, r.bottom - sheet.top + 2 * margin);
    }
    state.popoverFor = mark;
    ui.popoverClose.focus({ preventScroll: true });
  }

  function hidePopover() {
    if (ui.popover.hidden) return;
    ui.popover.hidden = true;
    const back = state.popoverFor;
    state.popoverFor = null;
    if (back && document.body.contains(back)) back.focus({ preventScroll: true });
  }

  // ---------------------------------------------------------------- exports

  async function exportAs(format) {
    if (!state.lastRequest) return;
    const request = { ...state.lastRequest, format, min_score: minScore() };
    const button = format === 'html' ? ui.exportHtml : ui.exportJson;
    button.disabled = true;
    try {
      const response = await callAnalyze(request);
      let blob;
      if (format === 'json') {
        const doc = await response.json();
        blob = new Blob([JSON.stringify(doc, null, 2) + '\n'], { type: 'application/json' });
      } else {
        blob = new Blob([await response.text()], { type: 'text/html' });
      }
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `${request.id || 'article'}.unspin.${format}`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (e) {
      say(`Export failed: ${e.message}`, 'error');
    } finally {
      button.disabled = false;
    }
  }

  // ---------------------------------------------------------------- wiring

  function wire() {
    ui.form.addEventListener('submit', analyze);
    ui.sample.addEventListener('click', loadSample);
    ui.forceEnglish.addEventListener('click', analyzeAsEnglish);
    ui.file.addEventListener('change', () => loadFile(ui.file.files && ui.file.files[0]));
    ui.article.addEventListener('input', () => { if (!ui.article.value) state.fileName = null; });
    ui.article.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) analyze(e);
    });

    for (const type of ['dragenter', 'dragover']) {
      ui.dropZone.addEventListener(type, (e) => {
        e.preventDefault();
        ui.dropZone.classList.add('dragging');
      });
    }
    for (const type of ['dragleave', 'drop']) {
      ui.dropZone.addEventListener(type, () => ui.dropZone.classList.remove('dragging'));
    }
    ui.dropZone.addEventListener('drop', (e) => {
      e.preventDefault();
      const file = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
      if (file) loadFile(file);
    });

    let pending = false;
    ui.minScore.addEventListener('input', () => {
      ui.minScoreValue.textContent = minScore().toFixed(2);
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => { pending = false; refresh(); });
    });
    ui.legendAll.addEventListener('click', () => { state.hidden.clear(); refresh(); });
    ui.legendNone.addEventListener('click', () => {
      for (const s of techniqueSpans()) state.hidden.add(s.label);
      refresh();
    });

    ui.text.addEventListener('click', (e) => {
      const mark = e.target instanceof Element ? e.target.closest('mark') : null;
      if (mark) { e.stopPropagation(); showPopover(mark); }
    });
    ui.text.addEventListener('keydown', (e) => {
      const mark = e.target instanceof Element ? e.target.closest('mark') : null;
      if (mark && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); showPopover(mark); }
    });
    ui.popoverClose.addEventListener('click', hidePopover);
    document.addEventListener('keydown', (e) => { if (e.key === 'Escape') hidePopover(); });
    document.addEventListener('click', (e) => {
      if (!ui.popover.hidden && e.target instanceof Node && !ui.popover.contains(e.target)) hidePopover();
    });
    window.addEventListener('resize', hidePopover);

    ui.exportHtml.addEventListener('click', () => exportAs('html'));
    ui.exportJson.addEventListener('click', () => exportAs('json'));
  }

  /** Shows the link to the corpus dashboard when this server has one (`serve --corpus`). */
  async function loadCorpusLink() {
    try {
      const response = await fetch('/corpus', { method: 'HEAD' });
      document.getElementById('corpus-link').hidden = !response.ok;
    } catch (_) {
      // No dashboard: the link stays hidden.
    }
  }

  wire();
  Promise.all([loadTechniques(), loadHealth(), loadCorpusLink()]).then(() => {
    document.documentElement.dataset.ready = 'true';
  });
})();
