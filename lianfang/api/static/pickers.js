// Type-ahead pickers for fields that take an id: an input marked data-picker="Post"
// (or Person, Power, Unit) offers, as one types a name or an id, the records that match,
// each with its unit, since many posts share a name; choosing one fills in its id.
"use strict";

function attachPicker(input) {
  const list = document.createElement("datalist");
  list.id = `${input.name}-choices-${Math.random().toString(36).slice(2, 8)}`;
  input.setAttribute("list", list.id);
  input.setAttribute("autocomplete", "off");
  input.after(list);
  let timer = null;
  let asked = "";
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (!text || text === asked) return;
    timer = setTimeout(async () => {
      asked = text;
      const params = new URLSearchParams({ q: text, limit: "20", label: input.dataset.picker });
      const response = await fetch(`/api/search?${params}`, { credentials: "same-origin" });
      if (!response.ok) return;
      const hits = await response.json();
      list.replaceChildren(
        ...hits.map((hit) => {
          const option = document.createElement("option");
          option.value = hit.uid;
          option.label = [hit.name, hit.unit].filter(Boolean).join(" · ");
          option.textContent = option.label;
          return option;
        }),
      );
    }, 120);
  });
}

document.querySelectorAll("input[data-picker]").forEach(attachPicker);
