// Shared helpers of the playground pages: words, API calls, errors, navigation, graph stepping.
"use strict";
const B = window.BADAK;
function T(key) { return B.T[key] || key; }
function $(sel, root) { return (root || document).querySelector(sel); }
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "text") e.textContent = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}
function showError(message) { const box = $("#error"); box.textContent = T("error") + ": " + message; box.hidden = false; }
function clearError() { const box = $("#error"); box.hidden = true; box.textContent = ""; }
async function api(path, body) {
  const opts = body === undefined ? {} : {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
  let res;
  try { res = await fetch(path, opts); } catch (e) { showError(String(e)); throw e; }
  const data = await res.json().catch(() => ({error: "HTTP " + res.status}));
  if (!res.ok) { showError(data.error || ("HTTP " + res.status)); const err = new Error(data.error); err.handled = true; throw err; }
  return data;
}
function query() { return new URLSearchParams(location.search); }
function setQuery(params) {
  const q = new URLSearchParams(params); q.set("lang", B.lang);
  history.replaceState(null, "", location.pathname + "?" + q.toString());
}
function buildNav() {
  const nav = $("#nav");
  const pages = [["playground", "/"], ["graph", "/graph"], ["perceptron", "/perceptron"], ["descent", "/descent"], ["activations", "/activations"]];
  for (const [name, path] of pages) {
    nav.append(el("a", {href: path + "?lang=" + B.lang, class: name === B.page ? "current" : "", text: T("nav_" + name)}));
  }
  nav.append(el("span", {class: "spacer"}));
  const other = B.lang === "ko" ? "en" : "ko";
  nav.append(el("a", {href: "#", id: "lang-toggle", "data-testid": "lang-toggle", text: T("language"), onclick: (e) => {
    e.preventDefault(); const q = query(); q.set("lang", other); location.search = q.toString(); }}));
}
buildNav();
window.addEventListener("unhandledrejection", (e) => { if (e.reason && e.reason.handled) e.preventDefault(); });

// Colours of TensorFlow Playground: orange for negative, blue for positive.
function colour(v) {  // v in [-1, 1] -> [r, g, b]
  const a = Math.max(-1, Math.min(1, v));
  const neg = [245, 147, 34], pos = [8, 119, 189], mid = [232, 234, 235];
  const c = a < 0 ? neg : pos, t = Math.abs(a);
  return [0, 1, 2].map(i => Math.round(mid[i] + (c[i] - mid[i]) * t));
}
function decode(b64) { const s = atob(b64); const out = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i); return out; }
function drawMap(canvas, b64, n) {  // quantised values (0..255 for -1..1) as a heat map
  const bytes = decode(b64);
  const off = drawMap.off || (drawMap.off = document.createElement("canvas"));
  off.width = n; off.height = n;
  const ctx = off.getContext("2d"), img = ctx.createImageData(n, n);
  for (let i = 0; i < n * n; i++) { const [r, g, b] = colour(bytes[i] / 127.5 - 1); img.data.set([r, g, b, 255], i * 4); }
  ctx.putImageData(img, 0, 0);
  const c = canvas.getContext("2d"); c.imageSmoothingEnabled = true;
  c.drawImage(off, 0, 0, canvas.width, canvas.height);
}

// A traced computational graph (SVG with g.node[data-node]) and its step-by-step walk.
class GraphStepper {
  constructor(root) {
    this.root = root;
    this.box = el("div", {class: "graph-box", "data-testid": "graph"});
    this.fwd = el("button", {"data-testid": "forward-step", text: T("forward_step"), onclick: () => this.forwardStep()});
    this.back = el("button", {"data-testid": "backward-step", class: "primary", text: T("backward_step"), onclick: () => this.backwardStep()});
    this.explain = el("div", {class: "explain", "data-testid": "graph-explain"});
    root.append(el("div", {class: "bar"}, this.fwd, this.back, el("span", {class: "note", text: T("chain_rule")})), this.box, this.explain);
  }
  show(data) {
    this.data = data; this.f = 0; this.b = 0;
    this.box.innerHTML = data.svg;
    this.explain.textContent = "";
  }
  nodes() { return Array.from(this.box.querySelectorAll("g.node")); }
  mark(active) {
    for (const g of this.nodes()) g.classList.toggle("active", g.dataset.node === active);
  }
  forwardStep() {
    if (!this.data) return;
    const order = this.data.forward;
    if (this.f >= order.length) this.f = 0;
    const shown = new Set(order.slice(0, this.f + 1).map(o => o.node || o));
    for (const g of this.nodes()) g.classList.toggle("dim", !shown.has(g.dataset.node));
    const item = order[this.f]; const id = item.node || item;
    this.mark(id);
    const node = this.box.querySelector(`g.node[data-node="${CSS.escape(id)}"]`);
    const text = node ? Array.from(node.querySelectorAll("text")).map(t => t.textContent).join("  ") : id;
    this.explain.textContent += `${T("forward")} ${this.f + 1}: ${text}\n`;
    this.f++;
  }
  backwardStep() {
    if (!this.data) return;
    const steps = this.data.steps;
    if (this.b >= steps.length) { this.b = 0; this.explain.textContent = ""; }
    for (const g of this.nodes()) g.classList.remove("dim");
    const s = steps[this.b];
    this.mark(s.node);
    let text = `${T("backward")} ${s.step}: [${s.op}] → ${s.output}; ${T("upstream")} = ${s.upstream}\n`;
    for (const i of s.inputs) {
      if (i.passed === null) { text += `   ${i.label} = ${i.value}: (${T("constant")})\n`; continue; }
      if (i.local !== null && !/^[-\d\[]/.test(i.local)) {  // a rule (matrix product, sum, ...)
        text += `   ${i.label} = ${i.value}: ${i.local} → ${i.passed}   (${T("passed")})\n`;
      } else {
        text += `   ${i.label} = ${i.value}: ${s.upstream} × ${i.local} = ${i.passed}   (${T("passed")})\n`;
      }
    }
    this.explain.textContent += text;
    this.b++;
  }
}
