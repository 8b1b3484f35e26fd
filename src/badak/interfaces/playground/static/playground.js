// The playground page: settings, play/pause/step/reset, the network with its neurons' maps,
// the decision boundary with the data, the loss curves, and one sample's computational graph.
"use strict";
const DATASETS = ["circle", "xor", "gauss", "spiral", "moons", "sine", "cubic", "abs", "reg-plane", "reg-gauss", "csv"];
const ACTS = ["step", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "maxout"];
const OPTS = ["sgd", "momentum", "adagrad", "rmsprop", "adam"];
const FEATURES = [["x1", "x₁"], ["x2", "x₂"], ["x1sq", "x₁²"], ["x2sq", "x₂²"], ["x1x2", "x₁x₂"], ["sinx1", "sin x₁"], ["sinx2", "sin x₂"]];
const KEYS = ["dataset", "noise", "ratio", "points", "batch", "features", "hidden", "activation", "optimizer", "lr", "reg", "regrate", "seed"];
const app = $("#app");
let sid = null, state = null, playing = false, busy = false, frame = 0, data = null, features = ["x1", "x2"];
let chosen = null;  // the sample whose graph is shown: [x1, x2]

function select(id, options, testid) {
  return el("select", {id, "data-testid": testid || id}, ...options.map(o => el("option", {value: o, text: B.T["opt_" + o] || o})));
}
function field(label, input) { return el("label", {}, label, input); }
function num(id, attrs) { return el("input", Object.assign({id, type: "number", step: "any", "data-testid": id}, attrs || {})); }

const playBtn = el("button", {class: "primary", "data-testid": "play", text: T("play"), onclick: () => toggle()});
const stepBtn = el("button", {"data-testid": "step", text: T("step"), onclick: () => stepOnce()});
const resetBtn = el("button", {"data-testid": "reset", text: T("reset"), onclick: () => doReset()});
const epochOut = el("span", {class: "big", "data-testid": "epoch", text: "0"});
const controls = {
  dataset: select("dataset", DATASETS), activation: select("activation", ACTS),
  optimizer: select("optimizer", OPTS), reg: select("reg", ["none", "l1", "l2"]),
  lr: num("lr", {"data-testid": "learning-rate", min: "0", value: "0.03"}),
  regrate: num("regrate", {min: "0", value: "0"}),
  hidden: el("input", {id: "hidden", type: "text", "data-testid": "hidden", value: "4,2", title: T("hidden_help")}),
  noise: num("noise", {min: "0", max: "50", step: "5", value: "0"}),
  ratio: num("ratio", {min: "10", max: "90", step: "10", value: "50"}),
  points: num("points", {min: "50", max: "1000", step: "50", value: "500"}),
  batch: num("batch", {min: "1", max: "500", value: "10"}),
  seed: num("seed", {min: "0", step: "1", value: "1"}),
};
const upload = el("input", {type: "file", accept: ".csv,text/csv", "data-testid": "upload"});
app.append(el("div", {class: "bar"},
  playBtn, stepBtn, resetBtn, field(T("epoch"), epochOut),
  field(T("learning_rate"), controls.lr), field(T("activation"), controls.activation),
  field(T("optimizer"), controls.optimizer), field(T("regularization"), controls.reg),
  field(T("reg_rate"), controls.regrate), field(T("hidden"), controls.hidden),
  el("button", {"data-testid": "add-layer", title: "+1 " + T("hidden"), text: "+", onclick: () => changeLayers(1)}),
  el("button", {"data-testid": "remove-layer", title: "−1 " + T("hidden"), text: "−", onclick: () => changeLayers(-1)})));
function changeLayers(delta) {  // add a layer of 4 units or remove the last one (0–8 layers)
  const sizes = controls.hidden.value.split(",").map(v => v.trim()).filter(v => v !== "");
  if (delta > 0 && sizes.length < 8) sizes.push("4");
  if (delta < 0) sizes.pop();
  controls.hidden.value = sizes.join(","); update();
}
app.append(el("div", {class: "bar", style: "margin-top:8px"},
  field(T("dataset"), controls.dataset), field(T("noise"), controls.noise), field(T("ratio"), controls.ratio),
  field(T("points"), controls.points), field(T("batch"), controls.batch), field(T("seed"), controls.seed),
  field(T("upload"), upload)));

