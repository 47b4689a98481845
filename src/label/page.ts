/**
 * The page `deal label` serves: one item at a time, a button and a key per class (1–9, then
 * letters), skip (s), not sure (u), undo (z or Backspace), an annotator name kept in the browser,
 * and the session's progress: labels, the model, its test accuracy and learning curve, and which
 * model chose the item shown. An answer is sent with its own request id and sent again until the
 * server acknowledges it (the server records a request once), so neither a slow network nor a
 * restarted server loses or doubles it. Item text is set as text, never as HTML.
 */
export const labelPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>deal label</title>
<style>
  body { font: 16px/1.4 system-ui, sans-serif; margin: 0; background: #f6f6f4; color: #222; }
  header { display: flex; gap: 1.5em; align-items: baseline; padding: .6em 1em; background: #fff; border-bottom: 1px solid #ddd; flex-wrap: wrap; }
  header h1 { font-size: 1.1em; margin: 0; }
  main { display: grid; grid-template-columns: minmax(0, 1fr) 300px; gap: 1em; padding: 1em; max-width: 1200px; margin: auto; }
  #item { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 1em; min-height: 360px; display: flex; align-items: center; justify-content: center; }
  #item img { max-width: 100%; max-height: 60vh; image-rendering: pixelated; min-width: 256px; }
  #item pre { white-space: pre-wrap; font: 17px/1.5 Georgia, serif; margin: 0; max-height: 60vh; overflow: auto; width: 100%; }
  #choices { display: flex; flex-wrap: wrap; gap: .5em; margin-top: 1em; }
  button { font: inherit; padding: .5em .9em; border: 1px solid #999; border-radius: 4px; background: #fff; cursor: pointer; }
  button:hover { background: #eef; }
  button kbd { font-size: .8em; color: #666; margin-right: .4em; }
  aside { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 1em; font-size: .95em; }
  aside dl { display: grid; grid-template-columns: auto 1fr; gap: .2em 1em; margin: 0 0 1em; }
  aside dt { color: #666; }
  #note { color: #666; font-size: .9em; min-height: 1.4em; margin-top: .5em; }
  #error { color: #a00; }
</style>
</head>
<body>
<header><h1>deal label</h1><span id="progress"></span><label>annotator <input id="annotator" size="12"></label></header>
<main>
  <section>
    <div id="item">loading…</div>
    <div id="choices"></div>
    <div id="note"></div><div id="error"></div>
  </section>
  <aside>
    <dl id="stats"></dl>
    <svg id="curve" width="260" height="120" viewBox="0 0 260 120"></svg>
  </aside>
</main>
<script>
"use strict";
const token = new URLSearchParams(location.search).get("token");
const headers = token ? { authorization: "Bearer " + token } : {};
const keys = "123456789abcdefghijklmnopqrtvwxy";
let classes = [], kind = "image", queue = [], shown = null, pending = Promise.resolve(), refilling = null;
const sent = new Set();
const $ = (id) => document.getElementById(id);
const annotator = $("annotator");
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
const show = () => {
  shown = queue.shift() || null;
  const box = $("item");
  box.replaceChildren();
  box.dataset.item = shown === null ? "" : shown.id;
  if (shown === null) { box.textContent = "loading the next items…"; refill().then(() => shown === null && setTimeout(refill, 1000)); return; }
  if (kind === "image") { const img = document.createElement("img"); img.alt = shown.id; img.src = "/api/item/" + shown.index + (token ? "?token=" + encodeURIComponent(token) : ""); box.append(img); }
  else { const pre = document.createElement("pre"); pre.textContent = shown.text; box.append(pre); }
  $("note").textContent = shown.version === 0 ? "chosen at random (no model yet)" : "chosen by model " + shown.version;
};
// One refill at a time; items answered here but not yet acknowledged are never shown again.
const refill = () => (refilling ??= (async () => {
  try {
    const { items } = await api("/api/next?n=20");
    const seen = new Set(queue.map((q) => q.id).concat(shown ? [shown.id] : []));
    queue = queue.concat(items.filter((q) => !seen.has(q.id) && !sent.has(q.id)));
  } finally { refilling = null; }
  if (shown === null) show();
})());
const send = (answer) => {
  if (shown === null) return;
  const body = { request: crypto.randomUUID(), item: shown.id, ...answer, ...(name() ? { annotator: name() } : {}) };
  sent.add(shown.id);
  pending = pending.then(() => api("/api/answer", body)).then(status, () => {});
  show();
  if (queue.length < 8) pending.then(refill);
};
const undo = () => {
  pending = pending.then(() => api("/api/undo", { request: crypto.randomUUID(), ...(name() ? { annotator: name() } : {}) })).then(async (r) => {
    if (r.undone !== null) { sent.clear(); shown = null; queue = []; await refill(); }
    await status();
  }, () => {});
};
const status = async () => {
  const s = (await api("/api/state")).status;
  const last = s.models[s.models.length - 1];
  $("progress").textContent = s.labeled + " labelled · model " + s.version + (s.training ? " (a newer one is training)" : "");
  const rows = [["labels", s.labeled], ["answers", s.answers], ["model", s.version], ["test accuracy", last && last.accuracy !== undefined ? last.accuracy.toFixed(3) : "–"], ["queued", s.queued]];
  $("stats").replaceChildren(...rows.flatMap(([k, v]) => { const dt = document.createElement("dt"), dd = document.createElement("dd"); dt.textContent = k; dd.textContent = String(v); return [dt, dd]; }));
  const points = s.models.filter((m) => m.accuracy !== undefined);
  const maxX = Math.max(1, ...points.map((m) => m.labels));
  const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  line.setAttribute("points", points.map((m) => (10 + 240 * m.labels / maxX).toFixed(1) + "," + (110 - 100 * m.accuracy).toFixed(1)).join(" "));
  line.setAttribute("fill", "none"); line.setAttribute("stroke", "#36c"); line.setAttribute("stroke-width", "2");
  $("curve").replaceChildren(line);
};
const start = async () => {
  const state = await api("/api/state");
  classes = state.classes; kind = state.kind;
  const buttons = classes.map((c, i) => { const b = document.createElement("button"); const k = document.createElement("kbd"); k.textContent = keys[i] || ""; b.append(k, c); b.onclick = () => send({ label: c }); return b; });
  const extra = [["s", "skip", () => send({ skip: true })], ["u", "not sure", () => send({ unsure: true })], ["z", "undo", undo]].map(([key, text, act]) => { const b = document.createElement("button"); const k = document.createElement("kbd"); k.textContent = key; b.append(k, text); b.onclick = act; return b; });
  $("choices").replaceChildren(...buttons, ...extra);
  document.addEventListener("keydown", (e) => {
    if (e.target === annotator || e.ctrlKey || e.metaKey || e.altKey) return;
    const i = keys.indexOf(e.key.toLowerCase());
    if (i >= 0 && i < classes.length) send({ label: classes[i] });
    else if (e.key === "s") send({ skip: true });
    else if (e.key === "u") send({ unsure: true });
    else if (e.key === "z" || e.key === "Backspace") undo();
  });
  await refill();
  await status();
  setInterval(status, 5000);
};
start();
</script>
</body>
</html>
`
