// One movie in a list: title, genres, score and reasons, with the buttons that act on it.

import { element } from "./dom.js";
import { ratingControl } from "./rating.js";

/**
 * Build the list item of one movie.
 *
 * `movie` has the API's fields (movie_id, title, genres, and for recommendations score and
 * reasons). `actions` maps each wanted action to its handler: `rate(movie, value)` resolves to
 * true once saved, and `similar`, `explain` and `hide` get the movie. `rating` is the user's
 * current rating, when known.
 */
export function movieItem(movie, { actions = {}, rating = null, badge = null } = {}) {
  const item = element("li", "movie");
  item.dataset.movieId = String(movie.movie_id);

  const head = element("div", "movie-head");
  head.append(element("h3", "title", movie.title));
  if (badge) head.append(element("span", "badge", badge));
  item.append(head);

  const facts = [];
  if (movie.genres?.length) facts.push(movie.genres.join(" · "));
  if (typeof movie.score === "number") facts.push(`score ${formatNumber(movie.score)}`);
  if (facts.length) item.append(element("p", "meta", facts.join(" — ")));

  if (movie.reasons?.length) {
    const reasons = element("ul", "reasons");
    reasons.setAttribute("aria-label", `Reasons for ${movie.title}`);
    for (const reason of movie.reasons) reasons.append(element("li", null, reason));
    item.append(reasons);
  }

  const buttons = element("div", "actions");
  if (actions.explain) buttons.append(button("Why?", `Why ${movie.title} is recommended`, () => actions.explain(movie)));
  if (actions.similar) buttons.append(button("Similar", `Movies similar to ${movie.title}`, () => actions.similar(movie)));
  if (actions.hide) buttons.append(button("Not interested", `Not interested in ${movie.title}`, () => actions.hide(movie)));
  if (actions.rate) {
    buttons.append(ratingControl(movie, { current: rating, onSave: (value) => actions.rate(movie, value) }));
  }
  item.append(buttons);
  return item;
}

/** Format a score or contribution with about three significant digits. */
export function formatNumber(value) {
  const size = Math.abs(value);
  if (size >= 100) return value.toFixed(0);
  if (size >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

function button(text, label, onClick) {
  const node = element("button", "small", text);
  node.type = "button";
  node.setAttribute("aria-label", label);
  node.addEventListener("click", onClick);
  return node;
}