const network = el("div", {id: "network"});
const netPanel = el("div", {class: "panel"}, el("h3", {text: T("features") + " → " + T("hidden") + " → " + T("output")}), network);
const boundary = el("canvas", {id: "boundary", width: "300", height: "300", "data-testid": "boundary", style: "cursor:crosshair"});
const curve = el("canvas", {id: "curve", width: "300", height: "90"});
const trainOut = el("span", {"data-testid": "train-loss", text: "–"});
const testOut = el("span", {"data-testid": "test-loss", text: "–"});
const overfit = el("div", {class: "note", "data-testid": "overfitting"});
const outPanel = el("div", {class: "panel"}, el("h3", {text: T("output")}),
  el("div", {}, T("train_loss") + ": ", trainOut), el("div", {}, T("test_loss") + ": ", testOut), overfit,
  curve, boundary, el("div", {class: "note", text: T("click_point")}),
  el("div", {class: "bar", style: "margin-top:6px"},
    el("button", {"data-testid": "export-code", text: T("export_code"), onclick: () => { location.href = "/api/export?sid=" + sid; }}),
    el("button", {"data-testid": "export-model", text: T("export_model"), onclick: () => { location.href = "/api/model?sid=" + sid; }})));
app.append(el("div", {class: "cols"}, netPanel, outPanel));
const graphPanel = el("div", {class: "panel", style: "margin-top:12px"}, el("h3", {text: T("graph")}));
app.append(graphPanel);
const stepper = new GraphStepper(graphPanel);

function readConfig() {
  const c = {};
  for (const k of KEYS) if (controls[k]) c[k] = controls[k].value;
  c.features = features.join(",");
  return c;
}
function writeConfig(c) {
  for (const k of KEYS) if (controls[k] && c[k] !== undefined) controls[k].value = Array.isArray(c[k]) ? c[k].join(",") : c[k];
  features = c.features;
}
function share() { setQuery(readConfig()); }

async function start() {
  const q = query(), config = {};
  for (const k of KEYS) if (q.has(k)) config[k] = q.get(k);
  let res;
  try { res = await api("/api/session", {config}); }
  catch (e) { res = await api("/api/session", {config: {}}); }  // the message stays shown
  sid = res.sid; data = res.state; writeConfig(res.state.config); render(res.state);
  if (!$("#error").textContent) share();
  if (q.get("autoplay") === "1") toggle();
}

async function update() {
  clearError();
  try {
    const res = await api("/api/update", {sid, config: readConfig()});
    if (res.rebuilt) data = res.state;
    render(res.state); share();
  } catch (e) { if (state) writeConfig(state.config); }
}
for (const k of KEYS) if (controls[k]) controls[k].addEventListener("change", update);
upload.addEventListener("change", async () => {
  const file = upload.files[0]; if (!file) return;
  clearError();
  const res = await fetch("/api/upload?sid=" + sid, {method: "POST", body: file});
  const body = await res.json().catch(() => ({error: "HTTP " + res.status}));
  if (!res.ok) { showError(body.error); return; }
  data = body.state; writeConfig(body.state.config); render(body.state); share();
});

function toggle() {
  playing = !playing; playBtn.textContent = playing ? T("pause") : T("play");
  playBtn.setAttribute("aria-pressed", String(playing));
  if (playing) loop();
}
async function loop() {
  while (playing) {
    busy = true;   // a request in flight still renders after a pause: say when it has
    try {
      const res = await api("/api/train", {sid, budget_ms: 15, neurons: frame % 3 === 0, since: state.epoch});
      frame++; render(res.state);
    } catch (e) { playing = false; playBtn.textContent = T("play"); break; }
    finally { busy = false; }
    await new Promise(r => requestAnimationFrame(r));
  }
}
async function stepOnce() {
  if (playing) toggle();
  try { const res = await api("/api/train", {sid, epochs: 1, since: state.epoch}); render(res.state); } catch (e) { /* shown */ }
}
async function doReset() {
  if (playing) toggle();
  clearError();
  const res = await api("/api/reset", {sid}); data = res.state; chosen = null; render(res.state);
}

function fmt(v) { return v === null || v === undefined ? "–" : v.toFixed(3); }

