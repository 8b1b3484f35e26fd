// The graph page: any expression's computational graph, stepped forward and backward.
"use strict";
(function () {
  const app = $("#app"), q = query();
  const exprIn = el("input", {type: "text", id: "expr", "data-testid": "expr", size: "40", value: q.get("expr") || "price * count * tax"});
  const varsIn = el("input", {type: "text", id: "vars", "data-testid": "vars", size: "40"});
  const vars = [];
  for (const [k, v] of q.entries()) if (k !== "expr" && k !== "lang") vars.push(`${k}=${v}`);
  varsIn.value = vars.length || q.get("expr") ? vars.join(", ") : "price=100, count=2, tax=1.1";
  const out = el("div", {class: "big", "data-testid": "graph-output"});
  const grads = el("div", {class: "explain", "data-testid": "graph-grads"});
  app.append(el("div", {class: "bar"}, el("label", {}, T("expression"), exprIn), el("label", {}, "x = …", varsIn),
    el("button", {class: "primary", "data-testid": "draw", text: T("draw"), onclick: draw})));
  app.append(el("p", {class: "note", text: T("add_node") + ". " + T("mul_node") + "."}));
  const panel = el("div", {class: "panel", style: "margin-top:8px"}, el("h3", {text: T("graph")}), out);
  app.append(panel);
  const stepper = new GraphStepper(panel);
  panel.append(grads);
  let backwardDone = 0;
  const oldBack = stepper.backwardStep.bind(stepper);
  stepper.backwardStep = function () {
    oldBack();
    if (stepper.b >= stepper.data.steps.length) {
      grads.textContent = Object.entries(stepper.data.grads).map(([k, v]) => `∂${T("result")}/∂${k} = ${v}`).join("\n");
    }
  };
  function draw() {
    const p = new URLSearchParams();
    p.set("expr", exprIn.value);
    for (const part of varsIn.value.split(",")) {
      const [k, v] = part.split("=").map(s => (s || "").trim());
      if (k) p.set(k, v === undefined ? "" : v);
    }
    p.set("lang", B.lang);
    location.search = p.toString();
  }
  async function load() {
    const p = new URLSearchParams(location.search); p.delete("lang");
    if (!p.has("expr")) { p.set("expr", "price * count * tax"); p.set("price", "100"); p.set("count", "2"); p.set("tax", "1.1"); }
    try {
      const g = await api("/api/graph?" + p.toString());
      out.textContent = `${g.expr} = ${g.output}`;
      stepper.show(g); grads.textContent = "";
    } catch (e) { /* the message is shown */ }
  }
  load();
})();
