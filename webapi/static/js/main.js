// The page's state and its wiring: the chosen user and strategy, the lists, and the panels.
//
// The user and strategy are also kept in the address (#user=1&strategy=hybrid), so a reload or
// a shared link opens the same view.

import * as api from "./api.js";
import { element } from "./dom.js";
import { drawExplanation } from "./explain.js";
import { formatNumber, movieItem } from "./movies.js";

const LIST_SIZE = 10;
const SEARCH_DELAY_MS = 300; // typing pause before the search runs by itself
const USER_ID = /^[1-9][0-9]{0,17}$/;
// New users get a random id in this range, far above MovieLens ids, and the page checks that
// no user has it yet.
const NEW_USER_BASE = 1_000_000_000;
const NEW_USER_SPAN = 1_000_000_000;
const NEW_USER_ATTEMPTS = 5;

const $ = (id) => document.getElementById(id);
const page = {
  userForm: $("user-form"),
  userInput: $("user-id"),
  newUser: $("new-user"),
  strategy: $("strategy"),
  status: $("status"),
  error: $("error"),
  errorText: $("error-text"),
  errorClose: $("error-close"),
  recSection: $("recommendations"),
  recHeading: $("rec-heading"),
  recNote: $("rec-note"),
  recList: $("rec-list"),
  searchForm: $("search-form"),
  searchInput: $("search-query"),
  searchNote: $("search-note"),
  searchResults: $("search-results"),
  similarSection: $("similar"),
  similarHeading: $("similar-heading"),
  similarList: $("similar-list"),
  ratingsSection: $("ratings"),
  ratingsHeading: $("ratings-heading"),
  ratingsNote: $("ratings-note"),
  ratingsList: $("ratings-list"),
  explainSection: $("explain"),
  explainHeading: $("explain-heading"),
  explainSummary: $("explain-summary"),
  explainGraph: $("explain-graph"),
  explainPaths: $("explain-paths"),
  keyDialog: $("key-dialog"),
  keyForm: $("key-form"),
  keyReason: $("key-reason"),
  keyInput: $("key-input"),
  keyCancel: $("key-cancel"),
};

const state = {
  user: null,
  isNew: false,
  strategy: "hybrid",
  recommendations: [],
  explained: null, // the movie whose explanation is open
  // Each list counts its requests, so a response that arrives after a newer request is dropped.
  sequence: { recommendations: 0, ratings: 0, search: 0, similar: 0, explain: 0 },
};

// ---- messages ----

function setStatus(text) {
  page.status.textContent = text;
}

function showError(action, error) {
  const detail = error instanceof api.ApiError ? error.describe() : `${error.message} (a bug in the page)`;
  page.errorText.textContent = `${action}: ${detail}`;
  page.error.hidden = false;
  if (!(error instanceof api.ApiError)) console.error(error);
}

function clearError() {
  page.error.hidden = true;
  page.errorText.textContent = "";
}

// ---- the API key prompt ----

let pendingKey = null;

/** Show the key dialog and resolve to the entered key, or null when the person cancels. */
function askForKey(reason) {
  if (pendingKey) return pendingKey; // two writes at once share one prompt
  const returnFocus = document.activeElement;
  pendingKey = new Promise((resolve) => {
    const finish = (key) => {
      page.keyForm.removeEventListener("submit", onSubmit);
      page.keyCancel.removeEventListener("click", onCancel);
      page.keyDialog.removeEventListener("cancel", onEscape);
      page.keyDialog.close();
      page.keyInput.value = "";
      pendingKey = null;
      returnFocus?.focus?.();
      resolve(key);
    };
    const onSubmit = (event) => {
      event.preventDefault();
      const key = page.keyInput.value.trim();
      if (key) finish(key);
      else page.keyInput.focus();
    };
    const onCancel = () => finish(null);
    const onEscape = (event) => {
      event.preventDefault();
      finish(null);
    };
    page.keyForm.addEventListener("submit", onSubmit);
    page.keyCancel.addEventListener("click", onCancel);
    page.keyDialog.addEventListener("cancel", onEscape);
    page.keyReason.textContent = reason;
    page.keyInput.value = "";
    page.keyDialog.showModal();
    page.keyInput.focus();
  });
  return pendingKey;
}

// ---- the user, the strategy and the address ----

