// The rating control: ten radio buttons, 0.5 to 5 stars in halves, drawn as half stars.
//
// The radio buttons keep the control usable from the keyboard: Tab reaches the group, the arrow
// keys change the value, and Enter or the Save button saves it.

import { element } from "./dom.js";

export const RATINGS = [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5];

let controlCount = 0;

/**
 * Build a "Rate" disclosure for one movie.
 *
 * `current` is the user's rating of the movie, if any. `onSave(value)` is awaited when the
 * person saves, and the control closes when it resolves to true.
 */
export function ratingControl(movie, { current = null, onSave }) {
  controlCount += 1;
  const name = `rating-${controlCount}`;

  const details = element("details", "rate");
  const summary = element("summary", "button-like", current ? `Rated ${current}` : "Rate");
  summary.setAttribute("aria-label", `${current ? `Change your rating of` : "Rate"} ${movie.title}`);
  details.append(summary);

  const form = element("form", "stars-form");
  form.noValidate = true;
  const group = element("fieldset", "stars");
  group.append(element("legend", "visually-hidden", `Your rating of ${movie.title}`));
  const labels = [];
  for (const value of RATINGS) {
    const id = `${name}-${String(value).replace(".", "-")}`;
    const input = element("input", "visually-hidden");
    Object.assign(input, { type: "radio", name, id, value: String(value), checked: value === current });
    const label = element("label", Number.isInteger(value) ? "half right" : "half left");
    label.htmlFor = id;
    label.title = `${value} stars`;
    label.dataset.value = String(value);
    const glyph = element("span", "glyph", "★");
    glyph.setAttribute("aria-hidden", "true");
    label.append(glyph, element("span", "visually-hidden", `${value} stars`));
    group.append(input, label);
    labels.push(label);
  }
  const output = element("output", "stars-value", current ? `${current} stars` : "no stars chosen");
  const save = element("button", "save", "Save");
  save.type = "submit";
  form.append(group, output, save);
  details.append(form);

  const chosen = () => {
    const checked = group.querySelector("input:checked");
    return checked ? Number(checked.value) : null;
  };
  const paint = (value) => {
    for (const label of labels) label.classList.toggle("on", value !== null && Number(label.dataset.value) <= value);
  };
  paint(current);

  group.addEventListener("change", () => {
    const value = chosen();
    output.textContent = `${value} stars`;
    paint(value);
  });
  group.addEventListener("mouseover", (event) => {
    const label = event.target.closest("label");
    if (label) paint(Number(label.dataset.value));
  });
  group.addEventListener("mouseleave", () => paint(chosen()));

  details.addEventListener("toggle", () => {
    if (!details.open) return;
    const target = group.querySelector("input:checked") ?? group.querySelector("input");
    target.focus();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = chosen();
    if (value === null) {
      output.textContent = "choose 0.5 to 5 stars first";
      group.querySelector("input").focus();
      return;
    }
    save.disabled = true;
    try {
      if (await onSave(value)) {
        details.open = false;
        summary.textContent = `Rated ${value}`;
      }
    } finally {
      save.disabled = false;
    }
  });
  return details;
}
