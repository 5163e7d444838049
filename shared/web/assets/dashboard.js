'use strict';
// The district dashboard: every station at a glance, for district officers who sign in.
(function () {
  const { t, el, $, api, msg, fail, label, val, time, short, qs, into } = LC;
  const enc = encodeURIComponent;
  const SKEW_WARN_MS = 5 * 60 * 1000;
  let signed = false;
  let stations = [];
  let lastFilter = {};
  const h2 = (k) => el('h2', { text: t(k) });
  const open = (id) => { location.hash = '#opinion/' + enc(id); };
  const stName = (id) => { const s = stations.find((x) => x.id === id); return s ? s.name : id; };

  // ---- signing in and out ----
  function showLogin(err) {
    signed = false;
    LC.turn();
    $('app-view').hidden = true;
    $('login-view').hidden = false;
    $('login-error').textContent = err ? err.message : '';
    const f = $('login-form');
    f.elements.password.value = '';
    (f.elements.user.value ? f.elements.password : f.elements.user).focus();
  }
  async function signedIn(user) {
    signed = true;
    $('me-user').textContent = user || '';
    $('login-view').hidden = true;
    $('app-view').hidden = false;
    const rs = await Promise.allSettled([api('/api/stations'), api('/api/categories')]);
    if (!signed) return;
    rs.forEach((r) => { if (r.status === 'rejected' && r.reason.status !== 401) fail(r.reason); });
    stations = rs[0].value || [];
    LC.setCategories(rs[1].value);
    LC.options(filterForm.elements.station, stations.map((s) => [s.id, s.name + ' (' + s.id + ')']), 'all');
    LC.options(filterForm.elements.category, LC.categoryOpts(rs[1].value), 'all');
    route();
  }
  function bindLogin() {
    const f = $('login-form'), b = $('login-submit'), user = () => f.elements.user.value.trim();
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (b.disabled) return;
      b.disabled = true;
      $('login-error').textContent = '';
      try {
        const r = await api('/api/login', { body: { user: user(), password: f.elements.password.value }, noAuth: true });
        f.elements.password.value = '';
        msg('');
        await signedIn((r && r.user) || user());
      } catch (e) { $('login-error').textContent = e.message; } finally { b.disabled = false; }
    });
    $('logout').addEventListener('click', async () => {
      try { await api('/api/logout', { body: {}, noAuth: true }); } catch (e) { if (e.status !== 401) { fail(e); return; } }
      msg('');
      showLogin();
    });
  }

  // ---- charts: horizontal bars in inline SVG ----
  function svg(tag, attrs, text) {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }
  function bars(id, rows, name) {
    const box = el('div', { class: 'chart', id: id });
    if (!rows.length) { box.appendChild(el('p', { class: 'muted', text: t('none') })); return box; }
    const W = 540, LW = 150, VW = 50, RH = 22;
    const max = Math.max(1, ...rows.map((r) => +r[1] || 0));
    const s = svg('svg', { viewBox: '0 0 ' + W + ' ' + (rows.length * RH + 6), role: 'img' });
    rows.forEach((r, i) => {
      const y = 3 + i * RH, n = +r[1] || 0, w = Math.round((W - LW - VW) * n / max), full = name(r[0]);
      const g = svg('g', { 'data-key': r[0] });
      g.append(svg('title', {}, full + ': ' + n), svg('text', { x: LW - 8, y: y + 15, 'text-anchor': 'end' }, LC.clip(full, LC.lang === 'en' ? 16 : 9)),
        svg('rect', { class: 'bar', x: LW, y: y + 3, width: n ? Math.max(w, 2) : 0, height: RH - 7, rx: 2 }),
        svg('text', { x: LW + w + 6, y: y + 15 }, String(n)));
      s.appendChild(g);
    });
    box.appendChild(s);
    return box;
  }
  const chartCard = (k, chart) => el('div', { class: 'chart-card' }, el('h4', { text: t(k) }), chart);
  const rank = (k) => { const i = LC.STATUSES.indexOf(k); return i < 0 ? 99 : i; };

  // ---- overview ----
  function skew(ms) {
    if (ms == null) return '—';
    const a = Math.abs(ms);
    if (a < 1000) return '< 1 s';
    return (ms < 0 ? '−' : '+') + (a < 60000 ? (a / 1000).toFixed(1) + ' s' : Math.round(a / 60000) + ' min');
  }
  const stat = (k, n) => el('div', { class: 'stat' }, el('div', { class: 'n', text: String(n) }), el('div', { class: 'l', text: t(k) }));
  function loadOverview() {
    into($('view-overview'), h2('nav.overview'), () => Promise.allSettled([api('/api/overview'), api('/api/devices'), api('/api/stats')]), (rs) => {
      if (rs[0].status === 'rejected') fail(rs[0].reason);
      if (rs[1].status === 'rejected') fail(rs[1].reason);
      const ov = (rs[0].value && rs[0].value.stations) || [], devs = rs[1].value || [];
      const live = devs.filter((d) => !d.revoked_at);
      const warn = (d) => d.clock_skew_ms != null && Math.abs(d.clock_skew_ms) > SKEW_WARN_MS;
      const at = (id) => live.filter((d) => d.station === id);
      const sum = (f) => ov.reduce((a, s) => a + (+f(s) || 0), 0);
      // charts: /api/stats, or what the overview already counts when it cannot be had
      let st = rs[2].value || {}, note = null;
      if (rs[2].status === 'rejected') {
        note = el('p', { class: 'error-note', text: t('stats_missing') + rs[2].reason.message });
        st = { by_status: {}, by_station: {} };
        ov.forEach((s) => {
          const o = s.opinions || {}, b = o.by_status || {};
          st.by_station[s.station] = o.total || 0;
          for (const k in b) st.by_status[k] = (st.by_status[k] || 0) + b[k];
        });
      }
      return [el('div', { class: 'stats' },
        stat('nav.stations', ov.length), stat('rep.total_all', sum((s) => s.opinions && s.opinions.total)),
        stat('rep.overdue', sum((s) => s.overdue_count)), stat('rep.flags', sum((s) => (s.flags || []).length)),
        stat('devices', live.length), stat('clock_warnings', live.filter(warn).length)),
      LC.section('nav.stations', LC.table([
        ['f.station', (s) => [el('div', { text: val(s.name) }), el('div', { class: 'muted small', text: s.station })], 'nowrap'],
        ['f.last_sync', (s) => time(s.last_sync || at(s.station).map((d) => d.last_seen_at).filter(Boolean).sort().pop()), 'nowrap'],
        ['devices', (s) => String(at(s.station).length), 'num'],
        ['clock_warnings', (s) => { const n = at(s.station).filter(warn).length; return n ? el('span', { class: 'warn', text: String(n) }) : '0'; }, 'num'],
        ['rep.total_all', (s) => val(s.opinions && s.opinions.total), 'num'],
        ['rep.overdue', (s) => val(s.overdue_count), 'num'],
        ['rep.flags', (s) => ((s.flags || []).length ? el('ul', { class: 'flat' }, s.flags.map((f) => el('li', { text: LC.flagText(f) }))) : '—')],
      ], ov, { id: 'station-overview', key: (s) => s.station })),
      LC.section('charts', [note, el('div', { class: 'cols2' },
        chartCard('rep.by_status', bars('chart-status', LC.counts(st.by_status, 'status').sort((a, b) => rank(a[0]) - rank(b[0])), (k) => label('status', k))),
        chartCard('rep.by_category', bars('chart-category', LC.counts(st.by_category, 'category').sort((a, b) => b[1] - a[1]), LC.cat)),
        chartCard('by_station', bars('chart-station', LC.counts(st.by_station, 'station'), (k) => String(stName(k)).replace(/人大代表联络站$/, ''))),
        chartCard('by_month', bars('chart-month', LC.counts(st.by_month, 'month').sort((a, b) => (a[0] < b[0] ? -1 : 1)).slice(-24), String)))]),
      LC.section('devices', LC.table([
        ['device', (d) => el('code', { title: d.device, text: short(d.device) })], ['role', (d) => label('role', d.role)],
        ['f.station', (d) => val(d.station)], ['f.spokesperson', (d) => (d.spokesperson ? short(d.spokesperson) : '—')],
        ['last_seen', (d) => time(d.last_seen_at), 'nowrap'], ['address', (d) => val(d.last_address)],
        ['clock', (d) => el('span', { class: warn(d) ? 'warn' : '', text: skew(d.clock_skew_ms) + (warn(d) ? ' ⚠' : '') }), 'nowrap'],
        ['syncs', (d) => val(d.syncs), 'num'], ['revoked', (d) => (d.revoked_at ? time(d.revoked_at) : '—'), 'nowrap'],
      ], devs, { id: 'device-list', key: (d) => d.device, rowClass: (d) => (d.revoked_at ? 'void' : '') }))];
    });
  }

  // ---- opinions ----
  let filterForm;
  function buildOpinions() {
    filterForm = LC.form('opinion-search', [
      ['station', 'select', 'f.station', { empty: 'all' }],
      ['status', 'select', 'f.status', { options: LC.enumOpts('status', LC.STATUSES), empty: 'all' }],
      ['category', 'select', 'f.category', { empty: 'all' }],
      ['search', 'search', 'f.search'], ['overdue', 'checkbox', 'f.overdue'],
    ], 'search', (d) => { lastFilter = d; loadOpinions(); }, 'opinion-search-submit');
    filterForm.classList.add('inline');
    $('view-opinions').append(h2('nav.opinions'), filterForm, el('div', { id: 'opinion-results' }));
  }
  function loadOpinions() {
    into($('opinion-results'), null, () => api('/api/opinions' + qs(lastFilter)), (list) =>
      [el('p', { class: 'muted', text: t('count', { n: list.length }) }), LC.opinionTable(list, open, true)]);
  }
  function showOpinion(id) {
    const back = el('a', { class: 'back', href: '#opinions', text: '← ' + t('back') });
    into($('opinion-detail'), back, async () => {
      const op = await api('/api/opinions/' + enc(id));
      if (!Array.isArray(op.attachments)) op.attachments = await api('/api/records/' + enc(id) + '/attachments');
      return op;
    }, (op) => {
      const p = LC.opinionParts(op);
      return [p.head, el('div', { class: 'cols2' }, el('div', null, p.matter, p.amend), el('div', { class: 'card' }, p.info)),
        (op.conflicts || []).length ? LC.section('op.conflicts', LC.conflictTable(op.conflicts, { id: 'opinion-conflicts', after: () => showOpinion(id) })) : null,
        p.steps,
        LC.section('op.attachments', LC.attachmentList(op.attachments, 'att.not_at_district'))];
    });
  }

  // ---- overdue opinions and the month's flags ----
  function loadOverdue() {
    const month = LC.thisMonth();
    into($('view-overdue'), h2('nav.overdue'), () => Promise.allSettled([api('/api/opinions?overdue=1'), api('/api/report/month' + qs({ month: month }))]), (rs) => {
      rs.forEach((r) => { if (r.status === 'rejected') fail(r.reason); });
      const r = rs[1].value;
      let flags = [];
      if (r) [r].concat(r.stations || []).forEach((s) => { flags = flags.concat(s.home_flags || [], s.flags || []); });
      return [rs[0].value ? LC.section('rep.overdue', [el('p', { class: 'muted', text: t('count', { n: rs[0].value.length }) }), LC.opinionTable(rs[0].value, open, true, 'overdue-list')]) : null,
        r ? LC.section('flags_of', LC.flagTable(flags, 'flag-list'), el('span', { class: 'muted small', text: ' ' + (r.month || month) })) : null];
    });
  }

  // ---- conflicts ----
  function loadConflicts() {
    into($('view-conflicts'), h2('nav.conflicts'), () => api('/api/conflicts'), (list) => el('div', { class: 'card' }, LC.conflictTable(list, {
      link: (tb, row) => (tb === 'opinion' ? '#opinion/' + enc(row) : null),
      after: () => { if (LC.route(VIEWS, '')[0] === 'conflicts') loadConflicts(); },
    })));
  }

  // ---- report and exports ----
  let reportForm;
  const EXPORTS = [['export-csv', 'csv', ''], ['export-xlsx', 'xlsx', ''], ['export-csv-public', 'csv', '1'], ['export-xlsx-public', 'xlsx', '1']];
  function buildReport() {
    reportForm = LC.reportForm(loadReport);
    reportForm.elements.month.addEventListener('change', links);
    $('view-report').append(reportForm,
      el('div', { class: 'downloads no-print', id: 'exports' }, EXPORTS.map((x) => el('a', { id: x[0], text: t('export.' + x[1]) + (x[2] ? t('export.public') : '') }))),
      el('div', { id: 'report' }));
    links();
  }
  function links() {
    const month = reportForm.elements.month.value.trim();
    EXPORTS.forEach((x) => {
      const a = $(x[0]);
      a.href = '/api/export/month' + qs({ month: month, format: x[1], public: x[2], lang: LC.lang === 'en' ? 'en' : '' });
      a.setAttribute('download', 'report-' + month + (x[2] ? '-public.' : '.') + x[1]);
    });
  }
  function loadReport() {
    links();
    into($('report'), null, () => api('/api/report/month' + qs({ month: reportForm.elements.month.value.trim() })), LC.report);
  }

  // ---- routing: #overview, #opinions, #opinion/ID, #overdue, #conflicts, #report ----
  const VIEWS = { overview: 'view-overview', opinions: 'view-opinions', opinion: 'opinion-detail', overdue: 'view-overdue', conflicts: 'view-conflicts', report: 'view-report' };
  const SHOW = { overview: loadOverview, opinions: loadOpinions, opinion: showOpinion, overdue: loadOverdue, conflicts: loadConflicts, report: loadReport };
  function route() {
    if (!signed) return;
    const r = LC.route(VIEWS, 'overview');
    LC.show(VIEWS, r[0], { opinion: 'opinions' });
    SHOW[r[0]](r[1]);
  }

  async function init() {
    LC.applyI18n();
    api.on401 = (e) => { if (signed) showLogin(e); };
    bindLogin();
    buildOpinions(); buildReport();
    LC.navs(route);
    let me;
    try { me = await api('/api/me', { noAuth: true }); } catch (e) { showLogin(e.status === 401 ? null : e); return; }
    await signedIn(me && me.user);
  }
  init();
})();
