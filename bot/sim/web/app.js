// The LINE simulator page. Plain JavaScript, no build step.
//
// The server keeps each chat's history and relays what the bot sends as
// LINE message objects; this file draws them the way LINE does and turns
// taps into postbacks and texts. Every piece of text from the bot or a user
// goes into the page with textContent, never as HTML.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);

  // el builds an element with a class and (escaped) text.
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  const ROLES = {
    officer: 'เจ้าหน้าที่ · Officer',
    lead_sage: 'ปราชญ์สัมมาชีพ · Lead sage',
    team_sage: 'ทีมวิทยากร · Team sage',
    household: 'หัวหน้าครัวเรือน · Household',
    villager: 'ชาวบ้าน · Villager',
    officers: 'กลุ่มเจ้าหน้าที่ · Officers\u2019 group',
    added: 'เพิ่มเอง · Added here',
    group: 'กลุ่ม · Group',
  };
  const BOT_NAME = 'สัมมาชีพชุมชน';
  const COLORS = ['#ef6c00', '#8e24aa', '#3949ab', '#00897b', '#c0ca33', '#d81b60', '#6d4c41', '#546e7a'];
  const DAYS = ['อา.', 'จ.', 'อ.', 'พ.', 'พฤ.', 'ศ.', 'ส.'];
  const MONTHS = ['ม.ค.', 'ก.พ.', 'มี.ค.', 'เม.ย.', 'พ.ค.', 'มิ.ย.', 'ก.ค.', 'ส.ค.', 'ก.ย.', 'ต.ค.', 'พ.ย.', 'ธ.ค.'];
  const NOTES = {
    follow: 'คุณเพิ่มบัญชีนี้เป็นเพื่อนแล้ว · You added the bot as a friend',
    join: 'บอทเข้าร่วมกลุ่มแล้ว · The bot joined the group',
    webhook_failed: 'ส่งถึงบอทไม่สำเร็จ · The bot did not get this',
    rejected: 'LINE ปฏิเสธข้อความของบอท · LINE rejected a message from the bot',
  };

  const state = {
    personas: [], groups: [], opened: {},
    chat: '', as: '',            // the chat shown and the persona viewing it
    entries: [],                 // the shown chat's history
    unread: {},
    quickUsed: false,            // a chip was tapped: hide chips until the next entry
    clock: { delta: 0, offset: 420, shifted: false },
  };

  // ---------- server calls ----------

  async function api(path, body) {
    const opt = body === undefined ? {} : {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    };
    const res = await fetch('/sim/api/' + path, opt);
    if (!res.ok) {
      let msg = 'HTTP ' + res.status;
      try { msg = (await res.json()).error || msg; } catch (_) { /* not JSON */ }
      throw new Error(msg);
    }
    return res.status === 204 ? null : res.json();
  }

  function toast(text) {
    const t = $('toast');
    t.textContent = text;
    t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { t.hidden = true; }, 3500);
  }

  const fail = (err) => toast(err.message || String(err));

  // ---------- people and chats ----------

  const persona = (id) => state.personas.find((p) => p.id === id);
  const group = (id) => state.groups.find((g) => g.id === id);

  function colorOf(id) {
    let h = 0;
    for (const c of id) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    return COLORS[h % COLORS.length];
  }

  function avatar(name, id) {
    const a = el('div', 'avatar', Array.from(name || '?')[0]);
    a.style.background = colorOf(id || name);
    return a;
  }

  function renderChats() {
    const list = $('chats');
    list.replaceChildren();
    const item = (id, name, role, as) => {
      const b = el('button');
      b.type = 'button';
      b.dataset.chat = id;
      if (id === state.chat) b.classList.add('current');
      b.append(avatar(name, id));
      const who = el('span', 'who');
      who.append(el('span', 'name', name), el('span', 'role', ROLES[role] || role || ''));
      b.append(who);
      if (state.unread[id]) b.append(el('span', 'badge', state.unread[id]));
      b.addEventListener('click', () => {
        openChat(id, as()).catch(fail);
        $('drawer').classList.remove('open');
      });
      const li = el('li');
      li.append(b);
      list.append(li);
    };
    for (const p of state.personas) item(p.id, p.name, p.role || 'added', () => p.id);
    for (const g of state.groups) {
      item(g.id, g.name, g.role || 'group', () => (persona(state.as) ? state.as : state.personas[0].id));
    }
  }

  function renderHeader() {
    const g = group(state.chat);
    const p = persona(state.as);
    $('chat-title').textContent = g ? g.name + ' (' + (state.personas.length + 1) + ')' : BOT_NAME;
    $('chat-sub').textContent = p ? (g ? 'ผู้พูด · Speaking: ' : 'ผู้ใช้ · As: ') + p.name +
      (p.role ? ' · ' + (ROLES[p.role] || p.role).split(' · ')[0] : '') : '';
    const sp = $('speaker');
    sp.hidden = !g;
    sp.replaceChildren();
    for (const q of state.personas) {
      const o = el('option', '', q.name);
      o.value = q.id;
      o.selected = q.id === state.as;
      sp.append(o);
    }
  }

  async function openChat(chat, as) {
    state.chat = chat;
    state.as = as;
    state.entries = [];
    state.unread[chat] = 0;
    localStorage.setItem('sim.chat', JSON.stringify({ chat, as }));
    renderChats();
    renderHeader();
    renderMessages();
    const history = await api('open', { chat, as });
    state.opened[chat] = true;
    merge(history);
  }

  // merge adds entries of the shown chat, skipping ones already shown.
  function merge(list) {
    let fresh = false;
    for (const e of list) {
      if (e.chat !== state.chat || state.entries.some((x) => x.seq === e.seq)) continue;
      state.entries.push(e);
      fresh = true;
    }
    if (!fresh) return;
    state.entries.sort((a, b) => a.seq - b.seq);
    state.quickUsed = false;
    renderMessages();
  }

  // ---------- dates and times ----------

  function shortDate(day) { // "2026-03-16" → "จ. 16 มี.ค. 69"
    const [y, m, d] = day.split('-').map(Number);
    const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
    return DAYS[wd] + ' ' + d + ' ' + MONTHS[m - 1] + ' ' + String(y + 543).slice(-2);
  }

  const clockTime = (hhmm) => hhmm.replace(':', '.');

  // programmeNow is the simulated clock's reading, as a Date whose UTC
  // fields are the programme's local date and time.
  function programmeNow() {
    return new Date(Date.now() + state.clock.delta + state.clock.offset * 60000);
  }

  function pad(n) { return String(n).padStart(2, '0'); }

  function renderClock() {
    const t = programmeNow();
    const day = t.getUTCFullYear() + '-' + pad(t.getUTCMonth() + 1) + '-' + pad(t.getUTCDate());
    const hm = pad(t.getUTCHours()) + '.' + pad(t.getUTCMinutes());
    const now = $('clock-now');
    now.textContent = shortDate(day) + ' ' + hm + ' น.' + (state.clock.shifted ? ' (จำลอง · simulated)' : '');
    now.classList.toggle('shifted', state.clock.shifted);
    const badge = $('clock-badge');
    badge.textContent = '🕒 ' + (state.clock.shifted ? shortDate(day) + ' ' : '') + hm;
    badge.classList.toggle('shifted', state.clock.shifted);
  }

  function setClock(c) {
    state.clock = { delta: Date.parse(c.now) - Date.now(), offset: c.offset, shifted: c.shifted };
    const t = programmeNow();
    $('clock-at').value = t.getUTCFullYear() + '-' + pad(t.getUTCMonth() + 1) + '-' + pad(t.getUTCDate()) +
      'T' + pad(t.getUTCHours()) + ':' + pad(t.getUTCMinutes());
    renderClock();
  }

  // ---------- the chat ----------

  function renderMessages() {
    const box = $('messages');
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 60;
    box.replaceChildren();
    let day = '';
    for (const e of state.entries) {
      if (e.day !== day) {
        day = e.day;
        const sep = el('div', 'day');
        sep.append(el('span', '', shortDate(day)));
        box.append(sep);
      }
      box.append(renderEntry(e));
    }
    if (atBottom || state.entries.length) box.scrollTop = box.scrollHeight;
    renderQuick();
  }

  function renderEntry(e) {
    if (e.from === 'system') {
      const n = el('div', 'note' + (e.note === 'follow' || e.note === 'join' ? '' : ' error'));
      const s = el('span', '', NOTES[e.note] || e.note);
      if (e.detail) s.title = e.detail;
      n.append(s);
      if (e.detail) n.append(el('div', 'hint', e.detail));
      return n;
    }
    const mine = e.from === 'user' && e.persona === state.as;
    const row = el('div', 'msg' + (mine ? ' mine' : ''));
    const col = el('div', 'col');
    const line = el('div', 'line');
    if (e.from === 'bot') {
      const a = avatar(BOT_NAME, 'bot');
      a.classList.add('bot');
      a.style.background = '';
      row.append(a);
      if (group(e.chat)) col.append(el('div', 'sender', BOT_NAME));
      line.append(renderMessage(e.message));
    } else {
      if (!mine) {
        const p = persona(e.persona);
        const name = p ? p.name : '?';
        row.append(avatar(name, e.persona));
        col.append(el('div', 'sender', name));
      }
      line.append(e.file ? renderFile(e.file) : el('div', 'bubble', e.text));
    }
    line.append(el('span', 'time', clockTime(e.time)));
    col.append(line);
    row.append(col);
    return row;
  }

  // renderFile draws a file message as LINE does: an icon, the name and
  // the size.
  function renderFile(f) {
    const b = el('div', 'file-bubble');
    const ext = (f.name.match(/\.([A-Za-z0-9]{1,5})$/) || [])[1] || '';
    b.append(el('div', 'file-icon', /^(xlsx?|csv)$/i.test(ext) ? '📊' : '📄'));
    const t = el('div', 'file-text');
    t.append(el('div', 'file-name', f.name), el('div', 'file-size', fileSize(f.size)));
    b.append(t);
    return b;
  }

  function fileSize(n) {
    if (n < 1024) return n + ' B';
    if (n < 1024 * 1024) return (n / 1024).toFixed(n < 10240 ? 1 : 0) + ' KB';
    if (n < 1024 * 1024 * 1024) return (n / 1048576).toFixed(1) + ' MB';
    return (n / 1073741824).toFixed(2) + ' GB';
  }

  function renderQuick() {
    const q = $('quick');
    q.replaceChildren();
    const last = state.entries[state.entries.length - 1];
    const items = last && last.from === 'bot' && last.message && last.message.quickReply
      ? last.message.quickReply.items || [] : [];
    q.hidden = state.quickUsed || items.length === 0;
    if (q.hidden) return;
    for (const it of items) {
      const a = it.action || {};
      const chip = el('button', 'chip', a.label || '');
      chip.type = 'button';
      chip.addEventListener('click', () => {
        state.quickUsed = true;
        renderQuick();
        act(a);
      });
      q.append(chip);
    }
  }

  // ---------- LINE message objects ----------

  function renderMessage(m) {
    switch (m.type) {
      case 'text':
      case 'textV2':
        return el('div', 'bubble', m.text);
      case 'sticker':
        return el('div', 'sticker', '🙂');
      case 'image': {
        const d = el('div', 'image');
        const img = el('img');
        img.src = m.previewImageUrl || m.originalContentUrl;
        img.alt = '';
        d.append(img);
        return d;
      }
      case 'template':
        return renderTemplate(m.template || {});
      case 'flex':
        return renderFlex(m.contents || {});
      default:
        return el('div', 'bubble muted', '[' + m.type + '] ' + (m.altText || ''));
    }
  }

  function actionButton(a, cls) {
    const b = el('button', cls, a.label || '');
    b.type = 'button';
    b.addEventListener('click', () => act(a));
    return b;
  }

  function templateColumn(t, cls) {
    const card = el('div', 'tpl' + (cls ? ' ' + cls : ''));
    if (t.thumbnailImageUrl) {
      const img = el('img');
      img.src = t.thumbnailImageUrl;
      img.alt = '';
      card.append(img);
    }
    const body = el('div', 'tpl-body');
    if (t.title) body.append(el('div', 'tpl-title', t.title));
    body.append(el('div', '', t.text || ''));
    card.append(body);
    const actions = el('div', 'actions');
    for (const a of t.actions || []) actions.append(actionButton(a, 'tpl-action'));
    card.append(actions);
    return card;
  }

  function renderTemplate(t) {
    switch (t.type) {
      case 'buttons':
        return templateColumn(t);
      case 'confirm':
        return templateColumn(t, 'confirm');
      case 'carousel': {
        const c = el('div', 'carousel');
        for (const col of t.columns || []) c.append(templateColumn(col));
        return c;
      }
      case 'image_carousel': {
        const c = el('div', 'carousel');
        for (const col of t.columns || []) {
          const img = el('img', 'clickable');
          img.src = col.imageUrl;
          img.alt = (col.action && col.action.label) || '';
          img.style.width = '160px';
          img.addEventListener('click', () => act(col.action || {}));
          c.append(img);
        }
        return c;
      }
      default:
        return el('div', 'bubble muted', '[template ' + t.type + ']');
    }
  }

  // Flex Message sizes in pixels, as LINE draws them.
  const SPACING = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
  const TEXT_SIZE = { xxs: 11, xs: 13, sm: 14, md: 16, lg: 19, xl: 22, xxl: 29, '3xl': 35, '4xl': 48, '5xl': 74 };
  const IMAGE_SIZE = { xxs: 40, xs: 60, sm: 80, md: 100, lg: 120, xl: 140, xxl: 160, '3xl': 180, '4xl': 200, '5xl': 240 };
  const BUBBLE_WIDTH = { nano: 120, micro: 160, deca: 220, hecto: 241, kilo: 260, mega: 300, giga: 386 };
  const BORDER = { none: 0, light: 0.5, normal: 1, medium: 2, 'semi-bold': 3, bold: 4 };
  const RADIUS = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };

  // size reads a keyword from table or passes a CSS length ("12px", "50%").
  function size(v, table) {
    if (v === undefined || v === null || v === '') return '';
    return v in table ? table[v] + 'px' : String(v);
  }

  function renderFlex(c) {
    if (c.type === 'carousel') {
      const wrap = el('div', 'carousel');
      for (const b of c.contents || []) wrap.append(renderBubble(b));
      return wrap;
    }
    return renderBubble(c);
  }

  function renderBubble(b) {
    const bubble = el('div', 'flex-bubble');
    bubble.style.width = (BUBBLE_WIDTH[b.size] || BUBBLE_WIDTH.mega) + 'px';
    const styles = b.styles || {};
    let first = true;
    for (const part of ['header', 'hero', 'body', 'footer']) {
      const c = b[part];
      if (!c) continue;
      const sec = el('div', 'flex-' + part);
      const st = styles[part] || {};
      if (st.backgroundColor) sec.style.backgroundColor = st.backgroundColor;
      if (st.separator && !first) sec.style.borderTop = '1px solid ' + (st.separatorColor || '#d4d6da');
      if (c.type === 'box' && part !== 'hero') {
        // A block's own padding, when the box sets one, replaces the default.
        if (c.paddingAll || c.paddingTop || c.paddingBottom || c.paddingStart || c.paddingEnd) sec.style.padding = '0';
      }
      if (part === 'hero') sec.style.padding = '0';
      sec.append(renderComponent(c, 'vertical', true, null));
      bubble.append(sec);
      first = false;
    }
    if (b.action) clickable(bubble, b.action);
    return bubble;
  }

  function clickable(node, action) {
    node.classList.add('clickable');
    node.addEventListener('click', (ev) => {
      ev.stopPropagation();
      act(action);
    });
  }

  // renderComponent draws one Flex component inside a box of parentLayout;
  // first is true for the box's first child (no spacing before it).
  function renderComponent(c, parentLayout, first, parentSpacing) {
    let node;
    switch (c.type) {
      case 'box': node = renderBox(c); break;
      case 'text': node = renderText(c); break;
      case 'button': node = renderButton(c); break;
      case 'image': node = renderImage(c); break;
      case 'icon': {
        node = el('img', 'flex-icon');
        node.src = c.url;
        node.alt = '';
        if (c.size) node.style.width = node.style.height = size(c.size, TEXT_SIZE);
        break;
      }
      case 'separator':
        node = el('hr', 'flex-separator' + (parentLayout === 'vertical' ? '' : ' v'));
        if (c.color) node.style.borderColor = c.color;
        break;
      case 'filler':
        node = el('div');
        node.style.flex = String(c.flex === undefined ? 1 : c.flex) + ' 0 0';
        return node;
      case 'spacer':
        node = el('div');
        node.style.flex = 'none';
        node.style.height = size(c.size || 'md', SPACING);
        break;
      default:
        node = el('div', 'hint', '[' + c.type + ']');
    }
    const horizontal = parentLayout !== 'vertical';
    // The space before a child: its margin, else the box's spacing. LINE
    // puts none before the first child.
    if (!first) {
      const gap = size(c.margin !== undefined ? c.margin : parentSpacing, SPACING);
      if (gap && horizontal) node.style.marginLeft = gap;
      else if (gap) node.style.marginTop = gap;
    }
    if (c.type !== 'separator' && c.type !== 'spacer') {
      const flex = c.flex !== undefined ? c.flex : (horizontal ? 1 : 0);
      node.style.flex = flex > 0 ? flex + ' ' + (horizontal ? '1 0' : '0 auto') : 'none';
      if (c.type === 'icon' && c.flex === undefined) node.style.flex = 'none';
    }
    const gravity = { top: 'flex-start', center: 'center', bottom: 'flex-end' }[c.gravity];
    if (gravity && horizontal) node.style.alignSelf = gravity;
    if (c.position === 'absolute') node.style.position = 'absolute';
    else if (c.offsetTop || c.offsetBottom || c.offsetStart || c.offsetEnd) node.style.position = 'relative';
    if (c.offsetTop) node.style.top = size(c.offsetTop, SPACING);
    if (c.offsetBottom) node.style.bottom = size(c.offsetBottom, SPACING);
    if (c.offsetStart) node.style.left = size(c.offsetStart, SPACING);
    if (c.offsetEnd) node.style.right = size(c.offsetEnd, SPACING);
    return node;
  }

  function renderBox(c) {
    const box = el('div', 'flex-box');
    const layout = c.layout || 'vertical';
    box.style.flexDirection = layout === 'vertical' ? 'column' : 'row';
    if (layout === 'baseline') box.style.alignItems = 'baseline';
    const s = box.style;
    if (c.backgroundColor) s.backgroundColor = c.backgroundColor;
    if (c.borderWidth) s.border = size(c.borderWidth, BORDER) + ' solid ' + (c.borderColor || '#000');
    if (c.cornerRadius) s.borderRadius = size(c.cornerRadius, RADIUS);
    if (c.width) s.width = c.width;
    if (c.height) s.height = c.height;
    if (c.maxWidth) s.maxWidth = c.maxWidth;
    if (c.maxHeight) s.maxHeight = c.maxHeight;
    if (c.paddingAll) s.padding = size(c.paddingAll, SPACING);
    if (c.paddingTop) s.paddingTop = size(c.paddingTop, SPACING);
    if (c.paddingBottom) s.paddingBottom = size(c.paddingBottom, SPACING);
    if (c.paddingStart) s.paddingLeft = size(c.paddingStart, SPACING);
    if (c.paddingEnd) s.paddingRight = size(c.paddingEnd, SPACING);
    if (c.justifyContent) s.justifyContent = c.justifyContent;
    if (c.alignItems && layout !== 'baseline') s.alignItems = c.alignItems;
    if (c.position !== 'absolute' && box.style.position === '') s.position = 'relative';
    (c.contents || []).forEach((child, i) => box.append(renderComponent(child, layout, i === 0, c.spacing)));
    if (c.action) clickable(box, c.action);
    return box;
  }

  function textStyle(node, c) {
    const s = node.style;
    if (c.size) s.fontSize = size(c.size, TEXT_SIZE);
    if (c.weight === 'bold') s.fontWeight = '700';
    if (c.color) s.color = c.color;
    if (c.style === 'italic') s.fontStyle = 'italic';
    if (c.decoration && c.decoration !== 'none') s.textDecoration = c.decoration;
  }

  function renderText(c) {
    const node = el('div', 'flex-text' + (c.wrap ? '' : ' nowrap'));
    if (c.contents && c.contents.length) {
      for (const sp of c.contents) {
        const span = el('span', '', sp.text);
        textStyle(span, sp);
        node.append(span);
      }
    } else {
      node.textContent = c.text || '';
    }
    textStyle(node, c);
    if (c.align) node.style.textAlign = { start: 'left', end: 'right', center: 'center' }[c.align] || '';
    if (c.lineSpacing) node.style.lineHeight = 'calc(1.45em + ' + c.lineSpacing + ')';
    if (c.wrap && c.maxLines > 0) {
      node.style.display = '-webkit-box';
      node.style.webkitBoxOrient = 'vertical';
      node.style.webkitLineClamp = String(c.maxLines);
      node.style.overflow = 'hidden';
    }
    if (c.action) clickable(node, c.action);
    return node;
  }

  function renderButton(c) {
    const a = c.action || {};
    const style = c.style || 'link';
    const b = actionButton(a, 'flex-button ' + style + (c.height === 'sm' ? ' sm' : ''));
    if (c.color) {
      if (style === 'link') b.style.color = c.color;
      else b.style.backgroundColor = c.color;
    }
    return b;
  }

  function renderImage(c) {
    const img = el('img', 'flex-image');
    img.src = c.url;
    img.alt = '';
    img.style.width = c.size === 'full' ? '100%' : size(c.size || 'md', IMAGE_SIZE);
    if (c.aspectRatio) img.style.aspectRatio = c.aspectRatio.replace(':', ' / ');
    img.style.objectFit = c.aspectMode === 'cover' ? 'cover' : 'contain';
    if (c.backgroundColor) img.style.backgroundColor = c.backgroundColor;
    img.style.alignSelf = { start: 'flex-start', end: 'flex-end' }[c.align] || 'center';
    if (c.action) clickable(img, c.action);
    return img;
  }

  // ---------- taps and typing ----------

  function send(body) {
    const m = Object.assign({ chat: state.chat, as: state.as }, body);
    return api('send', m).catch(fail);
  }

  // act does what tapping a LINE action does.
  function act(a) {
    switch (a.type) {
      case 'postback':
        return send({ type: 'postback', data: a.data, displayText: a.displayText || a.text || '' });
      case 'message':
        return send({ type: 'text', text: a.text });
      case 'uri':
        if (/^(https?:|tel:|mailto:)/i.test(a.uri || '')) window.open(a.uri, '_blank', 'noopener');
        else toast('ลิงก์นี้เปิดในโปรแกรมจำลองไม่ได้ · Link not opened: ' + (a.uri || ''));
        return null;
      case 'datetimepicker':
        return pick(a);
      default:
        toast('โปรแกรมจำลองยังไม่รองรับ · Not simulated: ' + a.type);
        return null;
    }
  }

  // pick opens the date-time picker and sends its answer as LINE does: a
  // postback with params date, time or datetime.
  function pick(a) {
    const dlg = $('picker');
    const input = $('picker-input');
    const mode = a.mode || 'datetime';
    input.type = { date: 'date', time: 'time', datetime: 'datetime-local' }[mode] || 'datetime-local';
    input.min = a.min || '';
    input.max = a.max || '';
    input.value = a.initial || '';
    $('picker-label').textContent = a.label || '';
    dlg.onclose = () => {
      if (dlg.returnValue !== 'ok' || !input.value) return;
      send({ type: 'postback', data: a.data, params: { [mode]: input.value } });
    };
    dlg.returnValue = '';
    dlg.showModal();
  }

  $('composer').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const input = $('text');
    const text = input.value;
    if (!text.trim()) return;
    input.value = '';
    state.quickUsed = true;
    renderQuick();
    send({ type: 'text', text });
  });

  // Sending a file: LINE's app sends any file up to MAX_FILE; the
  // simulator uploads its content (up to MAX_UPLOAD) for the bot to fetch,
  // and a larger one as its name and size only.
  const MAX_UPLOAD = 32 * 1024 * 1024;
  const MAX_FILE = 1024 * 1024 * 1024;

  async function sendFile(file) {
    if (file.size === 0) throw new Error('ไฟล์ว่าง ส่งไม่ได้ · The file is empty');
    if (file.size > MAX_FILE) throw new Error('LINE ส่งไฟล์ได้ไม่เกิน 1 GB · LINE sends files up to 1 GB');
    const q = new URLSearchParams({ chat: state.chat, as: state.as, name: file.name });
    let body = file;
    if (file.size > MAX_UPLOAD) {
      q.set('size', String(file.size));
      body = null;
    }
    const res = await fetch('/sim/api/file?' + q, {
      method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body,
    });
    if (!res.ok) {
      let msg = 'HTTP ' + res.status;
      try { msg = (await res.json()).error || msg; } catch (_) { /* not JSON */ }
      throw new Error(msg);
    }
  }

  $('attach').addEventListener('click', () => $('file').click());
  $('file').addEventListener('change', (ev) => {
    const input = ev.target;
    const files = [...input.files];
    input.value = ''; // the same file may be sent again
    if (!files.length) return;
    state.quickUsed = true;
    renderQuick();
    (async () => { for (const f of files) await sendFile(f); })().catch(fail);
  });

  $('speaker').addEventListener('change', (ev) => {
    state.as = ev.target.value;
    localStorage.setItem('sim.chat', JSON.stringify({ chat: state.chat, as: state.as }));
    renderHeader();
    renderMessages();
  });

  $('menu-btn').addEventListener('click', () => $('drawer').classList.toggle('open'));

  $('add-persona').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const p = await api('personas', { name: $('new-name').value, lang: $('new-lang').value });
      $('new-name').value = '';
      if (!persona(p.id)) state.personas.push(p);
      await openChat(p.id, p.id);
      $('drawer').classList.remove('open');
    } catch (err) { fail(err); }
  });

  $('clock-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    api('clock', { at: $('clock-at').value }).then(setClock).catch(fail);
  });
  $('clock-reset').addEventListener('click', () => api('clock', { reset: true }).then(setClock).catch(fail));

  // ---------- live updates ----------

  function onEntry(e) {
    if (e.chat === state.chat) {
      merge([e]);
      return;
    }
    if (persona(e.chat) || group(e.chat)) {
      state.unread[e.chat] = (state.unread[e.chat] || 0) + 1;
      renderChats();
    }
  }

  // resync reloads everything after (re)connecting, so nothing sent while
  // the stream was down is missed. The server's history replaces what the
  // page had (after a restart of the program it starts afresh).
  async function resync() {
    const st = await api('state');
    state.personas = st.personas;
    state.groups = st.groups;
    state.opened = st.opened;
    setClock(st.clock);
    let want = { chat: state.chat, as: state.as };
    if (!want.chat) {
      try { want = JSON.parse(localStorage.getItem('sim.chat') || '{}'); } catch (_) { want = {}; }
    }
    const ok = (persona(want.chat) && want.as === want.chat) || (group(want.chat) && persona(want.as));
    if (ok) await openChat(want.chat, want.as);
    else if (state.personas.length) await openChat(state.personas[0].id, state.personas[0].id);
  }

  function connect() {
    const es = new EventSource('/sim/api/events');
    es.addEventListener('open', () => {
      $('conn').hidden = true;
      resync().catch(fail);
    });
    es.addEventListener('entry', (ev) => onEntry(JSON.parse(ev.data)));
    es.addEventListener('personas', (ev) => {
      state.personas = JSON.parse(ev.data);
      renderChats();
      renderHeader();
    });
    es.addEventListener('clock', (ev) => setClock(JSON.parse(ev.data)));
    es.addEventListener('error', () => {
      $('conn').hidden = false;
      if (es.readyState === EventSource.CLOSED) setTimeout(connect, 2000);
    });
  }

  setInterval(renderClock, 1000);
  connect();
})();
