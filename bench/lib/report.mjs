// The results table (Markdown; printed and written to bench/RESULTS.md).

export function median(values) {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

const int = (n) => Math.round(n).toLocaleString("en-US");

export function formatValue(v, unit) {
  if (!Number.isFinite(v)) return "n/a";
  switch (unit) {
    case "msgs/s":
      return int(v);
    case "µs":
      return v.toFixed(1);
    case "KB":
      return Math.abs(v) >= 1000 ? int(v) : v.toFixed(1);
    default:
      return String(v);
  }
}

export const ratioOf = (subject, reference) =>
  Number.isFinite(subject) && Number.isFinite(reference) && reference !== 0 ? subject / reference : NaN;

const formatRatio = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : "n/a");

/** One line of text fit for a Markdown table cell. */
function cellText(text, max = 110) {
  const t = String(text).replace(/\s+/g, " ").replace(/\|/g, "/").trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** An error, shortened for a table cell: no server URL, no "last output", no command arguments. */
function shortError(text) {
  return cellText(
    text
      .replace(/^(round \d+|calibration\/warm-up): /, "")
      .replace(/ \(last output: .*$/, "")
      .replace(/-s nats:\/\/\S+ /g, "")
      .replace(/^(\S+ (?:bench js \S+(?: (?:sync|async))?|\S+)) .*? (timed out after \d+) ms/, (_, cmd, t) => `${cmd} ${t.replace(/(\d+)$/, (ms) => `${Math.round(ms / 1000)} s`)}`),
    100,
  );
}

/** The value cell of one side: the median, with a note when rounds failed, or why there is none. */
function valueCell(side, unit, rounds) {
  const ok = side.values.filter(Number.isFinite);
  const m = median(ok);
  if (Number.isFinite(m)) {
    return ok.length < rounds ? `${formatValue(m, unit)} (${ok.length} of ${rounds} rounds; others failed)` : formatValue(m, unit);
  }
  if (side.errors.length) return `failed: ${shortError(side.errors[0])}`;
  return "n/a";
}

/** The targets of a figure: `targets` [{ vs, op, ratio, text, issue }], or the older single `target` (issue #2, against the reference). */
function targetsOf(figure) {
  const list = [...(figure.targets ?? [])];
  if (figure.target) list.push({ vs: "reference", issue: 2, ...figure.target });
  return list;
}

function targetStatus(target, row) {
  const subject = row.sides[0];
  const other = row.sides.find((side) => side.key === target.vs);
  const ratio = other ? ratioOf(median(subject.values), median(other.values)) : NaN;
  if (!Number.isFinite(median(subject.values))) return { ratio, status: `NOT met (${subject.label} failed)` };
  if (!Number.isFinite(ratio)) return { ratio, status: "not measured" };
  const met = target.op === ">=" ? ratio >= target.ratio : ratio <= target.ratio;
  return { ratio, status: met ? "met" : "NOT met" };
}

const TABLE_INTRO = {
  core: (m) =>
    `Ratio = ${m.subjectLabel} / ${m.referenceLabel} of the medians. For msgs/s higher is better (a ratio above 1 means ${m.subjectLabel} is faster); ` +
    `for latency and memory lower is better (a ratio below 1 means ${m.subjectLabel} is better).`,
  jetstream: (m) =>
    `JetStream (file storage, one server, R1). Every server runs on its own new, empty store directory. ` +
    `**${m.subjectLabel}**: its default, fsync before each PubAck (group commit). ` +
    `**${m.referenceLabel} default**: its default, lazy fsync (\`sync_interval\` 2 min): a PubAck does not mean the message is on disk. ` +
    `**${m.alwaysLabel}**: config file \`jetstream { sync_interval: always }\`, fsync of every write. ` +
    "Ratios are natsts / that column of the medians; msgs/s, higher is better.",
};

/**
 * rows: [{ scenario, figure, sides: [side, ...] }], side = { key, label, values, errors, detail }; the first
 * side is the subject (errors and detail belong to the scenario: the rows of one scenario share them).
 * meta: { date, machine, subjectLabel, referenceLabel, alwaysLabel, versions, rounds, command, notes[] }
 */
export function renderMarkdown(meta, rows) {
  const S = meta.subjectLabel;
  const R = meta.referenceLabel;
  const out = [];
  out.push("# natsts benchmark results", "");
  out.push(`- Date: ${meta.date}`);
  out.push(`- Machine: ${meta.machine}`);
  out.push(`- ${S}: ${meta.versions.subject}`);
  out.push(`- ${R}: ${meta.versions.reference}`);
  out.push(`- Load generator: ${meta.versions.cli}`);
  const third = rows.some((row) => row.sides.length > 2) ? `, ${meta.alwaysLabel} round 1 (JetStream)` : "";
  out.push(
    `- Rounds: ${meta.rounds}, alternating the servers (${S} round 1, ${R} round 1${third}, ${S} round 2, …); ` +
      "each figure is the median of its rounds",
  );
  out.push(`- Command: \`${meta.command}\``);
  for (const n of meta.notes) out.push(`- ${n}`);

  // One table per kind of scenario, in order of first appearance.
  const kinds = [];
  for (const row of rows) {
    const kind = row.scenario.sides ?? "core";
    if (!kinds.includes(kind)) kinds.push(kind);
  }
  for (const kind of kinds) {
    const group = rows.filter((row) => (row.scenario.sides ?? "core") === kind);
    const labels = group[0].sides.map((side) => side.label);
    out.push("");
    if (kinds.length > 1) out.push(`## ${kind === "core" ? "Core NATS" : kind === "jetstream" ? "JetStream" : kind}`, "");
    if (TABLE_INTRO[kind]) out.push(TABLE_INTRO[kind](meta), "");
    const ratioHeads = labels.slice(1).map((l) => `${labels[0]} / ${l}`);
    out.push(`| Figure | ${labels.join(" | ")} | ${ratioHeads.join(" | ")} |`);
    out.push(`|---|${labels.map(() => "---:").join("|")}|${ratioHeads.map(() => "---:").join("|")}|`);
    for (const row of group) {
      const { figure } = row;
      let how = figure.better === "higher" ? "higher is better" : "lower is better";
      if (figure.unit === "µs") how += "; ratio of latencies";
      const label = `${figure.label} (${figure.unit}, ${how})`;
      const cells = row.sides.map((side) => valueCell(side, figure.unit, meta.rounds));
      const s = median(row.sides[0].values);
      const ratios = row.sides.slice(1).map((side) => formatRatio(ratioOf(s, median(side.values))));
      out.push(`| ${label} | ${cells.join(" | ")} | ${ratios.join(" | ")} |`);
    }
  }

  const byIssue = new Map();
  for (const row of rows) {
    for (const target of targetsOf(row.figure)) {
      if (!byIssue.has(target.issue)) byIssue.set(target.issue, []);
      byIssue.get(target.issue).push({ row, target });
    }
  }
  for (const [issue, list] of [...byIssue].sort((a, b) => a[0] - b[0])) {
    out.push("", `## Targets (issue #${issue})`, "");
    out.push("| Target | Ratio | Status |");
    out.push("|---|---:|---|");
    for (const { row, target } of list) {
      const { ratio, status } = targetStatus(target, row);
      out.push(`| ${target.text} | ${formatRatio(ratio)} | ${status} |`);
    }
  }

  const failed = [];
  const seen = new Set();
  for (const row of rows) {
    if (seen.has(row.scenario)) continue;
    seen.add(row.scenario);
    for (const side of row.sides) for (const e of side.errors) failed.push(`- **${row.scenario.id}**, ${side.label}: ${cellText(e, 400)}`);
  }
  if (failed.length) out.push("", "## Failures", "", ...failed);

  out.push("", "## Rounds", "");
  out.push("Every measured value, in round order (the calibration/warm-up runs are not shown).", "");
  let lastScenario = null;
  for (const row of rows) {
    if (row.scenario !== lastScenario) {
      lastScenario = row.scenario;
      out.push(`- **${row.scenario.id}** — ${row.scenario.title}`);
      for (const side of row.sides) {
        if (side.detail) out.push(`  - ${side.label}: ${side.detail}`);
        for (const e of side.errors) out.push(`  - ${side.label} error: ${cellText(e, 400)}`);
      }
    }
    for (const side of row.sides) {
      const vals = side.values.map((v) => formatValue(v, row.figure.unit)).join(", ") || "none";
      out.push(`  - ${row.figure.label}, ${side.label}: ${vals}`);
    }
  }
  out.push("");
  return out.join("\n");
}
