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

function targetStatus(target, ratio) {
  if (!Number.isFinite(ratio)) return "not measured";
  const met = target.op === ">=" ? ratio >= target.ratio : ratio <= target.ratio;
  return met ? "met" : "NOT met";
}

/**
 * rows: [{ scenario, figure, subject: side, reference: side }], side = { values, errors, detail }
 * (errors and detail belong to the scenario: the rows of one scenario share them)
 * meta: { date, machine, subjectLabel, referenceLabel, versions, rounds, mode, notes[], params }
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
  out.push(
    `- Rounds: ${meta.rounds}, alternating ${S} and ${R} (${S} round 1, ${R} round 1, ${S} round 2, …); ` +
      "each figure is the median of its rounds",
  );
  out.push(`- Command: \`${meta.command}\``);
  for (const n of meta.notes) out.push(`- ${n}`);
  out.push("");
  out.push(
    `Ratio = ${S} / ${R} of the medians. For msgs/s higher is better (a ratio above 1 means ${S} is faster); ` +
      `for latency and memory lower is better (a ratio below 1 means ${S} is better).`,
  );
  out.push("");
  out.push(`| Figure | ${S} | ${R} | ${S} / ${R} |`);
  out.push("|---|---:|---:|---:|");
  for (const row of rows) {
    const { figure } = row;
    const s = median(row.subject.values);
    const r = median(row.reference.values);
    let how = figure.better === "higher" ? "higher is better" : "lower is better";
    if (figure.unit === "µs") how += "; ratio of latencies";
    const label = `${figure.label} (${figure.unit}, ${how})`;
    out.push(`| ${label} | ${formatValue(s, figure.unit)} | ${formatValue(r, figure.unit)} | ${formatRatio(ratioOf(s, r))} |`);
  }
  const targeted = rows.filter((row) => row.figure.target);
  if (targeted.length) {
    out.push("", "## Targets (issue #2)", "");
    out.push(`| Target | ${S} / ${R} | Status |`);
    out.push("|---|---:|---|");
    for (const row of targeted) {
      const ratio = ratioOf(median(row.subject.values), median(row.reference.values));
      out.push(`| ${row.figure.target.text} | ${formatRatio(ratio)} | ${targetStatus(row.figure.target, ratio)} |`);
    }
  }
  out.push("", "## Rounds", "");
  out.push("Every measured value, in round order (the calibration/warm-up runs are not shown).", "");
  let lastScenario = null;
  for (const row of rows) {
    if (row.scenario !== lastScenario) {
      lastScenario = row.scenario;
      out.push(`- **${row.scenario.id}** — ${row.scenario.title}`);
      for (const [label, side] of [
        [S, row.subject],
        [R, row.reference],
      ]) {
        if (side.detail) out.push(`  - ${label}: ${side.detail}`);
        for (const e of side.errors) out.push(`  - ${label} error: ${e}`);
      }
    }
    for (const [label, side] of [
      [S, row.subject],
      [R, row.reference],
    ]) {
      const vals = side.values.map((v) => formatValue(v, row.figure.unit)).join(", ") || "none";
      out.push(`  - ${row.figure.label}, ${label}: ${vals}`);
    }
  }
  out.push("");
  return out.join("\n");
}