let renders = 0, lossHistory = [];
function render(s) {
  // a frame after training carries only the new epochs of the loss history
  if (state && s.history.length && s.history[0][0] === state.epoch + 1 && s.epoch > state.epoch) {
    lossHistory = lossHistory.concat(s.history).slice(-1000);
  } else {
    lossHistory = s.history.slice();
  }
  state = s; renders++;
  epochOut.textContent = String(s.epoch);
  trainOut.textContent = fmt(s.train_loss); testOut.textContent = fmt(s.test_loss);
  overfit.textContent = s.epoch > 50 && s.test_loss > 1.5 * s.train_loss + 0.02 ? T("overfitting") : "";
  drawBoundary(s); drawCurve(s);
  const key = s.config.features.join(",") + "|" + s.config.hidden.join(",") + "|" + s.weights.length;
  if (network.dataset.layout !== key) drawNetwork(s, key);
  if (s.neurons) updateMaps(s);
  updateEdges(s);
}

function drawBoundary(s) {
  drawMap(boundary, s.boundary, s.grid);
  const ctx = boundary.getContext("2d"), W = boundary.width;
  const toPx = v => (v + 6) / 12 * W;
  const pts = [[data.train, "#fff"], [data.test, "#000"]];
  for (const [list, stroke] of pts) {
    for (const [x1, x2, y] of list || []) {
      const v = s.task === "classification" ? (y > 0.5 ? 1 : -1) : y;
      const [r, g, b] = colour(v);
      ctx.beginPath(); ctx.arc(toPx(x1), W - toPx(x2), 3, 0, 7);
      ctx.fillStyle = `rgb(${r},${g},${b})`; ctx.fill(); ctx.strokeStyle = stroke; ctx.lineWidth = 1; ctx.stroke();
    }
  }
  if (chosen) {
    ctx.beginPath(); ctx.arc(toPx(chosen[0]), W - toPx(chosen[1]), 8, 0, 7);
    ctx.strokeStyle = "#d50000"; ctx.lineWidth = 2.5; ctx.stroke(); ctx.lineWidth = 1;
  }
}
function drawCurve(s) {
  const ctx = curve.getContext("2d"), W = curve.width, H = curve.height;
  ctx.clearRect(0, 0, W, H);
  const h = lossHistory; if (h.length < 2) return;
  const vals = h.flatMap(r => [r[1], r[2]]).filter(v => v !== null);
  const top = Math.max(...vals, 1e-9);
  for (const [col, colour_] of [[2, "#999"], [1, "#183d4e"]]) {
    ctx.beginPath(); ctx.strokeStyle = colour_; ctx.lineWidth = 1.5;
    h.forEach((r, i) => { const x = i / (h.length - 1) * W, y = H - (r[col] || 0) / top * (H - 4) - 2; i ? ctx.lineTo(x, y) : ctx.moveTo(x, y); });
    ctx.stroke();
  }
}

