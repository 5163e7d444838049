'use strict';
// Shared by the station desk and the district dashboard: language, the API, DOM building,
// and the views both show (opinion tables and details, conflicts, the month report).
var LC = (function () {
  const D = {
    'app.desk': ['代表联络站工作台', 'Liaison station desk'],
    'app.dash': ['区人大代表联络工作平台', 'District liaison dashboard'],
    'lang.other': ['English', '中文'],
    'nav.opinions': ['意见建议', 'Opinions'], 'nav.new': ['登记意见', 'New opinion'],
    'nav.receptions': ['接待选民日', 'Reception days'], 'nav.spokespersons': ['选民代言员', 'Spokespersons'],
    'nav.conflicts': ['冲突记录', 'Conflicts'], 'nav.report': ['月度报表', 'Month report'],
    'nav.overview': ['概况', 'Overview'], 'nav.overdue': ['逾期与提示', 'Overdue & flags'],
    'nav.reportx': ['报表与导出', 'Report & exports'],
    'station': ['联络站', 'Station'], 'last_sync': ['上次同步：', 'Last sync: '], 'f.last_sync': ['上次同步', 'Last sync'],
    'nochange': ['没有修改', 'Nothing changed'], 'uploaded': ['已上传附件 {name}', 'Attached {name}'],
    'held': ['标记已举行', 'Mark held'], 'log_visit': ['登记走访', 'Log a visit'],
    'never': ['从未同步', 'never'], 'sync': ['同步', 'Sync'],
    'sync.starting': ['正在开始同步…', 'starting the sync…'],
    'sync.running': ['同步中：已传 {records} 条记录，{bytes}', 'syncing: {records} records, {bytes} so far'],
    'sync.attempt': ['（第 {n} 次尝试）', ' (attempt {n})'],
    'sync.done': ['同步完成：上传 {pushed}，下载 {pulled}，冲突 {conflicts}，拒收 {refused}',
      'sync done: pushed {pushed}, pulled {pulled}, conflicts {conflicts}, refused {refused}'],
    'sync.failed': ['同步失败：', 'sync failed: '],
    'res.ok': ['成功', 'ok'], 'res.cut': ['中断', 'cut off'], 'res.other': ['未完成', 'incomplete'],
    'unack': ['待上传 {n} 条变更', '{n} changes not yet acknowledged'],
    'conflicts_open': ['{n} 条冲突待查看', '{n} open conflicts'],
    'clock_warning': ['本机时钟与服务器相差约 {n} 分钟，请校准时间', 'this clock is about {n} minutes off the server; please set it right'],
    'err.network': ['无法连接本程序，请确认它仍在运行', 'cannot reach the program; is it still running?'],
    'err.too_large': ['文件超过 32 MiB，不能上传', 'the file is larger than 32 MiB'],
    'err.no_file': ['请先选择文件', 'choose a file first'],
    'loading': ['加载中…', 'loading…'], 'none': ['暂无', 'none'], 'empty': ['（空）', '(empty)'],
    'count': ['共 {n} 条', '{n} in all'], 'more': ['显示更多', 'show more'],
    'search': ['查询', 'Search'], 'save': ['保存', 'Save'], 'add': ['添加', 'Add'], 'submit': ['提交', 'Submit'],
    'print': ['打印', 'Print'], 'show': ['显示', 'Show'], 'back': ['返回列表', 'Back to the list'],
    'all': ['全部', 'all'], 'choose': ['（请选择）', '(choose)'], 'optional': ['（可不选）', '(optional)'],
    'saved': ['已保存', 'Saved'], 'added': ['已添加，编号 {id}', 'Added, id {id}'],
    'f.search': ['搜索内容', 'Search text'], 'f.status': ['状态', 'Status'], 'f.category': ['类别', 'Category'],
    'f.overdue': ['仅显示逾期未答复', 'overdue only'], 'f.overdue_days': ['逾期期限（天）', 'overdue after (days)'],
    'f.voter': ['选民姓名', 'Voter'],
    'f.matter': ['反映事由（原话照录）', 'Matter (verbatim)'], 'f.phone': ['联系电话', 'Phone'],
    'f.place': ['地点', 'Place'], 'f.source': ['来源', 'Source'], 'f.spokesperson': ['代言员', 'Spokesperson'],
    'f.at': ['反映时间', 'Time'], 'f.when': ['时间', 'Time'], 'f.id': ['编号', 'Id'], 'f.station': ['联络站', 'Station'],
    'f.recorded_by': ['记录设备', 'Recorded by'], 'f.created_at': ['录入时间', 'Entered'],
    'f.void_reason': ['作废原因', 'Void reason'], 'f.step': ['办理步骤', 'Step'], 'f.to': ['转办单位', 'To'],
    'f.channel': ['依法反映途径', 'Legal channel'], 'f.note': ['说明', 'Note'], 'f.by': ['经办人', 'By'],
    'f.text': ['补充更正内容', 'Amendment'], 'f.reason': ['作废原因', 'Reason'],
    'f.date': ['日期', 'Date'], 'f.topic': ['主题', 'Topic'], 'f.voters': ['选民人数', 'Voters'],
    'f.deputy': ['出席代表', 'Deputies'], 'f.spokespersons': ['出席代言员', 'Spokespersons'],
    'f.planned': ['尚未举行（事先预告）', 'planned (announced in advance)'], 'f.name': ['姓名', 'Name'],
    'f.gender': ['性别', 'Gender'], 'f.party_member': ['中共党员', 'Party member'], 'f.area': ['责任区', 'Area'],
    'f.households': ['户数', 'Households'], 'f.visit_count': ['走访次数', 'Visits'], 'f.month': ['月份', 'Month'],
    'f.state': ['状态', 'State'], 'f.planned_on': ['预告日期', 'Planned on'], 'f.held_on': ['举行日期', 'Held on'],
    'f.present': ['出席', 'Present'], 'f.opinions_taken': ['收集意见', 'Opinions'], 'f.table': ['记录', 'Record'],
    'f.field': ['字段', 'Field'], 'f.kept': ['现用值', 'Kept value'], 'f.lost': ['另一值', 'Other value'],
    'f.detected_at': ['发现时间', 'Detected'], 'f.decision': ['处理', 'Decision'], 'f.origin': ['来源设备', 'Origin'],
    'f.row': ['记录编号', 'Record id'], 'f.user': ['用户名', 'User'], 'f.password': ['密码', 'Password'],
    'f.count': ['数量', 'Count'], 'f.subject': ['对象', 'Subject'],
    'f.flag': ['提示事项', 'Flag'], 'f.period': ['期间', 'Period'],
    'f.off_reason': ['移出原因', 'Taken off because'], 'f.cancel_reason': ['取消原因', 'Cancelled because'],
    'err.need_reason': ['请填写原因', 'give a reason'],
    'err.bad_number': ['“{f}”应为非负整数', '"{f}" must be a whole number, 0 or more'],
    'login': ['登录', 'Sign in'], 'logout': ['退出登录', 'Sign out'], 'nav.stations': ['各联络站', 'Stations'],
    'rep.total_all': ['意见建议总数', 'Opinions'], 'devices': ['同步设备', 'Devices'], 'clock_warnings': ['时钟警告', 'Clock warnings'],
    'stats_missing': ['统计数据暂不可用，图表按概况数据显示：', 'Statistics are not available; the charts use the overview: '],
    'charts': ['意见建议统计', 'Opinion statistics'], 'by_station': ['按联络站', 'By station'], 'by_month': ['按月份', 'By month'],
    'device': ['设备', 'Device'], 'role': ['类型', 'Role'], 'last_seen': ['最近联系', 'Last seen'], 'address': ['地址', 'Address'],
    'clock': ['时钟偏差', 'Clock skew'], 'syncs': ['同步次数', 'Syncs'], 'revoked': ['吊销时间', 'Revoked'],
    'flags_of': ['本月提示事项', 'Flags this month'], 'export.csv': ['导出 CSV', 'Export CSV'],
    'export.xlsx': ['导出 Excel', 'Export Excel'], 'export.public': ['（公开版）', ' (public)'],
    'this_device': ['本机', 'this device'], 'origin_is': ['来源设备：{x}', 'Origin: {x}'],
    'deputies_here': ['本站代表', 'This station\'s deputies'], 'other_deputies': ['其他代表', 'Other deputies'],
    'h.new_reception': ['登记接待选民日', 'Log a reception day'], 'h.held': ['记录举行情况', 'Record it as held'],
    'h.add_sp': ['登记代言员', 'Register a spokesperson'], 'h.visit': ['登记走访', 'Log a visit'], 'h.visits': ['走访记录', 'Visits'],
    'h.refused': ['被服务器拒收的变更', 'Changes the server refused'], 'h.step': ['添加办理步骤', 'Add a handling step'],
    'h.amend': ['补充更正（原话不改）', 'Add an amendment (the matter stays as recorded)'], 'h.set': ['修改信息', 'Edit'],
    'h.attach': ['上传照片或扫描件', 'Attach a photo or scan'], 'h.void': ['作废', 'Void'],
    'h.sp_set': ['修改代言员信息', 'Edit the details'], 'h.sp_void': ['移出代言员名册', 'Take off the roster'],
    'do_sp_void': ['移出名册', 'Take off the roster'], 'sp.off': ['已移出名册', 'off the roster'],
    'h.cancel': ['取消本次活动', 'Cancel this reception day'], 'do_cancel': ['取消活动', 'Cancel it'],
    'h.void_reception': ['作废此记录', 'Void this record'], 'cancelled_because': ['取消原因：{reason}', 'cancelled: {reason}'],
    'voided_because': ['作废原因：{reason}', 'void: {reason}'],
    'h.reception': ['接待选民日', 'Reception day'], 'h.spokesperson': ['代言员档案', 'Spokesperson archive'],
    'att.not_here': ['文件尚未传到本机', 'the file has not reached this device yet'],
    'att.not_at_district': ['文件尚未传到区里，待联络站同步后可查看', 'the file has not reached the district yet; it comes with the station\'s next sync'],
    'h.import': ['从表格导入意见建议（CSV）', 'Import opinions from a spreadsheet (CSV)'], 'f.csv_file': ['CSV 文件', 'CSV file'],
    'import': ['导入', 'Import'], 'imported': ['已导入 {n} 条意见建议', 'Imported {n} opinions'],
    'import.again': ['仍要再导入一次吗？文件中的每条意见都会再登记一次。', 'Import it again anyway? Every opinion in the file will be recorded once more.'],
    'import.hint': ['UTF-8 编码的 CSV 文件，第一行为列名：voter（选民姓名）、matter（反映事由）必填，phone、place、category、source、at 可选；有一行出错则全部不导入。Excel 中请“另存为 CSV UTF-8（逗号分隔）”。',
      'A UTF-8 CSV file whose first line names the columns: voter and matter required; phone, place, category, source, at optional. If any row is wrong, nothing is imported. In Excel, save as "CSV UTF-8 (Comma delimited)".'],
    'attach': ['上传', 'Upload'], 'do_void': ['作废此记录', 'Void this record'], 'opinion_count': ['记录意见建议', 'Opinions recorded'],
    'f.refusal': ['拒收原因', 'Reason'],
    'keep.kept': ['维持现用值', 'Keep this value'], 'keep.lost': ['改用另一值', 'Use the other value'],
    'decided.kept': ['已确认现用值', 'kept value confirmed'], 'decided.lost': ['已改用另一值', 'other value chosen'],
    'undecided': ['待处理', 'open'], 'resolved': ['已处理冲突 {id}', 'Conflict {id} re-decided'],
    'op.title': ['意见建议', 'Opinion'], 'op.steps': ['办理过程', 'Handling'], 'op.amendments': ['补充更正', 'Amendments'],
    'op.conflicts': ['冲突', 'Conflicts'], 'op.attachments': ['附件', 'Attachments'],
    'rep.title': ['{name} {month} 月度报表', '{name} — report for {month}'],
    'rep.district': ['全区', 'District'], 'rep.meta': ['生成于 {at}；超过 {days} 天未答复计为逾期', 'generated {at}; overdue after {days} days'],
    'rep.public': ['公开版（不含选民姓名和电话）', 'public version (no voter names or phones)'],
    'rep.total': ['本月意见建议', 'Opinions this month'], 'rep.overdue': ['逾期未答复', 'Overdue'],
    'rep.receptions': ['接待选民日', 'Reception days'], 'rep.flags': ['提示事项', 'Flags'],
    'rep.by_status': ['按办理状态', 'By status'], 'rep.by_category': ['按类别', 'By category'],
    'rep.by_source': ['按来源', 'By source'], 'rep.home_flags': ['代表之家提示事项', 'Flags of the homes'],
    'status.recorded': ['已记录', 'recorded'], 'status.reported': ['已上报', 'reported'],
    'status.explained': ['已当场解释', 'explained'], 'status.referred': ['已分级转办', 'referred'],
    'status.redirected': ['已告知依法反映', 'redirected'], 'status.motion': ['已形成议案建议', 'motion'],
    'status.replied': ['已答复', 'replied'], 'status.closed': ['已办结', 'closed'], 'status.void': ['已作废', 'void'],
    'step.reported': ['上报联络站', 'reported'], 'step.explained': ['当场解释说明', 'explained on the spot'],
    'step.referred': ['分级转办', 'referred'], 'step.redirected': ['告知依法反映', 'redirected to a legal channel'],
    'step.motion': ['提出议案建议', 'raised as a motion'], 'step.replied': ['答复选民', 'replied'],
    'step.closed': ['办结', 'closed'], 'step.reopened': ['重新办理', 'reopened'],
    'channel.litigation': ['诉讼', 'litigation'], 'channel.reconsideration': ['行政复议', 'administrative reconsideration'],
    'channel.arbitration': ['仲裁', 'arbitration'], 'channel.petition': ['信访', 'petition'],
    'channel.complaint': ['申诉、检举、控告', 'complaint'],
    'source.visit': ['代言员走访', 'spokesperson\'s visit'], 'source.reception': ['接待选民日', 'reception day'],
    'source.mailbox': ['选民信箱', 'voter mailbox'], 'source.forum': ['座谈会', 'forum'],
    'source.survey': ['问卷调查', 'survey'], 'source.email': ['电子邮件', 'e-mail'], 'source.phone': ['电话', 'phone'],
    'source.other': ['其他', 'other'],
    'gender.f': ['女', 'female'], 'gender.m': ['男', 'male'], 'yes': ['是', 'yes'], 'no': ['否', 'no'],
    'state.planned': ['已预告', 'planned'], 'state.held': ['已举行', 'held'], 'state.void': ['已取消', 'cancelled'],
    'state.voided': ['已作废', 'void'], 'state.void_any': ['已取消或作废', 'cancelled or void'],
    'role.station': ['联络站', 'station'], 'role.spokesperson': ['代言员设备', 'spokesperson device'],
    'role.district': ['区人大办公室', 'district office'],
    'table.opinion': ['意见建议', 'opinion'], 'table.reception': ['接待选民日', 'reception'],
    'table.spokesperson': ['代言员', 'spokesperson'],
    'refusal.reference_data': ['参考数据只能由区人大办公室修改', 'reference data is written by the district office only'],
    'refusal.other_station': ['不属于本站的记录', 'a record of another station'],
    'refusal.not_own_record': ['不是本设备记录的', 'not a record this device made'],
    'refusal.unknown_row': ['服务器上没有这条记录', 'the server does not have this record'],
    'refusal.forged_origin': ['记录人与设备不符', 'recorded by another device than this one'],
    'refusal.outside_role': ['此类设备不能写这类记录', 'this kind of device does not write these records'],
    'refusal.unknown_opinion': ['服务器上没有对应的意见建议', 'the server does not have the opinion it belongs to'],
    'refusal.lookup_failed': ['服务器查询失败', 'the server could not check it'],
    'refusal.append_only': ['只能追加、不能修改的记录', 'a record that can only be added to, not changed'],
    'flag.overdue_opinions': ['{count} 条意见建议超过 {days} 天未答复', '{count} opinions with no reply after {days} days'],
    'flag.no_reception': ['{period} 没有举行接待选民日', 'no reception day held in {period}'],
    'flag.no_home_meeting': ['代表之家{name}在 {period} 没有组织活动', 'no meeting at the home {name} in {period}'],
    'flag.no_deputy_report': ['代表{name}在本届（{period}）尚未向选民报告履职', 'deputy {name} has not reported to voters in the term {period}'],
    'flag.voters_uncovered': ['{count} 名选民没有代言员联系（全站选民 {total} 名）', '{count} voters covered by no spokesperson (of {total})'],
    'flag.no_spokespersons': ['没有登记选民代言员', 'no spokesperson registered'],
    'flag.no_women_spokespersons': ['选民代言员中没有女性', 'no women among the spokespersons'],
    'flag.no_party_member_spokespersons': ['选民代言员中没有党员', 'no party members among the spokespersons'],
  };
  let lang = 'zh';
  try { if (localStorage.getItem('liaison.lang') === 'en') lang = 'en'; } catch (e) { /* storage off */ }

  function t(k, v) {
    const e = D[k];
    let s = e ? e[lang === 'en' ? 1 : 0] : k;
    if (v) s = s.replace(/\{(\w+)\}/g, (m, n) => (v[n] == null ? '—' : String(v[n])));
    return s;
  }
  // A label for an enum value: label('status', 'replied'); unknown values show as they are.
  function label(kind, v) { return v == null || v === '' ? '—' : (D[kind + '.' + v] ? t(kind + '.' + v) : String(v)); }

  function el(tag, props) {
    const e = document.createElement(tag);
    for (const k in props || {}) {
      const v = props[k];
      if (v == null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), v);
      else if (k === 'value' || k === 'checked' || k === 'selected' || k === 'multiple' || k === 'disabled') e[k] = v;
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (let i = 2; i < arguments.length; i++) add(e, arguments[i]);
    return e;
  }
  function add(e, c) {
    if (c == null || c === false) return;
    if (Array.isArray(c)) c.forEach((x) => add(e, x));
    else e.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }
  function fill(e) { clear(e); for (let i = 1; i < arguments.length; i++) add(e, arguments[i]); return e; }
  function $(s) { return document.getElementById(s); }

  // ---- the API ----
  function withLang(u) { return lang === 'en' ? u + (u.indexOf('?') < 0 ? '?' : '&') + 'lang=en' : u; }
  function qs(o) {
    const p = [];
    for (const k in o) if (o[k] != null && o[k] !== '' && o[k] !== false) p.push(encodeURIComponent(k) + '=' + encodeURIComponent(o[k] === true ? '1' : o[k]));
    return p.length ? '?' + p.join('&') : '';
  }
  // api(path) GETs; api(path, {body}) POSTs JSON; api(path, {upload: blob}) POSTs a file.
  async function api(path, o) {
    o = o || {};
    const init = { method: 'GET', headers: {}, credentials: 'same-origin', cache: 'no-store' };
    if (o.upload) {
      init.method = 'POST'; init.body = o.upload;
      init.headers['X-Liaison-Upload'] = '1'; init.headers['Content-Type'] = 'application/octet-stream';
    } else if (o.body !== undefined) {
      init.method = 'POST'; init.body = JSON.stringify(o.body);
      init.headers['Content-Type'] = 'application/json';
    }
    let r;
    try { r = await fetch(withLang(path), init); } catch (e) { throw Object.assign(new Error(t('err.network')), { status: 0 }); }
    const text = await r.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
    if (!r.ok) {
      const err = new Error((data && data.error) || (r.status + ' ' + (r.statusText || '')));
      err.status = r.status;
      if (r.status === 401 && !o.noAuth && api.on401) api.on401(err);
      throw err;
    }
    return data;
  }

  // ---- the message area ----
  function msg(text, kind) {
    const m = $('message');
    if (!text) { m.hidden = true; m.textContent = ''; return; }
    m.className = kind === 'error' ? 'msg error' : 'msg ok';
    m.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    m.textContent = text;
    m.hidden = false;
    msg.at = Date.now();
  }
  // Moving to another view clears the message unless it was just shown (e.g. "added" before opening the record).
  function msgStale() { if (Date.now() - (msg.at || 0) > 1500) msg(''); }
  function fail(e) { msg(e && e.message ? e.message : String(e), 'error'); }

  // Views: each route takes a turn; an answer that comes back after the next turn is dropped.
  let tok = 0;
  function turn() { return ++tok; }
  function loading() { return el('p', { class: 'muted', text: t('loading') }); }
  // Fills box with head and render(await get()), with "loading" meanwhile and the error shown on failure.
  async function into(box, head, get, render) {
    const my = tok;
    fill(box, head, loading());
    try { const d = await get(); if (my === tok) fill(box, head, render(d)); } catch (e) { if (my === tok) fill(box, head); fail(e); }
  }

  // ---- formatting ----
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function time(s) {
    if (!s) return '—';
    if (s.length <= 10) return s;
    if (/T\d\d:\d\d.*[+-]\d\d:\d\d$/.test(s)) return s.slice(0, 16).replace('T', ' ');
    const d = new Date(s);
    if (isNaN(d)) return s;
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  }
  function today() { const d = new Date(); return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()); }
  function thisMonth() { return today().slice(0, 7); }
  function bytes(n) { n = +n || 0; return n < 1024 ? n + ' B' : n < 1048576 ? (n / 1024).toFixed(1) + ' KB' : (n / 1048576).toFixed(1) + ' MB'; }
  function clip(s, n) { s = s == null ? '' : String(s); return s.length > n ? s.slice(0, n) + '…' : s; }
  function short(id) { return id ? String(id).slice(-8) : '—'; }
  function val(v) { return v == null || v === '' ? '—' : String(v); }

  // ---- DOM helpers for views ----
  // cols: [[labelKey, row => node|text, className?], ...]; o.onRow(row) makes rows clickable.
  function table(cols, rows, o) {
    o = o || {};
    const tb = el('tbody');
    const tab = el('table', { class: 'grid' + (o.onRow ? ' clickable' : ''), id: o.id },
      el('thead', null, el('tr', null, cols.map((c) => el('th', { class: c[2], text: t(c[0]) })))), tb);
    if (!rows || !rows.length) {
      tb.appendChild(el('tr', { class: 'empty' }, el('td', { colspan: cols.length, text: t('none') })));
      return tab;
    }
    const limit = o.limit || 1e9;
    function rowEl(r) {
      const tr = el('tr', { 'data-id': o.key ? o.key(r) : r.id });
      if (o.rowClass) tr.className = o.rowClass(r) || '';
      cols.forEach((c) => { const td = el('td', { class: c[2] }); add(td, c[1](r)); tr.appendChild(td); });
      if (o.onRow) {
        tr.tabIndex = 0;
        tr.addEventListener('click', (ev) => { if (!ev.target.closest('a,button,input,select')) o.onRow(r); });
        tr.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') o.onRow(r); });
      }
      return tr;
    }
    let shown = 0;
    function more() {
      const f = document.createDocumentFragment();
      const end = Math.min(rows.length, shown + limit);
      for (; shown < end; shown++) f.appendChild(rowEl(rows[shown]));
      tb.appendChild(f);
    }
    more();
    if (shown < rows.length) {
      const b = el('button', { type: 'button', class: 'more', text: t('more') });
      b.addEventListener('click', () => { more(); if (shown >= rows.length) b.remove(); });
      return el('div', null, tab, b);
    }
    return tab;
  }
  function section(titleKey, body, extra) {
    return el('section', { class: 'card' }, el('h3', { text: typeof titleKey === 'string' ? t(titleKey) : '' }, extra), body);
  }
  function fields(pairs) {
    return el('dl', { class: 'fields' }, pairs.map((p) => [el('dt', { text: t(p[0]) }), el('dd', { class: p[2] }, p[1])]));
  }
  function badge(status) { return el('span', { class: 'badge st-' + status, text: label('status', status) }); }

  // Builds a form from field specs [name, type, labelKey, extra]; extra: {options, multiple, rows, wide, step, min}.
  function form(id, specs, submitKey, onSubmit, submitId) {
    const f = el('form', { id: id, class: 'form', novalidate: true });
    specs.forEach((s) => f.appendChild(field(s)));
    const btn = el('button', { type: 'submit', class: 'primary', id: submitId, text: t(submitKey) });
    f.appendChild(el('div', { class: 'actions' }, btn));
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (btn.disabled) return;
      btn.disabled = true;
      try { await onSubmit(data(f), f); } catch (e) { fail(e); } finally { btn.disabled = false; }
    });
    return f;
  }
  function field(s) {
    const name = s[0], type = s[1], x = s[3] || {};
    let input;
    if (type === 'textarea') input = el('textarea', { name: name, rows: x.rows || 4 });
    else if (type === 'select') { input = el('select', { name: name, multiple: x.multiple, size: x.multiple ? 5 : null }); options(input, x.options || [], x.empty); }
    else input = el('input', { type: type, name: name, step: x.step, min: x.min, autocomplete: 'off' });
    if (type === 'checkbox') return el('label', { class: 'field check' + (x.wide ? ' wide' : '') }, input, el('span', { text: t(s[2]) }));
    return el('label', { class: 'field' + (x.wide ? ' wide' : '') }, el('span', { text: t(s[2]) }), input);
  }
  // opts: [[value, text], ...] or [{group, items: [[value, text]]}]; empty: label key of a first blank option.
  function options(sel, opts, empty) {
    const keep = sel.multiple ? null : sel.value;
    clear(sel);
    if (empty) sel.appendChild(el('option', { value: '', text: t(empty) }));
    opts.forEach((o) => {
      if (o.group) { if (o.items.length) sel.appendChild(el('optgroup', { label: o.group }, o.items.map((i) => el('option', { value: i[0], text: i[1] })))); }
      else sel.appendChild(el('option', { value: o[0], text: o[1] }));
    });
    if (keep) sel.value = keep;
  }
  // A form's values: blank fields left out, textareas kept exactly as typed, other text trimmed.
  function data(f) {
    const o = {};
    Array.prototype.forEach.call(f.elements, (e) => {
      if (!e.name) return;
      if (e.type === 'checkbox') { if (e.checked) o[e.name] = true; return; }
      if (e.type === 'file') return;
      if (e.multiple) { const v = Array.prototype.filter.call(e.options, (x) => x.selected).map((x) => x.value); if (v.length) o[e.name] = v; return; }
      if (e.tagName === 'TEXTAREA') { if (e.value !== '') o[e.name] = e.value; return; }
      const v = e.value.trim();
      if (v !== '') o[e.name] = v;
    });
    return o;
  }
  function enumOpts(kind, list) { return list.map((v) => [v, label(kind, v)]); }
  const STATUSES = ['recorded', 'reported', 'explained', 'referred', 'redirected', 'motion', 'replied', 'closed', 'void'];
  const STEPS = ['reported', 'explained', 'referred', 'redirected', 'motion', 'replied', 'closed', 'reopened'];
  const SOURCES = ['visit', 'reception', 'mailbox', 'forum', 'survey', 'email', 'phone', 'other'];
  const CHANNELS = ['litigation', 'reconsideration', 'arbitration', 'petition', 'complaint'];

  // ---- category names: opinions may hold a category's id or its name ----
  const cats = {};
  function setCategories(list) { (list || []).forEach((c) => { cats[c.id] = c.name; }); }
  function cat(v) { return v == null || v === '' ? '—' : cats[v] || String(v); }
  function categoryOpts(list) { return (list || []).filter((c) => !c.void_reason).map((c) => [c.name, c.name]); }

  // ---- shared views ----
  function opinionTable(list, onOpen, withStation, id) {
    const cols = [['f.at', (o) => time(o.at), 'nowrap']];
    if (withStation) cols.push(['f.station', (o) => val(o.station), 'nowrap']);
    cols.push(['f.voter', (o) => val(o.voter), 'nowrap'], ['f.matter', (o) => clip(o.matter, 70), 'matter-cell'],
      ['f.category', (o) => cat(o.category), 'nowrap'], ['f.source', (o) => label('source', o.source), 'nowrap'],
      ['f.status', (o) => badge(o.status), 'nowrap']);
    return table(cols, list, { id: id || 'opinion-list', onRow: (o) => onOpen(o.id), limit: 300, rowClass: (o) => (o.status === 'void' ? 'void' : '') });
  }
  // The parts of an opinion's detail both pages show; o.names maps ids (deputies, spokespersons) to names.
  function opinionParts(op, o) {
    o = o || {};
    const nm = (id) => (id && o.names && o.names[id] ? o.names[id] + ' (' + short(id) + ')' : val(id));
    const head = el('div', { class: 'detail-head' }, el('h2', { text: t('op.title') }), badge(op.status),
      el('code', { class: 'muted', text: op.id }));
    const info = fields([
      ['f.voter', val(op.voter)], ['f.phone', val(op.phone)], ['f.place', val(op.place)],
      ['f.category', cat(op.category)], ['f.source', label('source', op.source)], ['f.at', time(op.at)],
      ['f.spokesperson', nm(op.spokesperson)], ['f.station', val(op.station)],
      ['f.created_at', time(op.created_at)], ['f.recorded_by', el('code', { title: op.recorded_by || '', text: short(op.recorded_by) })],
    ].concat(op.void_reason ? [['f.void_reason', op.void_reason, 'warn']] : []));
    const matter = el('div', { class: 'card' }, el('h3', { text: t('f.matter') }),
      el('div', { id: 'opinion-matter', class: 'matter', text: op.matter == null ? '' : op.matter }));
    const amend = section('op.amendments', (op.amendments || []).length ? el('ul', { class: 'amendments' }, op.amendments.map((a) =>
      el('li', null, el('div', { class: 'matter', text: a.text }), el('div', { class: 'muted small', text: time(a.at) + (a.by ? ' · ' + nm(a.by) : '') })))) : el('p', { class: 'muted', text: t('none') }));
    const steps = section('op.steps', table([
      ['f.step', (s) => label('step', s.step), 'nowrap'], ['f.to', (s) => val(s.to)],
      ['f.channel', (s) => label('channel', s.channel)], ['f.note', (s) => el('span', { class: 'pre', text: val(s.note) })],
      ['f.by', (s) => nm(s.by)], ['f.when', (s) => time(s.at), 'nowrap']], op.steps || [], { id: 'step-list' }));
    return { head: head, info: info, matter: matter, amend: amend, steps: steps };
  }
  // A record's attachments: an image's thumbnail, and a link that downloads the file. One whose
  // content has not reached this side yet (present: false) is named, not linked, and missingKey
  // says so.
  function attachmentList(atts, missingKey) {
    if (!(atts || []).length) return el('p', { class: 'muted', id: 'attachment-list', text: t('none') });
    return el('ul', { class: 'attachments', id: 'attachment-list' }, atts.map((a) => {
      const href = '/api/attachments/' + encodeURIComponent(a.id), name = a.name || a.id;
      const meta = el('span', { class: 'muted small', text: bytes(a.size) + ' · ' + time(a.at) });
      if (a.present === false) {
        return el('li', { 'data-id': a.id, class: 'missing' }, el('span', { class: 'att-name', text: name }),
          el('span', { class: 'badge pending', text: t(missingKey) }), meta);
      }
      return el('li', { 'data-id': a.id },
        /^image\//.test(a.mime || '') ? el('a', { href: href, target: '_blank', title: name }, el('img', { src: href, alt: name, loading: 'lazy' })) : null,
        el('a', { class: 'att-name', href: href, download: name, text: name }), meta);
    }));
  }
  // The conflict log with re-decision; o: {replica, link(table, row), after()}.
  function conflictTable(list, o) {
    o = o || {};
    const origin = (x) => el('div', { class: 'muted small', title: x && x.origin ? x.origin : '' },
      t('origin_is', { x: x && x.origin && x.origin === o.replica ? t('this_device') : short(x && x.origin) }));
    const value = (x) => [el('div', { class: 'pre', text: x && x.value != null && x.value !== '' ? String(x.value) : t('empty') }), origin(x)];
    async function decide(c, keep) {
      try {
        await api('/api/conflicts/' + encodeURIComponent(c.id) + '/resolve', { body: { keep: keep } });
        msg(t('resolved', { id: c.id }));
        if (o.after) o.after();
      } catch (e) { fail(e); }
    }
    return table([
      ['f.id', (c) => String(c.id), 'nowrap'],
      ['f.table', (c) => {
        const txt = label('table', c.table) + ' ' + short(c.row);
        const href = o.link && o.link(c.table, c.row);
        return href ? el('a', { href: href, title: c.row, text: txt }) : el('span', { title: c.row, text: txt });
      }, 'nowrap'],
      ['f.field', (c) => (D['f.' + c.field] ? t('f.' + c.field) : c.field)],
      ['f.kept', (c) => value(c.kept)], ['f.lost', (c) => value(c.lost)],
      ['f.detected_at', (c) => time(c.detected_at), 'nowrap'],
      ['f.decision', (c) => [
        el('div', { class: 'small', text: c.decision ? t('decided.' + c.decision) + ' ' + time(c.decided_at) : t('undecided') }),
        el('div', { class: 'btns' },
          el('button', { type: 'button', class: 'resolve-kept', 'data-id': c.id, text: t('keep.kept'), onclick: () => decide(c, 'kept') }),
          el('button', { type: 'button', class: 'resolve-lost', 'data-id': c.id, text: t('keep.lost'), onclick: () => decide(c, 'lost') }))]],
    ], list, { id: o.id || 'conflict-list', rowClass: (c) => (c.decision ? 'decided' : 'open') });
  }

  function flagText(f) { return D['flag.' + f.code] ? t('flag.' + f.code, f) : f.code; }
  function flagTable(flags, id) {
    return table([['f.subject', (f) => val(f.name || f.subject)], ['f.flag', flagText], ['f.period', (f) => val(f.period), 'nowrap']],
      flags || [], { id: id, key: (f) => f.code + ':' + f.subject });
  }
  function counts(obj, kind) {
    // obj: {key: n} or [{<kind>: key, count: n}]
    let rows = [];
    if (Array.isArray(obj)) rows = obj.map((x) => [x[kind] != null ? x[kind] : x.key, x.count]);
    else if (obj) rows = Object.keys(obj).map((k) => [k, obj[k]]);
    return rows;
  }
  function countTable(titleKey, rows, kind) {
    const name = (k) => (kind === 'category' ? cat(k) : label(kind, k));
    return section(titleKey, table([['f.' + kind, (r) => name(r[0])], ['f.count', (r) => String(r[1]), 'num']], rows, { key: (r) => r[0] }));
  }
  function stationReport(r, withTitle) {
    const op = r.opinions || {};
    const out = el('div', { class: 'report-station', 'data-station': r.station || '' });
    if (withTitle) out.appendChild(el('h3', { class: 'station-title', text: (r.name || '') + ' (' + val(r.station) + ')' }));
    out.appendChild(el('div', { class: 'stats' },
      stat('rep.total', op.total), stat('rep.overdue', r.overdue_count),
      stat('rep.receptions', (r.receptions || []).length), stat('rep.flags', (r.flags || []).length)));
    out.appendChild(el('div', { class: 'cols3' }, countTable('rep.by_status', counts(op.by_status, 'status'), 'status'),
      countTable('rep.by_category', counts(op.by_category, 'category'), 'category'),
      countTable('rep.by_source', counts(op.by_source, 'source'), 'source')));
    out.appendChild(section('rep.receptions', table([['f.held_on', (x) => val(x.held_on), 'nowrap'], ['f.place', (x) => val(x.place)],
      ['f.topic', (x) => val(x.topic)], ['f.voters', (x) => val(x.voters_received), 'num']], r.receptions || [])));
    const ocols = [['f.at', (o) => time(o.at), 'nowrap']];
    if (!r.public) ocols.push(['f.voter', (o) => val(o.voter), 'nowrap']);
    ocols.push(['f.matter', (o) => el('span', { class: 'pre', text: val(o.matter) })], ['f.category', (o) => cat(o.category), 'nowrap'],
      ['f.status', (o) => label('status', o.status), 'nowrap']);
    out.appendChild(section('rep.overdue', table(ocols, r.overdue || [], { key: (o) => o.id })));
    out.appendChild(section('rep.flags', flagTable(r.flags || [])));
    return out;
  }
  function stat(k, n) { return el('div', { class: 'stat' }, el('div', { class: 'n', text: n == null ? '—' : String(n) }), el('div', { class: 'l', text: t(k) })); }
  // The month report: one station's (the desk) or the district's with every station (the dashboard).
  function report(r) {
    const out = el('div', { class: 'report' });
    const name = r.name || (r.stations ? t('rep.district') : r.station || '');
    out.appendChild(el('h2', { text: t('rep.title', { name: name, month: r.month }) }));
    out.appendChild(el('p', { class: 'muted', text: t('rep.meta', { at: time(r.generated_at), days: r.overdue_days }) + (r.public ? '；' + t('rep.public') : '') }));
    if (!Array.isArray(r.stations)) { out.appendChild(stationReport(r)); return out; }
    const tot = r.total || {};
    const op = tot.opinions || {};
    out.appendChild(el('div', { class: 'stats' }, stat('rep.total', op.total), stat('rep.overdue', tot.overdue_count),
      stat('rep.receptions', tot.receptions_count), stat('rep.flags', tot.flags_count)));
    out.appendChild(el('div', { class: 'cols3' }, countTable('rep.by_status', counts(op.by_status, 'status'), 'status'),
      countTable('rep.by_category', counts(op.by_category, 'category'), 'category'),
      countTable('rep.by_source', counts(op.by_source, 'source'), 'source')));
    if (r.home_flags) out.appendChild(section('rep.home_flags', flagTable(r.home_flags)));
    r.stations.forEach((s) => out.appendChild(stationReport(Object.assign({ public: r.public }, s), true)));
    return out;
  }

  // ---- routing: location.hash is "#view" or "#view/ID" ----
  function route(views, dflt) {
    let h = location.hash.slice(1);
    try { h = decodeURIComponent(h); } catch (e) { /* keep it as it is */ }
    const i = h.indexOf('/'), name = i < 0 ? h : h.slice(0, i);
    return views[name] ? [name, i < 0 ? '' : h.slice(i + 1)] : [dflt, ''];
  }
  // Starts a turn and shows the view `name`; parent maps detail views to the nav entry they belong to.
  function show(views, name, parent) {
    turn();
    msgStale();
    Object.keys(views).forEach((k) => { $(views[k]).hidden = k !== name; });
    const nav = 'nav-' + (parent[name] || name);
    document.querySelectorAll('nav a').forEach((a) => { if (a.id === nav) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current'); });
    window.scrollTo(0, 0);
  }
  function navs(go) {
    document.querySelectorAll('nav a').forEach((a) => a.addEventListener('click', () => {
      if (location.hash === a.getAttribute('href')) { msg(''); go(); }
    }));
    window.addEventListener('hashchange', go);
  }
  // The month picker with Show and Print buttons above a report; o.overdueDays adds the overdue
  // limit (blank: the program's default, 30).
  function reportForm(onShow, o) {
    const specs = [['month', 'month', 'f.month']];
    if (o && o.overdueDays) specs.push(['overdue_days', 'number', 'f.overdue_days', { min: 0 }]);
    const f = form('report-form', specs, 'show', onShow, 'report-show');
    f.classList.add('inline', 'no-print');
    const m = f.elements.month;
    m.id = 'report-month'; m.value = thisMonth(); m.placeholder = 'YYYY-MM';
    if (f.elements.overdue_days) { f.elements.overdue_days.id = 'report-overdue-days'; f.elements.overdue_days.placeholder = '30'; }
    f.querySelector('.actions').appendChild(el('button', { type: 'button', id: 'report-print', text: t('print'), onclick: () => window.print() }));
    return f;
  }

  // Static text in the pages: data-i18n="key" sets the text, data-i18n-ph the placeholder.
  function applyI18n() {
    document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
    document.querySelectorAll('[data-i18n]').forEach((e) => { e.textContent = t(e.getAttribute('data-i18n')); });
    document.querySelectorAll('.lang').forEach((b) => {
      b.textContent = t('lang.other');
      b.addEventListener('click', () => {
        try { localStorage.setItem('liaison.lang', lang === 'en' ? 'zh' : 'en'); } catch (e) { /* storage off */ }
        location.reload();
      });
    });
  }

  return {
    t: t, label: label, el: el, clear: clear, fill: fill, turn: turn, into: into, loading: loading, get tok() { return tok; }, $: $, api: api, qs: qs, msg: msg, msgStale: msgStale, fail: fail, time: time, today: today,
    thisMonth: thisMonth, bytes: bytes, clip: clip, short: short, val: val, table: table, section: section, fields: fields,
    badge: badge, form: form, options: options, data: data, enumOpts: enumOpts, STATUSES: STATUSES, STEPS: STEPS,
    SOURCES: SOURCES, CHANNELS: CHANNELS, setCategories: setCategories, cat: cat, categoryOpts: categoryOpts,
    opinionTable: opinionTable, opinionParts: opinionParts, attachmentList: attachmentList, conflictTable: conflictTable, flagTable: flagTable,
    flagText: flagText, counts: counts, report: report, route: route, show: show, navs: navs, reportForm: reportForm, applyI18n: applyI18n, get lang() { return lang; },
  };
})();