/** Apply the user and strategy in the address, when they differ from the page's. */
function readAddress() {
  const params = new URLSearchParams(location.hash.slice(1));
  const strategy = params.get("strategy");
  const knownStrategy = strategy && page.strategy.querySelector(`input[value="${CSS.escape(strategy)}"]`);
  const strategyChanged = Boolean(knownStrategy) && strategy !== state.strategy;
  if (strategyChanged) {
    state.strategy = strategy;
    setStrategyInput(strategy);
  }
  const user = params.get("user");
  if (user && USER_ID.test(user) && user !== state.user) selectUser(user, { isNew: false });
  else if (strategyChanged) loadRecommendations();
}

function writeAddress() {
  const params = new URLSearchParams();
  if (state.user) params.set("user", state.user);
  params.set("strategy", state.strategy);
  history.replaceState(null, "", `#${params}`);
}

function checkedStrategy() {
  return page.strategy.querySelector("input:checked")?.value ?? "hybrid";
}

function setStrategyInput(strategy) {
  for (const input of page.strategy.querySelectorAll("input")) input.checked = input.value === strategy;
}

/** Make `user` (a string of digits) the current user and load their lists. */
function selectUser(user, { isNew }) {
  clearError();
  state.user = user;
  state.isNew = isNew;
  state.recommendations = [];
  page.userInput.value = user;
  closePanel(page.explainSection);
  state.explained = null;
  writeAddress();
  if (isNew) {
    page.recHeading.textContent = `Recommendations for new user ${user}`;
    page.recNote.textContent = `You are new user ${user}. Find a movie by its title and rate it; your recommendations appear here after the first rating.`;
    page.recList.replaceChildren();
    showRatings({ total: 0, items: [] });
    setStatus(`Started as new user ${user}.`);
    page.searchInput.focus();
    return;
  }
  setStatus(`Showing user ${user}.`);
  loadRecommendations();
  loadRatings();
}

async function startNewUser() {
  clearError();
  setStatus("Choosing an unused user id…");
  for (let attempt = 0; attempt < NEW_USER_ATTEMPTS; attempt += 1) {
    const [random] = crypto.getRandomValues(new Uint32Array(1));
    const user = String(NEW_USER_BASE + (random % NEW_USER_SPAN));
    try {
      await api.get(`users/${user}/ratings?limit=1`);
      continue; // taken: try another id
    } catch (error) {
      if (error instanceof api.ApiError && error.status === 404) {
        selectUser(user, { isNew: true });
        return;
      }
      showError("Could not choose a new user id", error);
      return;
    }
  }
  showError("Could not choose a new user id", new api.ApiError(0, `the ${NEW_USER_ATTEMPTS} random ids tried were all taken`, null));
}

// ---- recommendations ----

/** Load the current user's list; `change` ({movie, verb}) describes the write that led to this reload. */
async function loadRecommendations(change = null) {
  const user = state.user;
  if (!user) return;
  const sequence = ++state.sequence.recommendations;
  page.recSection.setAttribute("aria-busy", "true");
  page.recHeading.textContent = `Recommendations for user ${user}`;
  const query = new URLSearchParams({ k: String(LIST_SIZE), strategy: state.strategy });
  try {
    const data = await api.get(`users/${user}/recommendations?${query}`);
    if (sequence !== state.sequence.recommendations) return;
    const previous = state.recommendations;
    state.recommendations = data.items;
    renderRecommendations(data.items, previous, change);
  } catch (error) {
    if (sequence !== state.sequence.recommendations) return;
    state.recommendations = [];
    page.recList.replaceChildren();
    if (error instanceof api.ApiError && error.status === 404) {
      page.recNote.textContent = `User ${user} is not in the data yet: check the id, or find a movie and rate it to start this user.`;
    } else {
      page.recNote.textContent = "";
      showError("Could not load the recommendations", error);
    }
  } finally {
    if (sequence === state.sequence.recommendations) page.recSection.setAttribute("aria-busy", "false");
  }
}