const BOX = 40, COL = 110, ROW = 52;
function layerSizes(s) { return [FEATURES.length, ...s.config.hidden, 1]; }
function drawNetwork(s, key) {
  network.innerHTML = "";
  const sizes = [s.config.features.length, ...s.config.hidden, 1];
  const tallest = Math.max(FEATURES.length, ...sizes);
  network.style.width = (COL * (sizes.length - 1) + BOX + 20) + "px";
  network.style.height = (tallest * ROW + 24) + "px";
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("width", network.style.width); svg.setAttribute("height", network.style.height);
  svg.style.position = "absolute"; network.append(svg);
  network.dataset.layout = key;
  const pos = (l, i) => [l * COL + BOX, 20 + i * ROW + BOX / 2];
  // edges, one per weight: colour by sign, width by size; a tooltip shows the formula
  s.weights.forEach((layer, l) => {
    layer.W.forEach((row, i) => row.forEach((w, j) => {
      const [x1, y1] = pos(l, i), [x2, y2] = pos(l + 1, j);
      const line = document.createElementNS("http://www.w3.org/2000/svg", "line");
      line.setAttribute("x1", x1); line.setAttribute("y1", y1); line.setAttribute("x2", x2 - BOX); line.setAttribute("y2", y2);
      line.dataset.l = l; line.dataset.i = i; line.dataset.j = j; line.classList.add("edge");
      line.addEventListener("mousemove", (e) => tip(e, edgeText(l, i, j)));
      line.addEventListener("mouseleave", () => { $("#tooltip").hidden = true; });
      svg.append(line);
    }));
  });
  // input features (click to switch on or off), neurons with their maps, the output
  FEATURES.forEach(([key, label], i) => {
    const on = s.config.features.includes(key);
    const k = s.config.features.indexOf(key);
    const c = el("canvas", {width: String(BOX), height: String(BOX), class: "neuron feature" + (on ? "" : " off"), "data-feature": key, title: label});
    c.style.left = "0px"; c.style.top = (20 + (on ? k : s.config.features.length + FEATURES.filter(f => !s.config.features.includes(f[0])).findIndex(f => f[0] === key)) * ROW) + "px";
    c.addEventListener("click", () => {
      features = on ? features.filter(f => f !== key) : FEATURES.map(f => f[0]).filter(f => f === key || features.includes(f));
      update();
    });
    network.append(c);
    const cap = el("div", {class: "caption", text: label}); cap.style.left = "0px"; cap.style.width = BOX + "px";
    cap.style.top = (parseInt(c.style.top) - 13) + "px"; network.append(cap);
    if (on) c.dataset.layer = "0", c.dataset.unit = String(k);
  });
  sizes.slice(1).forEach((n, li) => {
    for (let j = 0; j < n; j++) {
      const c = el("canvas", {width: String(BOX), height: String(BOX), class: "neuron", "data-layer": String(li + 1), "data-unit": String(j)});
      c.style.left = ((li + 1) * COL) + "px"; c.style.top = (20 + j * ROW) + "px";
      c.addEventListener("mousemove", (e) => tip(e, neuronText(li, j)));
      c.addEventListener("mouseleave", () => { $("#tooltip").hidden = true; });
      network.append(c);
    }
  });
  edgeLines = Array.from(network.querySelectorAll("line.edge"));
  outCanvas = network.querySelector(`canvas[data-layer="${s.config.hidden.length + 1}"]`);
}
let edgeLines = [], outCanvas = null;
function updateMaps(s) {  // each input feature's and hidden neuron's output over the plane
  for (const c of network.querySelectorAll("canvas[data-layer]")) {
    const l = +c.dataset.layer, j = +c.dataset.unit;
    if (s.neurons[l] && s.neurons[l][j] && l <= s.config.hidden.length) drawMap(c, s.neurons[l][j], s.neuron_grid);
  }
}
function updateEdges(s) {
  for (const line of edgeLines) {
    const w = s.weights[+line.dataset.l].W[+line.dataset.i][+line.dataset.j];
    const [r, g, b] = colour(Math.tanh(w));
    line.setAttribute("stroke", `rgb(${r},${g},${b})`);
    line.setAttribute("stroke-width", String(Math.min(1 + Math.abs(w) * 2, 8)));
  }
  if (outCanvas) drawMap(outCanvas, s.boundary, s.grid);
}
function inputName(l, i) {
  if (l === 0) return FEATURES.find(f => f[0] === state.config.features[i])[1];
  return `h${l}_${i + 1}`;
}
function actName() { return state.config.activation; }
function neuronText(li, j) {
  const layer = state.weights[li]; if (!layer) return "";
  const last = li === state.weights.length - 1;
  const terms = layer.W.map((row, i) => `${row[j].toFixed(3)}·${inputName(li, i)}`).join(" + ");
  const name = last ? "ŷ" : `h${li + 1}_${j + 1}`;
  const f = last ? (state.task === "classification" ? "σ" : "") : actName();
  return `${name} = ${f}(${terms} + ${layer.b[j].toFixed(3)})\n${T("bias")} b = ${layer.b[j].toFixed(4)}`;
}
function edgeText(l, i, j) {
  const w = state.weights[l].W[i][j];
  return `${T("weights")} w = ${w.toFixed(4)}  (${inputName(l, i)} → ${l === state.weights.length - 1 ? "ŷ" : "h" + (l + 1) + "_" + (j + 1)})\n` + neuronText(l, j);
}
function tip(e, text) { const t = $("#tooltip"); t.textContent = text; t.hidden = false; t.style.left = (e.clientX + 12) + "px"; t.style.top = (e.clientY + 12) + "px"; }

boundary.addEventListener("click", async (e) => {
  const r = boundary.getBoundingClientRect();
  const x1 = (e.clientX - r.left) / r.width * 12 - 6, x2 = 6 - (e.clientY - r.top) / r.height * 12;
  let best = null;
  for (const [set, list] of [["train", data.train], ["test", data.test]]) {
    (list || []).forEach((p, i) => { const d = (p[0] - x1) ** 2 + (p[1] - x2) ** 2; if (!best || d < best.d) best = {d, set, i}; });
  }
  if (!best) return;
  await showSample(best.set, best.i);
});
async function showSample(set, index) {
  const g = await api(`/api/sample?sid=${sid}&set=${set}&index=${index}`);
  chosen = g.point; stepper.show(g); if (state) drawBoundary(state);
}
window.playground = {showSample, state: () => state, renders: () => renders, busy: () => busy};
start();
