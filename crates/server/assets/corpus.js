// unspin corpus dashboard (`unspin serve --corpus DB`, page /corpus).
// Vanilla JavaScript over the read-only JSON API under /api/corpus/; charts
// from charts.js; nothing loaded from elsewhere.
//
// Every view lives in the URL's query string (?view=outlets&sort=…), so a
// URL can be shared and reloading it restores the view; in-page links are
// followed with history.pushState.
//
// Safety rule, as in app.js: corpus content (article text, titles, outlet
// and author names, quotes) is data, never markup. It reaches the page only
// through text nodes (textContent / createTextNode); this file never uses
// innerHTML, outerHTML, insertAdjacentHTML or document.write.
//
// Offsets in the API's JSON are Unicode code points (sliced as
// Array.from(text)); search snippets mark UTF-8 byte ranges.
'use strict';

(function () {
  const C = window.UnspinCharts;
  const $ = (id) => document.getElementById(id);
  const ui = {
    view: $('view'), message: $('message'), info: $('corpus-info'),
    searchForm: $('search-form'), searchQ: $('search-q'), searchIn: $('search-in'),
  };
  const state = {
    techniques: new Map(), // label -> {label, name, definition, example, color}
    order: [], // labels in taxonomy order
    outletNames: null, // every outlet, for the filter menus
    token: 0, // the render in progress; older ones drop their results
    redraw: null, // redraws the current chart at the new width
    openPickers: new Set(), // the timeline's open filter lists
  };
  const PER_PAGE = 20;
  /** Okabe–Ito: a colour-blind-safe palette for outlets (techniques keep their own colours). */
  const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000', '#F0E442'];
  const COLOR_RE = /^#[0-9a-fA-F]{6}$/;
  const VIEWS = {};
  const NAV_OF = { outlet: 'outlets', compare: 'copies' };

  // ---------------------------------------------------------------- helpers

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function add(parent, ...children) {
    for (const c of children) if (c) parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    return parent;
  }

  const str = (v) => (typeof v === 'string' ? v : '');
  const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const arr = (v) => (Array.isArray(v) ? v : []);

  function fmtInt(n) {
    return num(n) === null ? '–' : Number(n).toLocaleString('en-GB');
  }

  /** "1 article", "3 articles". */
  function plural(n, one, many) {
    return `${fmtInt(n)} ${n === 1 ? one : many || one + 's'}`;
  }

  function fmtPct(e) {
    return e && num(e.value) !== null ? `${(e.value * 100).toFixed(1)} %` : '–';
  }

  function fmtCi(e, scale, unit) {
    if (!e || num(e.low) === null || num(e.high) === null) return '';
    const f = (v) => (scale === 100 ? (v * 100).toFixed(0) : C.fmt(v));
    return `${f(e.low)}–${f(e.high)}${unit || ''}`;
  }

  function colorOf(label) {
    const t = state.techniques.get(label);
    return t && COLOR_RE.test(t.color) ? t.color : '#bbbbbb';
  }

  function nameOf(label) {
    const t = state.techniques.get(label);
    return t ? t.name : str(label);
  }

  function swatch(color) {
    const s = el('span', 'swatch');
    s.style.backgroundColor = color;
    return s;
  }

  function say(text, kind) {
    ui.message.textContent = text || '';
    ui.message.className = 'message' + (kind ? ' ' + kind : '');
  }

  /** A dashboard URL: view plus parameters (arrays repeat the name; empty values are left out). */
  function href(view, params) {
    const q = new URLSearchParams();
    q.set('view', view);
    for (const [k, v] of Object.entries(params || {})) {
      for (const x of Array.isArray(v) ? v : [v]) if (x !== undefined && x !== null && x !== '') q.append(k, String(x));
    }
    return `/corpus?${q.toString()}`;
  }

  function link(text, url, className) {
    const a = el('a', className || '', text);
    a.href = url;
    return a;
  }

  /** GETs a JSON API path; throws an Error with the server's message. */
  async function api(path) {
    let response;
    try {
      response = await fetch(path, { headers: { Accept: 'application/json' } });
    } catch (e) {
      throw new Error(`The server did not answer (${e.message}).`);
    }
    let body = null;
    try { body = await response.json(); } catch (_) { body = null; }
    if (!response.ok) {
      throw new Error(`${response.status}${body && typeof body.message === 'string' ? ': ' + body.message : ''}`);
    }
    return body;
  }

  /** An API query string from an object (arrays repeat the name). */
  function qs(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      for (const x of Array.isArray(v) ? v : [v]) if (x !== undefined && x !== null && x !== '') q.append(k, String(x));
    }
    const s = q.toString();
    return s ? `?${s}` : '';
  }

  function section(title, className) {
    const s = el('section', 'card ' + (className || ''));
    if (title) s.appendChild(el('h3', '', title));
    return s;
  }

  function statList(items) {
    const dl = el('dl', 'stats dash-stats');
    for (const [label, value, title] of items) {
      const wrap = el('div', 'stat');
      wrap.appendChild(el('dt', '', label));
      wrap.appendChild(el('dd', '', value));
      if (title) wrap.title = title;
      dl.appendChild(wrap);
    }
    return dl;
  }

  /** Export links (CSV, Parquet, JSON Lines) of `table` with the view's filters. */
  function exportBar(tables, filters, note) {
    const box = el('div', 'export-bar');
    box.appendChild(el('span', 'export-label', 'Export'));
    for (const [table, label] of tables) {
      const group = el('span', 'export-group');
      group.appendChild(el('span', '', `${label}:`));
      for (const [format, name] of [['csv', 'CSV'], ['parquet', 'Parquet'], ['jsonl', 'JSON']]) {
        const a = link(name, `/api/corpus/export${qs({ table, format, ...filters })}`, 'button secondary export-link');
        a.setAttribute('download', `${table}.${format}`);
        a.dataset.table = table;
        a.dataset.format = format;
        group.appendChild(a);
      }
      box.appendChild(group);
    }
    if (note) box.appendChild(el('span', 'export-note', note));
    return box;
  }

  /** Previous / next links and "21–40 of 57". */
  function pager(view, params, data) {
    const total = num(data.total) || 0;
    const page = num(data.page) || 1;
    const per = num(data.per_page) || PER_PAGE;
    const nav = el('nav', 'pager');
    nav.setAttribute('aria-label', 'Pages');
    const first = total === 0 ? 0 : (page - 1) * per + 1;
    const last = Math.min(total, page * per);
    if (page > 1) nav.appendChild(link('← Previous', href(view, { ...params, page: page - 1 }), 'button secondary'));
    nav.appendChild(el('span', 'pager-count', `${fmtInt(first)}–${fmtInt(last)} of ${fmtInt(total)}`));
    if (last < total) nav.appendChild(link('Next →', href(view, { ...params, page: page + 1 }), 'button secondary'));
    return nav;
  }

  /** A <select> of techniques ('' = all). */
  function techniqueSelect(id, value, allLabel) {
    const s = el('select');
    s.id = id;
    const none = el('option', '', allLabel);
    none.value = '';
    s.appendChild(none);
    for (const label of state.order) {
      const o = el('option', '', nameOf(label));
      o.value = label;
      s.appendChild(o);
    }
    s.value = value || '';
    return s;
  }

  function outletSelect(id, value) {
    const s = el('select');
    s.id = id;
    const none = el('option', '', 'All outlets');
    none.value = '';
    s.appendChild(none);
    for (const name of state.outletNames || []) {
      const o = el('option', '', name);
      o.value = name;
      s.appendChild(o);
    }
    s.value = value || '';
    return s;
  }

  function field(label, control) {
    const l = el('label', 'field');
    l.appendChild(document.createTextNode(label + ' '));
    l.appendChild(control);
    return l;
  }

  function monthInput(id, value) {
    const i = el('input');
    i.type = 'month';
    i.id = id;
    i.value = /^\d{4}-\d{2}$/.test(value || '') ? value : '';
    return i;
  }

  async function outletNames() {
    if (!state.outletNames) {
      const data = await api('/api/corpus/outlets?per_page=500&sort=outlet&order=asc&min_articles=1');
      state.outletNames = arr(data.items).map((g) => str(g.group));
    }
    return state.outletNames;
  }

  /** The article's text with its technique spans as <mark>s; the target span (start, end) marked. */
  function articleText(doc, target) {
    const chars = Array.from(str(doc.text));
    const spans = arr(doc.layers && doc.layers.technique)
      .filter((s) => Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.start < s.end && s.end <= chars.length);
    const events = new Map();
    const at = (i) => { if (!events.has(i)) events.set(i, { open: [], close: [] }); return events.get(i); };
    for (const s of spans) { at(s.start).open.push(s); at(s.end).close.push(s); }
    const box = el('div', 'article-text corpus-text');
    const active = new Set();
    let pos = 0;
    let first = null;
    const emit = (end) => {
      if (end <= pos) return;
      const piece = chars.slice(pos, end).join('');
      if (active.size === 0) {
        box.appendChild(document.createTextNode(piece));
      } else {
        const list = Array.from(active).sort((a, b) => (b.score || 0) - (a.score || 0));
        const mark = el('mark', '', piece);
        mark.style.backgroundColor = colorOf(list[0].label);
        mark.dataset.label = list[0].label;
        mark.title = list.map((s) => nameOf(s.label)).join('\n');
        if (target && list.some((s) => s.start === target.start && s.end === target.end)) {
          mark.classList.add('target');
          if (!first) { first = mark; mark.id = 'target-span'; }
        }
        box.appendChild(mark);
      }
      pos = end;
    };
    for (const cut of Array.from(events.keys()).sort((a, b) => a - b)) {
      emit(cut);
      const e = events.get(cut);
      for (const s of e.close) active.delete(s);
      for (const s of e.open) active.add(s);
    }
    emit(chars.length);
    return { box, target: first, spans };
  }

  /** Snippet text with its matches (UTF-8 byte ranges) in <mark>. */
  function snippet(sn) {
    const p = el('p', 'snippet');
    const text = str(sn && sn.text);
    const bytes = new TextEncoder().encode(text);
    const dec = new TextDecoder();
    let pos = 0;
    for (const m of arr(sn && sn.marks)) {
      if (!Number.isInteger(m.start) || !Number.isInteger(m.end) || m.start < pos || m.end > bytes.length) continue;
      if (m.start > pos) p.appendChild(document.createTextNode(dec.decode(bytes.slice(pos, m.start))));
      p.appendChild(el('mark', 'hit', dec.decode(bytes.slice(m.start, m.end))));
      pos = m.end;
    }
    if (pos < bytes.length) p.appendChild(document.createTextNode(dec.decode(bytes.slice(pos))));
    return p;
  }

  function articleLink(hit, text) {
    const params = { id: hit.article_id };
    if (Number.isInteger(hit.start) && Number.isInteger(hit.end)) { params.start = hit.start; params.end = hit.end; }
    return link(text, href('article', params), 'article-link');
  }

  // ---------------------------------------------------------------- views

  VIEWS.overview = async function (p, out) {
    const o = await api('/api/corpus/overview');
    out.appendChild(el('h2', '', 'Overview'));
    const models = arr(o.models).map((m) => `${str(m.tier)} tier: ${str(m.model)} (${fmtInt(m.articles)} articles)`).join('; ');
    const range = o.first_published ? `${o.first_published} – ${o.last_published}` : 'no dates';
    const head = section('', 'overview-stats');
    head.appendChild(statList([
      ['Articles', fmtInt(o.articles)],
      ['Outlets', fmtInt(o.outlets)],
      ['Authors', fmtInt(o.authors)],
      ['Published', range],
      ['Technique passages', fmtInt(o.technique_spans)],
      ['Per 1,000 words', num(o.spans_per_1k_words) === null ? '–' : C.fmt(o.spans_per_1k_words, 1)],
      ['Quotes', fmtInt(o.quotes)],
      ['Cited sources', fmtInt(o.sources)],
    ]));
    head.appendChild(el('p', 'models', `Analysed by ${models || 'no model'}. ${fmtInt(o.articles_without_date)} articles without a date, ${fmtInt(o.articles_without_outlet)} without an outlet.`));
    out.appendChild(head);
    const mix = section('Technique mix of the whole corpus', 'technique-mix');
    mix.appendChild(el('p', 'note', 'Passages per 1,000 words with 95 % intervals. Click a technique to read its passages.'));
    const chart = el('div', 'chart-box');
    chart.id = 'mix-chart';
    mix.appendChild(chart);
    const rows = arr(o.techniques).slice().sort((a, b) => (num(b.spans_per_1k_words && b.spans_per_1k_words.value) || 0) - (num(a.spans_per_1k_words && a.spans_per_1k_words.value) || 0));
    const draw = () => C.bars(chart, {
      title: 'Technique mix', unit: 'per 1,000 words',
      rows: rows.map((t) => {
        const r = t.spans_per_1k_words || {};
        return { name: nameOf(t.technique), color: colorOf(t.technique), value: num(r.value), low: num(r.low), high: num(r.high), href: href('spans', { technique: t.technique }), title: `${nameOf(t.technique)}: ${fmtInt(t.spans)} passages in ${fmtInt(t.articles)} articles` };
      }),
      tableHead: ['Technique', { text: 'Passages', num: true }, { text: 'Articles', num: true }, { text: 'Per 1,000 words', num: true }, { text: '95 % interval', num: true }, { text: 'Share of articles', num: true }],
      tableRows: rows.map((t) => [nameOf(t.technique), fmtInt(t.spans), fmtInt(t.articles), C.fmt(num(t.spans_per_1k_words && t.spans_per_1k_words.value)), fmtCi(t.spans_per_1k_words), fmtPct(t.article_share)]),
    });
    state.redraw = draw;
    out.appendChild(mix);
    draw();
    out.appendChild(exportBar([['articles', 'Articles'], ['spans', 'Technique passages']], {}));
  };

  VIEWS.outlets = async function (p, out) {
    const sort = p.get('sort') || 'articles';
    const order = p.get('order') || (sort === 'outlet' ? 'asc' : 'desc');
    const page = Number(p.get('page')) || 1;
    const since = p.get('since') || '';
    const until = p.get('until') || '';
    const technique = p.get('technique') || '';
    const keep = { sort, order, since, until, technique };
    // The anonymous-source share is 1 − the named one: sort by that, the other way round.
    const apiSort = sort === 'anonymous_share' ? 'named_source_share' : sort;
    const apiOrder = sort === 'anonymous_share' ? (order === 'asc' ? 'desc' : 'asc') : order;
    const data = await api(`/api/corpus/outlets${qs({ sort: apiSort, order: apiOrder, page, per_page: PER_PAGE, since, until })}`);
    out.appendChild(el('h2', '', 'Outlets'));
    const controls = el('form', 'controls');
    controls.id = 'outlet-filters';
    const tSel = techniqueSelect('outlets-technique', technique, 'All techniques');
    const sIn = monthInput('outlets-since', since);
    const uIn = monthInput('outlets-until', until);
    add(controls, field('Rate of', tSel), field('From', sIn), field('to', uIn));
    const apply = () => go(href('outlets', { ...keep, technique: tSel.value, since: sIn.value, until: uIn.value, sort: sort === (technique || 'spans_per_1k_words') ? (tSel.value || 'spans_per_1k_words') : sort }));
    for (const c of [tSel, sIn, uIn]) c.addEventListener('change', apply);
    controls.addEventListener('submit', (e) => { e.preventDefault(); apply(); });
    out.appendChild(controls);

    const items = arr(data.items);
    const rateOf = (g) => (technique ? (arr(g.techniques).find((t) => t.technique === technique) || {}).spans_per_1k_words : g.spans_per_1k_words) || null;
    const anon = (g) => {
      const n = g.named_source_share;
      return n && num(n.value) !== null ? { value: 1 - n.value, low: 1 - n.high, high: 1 - n.low } : null;
    };
    // One scale for the page: the largest rate and a half (a wide interval of a
    // small outlet is cut at the edge rather than squashing every other bar).
    const maxRate = Math.max(0.001, ...items.map((g) => { const r = rateOf(g); return 1.5 * ((r && num(r.value)) || 0); }));
    const rateKey = technique || 'spans_per_1k_words';
    const columns = [
      ['outlet', 'Outlet', false], ['articles', 'Articles', true],
      [rateKey, technique ? `${nameOf(technique)} per 1,000 words` : 'Passages per 1,000 words', true],
      ['quotation_share', 'Quotation share', true], ['anonymous_share', 'Anonymous sources', true], ['copy_share', 'Copy share', true],
    ];
    const card = section('', 'outlets-card');
    const wrap = el('div', 'table-wrap');
    const table = el('table', 'data-table outlets-table');
    const thead = el('thead');
    const hr = el('tr');
    for (const [key, label, isNum] of columns) {
      const th = el('th', isNum ? 'num' : '');
      th.scope = 'col';
      const active = key === sort;
      const next = active ? (order === 'asc' ? 'desc' : 'asc') : (key === 'outlet' ? 'asc' : 'desc');
      const a = link(label + (active ? (order === 'asc' ? ' ▲' : ' ▼') : ''), href('outlets', { ...keep, sort: key, order: next }), 'sort-link');
      a.dataset.sort = key;
      if (active) th.setAttribute('aria-sort', order === 'asc' ? 'ascending' : 'descending');
      th.appendChild(a);
      hr.appendChild(th);
    }
    thead.appendChild(hr);
    table.appendChild(thead);
    const tbody = el('tbody');
    for (const g of items) {
      const tr = el('tr');
      tr.dataset.outlet = str(g.group);
      const name = el('td', 'outlet-name');
      name.appendChild(link(str(g.group), href('outlet', { outlet: g.group })));
      tr.appendChild(name);
      tr.appendChild(el('td', 'num', fmtInt(g.articles)));
      const rate = rateOf(g);
      const rc = el('td', 'num rate-cell');
      rc.appendChild(C.miniBar(num(rate && rate.value), num(rate && rate.low), num(rate && rate.high), maxRate, technique ? colorOf(technique) : null));
      rc.appendChild(el('span', 'rate-value', rate ? C.fmt(num(rate.value)) : '–'));
      rc.appendChild(el('span', 'ci', fmtCi(rate)));
      tr.appendChild(rc);
      for (const e of [g.quotation_share, anon(g), g.copy_share]) {
        const td = el('td', 'num', fmtPct(e));
        if (e) td.appendChild(el('span', 'ci', fmtCi(e, 100, ' %')));
        tr.appendChild(td);
      }
      // Labels for the phone layout, where each row is a small card.
      Array.from(tr.children).forEach((td, i) => { td.dataset.label = columns[i][1]; });
      tbody.appendChild(tr);
    }
    table.appendChild(tbody);
    wrap.appendChild(table);
    card.appendChild(wrap);
    card.appendChild(el('p', 'note', 'Bars: the rate with its 95 % interval (whiskers), on one scale for this page. Shares: of the words in quotes, of the cited sources, of the articles that copy another.'));
    card.appendChild(pager('outlets', keep, data));
    out.appendChild(card);
    out.appendChild(exportBar([['articles', 'Articles'], ['spans', 'Technique passages']], { since, until, technique }));
  };

  VIEWS.outlet = async function (p, out) {
    const name = p.get('outlet') || '';
    const d = await api(`/api/corpus/outlets/${encodeURIComponent(name)}`);
    const s = d.stats || {};
    out.appendChild(el('p', 'crumbs')).appendChild(link('← All outlets', href('outlets')));
    out.appendChild(el('h2', 'outlet-title', str(d.outlet)));
    const links = el('p', 'view-links');
    add(links, link('Over time', href('timeline', { outlet: d.outlet })), ' · ', link('Its technique passages', href('spans', { outlet: d.outlet })));
    out.appendChild(links);
    const head = section('', '');
    const anonShare = s.named_source_share && num(s.named_source_share.value) !== null ? `${((1 - s.named_source_share.value) * 100).toFixed(1)} %` : '–';
    head.appendChild(statList([
      ['Articles', fmtInt(s.articles)], ['Words', fmtInt(s.words)], ['Passages', fmtInt(s.spans)],
      ['Per 1,000 words', C.fmt(num(s.spans_per_1k_words && s.spans_per_1k_words.value)), fmtCi(s.spans_per_1k_words)],
      ['Quotation share', fmtPct(s.quotation_share)], ['Anonymous sources', anonShare, `${fmtInt(s.anonymous_sources)} anonymous, ${fmtInt(s.named_sources)} named`],
      ['Copies', fmtInt(s.copies)], ['Copy share', fmtPct(s.copy_share)],
    ]));
    const from = arr(s.copied_from);
    if (from.length) head.appendChild(el('p', 'note', `Copies from: ${from.map((f) => `${str(f.outlet)} (${fmtInt(f.articles !== undefined ? f.articles : f.copies)})`).join(', ')}`));
    out.appendChild(head);

    const prof = section('Technique profile against the corpus average', 'profile');
    const chart = el('div', 'chart-box');
    chart.id = 'profile-chart';
    prof.appendChild(chart);
    const rows = arr(d.profile).slice().sort((a, b) => (num(b.outlet && b.outlet.spans_per_1k_words && b.outlet.spans_per_1k_words.value) || 0) - (num(a.outlet && a.outlet.spans_per_1k_words && a.outlet.spans_per_1k_words.value) || 0));
    const rate = (side) => (side && side.spans_per_1k_words) || {};
    const draw = () => C.bars(chart, {
      title: `Technique profile of ${str(d.outlet)}`, unit: 'per 1,000 words', refName: 'corpus average',
      rows: rows.map((r) => ({ name: nameOf(r.technique), color: colorOf(r.technique), value: num(rate(r.outlet).value), low: num(rate(r.outlet).low), high: num(rate(r.outlet).high), ref: num(rate(r.corpus).value), href: href('spans', { technique: r.technique, outlet: d.outlet }) })),
      tableHead: ['Technique', { text: 'Outlet per 1,000 words', num: true }, { text: '95 % interval', num: true }, { text: 'Corpus per 1,000 words', num: true }, { text: 'Outlet passages', num: true }],
      tableRows: rows.map((r) => [nameOf(r.technique), C.fmt(num(rate(r.outlet).value)), fmtCi(rate(r.outlet)), C.fmt(num(rate(r.corpus).value)), fmtInt(r.outlet && r.outlet.spans)]),
    });
    state.redraw = draw;
    out.appendChild(prof);
    draw();

    const people = el('div', 'two-col');
    for (const [title, list, what] of [['Most quoted speakers', d.speakers, 'quote'], ['Most cited sources', d.sources, 'mention']]) {
      const card = section(title, 'names');
      const ol = el('ol', 'name-list');
      for (const n of arr(list)) {
        const li = el('li');
        li.appendChild(el('span', 'name', str(n.name)));
        li.appendChild(el('span', 'count', ` ${plural(n.count, what)} in ${plural(n.articles, 'article')}`));
        ol.appendChild(li);
      }
      if (!arr(list).length) ol.appendChild(el('li', 'empty', 'None found.'));
      card.appendChild(ol);
      people.appendChild(card);
    }
    out.appendChild(people);
    const copies = section(`Copies (${plural(arr(d.copies).length, 'cluster')})`, 'outlet-copies');
    copies.appendChild(window.UnspinDash.clusterList(arr(d.copies)));
    out.appendChild(copies);
    out.appendChild(exportBar([['articles', 'Articles'], ['spans', 'Technique passages'], ['quotes', 'Quotes']], { outlet: d.outlet }));
  };

  VIEWS.timeline = async function (p, out) {
    const techniques = p.getAll('technique');
    const outlets = p.getAll('outlet');
    const normalise = p.get('normalise') !== 'false';
    const since = p.get('since') || '';
    const until = p.get('until') || '';
    const keep = { technique: techniques, outlet: outlets, normalise: normalise ? '' : 'false', since, until };
    const [data, names] = await Promise.all([
      api(`/api/corpus/timeline${qs({ technique: techniques, outlet: outlets, normalise: normalise ? 'true' : 'false', since, until })}`),
      outletNames(),
    ]);
    out.appendChild(el('h2', '', 'Over time'));
    const controls = el('form', 'controls timeline-controls');
    const pick = (title, id, values, chosen, label, color) => {
      const box = el('details', 'picker');
      box.id = id;
      // Stays open across the re-render that each tick causes.
      box.open = state.openPickers.has(id);
      box.addEventListener('toggle', () => { if (box.open) state.openPickers.add(id); else state.openPickers.delete(id); });
      box.appendChild(el('summary', '', `${title}${chosen.length ? ` (${chosen.length})` : ': all'}`));
      const list = el('div', 'picker-list');
      values.forEach((v, i) => {
        const l = el('label', 'check');
        const c = el('input');
        c.type = 'checkbox';
        c.value = v;
        c.checked = chosen.includes(v);
        c.id = `${id}-${i}`;
        l.appendChild(c);
        if (color) l.appendChild(swatch(color(v)));
        l.appendChild(document.createTextNode(label(v)));
        list.appendChild(l);
      });
      box.appendChild(list);
      return box;
    };
    const tPick = pick('Techniques', 'pick-technique', state.order, techniques, nameOf, colorOf);
    const oPick = pick('Outlets', 'pick-outlet', names.slice(0, 200), outlets, (v) => v, null);
    const mode = el('fieldset', 'mode');
    mode.appendChild(el('legend', 'visually-hidden', 'Values'));
    for (const [value, label] of [['true', 'per 1,000 words'], ['false', 'raw counts']]) {
      const l = el('label', 'check');
      const r = el('input');
      r.type = 'radio';
      r.name = 'normalise';
      r.value = value;
      r.checked = (value === 'true') === normalise;
      l.appendChild(r);
      l.appendChild(document.createTextNode(label));
      mode.appendChild(l);
    }
    const sIn = monthInput('timeline-since', since);
    const uIn = monthInput('timeline-until', until);
    add(controls, tPick, oPick, mode, field('From', sIn), field('to', uIn));
    const apply = () => {
      const checked = (box) => Array.from(box.querySelectorAll('input:checked')).map((c) => c.value);
      const tech = checked(tPick);
      let outs = checked(oPick);
      if (outs.length > 20) { say('At most 20 outlets at once: the first 20 are drawn.', 'error'); outs = outs.slice(0, 20); }
      const n = controls.querySelector('input[name=normalise]:checked');
      go(href('timeline', { technique: tech, outlet: outs, normalise: n && n.value === 'false' ? 'false' : '', since: sIn.value, until: uIn.value }));
    };
    controls.addEventListener('change', apply);
    controls.addEventListener('submit', (e) => { e.preventDefault(); apply(); });
    out.appendChild(controls);

    const series = arr(data.series);
    const xs = Array.from(new Set(series.flatMap((s) => arr(s.points).map((pt) => str(pt.month))))).filter((m) => /^\d{4}-\d{2}$/.test(m)).sort();
    const undated = series.length ? arr(series[0].points).filter((pt) => !/^\d{4}-\d{2}$/.test(str(pt.month))).reduce((n, pt) => n + (num(pt.articles) || 0), 0) : 0;
    const byTechnique = outlets.length <= 1 && techniques.length > 0;
    const lines = series.map((s, i) => {
      const parts = [];
      if (outlets.length > 1 || (outlets.length === 1 && techniques.length === 0)) parts.push(str(s.outlet));
      if (s.technique) parts.push(nameOf(s.technique));
      return {
        name: parts.join(' · ') || (s.outlet ? str(s.outlet) : 'All techniques, all outlets'),
        color: byTechnique && s.technique ? colorOf(s.technique) : PALETTE[i % PALETTE.length],
        pale: Boolean(byTechnique && s.technique),
        points: arr(s.points).filter((pt) => /^\d{4}-\d{2}$/.test(str(pt.month))).map((pt) => ({ x: pt.month, value: num(pt.value), low: num(pt.low), high: num(pt.high), spans: pt.spans, articles: pt.articles })),
      };
    });
    const card = section(`${normalise ? 'Passages per 1,000 words' : 'Passages (raw counts)'} by month`, 'timeline-card');
    const chart = el('div', 'chart-box');
    chart.id = 'timeline-chart';
    card.appendChild(chart);
    const draw = () => C.line(chart, {
      xs, series: lines, unit: str(data.unit), bands: normalise, title: 'Technique rates by month',
      detail: (pt) => ` · ${fmtInt(pt.spans)} passages, ${fmtInt(pt.articles)} articles`,
    });
    state.redraw = draw;
    out.appendChild(card);
    draw();
    card.appendChild(el('p', 'note', `${normalise ? 'Shaded bands: 95 % intervals. ' : ''}Hover or tap the chart (or focus it and use the arrow keys) to read the values.${undated ? ` ${fmtInt(undated)} undated articles are not drawn.` : ''}`));
    out.appendChild(exportBar([['articles', 'Articles'], ['spans', 'Technique passages']], { outlet: outlets, since, until, technique: techniques }));
  };

  VIEWS.spans = async function (p, out) {
    const technique = p.get('technique') || '';
    const outlet = p.get('outlet') || '';
    const since = p.get('since') || '';
    const until = p.get('until') || '';
    const q = p.get('q') || '';
    const page = Number(p.get('page')) || 1;
    const keep = { technique, outlet, since, until, q };
    const [data] = await Promise.all([
      api(`/api/corpus/spans${qs({ technique, outlet, since, until, q, page, per_page: PER_PAGE })}`),
      outletNames(),
    ]);
    out.appendChild(el('h2', '', 'Techniques explorer'));
    const controls = el('form', 'controls');
    controls.id = 'span-filters';
    const tSel = techniqueSelect('spans-technique', technique, 'All techniques');
    const oSel = outletSelect('spans-outlet', outlet);
    const sIn = monthInput('spans-since', since);
    const uIn = monthInput('spans-until', until);
    const qIn = el('input');
    qIn.type = 'search';
    qIn.id = 'spans-q';
    qIn.value = q;
    qIn.placeholder = 'words in the passage';
    add(controls, field('Technique', tSel), field('Outlet', oSel), field('From', sIn), field('to', uIn), field('Text', qIn));
    const apply = () => go(href('spans', { technique: tSel.value, outlet: oSel.value, since: sIn.value, until: uIn.value, q: qIn.value.trim() }));
    for (const c of [tSel, oSel, sIn, uIn]) c.addEventListener('change', apply);
    controls.addEventListener('submit', (e) => { e.preventDefault(); apply(); });
    out.appendChild(controls);
    const t = state.techniques.get(technique);
    if (t) {
      const def = el('p', 'definition-line');
      add(def, swatch(colorOf(technique)), el('strong', '', t.name), ` — ${t.definition}`);
      out.appendChild(def);
    }
    const card = section('', 'span-list-card');
    card.appendChild(el('p', 'count-line', `${fmtInt(data.total)} passages`));
    const list = el('ol', 'span-list');
    list.start = (page - 1) * PER_PAGE + 1;
    for (const hit of arr(data.items)) {
      const li = el('li', 'span-hit');
      const head = el('p', 'span-head');
      add(head, swatch(colorOf(hit.technique)), el('span', 'technique-name', nameOf(hit.technique)));
      li.appendChild(head);
      li.appendChild(q ? snippet(hit.snippet) : el('blockquote', 'span-text', str(hit.text)));
      const meta = el('p', 'span-meta');
      add(meta, articleLink(hit, str(hit.title) || `Article ${hit.article_id}`), ` · ${str(hit.outlet) || '(no outlet)'} · ${str(hit.published) || 'undated'}`);
      li.appendChild(meta);
      list.appendChild(li);
    }
    if (!arr(data.items).length) list.appendChild(el('li', 'empty', 'No passage matches these filters.'));
    card.appendChild(list);
    card.appendChild(pager('spans', keep, data));
    out.appendChild(card);
    out.appendChild(exportBar([['spans', 'These passages']], { technique, outlet, since, until }, q ? 'The export applies every filter but the text query.' : ''));
  };

  /**
   * The stored article's warnings (JSON 1.2) as the single-article page's
   * banner: "Not analysed" when a warning skipped layers, "Read with care"
   * otherwise, each message as text; null when there are none.
   */
  function warningBanner(doc) {
    const warnings = arr(doc.warnings).filter((w) => w && typeof w === 'object');
    if (!warnings.length) return null;
    const skipping = warnings.some((w) => arr(w.skipped_layers).length > 0);
    const box = el('section', `card warning-banner${skipping ? ' skipped' : ''}`);
    box.id = 'article-warnings';
    box.setAttribute('role', skipping ? 'alert' : 'status');
    const title = el('h2', 'warning-title', skipping ? 'Not analysed' : 'Read with care');
    title.id = 'article-warnings-heading';
    box.setAttribute('aria-labelledby', title.id);
    box.appendChild(title);
    const list = el('ul', 'warning-list');
    for (const w of warnings) {
      const item = el('li', 'warning');
      const text = str(w.message) || str(w.code) || 'warning';
      // Command-line options in the message (`--force-language en`) as code, as text.
      text.split(/(--[a-z][a-z-]*(?: en\b)?)/).forEach((part, i) => {
        if (part) item.appendChild(i % 2 ? el('code', 'option', part) : document.createTextNode(part));
      });
      if (str(w.code)) item.dataset.code = w.code;
      list.appendChild(item);
    }
    box.appendChild(list);
    if (skipping) {
      const hint = el('p', 'warning-hint');
      const id = Number.isInteger(doc.corpus_id) ? doc.corpus_id : 'N';
      add(hint, 'To analyse it as English anyway: ', el('code', 'command', `unspin corpus reanalyze DB --force-language en --where "id = ${id}"`), '.');
      box.appendChild(hint);
    }
    return box;
  }

  VIEWS.article = async function (p, out) {
    const id = p.get('id') || '';
    const doc = await api(`/api/corpus/articles/${encodeURIComponent(id)}`);
    const m = doc.metadata || {};
    const start = Number(p.get('start'));
    const end = Number(p.get('end'));
    const target = p.has('start') && Number.isInteger(start) && Number.isInteger(end) ? { start, end } : null;
    const card = el('article', 'card report corpus-article');
    card.appendChild(el('h2', 'article-title', str(m.title) || str(doc.id)));
    const meta = el('p', 'doc-meta');
    const authors = arr(m.authors).map(str).filter(Boolean);
    if (authors.length) add(meta, el('span', 'authors', `By ${authors.join(', ')}`), ' · ');
    if (m.site_name) add(meta, link(str(m.site_name), href('outlet', { outlet: m.site_name }), 'outlet-link'), ' · ');
    add(meta, `${str(m.published) || 'undated'} · ${fmtInt(doc.summary && doc.summary.words)} words · article ${fmtInt(doc.corpus_id)}`);
    card.appendChild(meta);
    const banner = warningBanner(doc);
    if (banner) out.appendChild(banner);
    const skipped = arr(doc.warnings).some((w) => w && arr(w.skipped_layers).includes('technique'));
    card.dataset.techniques = skipped ? 'not-analysed' : 'analysed';
    const { box, target: mark, spans } = articleText(doc, target);
    const counts = new Map();
    for (const s of spans) counts.set(s.label, (counts.get(s.label) || 0) + 1);
    const legend = el('ul', 'mini-legend');
    if (skipped) legend.appendChild(el('li', 'empty not-analysed', 'Techniques not looked for: this article was not analysed (see the note above).'));
    for (const [label, n] of Array.from(counts.entries()).sort((a, b) => b[1] - a[1])) {
      const li = el('li');
      add(li, swatch(colorOf(label)), link(`${nameOf(label)} × ${n}`, href('spans', { technique: label })));
      legend.appendChild(li);
    }
    card.appendChild(legend);
    if (target && !mark) card.appendChild(el('p', 'message error', 'The passage asked for is not among this article\'s technique spans.'));
    card.appendChild(box);
    out.appendChild(card);
    const dl = link('Download this article (JSON)', `/api/corpus/articles/${encodeURIComponent(id)}`, 'button secondary');
    dl.setAttribute('download', `article-${id}.json`);
    const bar = el('div', 'export-bar');
    bar.appendChild(dl);
    out.appendChild(bar);
    if (mark) requestAnimationFrame(() => mark.scrollIntoView({ block: 'center' }));
  };

  // ---------------------------------------------------------------- routing

  function go(url, replace) {
    if (replace) history.replaceState(null, '', url); else history.pushState(null, '', url);
    render();
  }

  async function render() {
    const token = ++state.token;
    const p = new URLSearchParams(location.search);
    const view = Object.prototype.hasOwnProperty.call(VIEWS, p.get('view')) ? p.get('view') : 'overview';
    const root = document.documentElement;
    root.dataset.view = view;
    root.dataset.state = 'loading';
    state.redraw = null;
    for (const a of document.querySelectorAll('.dash-nav a[data-view]')) {
      if (a.dataset.view === (NAV_OF[view] || view)) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    }
    say('Loading…', 'busy');
    const out = el('div', 'view-body');
    try {
      await VIEWS[view](p, out);
      if (token !== state.token) return;
      ui.view.replaceChildren(out);
      // Charts measured a detached box: draw again now that it has a width.
      if (state.redraw) state.redraw();
      say('');
      document.title = `unspin · ${out.querySelector('h2') ? out.querySelector('h2').textContent : view}`;
      root.dataset.state = 'ready';
      const target = document.getElementById('target-span');
      if (target) target.scrollIntoView({ block: 'center' });
    } catch (e) {
      if (token !== state.token) return;
      ui.view.replaceChildren(out);
      say(e.message, 'error');
      root.dataset.state = 'error';
    }
  }

  function wire() {
    document.addEventListener('click', (e) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = e.target instanceof Element ? e.target.closest('a') : null;
      if (!a || a.hasAttribute('download')) return;
      const url = a.getAttribute('href') || '';
      if (!url.startsWith('/corpus')) return;
      e.preventDefault();
      go(url);
      window.scrollTo(0, 0);
    });
    window.addEventListener('popstate', render);
    ui.searchForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const q = ui.searchQ.value.trim();
      if (q) go(href('search', { q, in: ui.searchIn.value }));
    });
    let pending = 0;
    let lastWidth = window.innerWidth;
    window.addEventListener('resize', () => {
      if (window.innerWidth === lastWidth) return;
      lastWidth = window.innerWidth;
      clearTimeout(pending);
      pending = setTimeout(() => { if (state.redraw) state.redraw(); }, 120);
    });
  }

  async function start() {
    wire();
    try {
      const t = await api('/api/techniques');
      for (const x of arr(t.techniques)) { state.techniques.set(x.label, x); state.order.push(x.label); }
    } catch (e) {
      say(`Could not load the technique list (${e.message}).`, 'error');
    }
    await render();
    api('/api/corpus/overview').then((o) => {
      ui.info.textContent = `${str(o.path)} · ${fmtInt(o.articles)} articles · ${fmtInt(o.outlets)} outlets`;
    }).catch(() => {});
  }

  // What corpus-copies.js (the copies, comparison and search views) uses.
  window.UnspinDash = {
    VIEWS, ui, PER_PAGE, el, add, str, num, arr, fmtInt, plural, href, link, api, qs, section,
    field, pager, swatch, colorOf, nameOf, go, snippet, articleLink,
  };
  // After every deferred script (corpus-copies.js adds its views) has run.
  document.addEventListener('DOMContentLoaded', start);
})();