function renderRecommendations(items, previous, change) {
  const before = new Set(previous.map((movie) => movie.movie_id));
  const now = new Set(items.map((movie) => movie.movie_id));
  // A first list after a new user's first rating is all new, so it gets no badges.
  const entered = change && previous.length ? items.filter((movie) => !before.has(movie.movie_id)) : [];
  const left = change ? previous.filter((movie) => !now.has(movie.movie_id)) : [];

  const actions = { explain: showExplanation, similar: showSimilar, hide: hideMovie, rate: rateMovie };
  page.recList.replaceChildren(
    ...items.map((movie) => movieItem(movie, { actions, badge: entered.includes(movie) ? "new in the list" : null })),
  );

  let note = items.length
    ? `${items.length} movies from the ${state.strategy} strategy, best first.`
    : `The ${state.strategy} strategy has no movies left to recommend.`;
  if (change) {
    const parts = [];
    if (left.length) parts.push(`${left.map((movie) => movie.title).join(", ")} left the list`);
    if (!previous.length) parts.push("here is your first list");
    else if (entered.length) parts.push(`${entered.length} ${entered.length === 1 ? "movie" : "movies"} came in`);
    note += ` After you ${change.verb} ${change.movie.title}: ${parts.length ? parts.join("; ") : "the list kept its movies"}.`;
  }
  page.recNote.textContent = note;
}

async function rateMovie(movie, value) {
  if (!state.user) {
    showError(`Could not rate ${movie.title}`, new api.ApiError(0, "no user is chosen: enter a user id or press New user first", null));
    return false;
  }
  const user = state.user;
  clearError();
  try {
    const result = await api.write("PUT", `users/${user}/ratings/${movie.movie_id}`, { rating: value });
    setStatus(`Saved ${value} stars for ${movie.title} as user ${user} (${result.created ? "a new rating" : "replacing the earlier one"}).`);
    state.isNew = false;
    await Promise.all([loadRecommendations({ movie, verb: "rated" }), loadRatings()]);
    return true;
  } catch (error) {
    showError(`Could not save the rating of ${movie.title}`, error);
    return false;
  }
}

async function hideMovie(movie) {
  const user = state.user;
  clearError();
  try {
    await api.write("POST", `users/${user}/not-interested/${movie.movie_id}`);
    setStatus(`${movie.title} is hidden from user ${user}'s recommendations.`);
    await loadRecommendations({ movie, verb: "hid" });
  } catch (error) {
    showError(`Could not hide ${movie.title}`, error);
  }
}

// ---- ratings ----

async function loadRatings() {
  const user = state.user;
  if (!user) return;
  const sequence = ++state.sequence.ratings;
  try {
    const data = await api.get(`users/${user}/ratings?limit=${LIST_SIZE}`);
    if (sequence === state.sequence.ratings) showRatings(data);
  } catch (error) {
    if (sequence !== state.sequence.ratings) return;
    if (error instanceof api.ApiError && error.status === 404) showRatings({ total: 0, items: [] });
    else showError("Could not load the ratings", error);
  }
}

function showRatings(data) {
  page.ratingsSection.hidden = false;
  page.ratingsHeading.textContent = `Ratings of user ${state.user}`;
  if (data.total === 0) page.ratingsNote.textContent = "No ratings yet.";
  else if (data.total > data.items.length) page.ratingsNote.textContent = `The newest ${data.items.length} of ${data.total} ratings.`;
  else page.ratingsNote.textContent = `${data.total} ${data.total === 1 ? "rating" : "ratings"}, newest first.`;
  const actions = { similar: showSimilar, rate: rateMovie };
  page.ratingsList.replaceChildren(...data.items.map((movie) => movieItem(movie, { actions, rating: movie.rating })));
}

// ---- search ----

let searchTimer = null;

async function runSearch(text) {
  clearTimeout(searchTimer);
  const query = text.trim();
  const sequence = ++state.sequence.search;
  if (!query) {
    page.searchNote.hidden = false;
    page.searchNote.textContent = "Type a word of the title first.";
    page.searchResults.replaceChildren();
    return;
  }
  try {
    const data = await api.get(`movies?${new URLSearchParams({ q: query, limit: String(LIST_SIZE) })}`);
    if (sequence !== state.sequence.search) return;
    const actions = { similar: showSimilar, rate: rateMovie };
    page.searchResults.replaceChildren(...data.items.map((movie) => movieItem(movie, { actions })));
    page.searchNote.hidden = false;
    page.searchNote.textContent = data.items.length
      ? `${data.items.length} ${data.items.length === 1 ? "title matches" : "titles match"} “${query}”.`
      : `No title matches “${query}”.`;
  } catch (error) {
    if (sequence === state.sequence.search) showError(`Could not search for “${query}”`, error);
  }
}

// ---- similar movies and explanations ----

