// The perceptron page: w1, w2 and θ by hand, the truth table, and the learning rule on a gate.
"use strict";
(function () {
  const app = $("#app");
  const GATES = {and: [0, 0, 0, 1], or: [0, 1, 1, 1], nand: [1, 1, 1, 0], xor: [0, 1, 1, 0]};
  const X = [[0, 0], [1, 0], [0, 1], [1, 1]];
  const gate = el("select", {"data-testid": "gate"}, ...Object.keys(GATES).map(g => el("option", {value: g, text: g.toUpperCase()})));
  const slider = (id, v) => el("input", {type: "range", id, "data-testid": id, min: "-1.5", max: "1.5", step: "0.05", value: String(v)});
  const w1 = slider("w1", 0.5), w2 = slider("w2", 0.5), th = slider("theta", 0.7);
  const vals = el("span", {class: "note"});
  const canvas = el("canvas", {width: "260", height: "260"});
  const table = el("table", {class: "tt", "data-testid": "truth-table"});
  const status = el("div", {class: "status", "data-testid": "perceptron-status"});
  const log = el("div", {class: "explain", "data-testid": "perceptron-log"});
  let run = null, k = 0;
  app.append(el("div", {class: "bar"}, el("label", {}, T("gate"), gate), el("label", {}, "w₁ (" + T("weights") + ")", w1),
    el("label", {}, "w₂", w2), el("label", {}, T("threshold"), th), vals,
    el("button", {class: "primary", "data-testid": "learn-step", text: T("learn_step"), onclick: () => learn(1)}),
    el("button", {"data-testid": "learn-run", text: T("learn_run"), onclick: () => learn(1000)})));
  app.append(el("div", {class: "cols"}, el("div", {class: "panel"}, canvas), el("div", {class: "panel"}, el("h3", {text: T("truth_table")}), table, status)), log);
  app.append(el("p", {class: "note", text: "y = 1 if w₁x₁ + w₂x₂ > θ else 0   (θ = −b, " + T("bias") + " b)"}));
  function draw() {
    const a = +w1.value, b = +w2.value, t = +th.value, target = GATES[gate.value];
    vals.textContent = `w₁=${a.toFixed(2)} w₂=${b.toFixed(2)} θ=${t.toFixed(2)}`;
    table.innerHTML = "<tr><th>x₁</th><th>x₂</th><th>w·x</th><th>y</th><th>" + gate.value.toUpperCase() + "</th></tr>";
    X.forEach(([x1, x2], i) => {
      const s = a * x1 + b * x2, y = s > t ? 1 : 0;
      table.append(el("tr", {}, el("td", {text: x1}), el("td", {text: x2}), el("td", {text: s.toFixed(2)}),
        el("td", {text: y, class: y === target[i] ? "good" : "bad"}), el("td", {text: target[i]})));
    });
    const ctx = canvas.getContext("2d"), W = 260, px = v => 40 + v * 180, py = v => 220 - v * 180;
    ctx.clearRect(0, 0, W, W);
    for (let i = 0; i < 52; i++) for (let j = 0; j < 52; j++) {
      const x1 = (i * 5 - 40) / 180, x2 = (220 - j * 5) / 180, y = a * x1 + b * x2 > t;
      ctx.fillStyle = y ? "#d6e9f5" : "#fde9d2"; ctx.fillRect(i * 5, j * 5, 5, 5);
    }
    X.forEach(([x1, x2], i) => { ctx.beginPath(); ctx.arc(px(x1), py(x2), 9, 0, 7); ctx.fillStyle = target[i] ? "#0877bd" : "#f59322"; ctx.fill(); });
    if (Math.abs(b) <= 1e-9 && Math.abs(a) > 1e-9) { ctx.beginPath(); ctx.strokeStyle = "#000"; ctx.moveTo(px(t / a), 0); ctx.lineTo(px(t / a), W); ctx.stroke(); }
    if (Math.abs(b) > 1e-9) { ctx.beginPath(); ctx.strokeStyle = "#000"; ctx.moveTo(px(-0.3), py((t - a * -0.3) / b)); ctx.lineTo(px(1.3), py((t - a * 1.3) / b)); ctx.stroke(); }
  }
  async function learn(n) {
    if (!run || run.gate !== gate.value) { run = await api("/api/perceptron?gate=" + gate.value + "&epochs=20&lr=0.1"); k = 0; log.textContent = ""; }
    for (let i = 0; i < n && k < run.epochs.length; i++, k++) {
      const e = run.epochs[k];
      w1.value = e.w[0]; w2.value = e.w[1]; th.value = -e.b;
      log.textContent += `epoch ${k + 1}: w = [${e.w.map(v => v.toFixed(2))}], b = ${e.b.toFixed(2)}, ${T("errors")} = ${e.errors}\n`;
    }
    draw();
    if (k >= run.epochs.length) status.textContent = run.converged ? T("converged") : T("xor_fails");
  }
  for (const s of [w1, w2, th]) s.addEventListener("input", draw);
  gate.addEventListener("change", () => { run = null; status.textContent = ""; log.textContent = ""; draw(); });
  const g = query().get("gate"); if (g && GATES[g]) gate.value = g;
  draw();
})();
