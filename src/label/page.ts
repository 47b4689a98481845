/**
 * The page `deal label` serves. Items one at a time or as a grid (g), a button and a key per
 * class (1–9, then letters), skip (s), not sure (u), undo (z or Backspace), a keyword filter (/)
 * whose matched words are highlighted, an annotator name kept in the browser, and the session's
 * progress: labels, the model and its test accuracy, the learning curve, which stopping criteria
 * would stop, which model chose the items shown (and a notice when a newer one chose them). An
 * answer is sent with its own request id and sent again until the server acknowledges it (the
 * server records a request once), so neither a slow network nor a restarted server loses or
 * doubles it. Item text is set as text, never as HTML.
 */
export const labelPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>deal label</title>
<style>
  [hidden] { display: none !important; }
  body { font: 16px/1.4 system-ui, sans-serif; margin: 0; background: #f6f6f4; color: #222; }
  header { display: flex; gap: 1em; align-items: center; padding: .6em 1em; background: #fff; border-bottom: 1px solid #ddd; flex-wrap: wrap; }
  header h1 { font-size: 1.1em; margin: 0; }
  header .spacer { flex: 1; }
  input { font: inherit; padding: .2em .4em; }
  main { display: grid; grid-template-columns: minmax(0, 1fr) 300px; gap: 1em; padding: 1em; max-width: 1300px; margin: auto; }
  #item { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 1em; min-height: 360px; display: flex; align-items: center; justify-content: center; }
  #item img { max-width: 100%; max-height: 62vh; object-fit: contain; }
  #item img.small { image-rendering: pixelated; width: 320px; }
  #item pre { white-space: pre-wrap; font: 18px/1.55 Georgia, serif; margin: 0; max-height: 62vh; overflow: auto; width: 100%; max-width: 46em; }
  #grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: .5em; }
  .card { background: #fff; border: 2px solid #ddd; border-radius: 6px; padding: .4em; cursor: pointer; min-height: 120px; position: relative; display: flex; align-items: center; justify-content: center; }
  .card.selected { border-color: #36c; box-shadow: 0 0 0 2px #36c4; }
  .card.done { opacity: .45; }
  .card img { width: 100%; height: 150px; object-fit: contain; }
  .card img.small { image-rendering: pixelated; }
  .card pre { white-space: pre-wrap; font: 14px/1.4 Georgia, serif; margin: 0; max-height: 150px; overflow: hidden; width: 100%; }
  .card .badge { position: absolute; top: .3em; right: .3em; background: #36c; color: #fff; border-radius: 3px; padding: 0 .4em; font-size: .85em; }
  mark { background: #ffe27a; padding: 0 .1em; }
  #choices { display: flex; flex-wrap: wrap; gap: .5em; margin-top: 1em; }
  button { font: inherit; padding: .5em .9em; border: 1px solid #999; border-radius: 4px; background: #fff; cursor: pointer; }
  button:hover { background: #eef; }
  button kbd { font-size: .8em; color: #666; margin-right: .4em; }
  aside { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 1em; font-size: .95em; align-self: start; }
  aside h2 { font-size: .95em; margin: 1em 0 .3em; color: #444; }
  aside dl { display: grid; grid-template-columns: auto 1fr; gap: .2em 1em; margin: 0; }
  aside dt { color: #666; }
  aside ul { margin: 0; padding-left: 1.1em; }
  aside li { margin: .2em 0; }
  #note { color: #666; font-size: .9em; min-height: 1.4em; margin-top: .5em; }
  #notice { background: #e8f0ff; border: 1px solid #9bb8ee; border-radius: 4px; padding: .4em .8em; margin-bottom: .6em; }
  #notice:empty { display: none; }
  #error { color: #a00; }
  .help { color: #777; font-size: .85em; margin-top: 1em; }
</style>
</head>
<body>
<header>
  <h1>deal label</h1><span id="progress"></span><span class="spacer"></span>
  <label>filter <input id="filter" size="12" placeholder="words (/)"></label>
  <button id="view" title="one item or a grid (g)"><kbd>g</kbd><span>grid</span></button>
  <label>annotator <input id="annotator" size="8"></label>
</header>
<main>
  <section>
    <div id="notice"></div>
    <div id="item">loading…</div>
    <div id="grid" hidden></div>
    <div id="choices"></div>
    <div id="note"></div><div id="error"></div>
    <div class="help">keys: a class's number or letter labels the item (in the grid: the selected one; arrows move), s skip, u not sure, z undo, g one item / grid, / filter</div>
  </section>
  <aside>
    <dl id="stats"></dl>
    <h2>learning curve (test accuracy by labels)</h2>
    <svg id="curve" width="270" height="130" viewBox="0 0 270 130"></svg>
    <h2>stopping criteria</h2>
    <ul id="stops"><li>no model yet</li></ul>
  </aside>
</main>
<script>
"use strict";
const token = new URLSearchParams(location.search).get("token");
const headers = token ? { authorization: "Bearer " + token } : {};
const keys = "123456789abcdefhijklmnopqrtvwxy";
const GRID = 12;
let classes = [], kind = "image", queue = [], shown = null, cards = [], selected = 0, pending = Promise.resolve(), refilling = null;
let view = localStorage.getItem("deal-view") === "grid" ? "grid" : "one", filter = "", lastVersion = -1;
const sent = new Set();
const $ = (id) => document.getElementById(id);
const annotator = $("annotator"), filterBox = $("filter");
annotator.value = localStorage.getItem("deal-annotator") || "";
annotator.addEventListener("change", () => localStorage.setItem("deal-annotator", annotator.value.trim()));
const api = async (path, body) => {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(path, body === undefined ? { headers } : { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) });
      if (res.status >= 400 && res.status < 500) throw Object.assign(new Error(await res.text()), { final: true });
      if (!res.ok) throw new Error(await res.text());
      $("error").textContent = "";
      return await res.json();
    } catch (e) {
      if (e.final) { $("error").textContent = e.message; throw e; }
      $("error").textContent = "the server does not answer; retrying…";
      await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt)));
    }
  }
};
const name = () => annotator.value.trim() || undefined;
const words = () => filter.toLowerCase().split(/\\s+/).filter((w) => w !== "");
const escapeRe = (w) => w.replace(/[.*+?^\${}()|[\\]\\\\]/g, "\\\\$&");
// Text with the filter's words marked: text nodes and <mark> elements, never HTML.
const textNode = (tag, text) => {
  const el = document.createElement(tag);
  const ws = words();
  if (ws.length === 0) { el.textContent = text; return el; }
  const re = new RegExp("(" + ws.map(escapeRe).join("|") + ")", "gi");
  text.split(re).forEach((part, i) => {
    if (i % 2 === 1) { const m = document.createElement("mark"); m.textContent = part; el.append(m); }
    else el.append(document.createTextNode(part));
  });
  return el;
};
const itemNode = (item, tag) => {
  if (kind !== "image") return textNode(tag, item.text);
  const img = document.createElement("img");
  img.alt = item.id; img.title = item.id;
  img.onload = () => img.naturalWidth < 100 && img.classList.add("small");
  img.src = "/api/item/" + item.index + (token ? "?token=" + encodeURIComponent(token) : "");
  return img;
};
const chosenBy = (item) => item.version > 0 ? "chosen by model " + item.version : words().length > 0 ? "matches the filter (no model chose it)" : "chosen at random (before the first model)";
const notice = (items) => {
  const newest = Math.max(-1, ...items.map((q) => q.version));
  if (newest > lastVersion && lastVersion >= 0 && newest > 0) {
    $("notice").textContent = "A newer model (model " + newest + ") chose these items.";
    setTimeout(() => ($("notice").textContent = ""), 8000);
  }
  lastVersion = Math.max(lastVersion, newest);
};
const show = () => {
  const box = $("item"), grid = $("grid");
  box.hidden = view !== "one"; grid.hidden = view !== "grid";
  if (view === "grid") {
    if (cards.length === 0 || cards.every((c) => c.done)) { cards = queue.splice(0, GRID).map((item) => ({ item, done: null })); selected = 0; }
    grid.replaceChildren(...cards.map((c, i) => {
      const card = document.createElement("div");
      card.className = "card" + (i === selected ? " selected" : "") + (c.done ? " done" : "");
      card.dataset.item = c.item.id;
      card.append(itemNode(c.item, "pre"));
      if (c.done) { const b = document.createElement("span"); b.className = "badge"; b.textContent = c.done; card.append(b); }
      card.onclick = () => { selected = i; show(); };
      return card;
    }));
    const current = cards[selected];
    grid.dataset.item = current && !current.done ? current.item.id : "";
    $("note").textContent = current ? chosenBy(current.item) : "";
    notice(cards.map((c) => c.item));
    if (cards.length === 0) { grid.textContent = "loading the next items…"; refill(); }
    return;
  }
  box.replaceChildren();
  box.dataset.item = shown === null ? "" : shown.id;
  if (shown === null) { box.textContent = words().length > 0 ? "no unlabelled item matches the filter" : "loading the next items…"; refill().then(() => shown === null && setTimeout(refill, 1000)); $("note").textContent = ""; return; }
  box.append(itemNode(shown, "pre"));
  $("note").textContent = chosenBy(shown);
  notice([shown]);
};
const advance = () => { if (view === "one") shown = queue.shift() || null; show(); };
// One refill at a time; items answered here but not yet acknowledged are never shown again.
// A refill asked for before a reset (a new filter, an undo) is dropped when it returns.
let generation = 0;
const refill = () => (refilling ??= (async () => {
  const asked = generation;
  try {
    const q = words().length > 0 ? "&q=" + encodeURIComponent(filter) : "";
    const { items } = await api("/api/next?n=" + (view === "grid" ? 2 * GRID : 20) + q);
    if (asked !== generation) return;
    const seen = new Set(queue.map((q) => q.id).concat(shown ? [shown.id] : [], cards.map((c) => c.item.id)));
    queue = queue.concat(items.filter((q) => !seen.has(q.id) && !sent.has(q.id)));
  } finally { if (asked === generation) refilling = null; }
  if (asked !== generation) return;
  if (view === "one" && shown === null) advance();
  if (view === "grid" && (cards.length === 0 || cards.every((c) => c.done))) show();
})());
const current = () => view === "one" ? shown : (cards[selected] && !cards[selected].done ? cards[selected].item : null);
const send = (answer, text) => {
  const item = current();
  if (item === null) return;
  const body = { request: crypto.randomUUID(), item: item.id, ...answer, ...(name() ? { annotator: name() } : {}) };
  sent.add(item.id);
  pending = pending.then(() => api("/api/answer", body)).then(status, () => {});
  if (view === "grid") {
    cards[selected].done = text;
    const next = cards.findIndex((c, i) => i > selected && !c.done);
    selected = next >= 0 ? next : Math.max(0, cards.findIndex((c) => !c.done));
    show();
  } else advance();
  if (queue.length < (view === "grid" ? GRID : 8)) pending.then(refill);
};
const reset = async () => { generation++; $("notice").textContent = ""; refilling = null; sent.clear(); shown = null; cards = []; queue = []; await refill(); show(); };
const undo = () => {
  pending = pending.then(() => api("/api/undo", { request: crypto.randomUUID(), ...(name() ? { annotator: name() } : {}) })).then(async (r) => {
    if (r.undone !== null) await reset();
    await status();
  }, () => {});
};
const setView = (v) => {
  view = v; localStorage.setItem("deal-view", v);
  $("view").querySelector("span").textContent = v === "grid" ? "one item" : "grid";
  if (v === "grid") { if (shown) queue.unshift(shown); shown = null; cards = []; }
  else { queue = cards.filter((c) => !c.done).map((c) => c.item).concat(queue); cards = []; shown = null; advance(); return; }
  show();
};
const status = async () => {
  const s = (await api("/api/state")).status;
  // items a newer model has replaced are dropped from the page's queue (not the ones on show)
  if (words().length === 0 && queue.length > 0 && queue.every((q) => q.version < s.version)) { queue = []; refill(); }
  const last = s.models[s.models.length - 1];
  $("progress").textContent = s.labeled + " labelled · model " + s.version + (s.training ? " (a newer one is training)" : "");
  const rows = [["labels", s.labeled], ["answers", s.answers], ["round (model)", s.version], ["test accuracy", last && last.accuracy !== undefined && last.accuracy !== null ? last.accuracy.toFixed(3) : "–"], ["queued", s.queued]];
  $("stats").replaceChildren(...rows.flatMap(([k, v]) => { const dt = document.createElement("dt"), dd = document.createElement("dd"); dt.textContent = k; dd.textContent = String(v); return [dt, dd]; }));
  if (s.error) $("error").textContent = "retraining failed: " + s.error.split("\\n")[0];
  const points = s.models.filter((m) => m.accuracy !== undefined && m.accuracy !== null);
  const maxX = Math.max(1, ...points.map((m) => m.labels));
  const svg = "http://www.w3.org/2000/svg";
  const el = (tag, attrs, text) => { const e = document.createElementNS(svg, tag); for (const k in attrs) e.setAttribute(k, attrs[k]); if (text !== undefined) e.textContent = text; return e; };
  const x = (l) => 30 + 230 * l / maxX, y = (a) => 110 - 100 * a;
  $("curve").replaceChildren(
    el("line", { x1: 30, y1: 110, x2: 262, y2: 110, stroke: "#aaa" }), el("line", { x1: 30, y1: 10, x2: 30, y2: 110, stroke: "#aaa" }),
    el("text", { x: 2, y: 14, "font-size": 10, fill: "#666" }, "1.0"), el("text", { x: 2, y: 112, "font-size": 10, fill: "#666" }, "0.0"),
    el("text", { x: 240, y: 124, "font-size": 10, fill: "#666" }, String(maxX)),
    el("polyline", { points: points.map((m) => x(m.labels).toFixed(1) + "," + y(m.accuracy).toFixed(1)).join(" "), fill: "none", stroke: "#36c", "stroke-width": 2 }),
    ...points.map((m) => el("circle", { cx: x(m.labels), cy: y(m.accuracy), r: 2.5, fill: "#36c" })),
    ...(points.length === 0 && s.models.length > 0 ? [el("text", { x: 40, y: 64, "font-size": 11, fill: "#666" }, "no labelled test split to measure on")] : [])
  );
  const stops = s.stops.map((p) => { const li = document.createElement("li"); li.textContent = p.criterion + (p.version === s.version ? " would stop here" : " would have stopped at model " + p.version) + " (" + p.labels + " labels): " + p.reason; return li; });
  if (stops.length === 0) { const li = document.createElement("li"); li.textContent = s.version === 0 ? "no model yet" : "none would stop yet"; stops.push(li); }
  $("stops").replaceChildren(...stops);
};
const start = async () => {
  const state = await api("/api/state");
  classes = state.classes; kind = state.kind;
  const button = (key, text, act) => { const b = document.createElement("button"); const k = document.createElement("kbd"); k.textContent = key; b.append(k, text); b.onclick = act; return b; };
  $("choices").replaceChildren(
    ...classes.map((c, i) => button(keys[i] || "", c, () => send({ label: c }, c))),
    button("s", "skip", () => send({ skip: true }, "skipped")), button("u", "not sure", () => send({ unsure: true }, "not sure")), button("z", "undo", undo)
  );
  $("view").onclick = () => setView(view === "grid" ? "one" : "grid");
  filterBox.addEventListener("change", () => { filter = filterBox.value.trim(); reset(); });
  document.addEventListener("keydown", (e) => {
    if (e.target === filterBox && e.key === "Escape") { filterBox.value = ""; filterBox.blur(); if (filter !== "") { filter = ""; reset(); } return; }
    if (e.target === annotator || e.target === filterBox || e.ctrlKey || e.metaKey || e.altKey) return;
    const i = keys.indexOf(e.key.toLowerCase());
    if (i >= 0 && i < classes.length) send({ label: classes[i] }, classes[i]);
    else if (e.key === "s") send({ skip: true }, "skipped");
    else if (e.key === "u") send({ unsure: true }, "not sure");
    else if (e.key === "z" || e.key === "Backspace") undo();
    else if (e.key === "g") setView(view === "grid" ? "one" : "grid");
    else if (e.key === "/") { e.preventDefault(); filterBox.focus(); }
    else if (view === "grid" && (e.key === "ArrowRight" || e.key === "ArrowLeft")) { selected = Math.min(cards.length - 1, Math.max(0, selected + (e.key === "ArrowRight" ? 1 : -1))); show(); }
    else return;
    e.preventDefault();
  });
  setView(view);
  await refill();
  await status();
  setInterval(status, 5000);
};
start();
</script>
</body>
</html>
`
