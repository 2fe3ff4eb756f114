// unspin web page, part two: the evidence panel (who is quoted, which sources
// are cited, the most check-worthy claims), drawn from the API's `sourcing`
// object. app.js holds the page and its helpers and calls
// window.UnspinEvidence.render; this file follows its safety rule: the
// article and everything derived from it reach the page as text only, never
// as markup.
'use strict';

(function () {
  const { el, clear, fmtScore, fmtNumber, SOURCING_LAYERS } = window.UnspinPage;
  const $ = (id) => document.getElementById(id);

  /** The panel's elements, looked up once. */
  const ui = {
    evidence: $('evidence'),
    evidenceSkipped: $('evidence-skipped'),
    evidenceBody: $('evidence-body'),
    evidenceStats: $('evidence-stats'),
    evidenceKinds: $('evidence-kinds'),
    evidenceSources: $('evidence-sources'),
    evidenceSourcesHeading: $('evidence-sources-heading'),
    evidenceQuotes: $('evidence-quotes'),
    evidenceQuotesHeading: $('evidence-quotes-heading'),
    evidenceClaims: $('evidence-claims'),
    evidenceClaimsHeading: $('evidence-claims-heading'),
  };

  /** How many check-worthy claims and quotes the panel lists. */
  const TOP_CLAIMS = 10;
  const MAX_QUOTES = 200;
  const QUOTE_CHARS = 400;

  const arr = (v) => (Array.isArray(v) ? v : []);
  const str = (v) => (typeof v === 'string' ? v : '');
  const int = (v) => (Number.isFinite(v) ? v : 0);

  /** `news_outlet` -> `news outlet`. */
  function kindName(kind) {
    return str(kind).replace(/_/g, ' ');
  }

  /** "3 people", "1 news outlet", "2 anonymous". */
  function sourcesOfKind(kind, n) {
    const name = kindName(kind);
    if (n === 1) return `1 ${name}`;
    const plural = { person: 'people', government: 'government bodies', anonymous: name, unknown: name }[kind];
    return `${n} ${plural || name + 's'}`;
  }

  /** An object of counts as "3 direct, 1 block", largest first. */
  function countList(counts, item) {
    return Object.entries(counts && typeof counts === 'object' ? counts : {})
      .filter(([, n]) => Number.isFinite(n))
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([k, n]) => item(k, n))
      .join(', ');
  }

  function shorten(text, max) {
    const chars = Array.from(str(text).trim());
    return chars.length > max ? chars.slice(0, max).join('').trimEnd() + '…' : chars.join('');
  }

  /**
   * Renders `doc.sourcing` (JSON schema 1.1): summary, sources, quotes,
   * claims; or, when a warning says the sourcing layers were skipped (1.2:
   * `skippedLayers`, a Set of layer names), that they were not looked for.
   */
  function renderEvidence(doc, skippedLayers) {
    const ev = doc.sourcing;
    const skipped = !(ev && typeof ev === 'object') && Array.from(SOURCING_LAYERS).some((l) => skippedLayers.has(l));
    ui.evidence.hidden = !(ev && typeof ev === 'object') && !skipped;
    ui.evidenceSkipped.hidden = !skipped;
    ui.evidenceBody.hidden = skipped;
    if (ui.evidence.hidden || skipped) return;
    const s = ev.summary && typeof ev.summary === 'object' ? ev.summary : {};

    clear(ui.evidenceStats);
    const stat = (label, value, title) => {
      const wrap = el('div', 'stat');
      wrap.appendChild(el('dt', '', label));
      wrap.appendChild(el('dd', '', value));
      if (title) wrap.title = title;
      ui.evidenceStats.appendChild(wrap);
    };
    stat('Named sources', fmtNumber(int(s.named_sources)));
    stat('Anonymous sources', fmtNumber(int(s.anonymous_sources)));
    const share = Number.isFinite(s.quotation_share) ? s.quotation_share : 0;
    stat('Quotation', `${fmtNumber(share * 100, 1)}%`, 'Share of the article text inside quotes or reported speech');
    stat('Check-worthy claims', fmtNumber(int(s.check_worthy_claims)), `of ${fmtNumber(int(s.claims))} sentences scored`);
    const kinds = countList(s.sources_by_kind, sourcesOfKind);
    const quoteKinds = countList(s.quotes_by_kind, (k, n) => `${n} ${kindName(k)}`);
    ui.evidenceKinds.textContent = [
      kinds ? `Sources: ${kinds}.` : 'No source is named or linked.',
      `${fmtNumber(int(s.quotes))} quotes${quoteKinds ? ` (${quoteKinds})` : ''}.`,
      `Check-worthy claims: ${fmtNumber(int(s.hedged_claims))} hedged, ${fmtNumber(int(s.boosted_claims))} boosted, ${fmtNumber(int(s.unhedged_claims))} unhedged.`,
    ].join(' ');

    const sources = arr(ev.sources);
    ui.evidenceSourcesHeading.textContent = `Sources (${sources.length})`;
    clear(ui.evidenceSources);
    if (sources.length === 0) {
      const row = el('tr');
      const cell = el('td', 'empty', 'None named or linked.');
      cell.colSpan = 5;
      row.appendChild(cell);
      ui.evidenceSources.appendChild(row);
    }
    for (const src of sources) {
      const row = el('tr');
      row.appendChild(el('td', 'source-name', str(src.name)));
      row.appendChild(el('td', '', kindName(src.kind)));
      row.appendChild(el('td', '', arr(src.roles).map(str).join(', ')));
      row.appendChild(el('td', 'num', fmtNumber(int(src.mentions))));
      const links = el('td', 'links');
      for (const url of arr(src.urls).map(str).filter(Boolean)) {
        if (links.firstChild) links.appendChild(document.createElement('br'));
        // Only http(s) URLs become links; anything else stays text.
        if (/^https?:\/\//i.test(url)) {
          const a = el('a', '', url);
          a.href = url;
          a.rel = 'noopener noreferrer nofollow';
          a.target = '_blank';
          links.appendChild(a);
        } else {
          links.appendChild(document.createTextNode(url));
        }
      }
      row.appendChild(links);
      ui.evidenceSources.appendChild(row);
    }

    const quotes = arr(ev.quotes);
    ui.evidenceQuotesHeading.textContent = `Quotes (${quotes.length})`;
    clear(ui.evidenceQuotes);
    if (quotes.length === 0) ui.evidenceQuotes.appendChild(el('li', 'empty', 'No quotes or reported speech found.'));
    for (const q of quotes.slice(0, MAX_QUOTES)) {
      const item = el('li', 'evidence-quote');
      item.appendChild(el('strong', 'speaker', str(q.speaker) || 'Unknown speaker'));
      const cue = str(q.cue).trim();
      if (/[\p{L}\p{N}]/u.test(cue)) item.appendChild(el('span', 'cue', ` — ${cue} — `));
      else item.appendChild(document.createTextNode(' '));
      item.appendChild(el('q', '', shorten(q.text, QUOTE_CHARS)));
      const tag = [kindName(q.kind)];
      if (str(q.medium)) tag.push(`in ${q.medium}`);
      item.appendChild(el('span', 'tag', ` ${tag.join(' · ')}`));
      ui.evidenceQuotes.appendChild(item);
    }
    if (quotes.length > MAX_QUOTES) {
      ui.evidenceQuotes.appendChild(el('li', 'empty', `…and ${quotes.length - MAX_QUOTES} more (see the JSON export).`));
    }

    const claims = arr(ev.claims)
      .map((c, i) => ({ c, i }))
      .sort((a, b) => int(b.c.score) - int(a.c.score) || a.i - b.i)
      .slice(0, TOP_CLAIMS)
      .map(({ c }) => c);
    ui.evidenceClaimsHeading.textContent = claims.length < arr(ev.claims).length
      ? `Most check-worthy claims (${claims.length} of ${arr(ev.claims).length})`
      : 'Most check-worthy claims';
    clear(ui.evidenceClaims);
    if (claims.length === 0) ui.evidenceClaims.appendChild(el('li', 'empty', 'No sentence makes a check-worthy factual claim.'));
    for (const c of claims) {
      const item = el('li', 'evidence-claim');
      item.appendChild(claimText(c));
      const tag = [`check-worthiness ${fmtScore(c.score)}`, str(c.certainty) || 'plain'];
      const numbers = arr(c.quantities).map((q) => str(q && q.text)).filter(Boolean);
      if (numbers.length) tag.push(`numbers: ${numbers.join(', ')}`);
      item.appendChild(el('p', 'tag', tag.join(' · ')));
      ui.evidenceClaims.appendChild(item);
    }
  }

  /** A claim's sentence with its hedges and boosters marked (code point offsets). */
  function claimText(c) {
    const p = el('p', 'claim-text');
    const chars = Array.from(str(c.text));
    const start = int(c.start);
    let pos = 0;
    const markers = arr(c.markers)
      .filter((m) => m && Number.isInteger(m.start) && Number.isInteger(m.end))
      .map((m) => ({ ...m, a: m.start - start, b: m.end - start }))
      .filter((m) => m.a >= 0 && m.a < m.b && m.b <= chars.length)
      .sort((x, y) => x.a - y.a);
    for (const m of markers) {
      if (m.a < pos) continue;
      if (m.a > pos) p.appendChild(document.createTextNode(chars.slice(pos, m.a).join('')));
      const kind = m.kind === 'booster' ? 'booster' : 'hedge';
      const span = el('span', `marker ${kind}`, chars.slice(m.a, m.b).join(''));
      span.title = `${kind}: ${str(m.marker)}`;
      p.appendChild(span);
      pos = m.b;
    }
    if (pos < chars.length) p.appendChild(document.createTextNode(chars.slice(pos).join('')));
    return p;
  }

  window.UnspinEvidence = { render: renderEvidence };
})();