async function showSimilar(movie) {
  clearError();
  const sequence = ++state.sequence.similar;
  openPanel(page.similarSection, page.similarHeading, `Movies similar to ${movie.title}`);
  page.similarList.replaceChildren(element("li", "note", "Loading…"));
  try {
    const data = await api.get(`movies/${movie.movie_id}/similar?k=${LIST_SIZE}`);
    if (sequence !== state.sequence.similar) return;
    const actions = { similar: showSimilar, rate: rateMovie };
    const items = data.items.map((similar) => movieItem(similar, { actions }));
    page.similarList.replaceChildren(...(items.length ? items : [element("li", "note", "No similar movies found.")]));
  } catch (error) {
    if (sequence !== state.sequence.similar) return;
    page.similarList.replaceChildren();
    showError(`Could not load the movies similar to ${movie.title}`, error);
  }
}

async function showExplanation(movie) {
  clearError();
  const user = state.user;
  const strategy = state.strategy;
  const sequence = ++state.sequence.explain;
  state.explained = movie;
  openPanel(page.explainSection, page.explainHeading, `Why ${movie.title} for user ${user}`);
  page.explainSummary.textContent = "Loading…";
  page.explainGraph.replaceChildren();
  page.explainPaths.replaceChildren();
  try {
    const query = new URLSearchParams({ strategy });
    const graph = await api.get(`users/${user}/recommendations/${movie.movie_id}/explain?${query}`);
    if (sequence !== state.sequence.explain) return;
    page.explainSummary.textContent = explanationSummary(graph);
    drawExplanation(graph, page.explainGraph, page.explainPaths);
  } catch (error) {
    if (sequence !== state.sequence.explain) return;
    page.explainSummary.textContent = "";
    showError(`Could not explain ${movie.title}`, error);
  }
}

function explanationSummary(graph) {
  const info = graph.graph ?? {};
  let text = `${info.strategy} score ${formatNumber(info.score ?? 0)}`;
  const parts = Object.entries(info.strategies ?? {})
    .filter(([, part]) => part.contribution > 0)
    .map(([name, part]) => `${name} ${formatNumber(part.contribution)}`);
  if (info.strategy === "hybrid" && parts.length) text += ` = ${parts.join(" + ")}`;
  const count = graph.paths?.length ?? 0;
  return `${text}. ${count} ${count === 1 ? "path" : "paths"} drawn; hover over or focus a path to pick it out.`;
}

// The element that had the focus when each panel opened, which gets it back when the panel closes.
const openers = new Map();

function openPanel(section, heading, title) {
  if (section.hidden) openers.set(section, document.activeElement);
  section.hidden = false;
  heading.textContent = title;
  heading.focus({ preventScroll: true });
  section.scrollIntoView({ block: "nearest" });
}

function closePanel(section) {
  section.hidden = true;
  if (section === page.explainSection) state.explained = null;
}

// ---- wiring ----

function wire() {
  api.setKeyPrompt(askForKey);

  page.userForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const user = page.userInput.value.trim();
    if (!USER_ID.test(user)) {
      showError("Could not show that user", new api.ApiError(0, `invalid user id “${user}”: enter a positive whole number such as 1`, null));
      page.userInput.focus();
      return;
    }
    selectUser(user, { isNew: false });
  });
  page.newUser.addEventListener("click", startNewUser);

  page.strategy.addEventListener("change", () => {
    state.strategy = checkedStrategy();
    writeAddress();
    setStatus(`Strategy: ${state.strategy}.`);
    loadRecommendations();
    if (state.explained) showExplanation(state.explained);
  });

  page.searchForm.addEventListener("submit", (event) => {
    event.preventDefault();
    runSearch(page.searchInput.value);
  });
  page.searchInput.addEventListener("input", () => {
    clearTimeout(searchTimer);
    const text = page.searchInput.value;
    if (text.trim().length >= 2) searchTimer = setTimeout(() => runSearch(text), SEARCH_DELAY_MS);
  });

  page.errorClose.addEventListener("click", clearError);
  for (const button of document.querySelectorAll("[data-close]")) {
    button.addEventListener("click", () => {
      const section = $(button.dataset.close);
      closePanel(section);
      const opener = openers.get(section);
      if (opener?.isConnected) opener.focus();
      else page.recHeading.focus();
    });
  }
  window.addEventListener("hashchange", readAddress);
}

wire();
setStrategyInput(state.strategy); // a browser may restore another radio button on reload
readAddress();
if (!state.user) page.userInput.focus();
